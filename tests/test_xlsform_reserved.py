"""No question name can clash with the pages' own fields, so every name pyxform accepts loads
as written.

A question named like a control posted beside the answers (``action``, ``go``, ``page``)
once silently took the button's place, and one named like a method of the page form class
(``validate``) crashed the page; both were loaded as ``<name>_``. Now every control starts
with "~", which no XLSForm name can, and a post is read by question key only
(survey_app/posted.py), never through attributes of a form class.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from survey_app import sessions
from survey_app.posted import posted_answers
from survey_app.store import records
from tests.interview_client import FlaskBrowser, answer, record_id_of, start_interview
from tests.test_collect_pages import hidden, parse, post_page, start
from tests.xlsform_factory import add_to_station, write_xlsform
from xlsform import FormError, load_xlsform
from xlsform.model import CONTROL_PREFIX, PAGE_CONTROLS

TEMPLATES = Path(__file__).resolve().parents[1] / "survey_app" / "templates"
ANSWER_TEMPLATES = ["_question.html", "interview/page.html", "collect/page.html"]
# Names a page form or a page's scripts could once trip over, all valid XLSForm names.
CLASHING = ["page", "action", "go", "r", "lang", "instance", "csrf", "csrf_token", "id",
            "validate", "errors", "answers", "bind_page", "_fields",
            "__init__", "__version__", "querySelector"]


def test_every_control_on_an_answer_page_is_namespaced():
    controls = set()
    for name in ANSWER_TEMPLATES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        controls |= set(re.findall(r'\bname="([^"{]+)"', text))
    assert controls, "no controls found: did the templates move?"
    assert controls <= PAGE_CONTROLS
    assert all(name.startswith(CONTROL_PREFIX) for name in PAGE_CONTROLS)


def test_no_xlsform_name_can_start_like_a_control(tmp_path: Path):
    path = write_xlsform(tmp_path / "f.xlsx", [
        {"type": "text", "name": f"{CONTROL_PREFIX}page", "label": "Page?"}])
    with pytest.raises(FormError) as refused:
        load_xlsform(path)
    assert (refused.value.row, refused.value.column) == (2, "name")


@pytest.mark.parametrize("name", CLASHING)
def test_a_question_named_like_a_page_field_loads_under_its_own_name(tmp_path: Path, name):
    path = write_xlsform(tmp_path / "f.xlsx", [
        {"type": "text", "name": "first", "label": "First?"},
        {"type": "text", "name": name, "label": "Second?"},
        {"type": "note", "name": "echo", "label": f"You said ${{{name}}}",
         "relevant": f"${{{name}}} != ''"}])
    form = load_xlsform(path)
    assert list(form.questions) == ["first", name, "echo"]
    assert form.questions["echo"].relevant == ["!=", ["ref", name], ["lit", ""]]


def test_a_post_is_read_by_question_key_whatever_the_questions_are_called(tmp_path: Path):
    attributes = [name for name in dir(dict) + CLASHING if not name.startswith("__")]
    rows = [{"type": "text", "name": name, "label": name} for name in dict.fromkeys(attributes)
            if re.fullmatch(r"[A-Za-z_][\w.-]*", name)]
    form = load_xlsform(write_xlsform(tmp_path / "attrs.xlsx", rows))
    answers = {row["name"]: f"{row['name']}!" for row in rows}
    posted = MultiDict({**answers, "~csrf": "token", "~go": "next", "~page": "x"})
    assert posted_answers(form, form.pages[0], posted) == answers


@pytest.fixture
def controls_form(app, tmp_path: Path) -> str:
    path = write_xlsform(tmp_path / "controls.xlsx", [
        {"type": "begin group", "name": "page", "label": "Page"},
        {"type": "text", "name": "action", "label": "Action?"},
        {"type": "integer", "name": "go", "label": "Go?"},
        {"type": "text", "name": "csrf_token", "label": "Token?"},
        {"type": "end group"},
        {"type": "begin group", "name": "more", "label": "More"},
        {"type": "text", "name": "r", "label": "R?"},
        {"type": "text", "name": "instance", "label": "Instance?"},
        {"type": "end group"}], settings={"form_id": "controls", "version": "1"})
    add_to_station(app, path)
    return "controls"


def test_an_interview_with_questions_named_like_controls_is_answered(app, client,
                                                                    controls_form):
    station = app.extensions["amplify"]
    browser = FlaskBrowser(client)
    started = start_interview(browser, controls_form, "Delta", language="default")
    assert started.path.endswith("/page/page")
    record_id = record_id_of(started.path)
    page = answer(browser, record_id, "page", {"action": "strike", "go": "3",
                                               "csrf_token": "mine"})
    assert page.path.endswith("/page/more"), page.text
    done = answer(browser, record_id, "more", {"r": "x", "instance": "y"}, action="finalise")
    assert done.path == "/interviews", done.text
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"] == {"action": "strike", "go": "3", "csrf_token": "mine",
                                 "r": "x", "instance": "y"}


def test_a_phone_with_questions_named_like_controls_is_answered(app, client, controls_form):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(station, form_id=controls_form,
                                              supplier={"name": "Delta", "country": "KH"})
    first = start(client, token, lang="default").get_data(as_text=True)
    assert parse(first)["f"] and 'name="action"' in first
    response, _ = post_page(client, first, {"action": "strike", "go": "3",
                                            "csrf_token": "mine"})
    second = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="instance"' in second, second
    assert hidden(parse(second)["f"])["~page"] == "more"
    done, _ = post_page(client, second, {"r": "x", "instance": "y"})
    assert done.status_code == 200 and "done" in done.get_data(as_text=True)
    final = records.list_records(station.store, records.FINAL)
    assert len(final) == 1
