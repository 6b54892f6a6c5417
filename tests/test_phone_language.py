"""A worker's phone speaks the worker's language on every page it shows: default answer
messages, the neutral pages after exit, refusals and closed sessions."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.i18n import gettext_in
from survey_app.store import formstore
from tests.test_collect_pages import hidden, post_page
from tests.test_collect_scripted import parse
from tests.xlsform_factory import write_xlsform
from xlsform import logic
from xlsform.loader import load_xlsform

LANGS = {"my": "Burmese (my)", "km": "Khmer (km)", "ar": "Arabic (ar)"}


def _labels(en: str) -> dict[str, str]:
    return {"label::English (en)": en, **{f"label::{name}": f"{en} ({code})"
                                          for code, name in LANGS.items()}}


@pytest.fixture
def small_session(app, tmp_path: Path):
    path = write_xlsform(
        tmp_path / "lang.xlsx",
        [{"type": "begin group", "name": "p1", "appearance": "field-list", **_labels("Work")},
         {"type": "integer", "name": "years", "required": "yes", **_labels("Years here")},
         {"type": "text", "name": "comment", **_labels("Anything else?")},
         {"type": "end group", "name": "p1"}],
        settings={"form_id": "lang_check", "version": "1", "default_language": "English (en)"})
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(path), path.read_bytes(), path.name)
    return sessions.create_session(station, form_id="lang_check",
                                   supplier={"name": "Factory B", "country": "MM"},
                                   languages=["my", "km", "ar"])


def _start(client, token: str, lang: str):
    picker = parse(client.get(f"/f/{token}").get_data(as_text=True))["s"]
    return client.post(picker["action"], data={**hidden(picker), "lang": lang})


@pytest.mark.parametrize("lang", ["my", "ar"])
def test_default_answer_messages_are_in_the_workers_language(app, client, small_session, lang):
    _session, token = small_session
    first = _start(client, token, lang)
    response, _ = post_page(client, first.get_data(True), {"years": ""})
    html = response.get_data(True)
    with app.test_request_context():
        required = gettext_in(lang, logic.REQUIRED)
        whole = gettext_in(lang, logic.TYPE_MESSAGES["integer"])
    assert response.status_code == 422 and required != logic.REQUIRED
    assert required in html and logic.REQUIRED not in html
    response, _ = post_page(client, html, {"years": "many"})
    assert whole in response.get_data(True) and whole != logic.TYPE_MESSAGES["integer"]


def test_exit_and_refusals_answer_in_the_workers_language(app, client, small_session):
    session, token = small_session
    page = _start(client, token, "my").get_data(True)
    exit_form = parse(page)["x"]
    bye = client.post(exit_form["action"], data={**hidden(exit_form), "~delete": "1"},
                      follow_redirects=True).get_data(True)
    with app.test_request_context():
        gone = gettext_in("my", "This page is not available.")
        expired = gettext_in("my", "This page has expired. Scan the code again to start.")
    assert 'lang="my"' in bye and gone in bye
    stale, _ = post_page(client, page, {"~csrf": "forged"})
    assert stale.status_code == 400 and expired in stale.get_data(True)
    sessions.close_session(app.extensions["amplify"].store, session.id)
    closed = client.get(f"/f/{token}", headers={"Accept-Language": "my-MM,my;q=0.9,en;q=0.5"})
    assert closed.status_code == 410 and gone in closed.get_data(True)
