from flask_wtf import FlaskForm

from yumroad.forms import description_field, name_field
from yumroad.models import STORE_NAME_MAX_LENGTH

DESCRIPTION_MAX_LENGTH = 5000


class StoreForm(FlaskForm):
    name = name_field("Store name", STORE_NAME_MAX_LENGTH)
    description = description_field(DESCRIPTION_MAX_LENGTH, "Tell buyers what your store is about.")
