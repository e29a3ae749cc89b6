from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length

from yumroad.forms import strip_filter

REVIEW_MAX_LENGTH = 5000
STARS = {5: "5 — excellent", 4: "4 — good", 3: "3 — fine", 2: "2 — poor", 1: "1 — bad"}


class ReviewForm(FlaskForm):
    rating = RadioField(
        "Your rating",
        coerce=int,
        choices=[SelectChoice(stars, label) for stars, label in STARS.items()],
        validators=[DataRequired("Choose a rating from 1 to 5.")],
    )
    body = TextAreaField(
        "Your review",
        filters=[strip_filter],
        validators=[Length(max=REVIEW_MAX_LENGTH, message=f"Use at most {REVIEW_MAX_LENGTH:,} characters.")],
        description="Optional: what did you like, what could be better?",
    )
