"""Appearances that change how a question is answered, on the interpreter's and the phone
pages; unknown ones are ignored with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.store import records
from xlsform import load_xlsform

from .interview_client import FlaskBrowser, answer, page_path, record_id_of, start_interview
from .test_collect_pages import start
from .xlsform_factory import add_to_station, write_xlsform

ROWS = [
    {"type": "begin group", "name": "looks", "label": "Looks", "appearance": "field-list"},
    {"type": "select_one town", "name": "town", "label": "Town?", "appearance": "minimal",
     "required": "yes"},
    {"type": "select_one agree", "name": "fair", "label": "Pay is fair", "appearance": "likert"},
    {"type": "select_one agree", "name": "safe", "label": "Safe?", "appearance": "horizontal"},
    {"type": "text", "name": "code", "label": "Code", "appearance": "numbers"},
    {"type": "text", "name": "story", "label": "Story", "appearance": "multiline w3 masked"},
    {"type": "end group"},
]
CHOICES = [{"list_name": "town", "name": "pp", "label": "Phnom Penh"},
           {"list_name": "town", "name": "sr", "label": "Siem Reap"},
           {"list_name": "agree", "name": "yes", "label": "Yes"},
           {"list_name": "agree", "name": "no", "label": "No"}]


@pytest.fixture
def looks_form(app, tmp_path: Path) -> str:
    path = write_xlsform(tmp_path / "looks.xlsx", ROWS, CHOICES,
                         settings={"form_id": "looks", "version": "1"})
    add_to_station(app, path)
    return "looks"


def test_known_appearances_are_kept_and_unknown_ones_warned_about(tmp_path: Path):
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", ROWS, CHOICES))
    assert form.questions["town"].appearance == "minimal"
    assert form.questions["story"].appearance == "multiline"
    assert form.page("looks").appearance == "field-list"
    assert any("row 7" in w and "'w3', 'masked'" in w for w in form.warnings), form.warnings


def test_interview_page_draws_each_appearance_and_takes_the_drop_down(app, client, looks_form):
    browser = FlaskBrowser(client)
    record_id = record_id_of(start_interview(browser, looks_form, "Delta", language="default")
                             .path)
    page = browser.get(page_path(record_id, "looks")).text
    assert '<select id="i-town" name="town" aria-required="true"><option value=""></option>' \
        in page  # the one question macro: the same drop-down as on a phone
    assert 'look-likert' in page and 'look-horizontal' in page
    assert 'inputmode="numeric"' in page and "<textarea" in page
    refused = answer(browser, record_id, "looks", {"town": ""})
    assert refused.status == 422 and "This answer is required." in refused.text
    answer(browser, record_id, "looks", {"town": "sr", "code": "0042"}, action="save")
    station = app.extensions["amplify"]
    saved = records.load_draft(station.store, station.keys().records, record_id)[1]
    assert (saved["town"], saved["code"]) == ("sr", "0042")


def test_phone_page_draws_the_drop_down_and_the_layouts(app, client, looks_form):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(station, form_id=looks_form,
                                              supplier={"name": "Delta", "country": "KH"})
    html = start(client, token, lang="default").get_data(as_text=True)
    assert '<select id="i-town" name="town" aria-required="true"><option value=""></option>' \
        in html
    assert '<option value="sr">Siem Reap</option>' in html
    assert 'class="q look-likert"' in html and 'class="q look-horizontal"' in html
    assert 'name="code" type="text" dir="auto" value="" inputmode="numeric"' in html
