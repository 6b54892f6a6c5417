"""Two languages on one interview screen: the interpreter's and the respondent's.

The interpreter chooses the interface language for themself (``INTERPRETER_LANGUAGE`` in
the Flask session: these screens are loopback-only, so the cookie never reaches a phone).
The respondent's language is the record's ``language``. Each text of a page (label, hint,
choice) is shown in both, one column per language, each column carrying its own ``lang``
and ``dir``. Inputs stay single: one per question, named after the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import session

from xlsform.model import FormDefinition

from .. import i18n, questionnaire
from ..instances import Spot

INTERPRETER_LANGUAGE = "interpreter_lang"
UNNAMED = "default"  # the language code of a form written without language columns


@dataclass(frozen=True)
class Column:
    """One language column of the bilingual view."""

    code: str  # the form's language code: "km", "ar"
    suffix: str  # which page_items keys hold its texts: "" or "_2"
    html_lang: str  # for the lang attribute: "zh-Hans"
    direction: str  # "ltr" / "rtl"
    name: str  # the language's own name, for the column heading
    role: str  # "interpreter" or "respondent"


def interpreter_language() -> str | None:
    """The interface language the interpreter chose, or None (then Accept-Language)."""
    found = i18n.find_language(session.get(INTERPRETER_LANGUAGE))
    return found.code if found else None


def remember_interpreter_language(code: str) -> str | None:
    """Keep the interpreter's choice in the session; None when ``code`` is not ours."""
    found = i18n.find_language(code)
    if found is None:
        return None
    session[INTERPRETER_LANGUAGE] = found.code
    return found.code


def interpreter_column_language(definition: FormDefinition, interface: str) -> str | None:
    """The form language the interpreter reads: their interface language when the form has
    it, else the form's English, else None (the form has nothing else to offer)."""
    offered = definition.languages or []
    for code in (interface, i18n.DEFAULT_LANGUAGE):
        if code in offered:
            return code
    return None


def _column(code: str, suffix: str, role: str) -> Column:
    item = i18n.language(code)
    known = i18n.find_language(code) is not None and code != UNNAMED
    return Column(code=code, suffix=suffix, html_lang=item.html_lang if known else "",
                  direction=item.direction, name=item.native_name if known else "",
                  role=role)


def page_columns(definition: FormDefinition, respondent: str, interface: str) -> list[Column]:
    """Interpreter's column then respondent's; only the respondent's when both are one."""
    respondent_column = _column(respondent, "", "respondent")
    interpreter = interpreter_column_language(definition, interface)
    if interpreter is None or interpreter == respondent or respondent == UNNAMED:
        return [respondent_column]
    return [_column(interpreter, "_2", "interpreter"), respondent_column]


def second_language(columns: list[Column]) -> str | None:
    """The interpreter's column language on a two-language page (texts keyed ``_2``)."""
    return columns[0].code if len(columns) == 2 else None


def second_language_errors(definition: FormDefinition, spot: Spot, answers: dict[str, Any],
                           errors: dict[str, str], columns: list[Column]) -> dict[str, str]:
    """The page's error messages in the interpreter's language, where they differ."""
    if len(columns) < 2 or not errors:
        return {}
    translated = questionnaire.page_errors(definition, spot, answers, columns[0].code)
    return {name: message for name, message in translated.items()
            if name in errors and message != errors[name]}
