from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired

from yumroad.forms import (
    current_password_field,
    email_field,
    name_field,
    new_password_field,
    password_confirmation_field,
    strip_filter,
)
from yumroad.models import STORE_NAME_MAX_LENGTH


class RegisterForm(FlaskForm):
    email = email_field("Email")
    password = new_password_field()
    confirm = password_confirmation_field()
    store_name = name_field("Store name", STORE_NAME_MAX_LENGTH)


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip_filter], validators=[DataRequired("Enter your email address.")])
    password = current_password_field()
    remember = BooleanField("Keep me logged in on this device")
