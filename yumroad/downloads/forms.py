from flask_wtf import FlaskForm

from yumroad.forms import email_field


class FreshLinksForm(FlaskForm):
    email = email_field("The email you bought with")
