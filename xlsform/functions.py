"""The XPath and ODK functions a form author can reach, beyond the core in expressions.py.

Each entry: name -> (fewest arguments, most or None, implementation on evaluated values).
static/logic.js implements every one the same way; tests/test_xlsform_agreement.py runs
them through both. Dates are "YYYY-MM-DD", date-times "YYYY-MM-DDTHH:MM:SS" without a
zone; now() is today's date: the station keeps times to the day.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from .values import DATE_RE, date_of, to_number, to_string

Function = Callable[..., Any]
XPATH_SPACE = re.compile(r"[ \t\r\n]+")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _math(function: Callable[..., float]) -> Function:
    """A math function on numbers that gives NaN (or ±Infinity) where Python raises."""

    def run(*values: Any) -> float:
        numbers = [to_number(v) for v in values]
        try:
            return float(function(*numbers))
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError):
            at_zero = function in (math.log, math.log10) and numbers[0] == 0
            return -math.inf if at_zero else math.nan

    return run


def _pow(base: float, exponent: float) -> float:
    """JavaScript's Math.pow: NaN for any NaN exponent, ±Infinity for 0 to a negative."""
    if math.isnan(exponent):
        return math.nan
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.inf if base == 0 else math.nan


def _round(value: Any, digits: Any = 0) -> float:
    number, places = to_number(value), to_number(digits)
    if not math.isfinite(number) or not math.isfinite(places):
        return number if math.isfinite(places) else math.nan
    scale = 10.0 ** int(places)
    return math.floor(number * scale + 0.5) / scale


def _whole(function: Callable[[float], float]) -> Function:
    def run(value: Any) -> float:
        number = to_number(value)
        return float(function(number)) if math.isfinite(number) else number

    return run


def _extreme(pick: Callable[..., float]) -> Function:
    def run(*values: Any) -> float:
        numbers = [to_number(v) for v in values]
        if not numbers or any(math.isnan(n) for n in numbers):
            return math.nan
        return pick(numbers)

    return run


def _position(value: Any) -> int:
    number = to_number(value)
    return int(number) if math.isfinite(number) else 0


def _substr(text: Any, start: Any, end: Any = None) -> str:
    """ODK substr: from ``start`` (0-based) up to ``end`` (excluded), by characters."""
    chars = list(to_string(text))
    first = max(0, _position(start))
    last = len(chars) if end is None else max(0, _position(end))
    return "".join(chars[first:last])


def _substring(text: Any, start: Any, length: Any = None) -> str:
    """XPath substring: characters at 1-based positions round(start) ... by round()."""
    chars = list(to_string(text))
    first = _round(start)
    last = math.inf if length is None else first + _round(length)
    if math.isnan(first) or math.isnan(last):
        return ""
    return "".join(c for i, c in enumerate(chars, start=1) if first <= i < last)


def _normalize_space(text: Any) -> str:
    return XPATH_SPACE.sub(" ", to_string(text)).strip(" \t\r\n")


def _translate(text: Any, source: Any, target: Any) -> str:
    mapping: dict[str, str | None] = {}
    replacement = list(to_string(target))
    for index, char in enumerate(to_string(source)):
        mapping.setdefault(char, replacement[index] if index < len(replacement) else None)
    return "".join(mapping.get(c, c) or "" for c in to_string(text))


def _selected_at(items: Any, index: Any) -> str:
    words = to_string(items).split()
    at = to_number(index)
    if not math.isfinite(at) or not 0 <= int(at) < len(words):
        return ""
    return words[int(at)]


def _moment_days(value: Any) -> float:
    """Days since 1970 of a number, a date or a date-time (NaN otherwise)."""
    return to_number(value)


def _date(value: Any) -> str:
    text = to_string(value).strip()
    if DATE_RE.match(text):
        return text if not math.isnan(to_number(text)) else ""
    moment = date_of(math.floor(_moment_days(value)))
    return moment.date().isoformat() if moment else ""


def _date_time(value: Any) -> str:
    moment = date_of(_moment_days(value))
    return moment.isoformat(timespec="seconds") if moment else ""


def _format(value: Any, pattern: Any) -> str:
    moment = date_of(_moment_days(value))
    if moment is None:
        return ""
    codes = {
        "Y": f"{moment.year:04d}", "y": f"{moment.year % 100:02d}",
        "m": f"{moment.month:02d}", "n": str(moment.month), "b": MONTHS[moment.month - 1],
        "d": f"{moment.day:02d}", "e": str(moment.day), "a": WEEKDAYS[moment.weekday()],
        "H": f"{moment.hour:02d}", "h": str(moment.hour), "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}", "3": "000",
    }
    return re.sub(r"%(.)", lambda m: codes.get(m.group(1), m.group(0)), to_string(pattern))


def _boolean_from_string(value: Any) -> bool:
    return to_string(value) in ("true", "1")


FUNCTIONS: dict[str, tuple[int, int | None, Function]] = {
    "round": (1, 2, _round),
    "floor": (1, 1, _whole(math.floor)),
    "ceiling": (1, 1, _whole(math.ceil)),
    "abs": (1, 1, _math(abs)),
    "pow": (2, 2, lambda a, b: _pow(to_number(a), to_number(b))),
    "sqrt": (1, 1, _math(math.sqrt)),
    "exp": (1, 1, _math(math.exp)),
    "exp10": (1, 1, _math(lambda x: math.pow(10, x))),
    "log": (1, 1, _math(math.log)),
    "log10": (1, 1, _math(math.log10)),
    "sin": (1, 1, _math(math.sin)),
    "cos": (1, 1, _math(math.cos)),
    "tan": (1, 1, _math(math.tan)),
    "asin": (1, 1, _math(math.asin)),
    "acos": (1, 1, _math(math.acos)),
    "atan": (1, 1, _math(math.atan)),
    "atan2": (2, 2, _math(math.atan2)),
    "pi": (0, 0, lambda: math.pi),
    "min": (1, None, _extreme(min)),
    "max": (1, None, _extreme(max)),
    "substr": (2, 3, _substr),
    "substring": (2, 3, _substring),
    "normalize-space": (1, 1, _normalize_space),
    "translate": (3, 3, _translate),
    "join": (1, None, lambda sep, *values: to_string(sep).join(to_string(v) for v in values)),
    "selected-at": (2, 2, _selected_at),
    "boolean-from-string": (1, 1, _boolean_from_string),
    "now": (0, 0, lambda: date.today().isoformat()),
    "date": (1, 1, _date),
    "date-time": (1, 1, _date_time),
    "decimal-date-time": (1, 1, _moment_days),
    "format-date": (2, 2, _format),
    "format-date-time": (2, 2, _format),
    "once": (1, 1, lambda value: value),
    "random": (0, 0, random.random),  # noqa: S311 - a form's random(), not a secret
    "uuid": (0, 1, lambda *_: str(uuid.uuid4())),
    "property": (1, 1, lambda _name: ""),  # device properties: never collected
}
# Functions whose value changes from one call to the next: never compared with logic.js.
UNSTABLE = frozenset({"random", "uuid", "now"})
