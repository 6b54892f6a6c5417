"""Question names the pages need for themselves are refused when a form is loaded.

A question named like a control posted beside the answers (``action``, ``go``, ``page``)
silently took the button's place, and one named like a method of the page form class
(``bind_page``) crashed the page; the loader must refuse both with sheet and row.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app.webforms import PageForm
from tests.xlsform_factory import write_xlsform
from xlsform import FormError, load_xlsform
from xlsform.model import PAGE_CONTROLS, RESERVED_NAMES

TEMPLATES = Path(__file__).resolve().parents[1] / "survey_app" / "templates"
QUESTION_TEMPLATES = ["_question.html", "interview/page.html", "interview/_bar.html",
                      "interview/_bilingual.html", "interview/_field.html", "collect/page.html",
                      "collect/_question.html", "collect/_exit.html", "collect/start.html"]


def test_every_attribute_of_the_page_form_class_is_reserved():
    attributes = {name for name in dir(PageForm) if not name.startswith("__")}
    assert attributes - RESERVED_NAMES == set()


def test_every_control_on_a_question_page_is_reserved():
    controls = set()
    for name in QUESTION_TEMPLATES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        controls |= set(re.findall(r'\bname="([a-z_]+)"', text))
    controls -= {"viewport", "referrer"}  # <meta name=...>, not posted
    assert controls, "no controls found: did the templates move?"
    assert controls - RESERVED_NAMES == set()
    assert PAGE_CONTROLS <= RESERVED_NAMES


@pytest.mark.parametrize("name", ["action", "go", "page", "bind_page"])
def test_a_question_named_like_a_control_is_refused_at_its_row(tmp_path: Path, name: str):
    path = write_xlsform(tmp_path / "f.xlsx", [
        {"type": "text", "name": "first", "label": "First?"},
        {"type": "text", "name": name, "label": "Second?"}])
    with pytest.raises(FormError) as refused:
        load_xlsform(path)
    message = str(refused.value)
    assert "reserved" in message and "survey" in message and "3" in message
