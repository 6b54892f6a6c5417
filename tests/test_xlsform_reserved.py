"""Question names the pages need for themselves never reach the pages as such.

A question named like a control posted beside the answers (``action``, ``go``, ``page``)
once silently took the button's place, and one named like a method of the page form class
(``bind_page``) crashed the page. pyxform accepts those names, so the loader keys such a
question ``<name>_`` (``${name}`` in expressions and labels follows) and the page works.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app.store import formstore, records
from survey_app.webforms import PageForm
from tests.interview_client import FlaskBrowser, answer, record_id_of, start_interview
from tests.xlsform_factory import write_xlsform
from xlsform import load_xlsform
from xlsform.model import PAGE_CONTROLS, RESERVED_NAMES

TEMPLATES = Path(__file__).resolve().parents[1] / "survey_app" / "templates"
QUESTION_TEMPLATES = ["_question.html", "interview/page.html", "interview/_bar.html",
                      "interview/_bilingual.html", "interview/_field.html", "collect/page.html",
                      "collect/_exit.html", "collect/start.html"]


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


@pytest.mark.parametrize("name", ["action", "go", "page", "bind_page", "__init__"])
def test_a_question_named_like_a_control_loads_under_its_own_key(tmp_path: Path, name: str):
    path = write_xlsform(tmp_path / "f.xlsx", [
        {"type": "text", "name": "first", "label": "First?"},
        {"type": "text", "name": name, "label": "Second?"},
        {"type": "note", "name": "echo", "label": f"You said ${{{name}}}",
         "relevant": f"${{{name}}} != ''"}])
    form = load_xlsform(path)
    key = name + "_"
    assert list(form.questions) == ["first", key, "echo"]
    assert form.questions[key].row == 3
    assert form.questions["echo"].relevant == ["!=", ["ref", key], ["lit", ""]]
    assert form.questions["echo"].label == {"default": f"You said ${{{key}}}"}


def test_a_page_with_questions_named_like_its_controls_is_answered(app, client,
                                                                   tmp_path: Path):
    path = write_xlsform(tmp_path / "controls.xlsx", [
        {"type": "begin group", "name": "page", "label": "Page"},
        {"type": "text", "name": "action", "label": "Action?"},
        {"type": "integer", "name": "go", "label": "Go?"},
        {"type": "end group"}], settings={"form_id": "controls", "version": "1"})
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(path), path.read_bytes(), path.name)
    browser = FlaskBrowser(client)
    started = start_interview(browser, "controls", "Delta", language="default")
    assert started.path.endswith("/page/page_")
    record_id = record_id_of(started.path)
    done = answer(browser, record_id, "page_", {"action_": "strike", "go_": "3"},
                  action="finalise")
    assert done.path == "/interviews", done.text
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"] == {"action_": "strike", "go_": "3"}
