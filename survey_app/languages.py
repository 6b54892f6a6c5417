"""Language metadata for both screens: native name, direction, gettext locale, font.

The interface languages (``translations/languages.json``, read by ``survey_app.i18n``)
describe themselves. A form may be written in a language the interface does not have
(French, or XLSForm's unnamed ``default``): its questions are still shown in it, under
the form's own name for it, while the buttons and notices fall back to English.
"""

from __future__ import annotations

from typing import Any

from xlsform.languages import DEFAULT as UNNAMED

from .i18n import DEFAULT_LANGUAGE, find_language, language
from .station import Station
from .store import formstore


def language_info(code: str, form: Any = None) -> dict[str, Any]:
    """code, locale, html_lang, native_name, direction ("ltr"/"rtl") and font (or None).

    ``locale`` is always one the interface has a catalog for.
    """
    known = find_language(code)
    if known is not None and code != UNNAMED:
        return {"code": code, "locale": known.locale, "html_lang": known.html_lang,
                "native_name": known.native_name, "direction": known.direction,
                "font": known.font}
    names = getattr(form, "language_names", None) or {}
    return {"code": code, "locale": language(DEFAULT_LANGUAGE).locale,
            "html_lang": "" if code == UNNAMED else code,
            "native_name": names.get(code) or code, "direction": "ltr", "font": None}


def display_name(code: str, form_name: str | None = None) -> str:
    """"ខ្មែរ (Khmer)": the native name first, so a respondent can point at it, then the
    English name for an interpreter whose laptop lacks the script's font."""
    known = find_language(code)
    if known is None or code == UNNAMED:
        return form_name or code
    if known.native_name == known.english_name:
        return known.native_name
    return f"{known.native_name} ({known.english_name})"


def form_languages(station: Station) -> list[tuple[str, str]]:
    """Every language of the current questionnaires, as (code, display name)."""
    seen: dict[str, str] = {}
    for stored in formstore.latest_forms(station.store):
        definition = station.form(stored.form_id, stored.version)
        for code in definition.languages or [definition.default_language]:
            seen.setdefault(code, display_name(code, definition.language_names.get(code)))
    return list(seen.items())
