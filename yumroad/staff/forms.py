from flask_wtf import FlaskForm
from wtforms import TextAreaField

from yumroad.forms import Rule, strip_filter
from yumroad.staff.services import REASON_MAX_LENGTH, check_reason


class ReasonForm(FlaskForm):
    """Why a staff member acts: required, a few words at least; the owner is emailed it."""

    reason = TextAreaField(
        "Reason",
        filters=[strip_filter],
        validators=[Rule(check_reason, required=True, maxlength=REASON_MAX_LENGTH)],
        description="The owner gets it by email, and it is kept in the audit log.",
    )
