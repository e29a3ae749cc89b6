from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email

from yumroad.forms import strip_filter


class FreshLinksForm(FlaskForm):
    email = EmailField(
        "The email you bought with",
        filters=[strip_filter],
        validators=[DataRequired("Enter your email address."), Email("Enter a valid email address.")],
    )
