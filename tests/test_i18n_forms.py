"""The built-in questionnaires in every language: nothing blank, every fallback counted."""

from __future__ import annotations

import pytest

from survey_app.i18n import languages
from survey_app.i18n_status import built_in_forms, form_coverage
from survey_app.text import fallback_label
from survey_app.webforms import is_generated_other_box
from xlsform.loader import load_xlsform
from xlsform.model import label_in

FORMS = built_in_forms()
CODES = [item.code for item in languages()]


def _texts(form):
    for page in form.pages:
        yield page.label
    for question in form.questions.values():
        if not is_generated_other_box(question):  # labelled from the interface catalogs
            yield question.label
        yield from (question.hint, question.constraint_message, question.required_message)
    for choices in form.choice_lists.values():
        for choice in choices:
            yield choice.label


def test_there_are_three_built_in_forms():
    assert {path.name for path in FORMS} >= {"worker.xlsx", "representative.xlsx",
                                             "management.xlsx"}


@pytest.mark.parametrize("path", FORMS, ids=[path.stem for path in FORMS])
def test_every_language_renders_every_text_and_status_counts_each_fallback(path):
    form = load_xlsform(path)
    coverage = form_coverage(path)
    for code in CODES:
        shown_in_english = 0
        for texts in _texts(form):
            if not texts.get("en"):
                continue
            shown = label_in(texts, code)
            assert shown.strip(), f"{path.name}: blank text in {code}: {texts}"
            assert fallback_label(texts, code)[0] == shown
            if not texts.get(code):
                assert shown == texts["en"]
                shown_in_english += 1
        assert shown_in_english == coverage[code].fallbacks, code
