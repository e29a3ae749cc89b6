from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from yumroad.forms import Rule, strip_filter
from yumroad.models import STORE_NAME_MAX_LENGTH, clean_name

DESCRIPTION_MAX_LENGTH = 5000


class StoreForm(FlaskForm):
    name = StringField(
        "Store name",
        filters=[strip_filter],
        validators=[Rule(lambda name: clean_name(name, STORE_NAME_MAX_LENGTH))],
    )
    description = TextAreaField(
        "Description",
        filters=[strip_filter],
        validators=[Length(max=DESCRIPTION_MAX_LENGTH)],
        description="Tell buyers what your store is about.",
    )
