"""Yumroad: a marketplace where creators open a store and sell digital products."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from yumroad.config import FIXED_SETTINGS, finish_config, settings_from_environment
from yumroad.extensions import bootstrap, csrf, db, login_manager, mail, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment unless `config` overrides them (tests)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(FIXED_SETTINGS)
    app.config.update(settings_from_environment())
    app.config.from_prefixed_env()
    if config is not None:
        app.config.update(config)
    finish_config(app.config, app.instance_path)
    os.makedirs(app.instance_path, exist_ok=True)

    register_observability(app)  # first, so that every other hook runs within a request id
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_commands(app)
    register_jobs(app)
    register_protections(app)
    register_page_cache(app)  # after the rate limits, so that a kept page is counted too
    return app


def register_extensions(app: Flask) -> None:
    from yumroad import models, search  # noqa: F401 (search adds its index to the product table)

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "users.login"

    @login_manager.unauthorized_handler
    def ask_to_log_in() -> Response:
        flash("Log in to continue.", "info")
        # Come back here after logging in, if "here" is a page: a POST-only URL cannot be reopened.
        can_reopen = request.url_rule is not None and "GET" in (request.url_rule.methods or ())
        next_page = request.full_path.removesuffix("?") if can_reopen else None
        return redirect(url_for("users.login", next=next_page))

    @login_manager.user_loader
    def load_user(login_id: str) -> models.User | None:
        """The user of a login cookie ("id:version", see User.get_id), if that login still holds.

        A login made before the user's session version was bumped (log out everywhere, a new
        password) no longer holds, nor does that of a suspended or deleted user.
        """
        user_id, _, version = login_id.partition(":")
        if not (user_id.isdecimal() and version.isdecimal()):
            return None
        user = db.session.get(models.User, int(user_id))
        if user is None or user.session_version != int(version) or not user.is_active:
            return None
        return user


def register_page_cache(app: Flask) -> None:
    from yumroad.caching import register_page_cache

    register_page_cache(app)


def register_blueprints(app: Flask) -> None:
    from yumroad.accounts.views import bp as accounts_bp
    from yumroad.checkout.views import bp as checkout_bp
    from yumroad.dashboard.views import bp as dashboard_bp
    from yumroad.discounts.views import bp as discounts_bp
    from yumroad.downloads.views import bp as downloads_bp
    from yumroad.health import bp as health_bp
    from yumroad.landing.views import bp as landing_bp
    from yumroad.leaving.views import bp as leaving_bp
    from yumroad.media.views import bp as media_bp
    from yumroad.products.views import bp as products_bp
    from yumroad.reviews.views import bp as reviews_bp
    from yumroad.routing import DatabaseIdConverter
    from yumroad.staff.views import bp as staff_bp
    from yumroad.stores.views import bp as stores_bp
    from yumroad.users.views import bp as users_bp

    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added

    for blueprint in (
        landing_bp,
        users_bp,
        accounts_bp,
        stores_bp,
        products_bp,
        checkout_bp,
        downloads_bp,
        discounts_bp,
        reviews_bp,
        dashboard_bp,
        leaving_bp,
        staff_bp,
        media_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    from yumroad.money import decimal_amount
    from yumroad.sizes import format_size
    from yumroad.templating import format_date, highlight, hours, money, picture_url, summary, time_ago, timestamp
    from yumroad.urls import public_url, public_url_for

    for template_global in (picture_url, public_url, public_url_for):
        app.add_template_global(template_global)
    template_filters = (decimal_amount, format_date, format_size, highlight, hours, money, summary, time_ago, timestamp)
    for template_filter in template_filters:
        app.add_template_filter(template_filter)


def register_error_handlers(app: Flask) -> None:
    from yumroad.errors import register

    register(app)


def register_observability(app: Flask) -> None:
    from yumroad.observability import register_observability as register

    register(app)


def register_protections(app: Flask) -> None:
    """Security headers on every response, rate limits on the views (so after the blueprints)."""
    from yumroad.ratelimits import register_rate_limits
    from yumroad.security import register_security

    register_security(app)
    register_rate_limits(app)


def register_commands(app: Flask) -> None:
    from yumroad.checkout.commands import send_receipts_command
    from yumroad.demo import seed_demo_command
    from yumroad.leaving.commands import remove_expired_files_command
    from yumroad.staff.commands import staff_command

    for command in (seed_demo_command, send_receipts_command, remove_expired_files_command, staff_command):
        app.cli.add_command(command)


def register_jobs(app: Flask) -> None:
    from yumroad.jobs import register

    register(app)
