"""Values as XForms sees them: text, numbers, booleans, days; mirrored by static/logic.js.

Numbers are written as JavaScript writes them (``String(n)``), so the server and the
browser show the same text for the same calculation.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$", re.ASCII)
NUMERIC_RE = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$", re.ASCII)
EPOCH = date(1970, 1, 1)


class Nodes(tuple):
    """The values of one question in several repeat instances (an XPath node-set), as
    ``${q}`` gives them outside q's instance: sum(), count(), max(), min() and join() take
    every one; anything else reads the first (text, number) or whether there is one."""


def to_string(value: Any) -> str:
    """A value as XForms sees it as text (lists are space-joined)."""
    if value is None:
        return ""
    if isinstance(value, Nodes):
        return to_string(value[0]) if value else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return " ".join(to_string(v) for v in value)
    if isinstance(value, (int, float)):
        return number_text(float(value))
    return str(value)


def number_text(number: float) -> str:
    """``number`` as JavaScript's String(number) writes it."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k, n = len(digits), len(digits) + int(exponent)
    prefix = "-" if number < 0 else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * -n + digits
    mark = "+" if n - 1 >= 0 else "-"
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{prefix}{mantissa}e{mark}{abs(n - 1)}"


def to_number(value: Any) -> float:
    """XPath number(): NaN when the text is not a number; a date counts days since
    1970-01-01, a date and time days with the time as a fraction (as ODK counts)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Nodes):
        return to_number(value[0]) if value else math.nan
    text = to_string(value).strip()
    if NUMERIC_RE.match(text):
        return float(text)
    if DATE_RE.match(text):
        return days(text)
    if match := DATETIME_RE.match(text):
        whole = days(match.group(1))
        hours, minutes = int(match.group(2)), int(match.group(3))
        seconds = float((match.group(4) or "0") + (match.group(5) or ""))
        if hours > 23 or minutes > 59 or seconds >= 60:
            return math.nan
        return whole + (hours * 3600 + minutes * 60 + seconds) / 86400
    return math.nan


def days(text: str) -> float:
    """Days from 1970-01-01 to the date ``text`` (YYYY-MM-DD), NaN when it is no date."""
    try:
        return float((date.fromisoformat(text) - EPOCH).days)
    except ValueError:
        return math.nan


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Nodes):
        return len(value) > 0
    if isinstance(value, (int, float)):
        return not math.isnan(value) and value != 0
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    return to_string(value) != ""


FIRST_DAY, LAST_DAY = -719162, 2932896  # 0001-01-01 and 9999-12-31, in days since 1970


def date_of(days_since_epoch: float) -> datetime | None:
    """The moment ``days_since_epoch`` days after 1970-01-01 (to the nearest second, half
    up), or None outside the years 1 to 9999."""
    if not math.isfinite(days_since_epoch) or abs(days_since_epoch) > 3e6:
        return None
    seconds = math.floor(days_since_epoch * 86400 + 0.5)
    whole_days, rest = divmod(seconds, 86400)
    if not FIRST_DAY <= whole_days <= LAST_DAY:
        return None
    day = date.fromordinal(EPOCH.toordinal() + whole_days)
    return datetime(day.year, day.month, day.day, rest // 3600, rest % 3600 // 60, rest % 60)


def is_empty(value: Any) -> bool:
    """No answer: None, an empty text or an empty selection."""
    return value is None or value == "" or value == []
