"""``range`` and ``rank`` rows (issue 14): loaded, checked by the one logic, drawn by the
one question macro on both screens, and stored as ODK stores them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from central.validate import FormRules, Refusal
from survey_app import sessions
from survey_app.store import records
from xlsform import check, load_xlsform, ranges
from xlsform.errors import FormError
from xlsform.logic import page_errors

from .interview_client import FlaskBrowser, answer, page_path, record_id_of, start_interview
from .test_collect_pages import finals, start
from .test_collect_scripted import parse
from .xlsform_factory import add_to_station, write_xlsform

ROWS = [
    {"type": "begin group", "name": "p1", "label": "First", "appearance": "field-list"},
    {"type": "range", "name": "score", "label": "Score",
     "parameters": "start=0 end=10 step=2", "required": "yes"},
    {"type": "rank fruit", "name": "order", "label": "Order", "required": "yes"},
    {"type": "end group"},
]
CHOICES = [{"list_name": "fruit", "name": name, "label": name.upper()} for name in "abc"]


def workbook(folder: Path, rows=ROWS, name: str = "rr") -> Path:
    return write_xlsform(folder / f"{name}.xlsx", rows, CHOICES,
                         settings={"form_id": name, "version": "1"})


@pytest.fixture
def rr_form(app, tmp_path: Path) -> str:
    add_to_station(app, workbook(tmp_path))
    return "rr"


def test_forms_check_takes_range_and_rank_and_keeps_their_parameters(tmp_path: Path):
    path = workbook(tmp_path)
    assert check.check_file(path).status == "ready"
    form = load_xlsform(path)
    assert (form.questions["score"].type, form.questions["score"].bounds) == \
        ("integer", ["0", "10", "2"])
    assert form.questions["order"].type == "rank"
    half = [{**ROWS[1], "parameters": "start=0 end=1 step=0.25"}]
    assert load_xlsform(workbook(tmp_path, half, "half")).questions["score"].type == "decimal"
    plain = [{"type": "range", "name": "r", "label": "R"}]
    assert load_xlsform(workbook(tmp_path, plain, "plain")).questions["r"].bounds == \
        ["1", "10", "1"]  # pyxform's defaults


def test_a_step_of_zero_is_refused_naming_row_and_column(tmp_path: Path):
    bad = [{"type": "text", "name": "t", "label": "T"},
           {**ROWS[1], "parameters": "start=0 end=10 step=0"}]
    with pytest.raises(FormError) as refused:
        load_xlsform(workbook(tmp_path, bad, "bad"))
    assert "row 3" in str(refused.value) and "parameters" in str(refused.value)


def test_the_logic_holds_range_and_rank_answers_to_their_rules(tmp_path: Path):
    form = load_xlsform(workbook(tmp_path))
    page = form.page("p1")
    off_step = page_errors(form, page, {"score": "3", "order": ["a", "a", "b"]})
    assert off_step == {"score": "Enter a number from 0 to 10 in steps of 2.",
                        "order": "Each option can take only one place."}
    missing = page_errors(form, page, {"score": "12", "order": ["a", "", "b"]})
    assert missing["order"] == "Give every option a place." and "score" in missing
    assert page_errors(form, page, {"score": "4", "order": "c a b"}) == {}


@given(st.integers(-30, 30), st.integers(-30, 30), st.integers(1, 7), st.integers(-40, 40))
def test_a_range_takes_exactly_the_numbers_on_its_steps(start_at, end_at, step, value):
    bounds = [str(start_at), str(end_at), str(step)]
    low, high = sorted((start_at, end_at))
    on_steps = {start_at + k * step for k in range(-100, 100)}
    assert ranges.within(bounds, str(value)) == (low <= value <= high and value in on_steps)


def test_interview_draws_both_and_keeps_what_was_posted(app, client, rr_form):
    browser = FlaskBrowser(client)
    record_id = record_id_of(start_interview(browser, rr_form, "Delta", language="default")
                             .path)
    html = browser.get(page_path(record_id, "p1")).text
    assert 'min="0" max="10" step="2"' in html and html.count('<select name="order"') == 3
    refused = answer(browser, record_id, "p1", {"score": "5", "order": ["b", "b", "a"]})
    assert refused.status == 422
    assert "in steps of 2" in refused.text and "only one place" in refused.text
    assert '<option value="a" selected>' in refused.text  # the third place drawn as posted
    answer(browser, record_id, "p1", {"score": "6", "order": ["c", "a", "b"]}, action="save")
    station = app.extensions["amplify"]
    saved = records.load_draft(station.store, station.keys().records, record_id)[1]
    assert (saved["score"], saved["order"]) == ("6", "c a b")


def post(client, html: str, answers: dict) -> object:
    page = parse(html)["f"]
    fields = [(f["name"], f["value"]) for f in page["fields"] if f["type"] == "hidden"]
    pairs = fields + [(name, value) for name, values in answers.items() for value in values]
    return client.post(page["action"], data=MultiDict([*pairs, ("~go", "next")]))


def test_phone_answers_in_the_workers_language_and_seals_the_ranking(app, client, tmp_path):
    spanish = [{**row, "label::Español (es)": row["label"]} if "label" in row else row
               for row in ROWS]
    add_to_station(app, workbook(tmp_path, spanish, "rr_es"))
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(station, form_id="rr_es",
                                              supplier={"name": "Delta", "country": "KH"})
    html = start(client, token, lang="es").get_data(as_text=True)
    assert 'min="0" max="10" step="2"' in html and "Lugar 3" in html
    refused = post(client, html, {"score": ["11"], "order": ["a", "", "c"]})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Escriba un número de 0 a 10 en pasos de 2." in text
    assert "Dé un lugar a cada opción." in text
    done = post(client, text, {"score": ["10"], "order": ["b", "c", "a"]})
    assert done.status_code == 200, done.get_data(as_text=True)[:300]
    [record] = finals(app)
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record.id)
    assert (sealed["answers"]["score"], sealed["answers"]["order"]) == ("10", "b c a")


def test_the_brand_merge_keeps_a_ranking_in_order_and_refuses_a_broken_one(tmp_path: Path):
    rules = FormRules(load_xlsform(workbook(tmp_path)), free_text=False)
    assert rules.answers("r1", {"score": "4", "order": "c a b"}).rows == \
        [("score", 4), ("order", "c a b")]
    for broken in ("c c b", "c a z"):
        with pytest.raises(Refusal, match="'order'"):
            rules.answers("r2", {"order": broken})


def test_logic_js_reads_a_ranking_as_the_server_does(phone, app, live_server, tmp_path):
    rows = [*ROWS[:3], {"type": "note", "name": "berry_first", "label": "B first",
                        "relevant": "selected-at(${order}, 0) = 'b' and ${order} = 'b a c'"},
            ROWS[3]]
    add_to_station(app, workbook(tmp_path, rows, "rr_js"))
    _session, token = sessions.create_session(app.extensions["amplify"], form_id="rr_js",
                                              supplier={"name": "Delta", "country": "KH"})
    phone.goto(f"{live_server.url}/f/{token}")
    phone.click("button[name=lang][value=default]")
    places = phone.locator("select[name=order]")
    places.nth(0).select_option("b")
    places.nth(1).select_option("a")
    assert phone.locator("[data-q=berry_first]").is_hidden()  # "b a " is not "b a c" yet
    places.nth(2).select_option("c")
    phone.wait_for_selector("[data-q=berry_first]:not([hidden])")
