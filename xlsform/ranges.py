"""``range`` rows: a number held between start and end on a step (pyxform's defaults
start=1 end=10 step=1). The question is an integer one, a decimal one when any parameter
is not a whole number; ``Question.bounds`` keeps the parameters as written."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import FormError

DEFAULTS = {"start": "1", "end": "10", "step": "1"}
# The default message, with the bounds put in after translation (survey_app/answer_messages).
MESSAGE = "Enter a number from {start} to {end} in steps of {step}."


class Message(str):
    """A default message whose words are translated before its fields are filled in:
    ``str(message)`` is the English text, ``template`` and ``fields`` rebuild it."""

    template: str
    fields: dict[str, str]

    def __new__(cls, template: str, **fields: str) -> Message:
        message = super().__new__(cls, template.format(**fields))
        message.template, message.fields = template, fields
        return message


def bounds_of(element: dict[str, Any], row: int | None) -> tuple[str, list[str]]:
    """The question type ("integer" or "decimal") and [start, end, step] of a range row;
    FormError naming the row's parameters column when one is not a number or the step is
    not above zero."""
    given = element.get("parameters") or {}
    texts = [str(given.get(key, DEFAULTS[key])).strip() for key in ("start", "end", "step")]
    try:
        numbers = [Decimal(text) for text in texts]
    except InvalidOperation:
        raise FormError("range parameters start, end and step must be numbers",
                        "survey", row, "parameters") from None
    if not all(number.is_finite() for number in numbers) or numbers[2] <= 0:
        raise FormError("range parameters must be numbers and step above zero",
                        "survey", row, "parameters")
    whole = all(number == number.to_integral_value() for number in numbers)
    return ("integer" if whole else "decimal"), texts


def within(bounds: list[str], text: str) -> bool:
    """Whether the number ``text`` lies between start and end (either order) on the step
    counted from start; exact decimal arithmetic, as logic.js's rangeFits."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    start, end, step = (Decimal(part) for part in bounds)
    if not min(start, end) <= value <= max(start, end):
        return False
    try:
        return (value - start) % step == 0
    except InvalidOperation:  # more steps than Decimal's precision counts
        return False


def message(bounds: list[str]) -> Message:
    start, end, step = bounds
    return Message(MESSAGE, start=start, end=end, step=step)
