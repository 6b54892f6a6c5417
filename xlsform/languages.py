"""Language codes from XLSForm column suffixes (``label::English (en)``).

Rules, in order:
- ``English (en)``: the code is what is in the parentheses (``en``), the name what precedes.
- no language at all (a plain ``label`` column): ``default``.
- a name without parentheses (``label::English``): the ISO code when the name is a language's
  English name (``english`` -> ``en``, ``chinese`` -> ``zh``), else the name itself in
  lower case. (Mapping all of them to ``default`` would merge different languages.)
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

DEFAULT = "default"
PARENTHESISED = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]+)\)\s*$")
EXTRA_NAMES = {"bengali": "bn", "farsi": "fa", "myanmar": "my", "cambodian": "km"}


@cache
def _codes_by_english_name() -> dict[str, str]:
    codes: dict[str, str] = {}
    for code, name in Locale("en").languages.items():
        if "_" not in code:
            codes.setdefault(name.lower(), code)
    codes.update(EXTRA_NAMES)
    return codes


def language_code(column_language: str | None) -> tuple[str, str]:
    """(code, display name) for the language part of a column name."""
    text = (column_language or "").strip()
    if not text or text.lower() == DEFAULT:
        return DEFAULT, ""
    match = PARENTHESISED.match(text)
    if match:
        return match.group("code").strip(), match.group("name").strip()
    code = _codes_by_english_name().get(text.lower(), text.lower())
    return code, text
