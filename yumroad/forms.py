"""Form pieces shared by the feature packages."""

from collections.abc import Callable
from typing import Any

from wtforms import Field, Form, ValidationError


def strip_filter(value: Any) -> Any:
    """Trim what was typed, and drop NUL characters, which no text column accepts everywhere."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class Rule:
    """A WTForms validator that applies a rule written once elsewhere (it raises ValueError)."""

    def __init__(self, rule: Callable[[Any], object]) -> None:
        self.rule = rule

    def __call__(self, form: Form, field: Field) -> None:
        try:
            self.rule(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error
