from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from yumroad.forms import email_field, name_field, strip_filter
from yumroad.models import STORE_NAME_MAX_LENGTH

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


class RegisterForm(FlaskForm):
    email = email_field("Email")
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=f"Use {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[
            DataRequired("Type your password again."),
            EqualTo("password", "The passwords do not match."),
        ],
    )
    store_name = name_field("Store name", STORE_NAME_MAX_LENGTH)


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip_filter], validators=[DataRequired("Enter your email address.")])
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=PASSWORD_MAX_LENGTH, message=f"Passwords have at most {PASSWORD_MAX_LENGTH} characters."),
        ],
    )
    remember = BooleanField("Keep me logged in on this device")
