"""How trustworthy a respondent's language is: review status and the form's fallbacks.

The interpreter sees it before starting and while interviewing, so a draft machine-assisted
translation or English fallbacks never come as a surprise in front of the respondent.
Counting follows ``i18n_status`` (a text the source language has and this language lacks
is shown in English), on the stored form model, with pyxform's "Specify other." box counted
as translated when the interface catalog translates it (``xlsform.wtf.question_label``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from xlsform.model import FormDefinition

from .. import i18n
from ..webforms import PYXFORM_OTHER_LABEL, question_label


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str  # "ខ្មែរ (Khmer)"
    review: str  # "draft: machine-assisted, needs review by a native speaker"
    fallbacks: int | None  # texts of the form shown in English; None: no form / source

    @property
    def fallback_text(self) -> str:
        if self.fallbacks is None:
            return ""
        if self.fallbacks == 0:
            return _("all translated")
        # No plural forms needed: "texts in English: 3" reads well in every language.
        return _("texts in English: %(num)d", num=self.fallbacks)

    @property
    def line(self) -> str:
        """One line for a screen: "ខ្មែរ (Khmer) — draft: ...; texts in English: 3"."""
        if self.fallback_text:
            return _("%(language)s — %(review)s; %(fallbacks)s", language=self.name,
                     review=self.review, fallbacks=self.fallback_text)
        return _("%(language)s — %(review)s", language=self.name, review=self.review)


def _source(definition: FormDefinition) -> str:
    code = definition.default_language
    return i18n.DEFAULT_LANGUAGE if code in ("", "default") else code


def _texts(definition: FormDefinition, code: str) -> Iterator[dict[str, str]]:
    """Every text a person reads in the form, as the screens show it in ``code``."""
    for page in definition.pages:
        yield page.label
    for question in definition.questions.values():
        label = question_label(question, code)
        if label is not question.label and label.get(code) == PYXFORM_OTHER_LABEL:
            label = {**question.label}  # the catalog has no translation: English it is
        yield label
        yield from (question.hint, question.constraint_message, question.required_message)
    for choices in definition.choice_lists.values():
        for choice in choices:
            yield choice.label


def form_fallbacks(definition: FormDefinition, code: str) -> int:
    """How many of the form's texts are shown in English to a ``code`` reader."""
    source = _source(definition)
    if code == source:
        return 0
    return sum(1 for texts in _texts(definition, code)
               if (texts.get(source) or texts.get("default")) and not texts.get(code))


def review_text(code: str) -> str:
    item = i18n.language(code)
    review = item.review_status or _("review status unknown")
    if item.reviewed_by and item.reviewed_on:
        return _("%(status)s (%(who)s, %(day)s)", status=review, who=item.reviewed_by,
                 day=item.reviewed_on)
    return review


def language_name(code: str) -> str:
    item = i18n.find_language(code)
    if item is None:
        return code
    if item.native_name == item.english_name:
        return item.native_name
    return f"{item.native_name} ({item.english_name})"


def language_status(code: str, definition: FormDefinition | None = None) -> LanguageStatus:
    """The status of ``code``, with the fallbacks of ``definition`` when one is given."""
    fallbacks = None
    if definition is not None and code != _source(definition):
        fallbacks = form_fallbacks(definition, code)
    return LanguageStatus(code=code, name=language_name(code), review=review_text(code),
                          fallbacks=fallbacks)


@dataclass(frozen=True)
class LanguageRow:
    """One row of the table on /interviews/new: a language against every questionnaire."""

    status: LanguageStatus
    fallbacks: list[int | None]  # per questionnaire, in the table's order; None: not offered


def language_table(definitions: list[FormDefinition], codes: list[str]) -> list[LanguageRow]:
    """Review status and per-questionnaire fallbacks of each respondent language."""
    rows = []
    for code in codes:
        counts = [form_fallbacks(definition, code) if code in (definition.languages or [])
                  else None for definition in definitions]
        rows.append(LanguageRow(language_status(code), counts))
    return rows
