"""Form pieces shared by the feature packages."""

from collections.abc import Callable
from typing import Any

from wtforms import EmailField, Field, Form, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Email, Length

from yumroad.models import clean_name
from yumroad.money import format_price_for_input, parse_price


def strip_filter(value: Any) -> Any:
    """Trim what was typed, and drop NUL characters, which no text column accepts everywhere."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class Rule:
    """A WTForms validator that applies a rule written once elsewhere (it raises ValueError)."""

    def __init__(self, rule: Callable[[Any], object]) -> None:
        self.rule = rule

    def __call__(self, form: Form, field: Field) -> None:
        try:
            self.rule(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error


def name_field(label: str, max_length: int, **options: Any) -> StringField:
    """A store or product name, checked by the same rule as the model's."""
    return StringField(
        label, filters=[strip_filter], validators=[Rule(lambda name: clean_name(name, max_length))], **options
    )


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
        ],
        **options,
    )


class PriceField(StringField):
    """A price typed in dollars ('12.50'); its data is the amount in cents (None if optional and blank)."""

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.required = required

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        typed = valuelist[0] if valuelist else ""
        if self.required or typed.strip():
            self.data = parse_price(typed)  # a ValueError becomes the field's error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_price_for_input(self.data) if self.data is not None else ""
