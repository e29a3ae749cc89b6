"""`flask staff grant|revoke|list`: staff access is given and taken away from the command line only."""

import logging

import pytest

from tests.factories import UserFactory
from yumroad.extensions import db
from yumroad.models import User


def staff_command(app, *arguments: str):
    return app.test_cli_runner().invoke(args=["staff", *arguments])


def is_staff(user: User) -> bool:
    db.session.expire_all()
    return db.session.get(User, user.id).is_staff


def test_granting_makes_a_user_staff_logs_it_and_opens_the_staff_area(app, log_in, caplog):
    user = UserFactory(email="ana@example.com")
    assert log_in(user).get("/staff/").status_code == 403

    with caplog.at_level(logging.INFO, logger="yumroad"):
        result = staff_command(app, "grant", " ANA@example.com ")

    assert result.exit_code == 0, result.output
    assert "ana@example.com is staff now" in result.output
    assert is_staff(user)
    assert f"staff access granted: user {user.id} (ana@example.com), from the command line" in caplog.text
    assert log_in(user).get("/staff/").status_code == 200


def test_revoking_takes_staff_access_away_and_logs_it(app, log_in, caplog):
    user = UserFactory(email="ana@example.com", is_staff=True)
    their_session = log_in(user)
    assert their_session.get("/staff/").status_code == 200

    with caplog.at_level(logging.INFO, logger="yumroad"):
        result = staff_command(app, "revoke", "ana@example.com")

    assert result.exit_code == 0, result.output
    assert "ana@example.com is no longer staff." in result.output
    assert not is_staff(user)
    assert f"staff access revoked: user {user.id} (ana@example.com), from the command line" in caplog.text
    assert their_session.get("/staff/").status_code == 403


def test_granting_or_revoking_again_changes_nothing(app, caplog):
    staff, other = UserFactory(email="ana@example.com", is_staff=True), UserFactory(email="leo@example.com")

    with caplog.at_level(logging.INFO, logger="yumroad"):
        granted = staff_command(app, "grant", "ana@example.com")
        revoked = staff_command(app, "revoke", "leo@example.com")

    assert (granted.exit_code, revoked.exit_code) == (0, 0)
    assert "ana@example.com is already staff: nothing changed." in granted.output
    assert "leo@example.com is not staff: nothing changed." in revoked.output
    assert (is_staff(staff), is_staff(other)) == (True, False)
    assert "staff access" not in caplog.text


@pytest.mark.parametrize("command", ["grant", "revoke"])
def test_an_unknown_email_is_an_error(app, command):
    UserFactory(email="ana@example.com", is_staff=command == "revoke")

    result = staff_command(app, command, "nobody@example.com")

    assert result.exit_code == 1
    assert "Error: No user has the email nobody@example.com." in result.output
    assert [user.is_staff for user in db.session.scalars(db.select(User))] == [command == "revoke"]


def test_listing_shows_the_staff_members_only(app):
    assert "No staff members yet" in staff_command(app, "list").output
    leo = UserFactory(email="leo@example.com", is_staff=True)
    ana = UserFactory(email="ana@example.com", is_staff=True)
    UserFactory(email="maya@example.com")

    result = staff_command(app, "list")

    assert result.exit_code == 0
    assert result.output.splitlines() == [f"ana@example.com (user {ana.id})", f"leo@example.com (user {leo.id})"]


def test_no_form_on_the_site_sets_the_staff_flag(client):
    """The flag has no field anywhere: sent along with a sign-up, it is ignored."""
    fields = {"email": "sly@example.com", "password": "long enough", "confirm": "long enough", "store_name": "Sly"}
    response = client.post("/register", data=fields | {"store_name": "Sly Store", "is_staff": "y"})

    assert response.status_code == 302
    [user] = db.session.scalars(db.select(User))
    assert (user.email, user.is_staff) == ("sly@example.com", False)
