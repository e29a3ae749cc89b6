from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from yumroad.forms import PriceField, strip_filter
from yumroad.models import DISCOUNT_CODE_MAX_LENGTH, Product


class DiscountCodeForm(FlaskForm):
    code = StringField(
        "Code",
        filters=[strip_filter],
        validators=[
            DataRequired("Choose a code, e.g. LAUNCH20."),
            Length(min=3, max=DISCOUNT_CODE_MAX_LENGTH, message="Use 3 to 40 characters."),
            Regexp(r"^[A-Za-z0-9_-]+$", message="Use letters, digits, - and _ only."),
        ],
        description="Buyers type it on the buy form; capitals or not, it is the same code.",
    )
    kind = RadioField(
        "Discount",
        choices=[SelectChoice("percent", "A percentage off"), SelectChoice("amount", "An amount off")],
        default="percent",
    )
    percent_off = IntegerField("Percent off", validators=[Optional(), NumberRange(1, 100, "Between 1 and 100.")])
    amount_off = PriceField("Amount off (USD)", required=False)
    product_id = SelectField("For", coerce=int, default=0)
    starts_at = DateTimeLocalField("Starts (UTC)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    expires_at = DateTimeLocalField("Expires (UTC)", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    max_uses = IntegerField(
        "Maximum uses",
        validators=[Optional(), NumberRange(min=1, max=1_000_000, message="From 1 to 1,000,000.")],
        description="Optional. Only paid orders count.",
    )

    def __init__(self, products: list[Product], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        every = SelectChoice(0, "Every product of the store")
        self.product_id.choices = [every, *(SelectChoice(product.id, product.name) for product in products)]

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == "percent" and self.percent_off.data is None and not self.percent_off.errors:
            self.percent_off.errors.append("Enter the percentage off.")  # Optional() stops its own checks
            return False
        return valid

    def validate_amount_off(self, field: Field) -> None:
        if self.kind.data == "amount" and not field.data:
            raise ValidationError("Enter the amount off, more than 0.")

    def validate_expires_at(self, field: Field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("The code must expire after it starts.")

    def as_utc(self, moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=UTC) if moment is not None else None
