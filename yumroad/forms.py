"""Form pieces shared by the feature packages.

Each field's rules are written once, in its validators; WTForms renders the HTML constraint attributes
they imply (DataRequired: required, Length: maxlength, NumberRange: min and max), so that the browser
checks first, and the server's messages have the last word. Validators of our own declare theirs in
`field_flags`.
"""

from collections.abc import Callable
from typing import Any

from wtforms import EmailField, Field, Form, PasswordField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Email, EqualTo, Length

from yumroad.models import EMAIL_MAX_LENGTH, NAME_MIN_LENGTH, clean_name
from yumroad.money import PRICE_INPUT_PATTERN, PRICE_MESSAGE, format_price_for_input, parse_price


def strip_filter(value: Any) -> Any:
    """Trim what was typed, and drop NUL characters, which no text column accepts everywhere."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class Rule:
    """A WTForms validator that applies a rule written once elsewhere (it raises ValueError).

    `field_flags` are the HTML constraints the rule implies, e.g. required=True, maxlength=80.
    """

    def __init__(self, rule: Callable[[Any], object], **field_flags: Any) -> None:
        self.rule = rule
        self.field_flags = field_flags

    def __call__(self, form: Form, field: Field) -> None:
        try:
            self.rule(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error


def name_field(label: str, max_length: int, **options: Any) -> StringField:
    """A store or product name, checked by the same rule as the model's."""
    rule = Rule(
        lambda name: clean_name(name, max_length), required=True, minlength=NAME_MIN_LENGTH, maxlength=max_length
    )
    return StringField(label, filters=[strip_filter], validators=[rule], **options)


def description_field(max_length: int, help_text: str) -> TextAreaField:
    return TextAreaField(
        "Description",
        filters=[strip_filter],
        validators=[Length(max=max_length, message=f"Use at most {max_length:,} characters.")],
        description=help_text,
    )


def email_field(label: str, required_message: str = "Enter your email address.", **options: Any) -> EmailField:
    """An email address we can send mail to: ASCII before the @ (a domain may be international)."""
    return EmailField(
        label,
        filters=[strip_filter],
        validators=[
            DataRequired(required_message),
            # email-validator also refuses addresses longer than the column's 254 characters.
            Email("Enter a valid email address, like you@example.com.", allow_smtputf8=False),
            Length(max=EMAIL_MAX_LENGTH, message=f"Use at most {EMAIL_MAX_LENGTH} characters."),
        ],
        **options,
    )


PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def new_password_field(label: str = "Password", required_message: str = "Choose a password.") -> PasswordField:
    """A password being chosen: the one rule for every form that sets one (sign-up, reset, settings)."""
    return PasswordField(
        label,
        validators=[
            DataRequired(required_message),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=f"Use {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters.",
            ),
        ],
    )


def password_confirmation_field(label: str = "Confirm password", matching: str = "password") -> PasswordField:
    """The chosen password typed again; it must match the field named `matching`."""
    return PasswordField(
        label,
        validators=[
            DataRequired("Type your password again."),
            EqualTo(matching, "The passwords do not match."),
        ],
    )


def current_password_field(label: str = "Password", required_message: str = "Enter your password.") -> PasswordField:
    """A password the user already has (to log in, or to confirm a change): checked by a service."""
    return PasswordField(
        label,
        validators=[
            DataRequired(required_message),
            Length(max=PASSWORD_MAX_LENGTH, message=f"Passwords have at most {PASSWORD_MAX_LENGTH} characters."),
        ],
    )


class PriceField(StringField):
    """A price typed in dollars ('12.50'); its data is the amount in cents (None if optional and blank)."""

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        # The browser shows parse_price's own words when the pattern refuses a price (static/js/forms.js).
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "data-pattern-message": PRICE_MESSAGE})
        super().__init__(*args, **kwargs)
        self.required = required
        # parse_price's rule, for the browser: rendered as `required` and `pattern`.
        self.flags.required = required
        self.flags.pattern = PRICE_INPUT_PATTERN

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        typed = valuelist[0] if valuelist else ""
        if self.required or typed.strip():
            self.data = parse_price(typed)  # a ValueError becomes the field's error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_price_for_input(self.data) if self.data is not None else ""
