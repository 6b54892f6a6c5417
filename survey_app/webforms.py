"""What a page template needs of each question (texts in one or two languages, choices
that fit the answers known), for the one question macro (templates/_question.html) on both
screens; questionnaire.page_questions adds each question's value and visibility.

Pages are not WTForms forms: a post is read by survey_app/posted.py and checked by
xlsform.logic, so what a screen reports and what the logic says can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_app_context

from xlsform.logic import filter_choices, filter_waits_on_page, resolve
from xlsform.model import FormDefinition, Page, Question, label_in

from .i18n import gettext_in

REFERENCE = re.compile(r"\$\{([^}\s]+)\}")
# The label pyxform gives the text box it adds after an ``or_other`` list, in English only.
PYXFORM_OTHER_LABEL = "Specify other."


def is_generated_other_box(question: Question) -> bool:
    """True for the "Specify other." box pyxform adds to an ``or_other`` list, whose
    English-only label the interface catalogs translate (not the form's columns)."""
    written = {text for text in question.label.values() if text}
    return bool(question.other_of) and written <= {PYXFORM_OTHER_LABEL}


def question_label(question: Question, lang: str) -> dict[str, str]:
    """The question's label texts; pyxform's English-only "Specify other." label of an
    ``or_other`` box is replaced by the interface catalog's translation into ``lang``."""
    if not is_generated_other_box(question):
        return question.label
    return {lang: _specify_other(lang)}


def _specify_other(lang: str) -> str:
    """The catalog's "Specify other." in ``lang``; English where the app has no catalogs
    (outside an app, or an app without Flask-Babel)."""
    if not has_app_context() or "babel" not in current_app.extensions:
        return PYXFORM_OTHER_LABEL
    return gettext_in(lang, "Specify other.")


def _choices(definition: FormDefinition, question: Question, values: dict | None, page: Page):
    """The choices to list: filtered by the answers known, unless the filter waits on an
    answer on this very page (then all of them; logic.js filters them live)."""
    choices = definition.choices_for(question)
    if question.choice_filter is None or values is None:
        return choices
    if filter_waits_on_page(definition, question, page):
        return choices
    return filter_choices(definition, question, values)


def fill_references(text: str, values: Mapping[str, Any]) -> str:
    """Replace ${name} in a label with the answer as text (empty when unanswered)."""

    def value_of(match: re.Match) -> str:
        value = values.get(match.group(1), "")
        return " ".join(value) if isinstance(value, list) else str(value)

    return REFERENCE.sub(value_of, text)


def page_items(
    form: FormDefinition,
    page: Page,
    lang: str,
    second_lang: str | None = None,
    answers: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Per question on ``page``, what a template needs to show it.

    With ``second_lang`` every text also comes as ``<key>_2`` in that language (bilingual
    screen). With ``answers``, ${name} in texts is filled in and choice filters apply;
    ``values`` instead: what the expressions of the page read (a repeat instance's scope).
    """
    if values is None and answers is not None:
        values = resolve(form, answers)[1]
    items = []
    for name in page.question_names:
        question = form.questions[name]
        if question.type in ("calculate", "hidden"):
            continue
        item = _texts(question_label(question, lang), question.hint, lang, values, "")
        if second_lang:
            label_2 = question_label(question, second_lang)
            item.update(_texts(label_2, question.hint, second_lang, values, "_2"))
        item.update(
            name=name,
            type=question.type,
            required=question.required,
            relevant=question.relevant,
            sensitivity=question.sensitivity,
            appearance=question.appearance,
            bounds=question.bounds,
            read_only=question.read_only,
            or_other=question.or_other,
            other_of=question.other_of,
            choices=_choice_items(form, question, values, page, lang, second_lang),
        )
        items.append(item)
    return items


def _texts(label, hint, lang: str, values, suffix: str) -> dict[str, str]:
    texts = {"label" + suffix: label_in(label, lang), "hint" + suffix: label_in(hint, lang)}
    if values is not None:
        texts = {key: fill_references(text, values) for key, text in texts.items()}
    return texts


def _choice_items(form: FormDefinition, question: Question, values: dict | None, page: Page,
                  lang: str, second_lang: str | None) -> list[dict[str, Any]]:
    """The choices listed, each with ``fits``: false for one of a cascade on this page
    that does not fit the answers known yet (rendered hidden and disabled, so a page
    without scripts, or a client filling inputs by name, never picks it; logic.js
    reveals it when it comes to fit)."""
    if values is None or not filter_waits_on_page(form, question, page):
        return [{**_choice_item(choice.name, choice.label, lang, second_lang), "fits": True}
                for choice in _choices(form, question, values, page)]
    fitting = {choice.name for choice in filter_choices(form, question, values)}
    return [{**_choice_item(choice.name, choice.label, lang, second_lang),
             "fits": choice.name in fitting} for choice in form.choices_for(question)]


def _choice_item(name: str, label, lang: str, second_lang: str | None) -> dict[str, str]:
    item = {"name": name, "label": label_in(label, lang) or name}
    if second_lang:
        item["label_2"] = label_in(label, second_lang) or name
    return item
