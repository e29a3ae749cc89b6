from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from yumroad.forms import PriceField, email_field, strip_filter
from yumroad.models import Product


class BuyForm(FlaskForm):
    """A logged-in buyer's "Buy" button: the receipt goes to their account's email."""

    amount = PriceField("Your price (USD)", required=False)  # for pay-what-you-want products
    discount_code = StringField("Discount code", filters=[strip_filter], validators=[Length(max=40)])


class GuestBuyForm(BuyForm):
    email = email_field(
        "Your email",
        "Enter the email to send the receipt to.",
        description="We send the receipt and the download link here.",
    )


class TestCardForm(FlaskForm):
    card_number = StringField(
        "Card number",
        filters=[strip_filter],
        validators=[DataRequired("Enter a test card number.")],
        description="Test mode: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.",
    )
    expiry = StringField("Expiry (MM/YY)", filters=[strip_filter], default="12/34")
    cvc = StringField("CVC", filters=[strip_filter], default="123")


def buy_form(product: Product) -> BuyForm:
    """The buy form for whoever is looking (guests also give an email), offering the product's price."""
    form_class = BuyForm if current_user.is_authenticated else GuestBuyForm
    return form_class(amount=product.offered_price_cents)
