"""The signed account links (yumroad/accounts/tokens.py) and the services that use them once."""

import pytest

from tests.account_links import signed_ago, with_values
from tests.factories import PASSWORD, UserFactory
from yumroad.accounts import services
from yumroad.accounts.tokens import (
    ExpiredLink,
    LinkPurpose,
    TamperedLink,
    UsedLink,
    describe_lifetime,
    make_token,
    read_token,
    reset_fingerprint,
)
from yumroad.extensions import db


def test_a_token_reads_back_within_its_lifetime(app):
    with app.test_request_context():
        token = make_token(LinkPurpose.EMAIL_VERIFICATION, 7, "maya@example.com")
        assert read_token(LinkPurpose.EMAIL_VERIFICATION, token, length=2) == [7, "maya@example.com"]


def test_each_purpose_has_its_own_salt(app):
    with app.test_request_context():
        token = make_token(LinkPurpose.EMAIL_VERIFICATION, 7, "maya@example.com")
        for other in (LinkPurpose.PASSWORD_RESET, LinkPurpose.EMAIL_CHANGE):
            with pytest.raises(TamperedLink):
                read_token(other, token, length=2)


def test_a_token_with_the_wrong_number_of_values_is_tampered(app):
    with app.test_request_context():
        token = make_token(LinkPurpose.EMAIL_CHANGE, 7, "maya@example.com")
        with pytest.raises(TamperedLink):
            read_token(LinkPurpose.EMAIL_CHANGE, token, length=3)


def test_another_secret_key_makes_every_token_tampered(app):
    with app.test_request_context():
        token = make_token(LinkPurpose.PASSWORD_RESET, 7, "abc")
        app.config["SECRET_KEY"] = "another-secret"
        with pytest.raises(TamperedLink):
            read_token(LinkPurpose.PASSWORD_RESET, token, length=2)


@pytest.mark.parametrize(
    ("purpose", "setting"),
    [
        (LinkPurpose.PASSWORD_RESET, "PASSWORD_RESET_MAX_AGE"),
        (LinkPurpose.EMAIL_VERIFICATION, "EMAIL_VERIFICATION_MAX_AGE"),
        (LinkPurpose.EMAIL_CHANGE, "EMAIL_CHANGE_MAX_AGE"),
    ],
)
def test_each_purpose_expires_after_its_setting(app, purpose, setting):
    lifetime = app.config[setting]
    with app.test_request_context():
        assert read_token(purpose, signed_ago(app, purpose, lifetime - 5, 1, "x"), length=2) == [1, "x"]
        with pytest.raises(ExpiredLink):
            read_token(purpose, signed_ago(app, purpose, lifetime + 1, 1, "x"), length=2)


def test_changing_a_signed_value_breaks_the_signature(app):
    with app.test_request_context():
        token = make_token(LinkPurpose.PASSWORD_RESET, 7, "abc")
        with pytest.raises(TamperedLink):
            read_token(LinkPurpose.PASSWORD_RESET, with_values(token, 8, "abc"), length=2)


def test_the_fingerprint_is_short_stable_not_the_hash_and_follows_password_and_email(app):
    user = UserFactory()
    fingerprint = reset_fingerprint(user)
    assert fingerprint == reset_fingerprint(user)
    assert len(fingerprint) == 16
    assert fingerprint not in user.password_hash
    user.set_password("something else entirely")
    assert reset_fingerprint(user) != fingerprint
    fingerprint = reset_fingerprint(user)
    user.email = "moved@example.com"
    assert reset_fingerprint(user) != fingerprint


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(3600, "an hour"), (24 * 3600, "24 hours"), (7 * 24 * 3600, "7 days"), (600, "10 minutes"), (30, "a minute")],
)
def test_lifetimes_read_naturally(seconds, words):
    assert describe_lifetime(seconds) == words


def test_a_reset_link_works_once(app):
    user = UserFactory()
    with app.test_request_context():
        token = make_token(LinkPurpose.PASSWORD_RESET, user.id, reset_fingerprint(user))
        assert services.reset_password(token, "first new password").id == user.id
        with pytest.raises(UsedLink):
            services.reset_password(token, "second new password")
    db.session.expire_all()
    assert user.check_password("first new password")
    assert not user.check_password(PASSWORD)


def test_a_reset_link_of_an_unknown_user_is_used_up(app):
    with app.test_request_context():
        token = make_token(LinkPurpose.PASSWORD_RESET, 999, "0" * 16)
        with pytest.raises(UsedLink):
            services.user_of_reset_link(token)
