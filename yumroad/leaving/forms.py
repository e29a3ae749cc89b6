from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, ValidationError
from wtforms.validators import DataRequired, Length

from yumroad.forms import current_password_field, strip_filter
from yumroad.models import EMAIL_MAX_LENGTH, User, normalize_email


class DeleteAccountForm(FlaskForm):
    """Deleting cannot be undone: the user types their email (they mean it) and their password (it
    is them, not whoever found their session open or stole its cookie)."""

    email = EmailField(
        "Type your email to confirm",
        filters=[strip_filter],
        validators=[
            DataRequired("Type your email address to confirm."),
            Length(max=EMAIL_MAX_LENGTH, message=f"Use at most {EMAIL_MAX_LENGTH} characters."),
        ],
    )
    password = current_password_field("Your password")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.email.description = f"This account's email is {user.email} (capitals or not, either way)."

    def validate_email(self, field: Field) -> None:
        if normalize_email(field.data) != self.user.email:
            raise ValidationError(f"This is not this account's email: type {self.user.email} to confirm.")

    def validate_password(self, field: Field) -> None:
        if not self.user.check_password(field.data):
            raise ValidationError("Wrong password.")
