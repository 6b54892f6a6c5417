"""Language metadata for worker pages: native name, direction, gettext locale, font.

Read from ``translations/languages.json`` (kept by the languages work); a language the
file does not know falls back to the form's own name for it, left-to-right.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES_FILE = Path(__file__).resolve().parent.parent.parent / "translations" / "languages.json"


@cache
def _known() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for entry in data.get("languages", []):
        found[entry["code"]] = entry
        for alias in entry.get("aliases", []):
            found.setdefault(alias, entry)
    return found


def language_info(code: str, form: Any = None) -> dict[str, Any]:
    """code, locale, html_lang, native_name, direction ("ltr"/"rtl") and font (or None)."""
    entry = _known().get(code)
    if entry:
        return {"code": code, "locale": entry.get("locale") or code,
                "html_lang": entry.get("html_lang") or code,
                "native_name": entry.get("native_name") or code,
                "direction": entry.get("direction") or "ltr", "font": entry.get("font")}
    names = getattr(form, "language_names", None) or {}
    return {"code": code, "locale": code, "html_lang": "" if code == "default" else code,
            "native_name": names.get(code) or code, "direction": "ltr", "font": None}
