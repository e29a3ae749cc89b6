from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, Form, ValidationError

from yumroad.forms import PriceField, description_field, name_field
from yumroad.models import PRODUCT_NAME_MAX_LENGTH
from yumroad.pictures import ACCEPTED_MEDIA_TYPES, InvalidPicture, check_picture
from yumroad.product_files import InvalidProductFile, check_product_file
from yumroad.products.services import ProductDetails, Upload
from yumroad.sizes import format_size, too_large

DESCRIPTION_MAX_LENGTH = 10_000


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
    pay_what_you_want = BooleanField("Let buyers pay what they want: the price above is the minimum")
    suggested_price = PriceField(
        "Suggested price (USD)",
        required=False,
        description="Optional, with pay what you want: what the buy box offers.",
    )
    picture = FileField(
        "Picture",
        validators=[valid_picture],
        description="Optional. A JPEG, PNG, WebP or GIF picture; we resize it for you.",
        render_kw={"accept": ACCEPTED_MEDIA_TYPES},
    )
    remove_picture = BooleanField("Remove the current picture")
    file = FileField(
        "File to sell",
        validators=[valid_product_file],
        description="What buyers download after paying: a PDF, a ZIP, audio, anything.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The size limits are settings: say them next to the fields, and give them to upload-progress.js,
        # which refuses a file too large before sending it, with the server's own message.
        for field, setting, what in (
            (self.picture, "MAX_PICTURE_SIZE", "picture"),
            (self.file, "MAX_PRODUCT_FILE_SIZE", "file"),
        ):
            limit = current_app.config[setting]
            field.description = f"{field.description} Up to {format_size(limit)}."
            field.render_kw = {
                **(field.render_kw or {}),
                "data-max-size": limit,
                "data-max-size-message": too_large(what, limit),
            }

    def validate_suggested_price(self, field: Field) -> None:
        if field.data is not None and self.price.data is not None and field.data < self.price.data:
            raise ValidationError("The suggested price cannot be below the price.")

    def details(self) -> ProductDetails:
        """What the creator sent, for the services."""
        picture, file = self.picture.data, self.file.data
        return ProductDetails(
            name=self.name.data,
            description=self.description.data,
            price_cents=self.price.data,
            pay_what_you_want=self.pay_what_you_want.data,
            suggested_price_cents=self.suggested_price.data if self.pay_what_you_want.data else None,
            picture=picture.stream if picture else None,
            file=Upload(file.stream, file.filename or "") if file else None,
            remove_picture=self.remove_picture.data,
        )
