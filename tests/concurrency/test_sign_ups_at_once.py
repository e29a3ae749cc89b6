"""Two sign-ups with one email at the same moment: one account, and the other person is told why."""

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import event

from tests.apps import drop_everything, make_app, shared_database_uri
from tests.concurrency.races import race
from tests.database import all_rows, count_rows
from tests.postgres import postgres_only
from yumroad.extensions import db
from yumroad.models import Store, User, utc_now
from yumroad.users.services import EmailAlreadyRegistered, register_creator


@postgres_only
def test_two_sign_ups_with_one_email_at_once_make_one_account(live_app):
    def sign_up(store_name: str):
        def register() -> tuple[int, str]:
            response = requests.post(
                f"{live_app}/register",
                data={
                    "email": "Twin@Example.com",
                    "password": "long enough",
                    "confirm": "long enough",
                    "store_name": store_name,
                },
                allow_redirects=False,
                timeout=30,
            )
            error = BeautifulSoup(response.text, "html.parser").select_one("#email ~ .invalid-feedback")
            return response.status_code, error.text.strip() if error else ""

        return register

    # The test's own uncommitted sign-up holds the email: both racers pass the "is it taken?" check
    # and wait on the unique index; then it rolls back, one racer wins, and the other must lose well.
    results = race(
        [sign_up("First store"), sign_up("Second store")],
        holding="INSERT INTO \"user\" (email, password_hash, created_at) VALUES ('twin@example.com', 'x', now())",
    )

    assert sorted(results) == [(200, "This email is already registered: log in instead."), (302, "")]
    [user] = all_rows(User)
    assert user.email == "twin@example.com"
    assert len(all_rows(Store)) == 1


def test_a_sign_up_beaten_to_the_commit_is_told_the_email_is_taken(tmp_path):
    # On any database: another connection commits the same email between our check and our write.
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=shared_database_uri(tmp_path))
    with app.app_context():

        def someone_else_signs_up_first(*_) -> None:
            with db.engine.begin() as other:
                other.execute(db.insert(User).values(email="twin@example.com", password_hash="x", created_at=utc_now()))

        event.listen(db.session(), "before_flush", someone_else_signs_up_first, once=True)

        with pytest.raises(EmailAlreadyRegistered):
            register_creator("twin@example.com", "long enough", "Second store")

        assert [user.password_hash for user in all_rows(User)] == ["x"]
        assert count_rows(Store) == 0
    drop_everything(app)
