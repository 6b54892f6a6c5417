"""Scrubbing free text of what could identify a person, before it is sealed.

Replaced by ``[removed]``:

* e-mail addresses;
* phone numbers, in any script's digits (Bengali ০-৯, Arabic-Indic ٠-٩, Khmer, Myanmar,
  Devanagari…): digits are read with ``unicodedata.digit`` so detection sees ASCII,
  while the replacement is made in the original text. ``phonenumbers`` finds numbers
  written the way a country writes them; a plain rule then removes any run of five or
  more digits (with spaces, dots, dashes, slashes or brackets between them), which
  also covers employee and ID-card numbers;
* ID-like tokens: a word mixing letters and at least four digits (``EMP-20431``);
* names the interpreter listed for the session (whole names and each part of three
  letters or more), ignoring case.

Four-digit numbers alone (years) and small numbers stay: "since 2019", "3 times".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

REMOVED = "[removed]"
DEFAULT_REGIONS = ("BD", "KH", "MM", "IN", "LK", "VN", "ID", "ET", "TR", "CN", "PK", "ES",
                   "BG", "GB", "US")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DIGIT_RUN = re.compile(r"\+?\d(?:[\s().\-/]{0,3}\d){4,}")
ID_TOKEN = re.compile(r"\b(?=[\w-]*[^\W\d_])(?=(?:[\w-]*?\d){4})[\w-]{5,}\b")
# Every rule on digits needs at least this many: an ID token has four, a digit run five,
# and the shortest whole number of a default region six (tests/test_sync_anonymise.py).
# Most answers ("fine", "3 times") have fewer, and skip the costly phone matcher.
MIN_DIGITS = 4
ANY_DIGIT = re.compile(r"\d")
# The phone matcher (15 regions, about 1-2.5 ms per answer) runs only where six or more
# digits follow one another with at most four of the separators a phone number may have
# between them (every character of phonenumbers' own punctuation: spaces, dashes, dots
# and the full-width dot, slashes, brackets, tildes, "x"; tests/test_scrub_phone_gate.py
# holds the two lists together): the shortest whole number of a default region has six.
# "since 2019", "8000 taka", "2024, 1500" skip it. A number spelt with letters
# ("1-800-FLOWERS") is not looked for.
PHONE_SEPARATOR = ("[\\s\\-x\u2010-\u2015\u2212\u30fc\uff0d-\uff0f\u00ad\u200b\u2060"
                   "\u3000()\uff08\uff09\uff3b\uff3d.\\[\\]/~\u2053\u223c\uff5e]")
PHONE_LIKE = re.compile(rf"\d(?:{PHONE_SEPARATOR}{{0,4}}\d){{5,}}")


def ascii_digits(text: str) -> str:
    """The same text with every decimal digit of any script as ASCII (same length)."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in text)


def _spans_email(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in EMAIL.finditer(text)] if "@" in text else []


def _spans_phone(text: str, regions: Iterable[str]) -> list[tuple[int, int]]:
    if len(ANY_DIGIT.findall(text)) < MIN_DIGITS:
        return []
    spans = []
    for region in regions if PHONE_LIKE.search(text) else ():
        for match in phonenumbers.PhoneNumberMatcher(text, region,
                                                     leniency=phonenumbers.Leniency.VALID):
            spans.append((match.start, match.end))
    spans += [m.span() for m in DIGIT_RUN.finditer(text)]
    spans += [m.span() for m in ID_TOKEN.finditer(text)]
    return spans


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    parts: set[str] = set()
    for name in names:
        name = unicodedata.normalize("NFC", " ".join(str(name).split()))
        if len(name) >= 2:
            parts.add(name)
        parts.update(p for p in name.split(" ") if len(p) >= 3)
    if not parts:
        return None
    alternatives = []
    for part in sorted(parts, key=len, reverse=True):
        escaped = re.escape(part)
        # Latin-script names need word boundaries ("Ali" must not hit "quality"); scripts
        # written without spaces between words (Khmer, Burmese, Thai...) cannot have them.
        alternatives.append(rf"(?<!\w){escaped}(?!\w)" if part.isascii() else escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def scrub(text: str, names: Iterable[str] = (), regions: Iterable[str] = DEFAULT_REGIONS
          ) -> str:
    """Free text with identifiers replaced by ``[removed]``; NFC-normalised."""
    text = unicodedata.normalize("NFC", text)
    probe = ascii_digits(text)
    spans = _spans_email(probe) + _spans_phone(probe, regions)
    pattern = _name_pattern(names)
    if pattern is not None:
        spans += [m.span() for m in pattern.finditer(text)]
    out, last = [], 0
    for start, end in _merge(spans):
        out.append(text[last:start])
        out.append(REMOVED)
        last = end
    out.append(text[last:])
    return "".join(out)
