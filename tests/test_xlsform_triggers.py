"""The trigger column (issue 14): a changed answer sets the questions it triggers, once,
on both screens; the respondent may type over a triggered text; stored and sealed."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from survey_app import sessions
from survey_app.store import records
from xlsform import check, load_xlsform
from xlsform.errors import FormError
from xlsform.logic import without_identifying

from .interview_client import FlaskBrowser, answer, record_id_of, start_interview
from .test_collect_pages import finals, start
from .test_collect_scripted import parse
from .xlsform_factory import add_to_station, write_xlsform

ROWS = [
    {"type": "begin group", "name": "p1", "label": "First", "appearance": "field-list"},
    {"type": "integer", "name": "a", "label": "A", "required": "yes"},
    {"type": "calculate", "name": "c", "calculation": "${a} * 2", "trigger": "${a}"},
    {"type": "text", "name": "t", "label": "T", "calculation": "concat('was ', ${a})",
     "trigger": "${a}"},
    {"type": "text", "name": "x", "label": "X", "trigger": "${a}"},
    {"type": "end group"},
    {"type": "begin group", "name": "p2", "label": "Second"},
    {"type": "note", "name": "n", "label": "Twice: ${c}"},
    {"type": "end group"},
]


def workbook(folder: Path, rows=ROWS, name: str = "trig") -> Path:
    return write_xlsform(folder / f"{name}.xlsx", rows, [],
                         settings={"form_id": name, "version": "1"})


def test_forms_check_takes_triggers_and_refuses_one_inside_a_repeat(tmp_path: Path):
    path = workbook(tmp_path)
    assert check.check_file(path).status == "ready"
    form = load_xlsform(path)
    assert (form.questions["c"].trigger, form.questions["c"].calculation) == (["a"], None)
    assert form.questions["x"].trigger_value is None
    named = [{"type": "text", "name": "who", "label": "Name", "sensitivity": "identifying"},
             {"type": "calculate", "name": "w", "calculation": "${who}", "trigger": "${a}"},
             *ROWS[1:3]]
    _phone, left_out = without_identifying(load_xlsform(workbook(tmp_path, named, "named")))
    assert {"who", "w"} <= set(left_out) and "c" not in left_out  # a phone never gets them
    inside = [{"type": "begin repeat", "name": "kids", "label": "Kids"},
              *ROWS[1:3], {"type": "end repeat"}]
    with pytest.raises(FormError) as refused:
        load_xlsform(workbook(tmp_path, inside, "inside"))
    assert "row 4" in str(refused.value) and '"trigger"' in str(refused.value)


def test_interview_sets_on_change_keeps_after_and_lets_the_text_be_typed_over(app, client,
                                                                            tmp_path):
    add_to_station(app, workbook(tmp_path))
    browser = FlaskBrowser(client)
    record_id = record_id_of(start_interview(browser, "trig", "Delta", language="default")
                             .path)
    station = app.extensions["amplify"]

    def saved() -> dict:
        return records.load_draft(station.store, station.keys().records, record_id)[1]

    answer(browser, record_id, "p1", {"a": "3", "t": "", "x": ""}, action="save")
    assert (saved()["c"], saved()["t"]) == ("6", "was 3") and "x" not in saved()
    answer(browser, record_id, "p1", {"a": "3", "t": "my words", "x": "mine"}, action="save")
    assert (saved()["c"], saved()["t"], saved()["x"]) == ("6", "my words", "mine")
    answer(browser, record_id, "p1", {"a": "5", "t": "my words", "x": "mine"}, action="save")
    assert (saved()["c"], saved()["t"]) == ("10", "was 5") and "x" not in saved()
    page = answer(browser, record_id, "p1", {"a": "5", "t": "was 5"})
    assert "Twice: 10" in page.text


def test_phone_triggers_and_seals_the_value_worked_out_then(app, client, tmp_path):
    add_to_station(app, workbook(tmp_path))
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(station, form_id="trig",
                                              supplier={"name": "Delta", "country": "KH"})
    html = start(client, token, lang="default").get_data(as_text=True)
    second = post(client, html, {"a": "4", "t": "", "x": ""}).get_data(as_text=True)
    assert "Twice: 8" in second
    assert post(client, second, {}).status_code == 200
    [record] = finals(app)
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record.id)
    assert (sealed["answers"]["c"], sealed["answers"]["t"]) == ("8", "was 4")


def post(client, html: str, answers: dict[str, str]):
    page = parse(html)["f"]
    fields = [(f["name"], f["value"]) for f in page["fields"] if f["type"] == "hidden"]
    return client.post(page["action"],
                       data=MultiDict([*fields, *answers.items(), ("~go", "next")]))
