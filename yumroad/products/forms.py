from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, Form, StringField, ValidationError

from yumroad.forms import description_field, name_field
from yumroad.models import PRODUCT_NAME_MAX_LENGTH
from yumroad.money import format_price_for_input, parse_price
from yumroad.pictures import InvalidPicture, check_picture
from yumroad.product_files import InvalidProductFile, check_product_file
from yumroad.products.services import ProductDetails, Upload

DESCRIPTION_MAX_LENGTH = 10_000


class PriceField(StringField):
    """A price typed in dollars ('12.50'); its data is the amount in cents."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.data = parse_price(valuelist[0] if valuelist else "")  # a ValueError becomes the field's error

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_price_for_input(self.data) if self.data is not None else ""


def valid_product_file(form: Form, field: Field) -> None:
    if field.data:
        try:
            check_product_file(field.data.stream, current_app.config["MAX_PRODUCT_FILE_SIZE"])
        except InvalidProductFile as error:
            raise ValidationError(str(error)) from error


def valid_picture(form: Form, field: Field) -> None:
    if field.data:
        try:
            check_picture(field.data.stream, current_app.config["MAX_PICTURE_SIZE"])
        except InvalidPicture as error:
            raise ValidationError(str(error)) from error


class ProductForm(FlaskForm):
    name = name_field("Name", PRODUCT_NAME_MAX_LENGTH)
    description = description_field(DESCRIPTION_MAX_LENGTH, "What buyers get, in a few lines.")
    price = PriceField("Price (USD)", description="In dollars, e.g. 12.50. Use 0 for a free product.")
    picture = FileField(
        "Picture",
        validators=[valid_picture],
        description="Optional. A JPEG, PNG, WebP or GIF picture; we resize it for you.",
    )
    remove_picture = BooleanField("Remove the current picture")
    file = FileField(
        "File to sell",
        validators=[valid_product_file],
        description="What buyers download after paying: a PDF, a ZIP, audio, anything.",
    )

    def details(self) -> ProductDetails:
        """What the creator sent, for the services."""
        picture, file = self.picture.data, self.file.data
        return ProductDetails(
            name=self.name.data,
            description=self.description.data,
            price_cents=self.price.data,
            picture=picture.stream if picture else None,
            file=Upload(file.stream, file.filename or "") if file else None,
            remove_picture=self.remove_picture.data,
        )
