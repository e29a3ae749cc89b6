from flask_wtf import FlaskForm

from yumroad.forms import current_password_field, email_field, new_password_field, password_confirmation_field


class PasswordResetRequestForm(FlaskForm):
    email = email_field("Email", description="The address you signed up with.")


class PasswordResetForm(FlaskForm):
    password = new_password_field("New password", "Choose a new password.")
    confirm = password_confirmation_field("Confirm new password")


# The settings page holds several forms at once: each has its own prefix, so that its fields' names
# and ids are its own ("email_change-password" is not "password_change-password").


class EmailChangeForm(FlaskForm):
    email = email_field("New email address", "Enter the new email address.")
    password = current_password_field("Your password", "Enter your password: it shows this is you.")


class PasswordChangeForm(FlaskForm):
    current_password = current_password_field("Current password", "Enter your current password.")
    password = new_password_field("New password", "Choose a new password.")
    confirm = password_confirmation_field("Confirm new password")


EMAIL_CHANGE_PREFIX = "email_change"
PASSWORD_CHANGE_PREFIX = "password_change"  # nosec B105: a form's name, not a password
STORE_PREFIX = "store"
