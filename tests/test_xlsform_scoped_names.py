"""Names as ODK scopes them, answered to the end over the interview pages: the same name in
two groups, paths (``../x``, ``/data/g/x``) and KoboToolbox's ``__version__``."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.store import formstore, records
from xlsform import load_xlsform

from .interview_client import FlaskBrowser, answer, page_path, record_id_of, start_interview
from .xlsform_factory import write_xlsform

ROWS = [
    {"type": "begin group", "name": "mother", "label": "Mother"},
    {"type": "integer", "name": "age", "label": "Her age?"},
    {"type": "text", "name": "why_young", "label": "Why so young?", "relevant": "../age < 18"},
    {"type": "end group"},
    {"type": "begin group", "name": "father", "label": "Father"},
    {"type": "integer", "name": "age", "label": "His age?"},
    {"type": "note", "name": "older", "label": "He is older.",
     "relevant": "../age > /data/mother/age"},
    {"type": "end group"},
    {"type": "calculate", "name": "__version__", "calculation": "'vGdm3T'"},
]


@pytest.fixture
def browser(client) -> FlaskBrowser:
    return FlaskBrowser(client)


def test_same_names_in_two_groups_are_answered_and_sealed_apart(browser, app, tmp_path: Path):
    path = write_xlsform(tmp_path / "family.xlsx", ROWS,
                         settings={"form_id": "family", "version": "1", "form_title": "Family"})
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(path), path.read_bytes(), path.name)
    started = start_interview(browser, "family", "Delta Textiles", language="default")
    record_id = record_id_of(started.path)
    first = browser.get(page_path(record_id, "mother"))
    assert 'name="mother/age"' in first.text
    page = answer(browser, record_id, "mother", {"mother/age": "17", "why_young": "Married"})
    assert page.path.endswith("/page/father"), page.text
    assert 'name="father/age"' in page.text
    page = answer(browser, record_id, "father", {"father/age": "40"}, action="finalise")
    assert page.path == "/interviews", page.text
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    answers = sealed["answers"]
    assert (answers["mother/age"], answers["father/age"]) == ("17", "40")
    assert answers["why_young"] == "Married" and answers["__version__"] == "vGdm3T"
