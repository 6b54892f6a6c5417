"""Smaller phone points: a retried start counts once, control characters never reach a
record, the session screens are one click from the top bar."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from survey_app import sessions
from survey_app.collect import responses
from survey_app.posted import clean_text
from tests.test_collect_pages import hidden, post_page
from tests.test_collect_scripted import parse

INSTANCE = "0123456789abcdef0123456789abcdef"


def _session(app):
    station = app.extensions["amplify"]
    return sessions.create_session(station, form_id="amplify_worker",
                                   supplier={"name": "Factory A", "country": "KH"})


def test_a_start_retried_after_its_reply_was_lost_counts_once(app, client):
    session, token = _session(app)
    picker = parse(client.get(f"/f/{token}").get_data(as_text=True))["s"]
    data = {**hidden(picker), "lang": "en", "instance": INSTANCE}
    assert client.post(picker["action"], data=data).status_code == 200
    assert client.post(picker["action"], data=data).status_code == 200
    store = app.extensions["amplify"].store
    assert sessions.get_session(store, session.id).started == 1
    assert store.read()["collect_responses"].count == 1
    other = {**data, "instance": INSTANCE[::-1]}
    assert client.post(picker["action"], data=other).status_code == 200
    assert sessions.get_session(store, session.id).started == 2


@given(st.text())
def test_clean_text_keeps_no_control_character_but_line_breaks_and_tabs(text):
    cleaned = clean_text(text)
    assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in cleaned)
    assert "\r" not in cleaned and clean_text(cleaned) == cleaned


def test_a_nul_typed_on_a_phone_is_not_stored(app, client):
    session, token = _session(app)
    picker = parse(client.get(f"/f/{token}").get_data(as_text=True))["s"]
    first = client.post(picker["action"], data={**hidden(picker), "lang": "en"})
    html = post_page(client, first.get_data(True))[0].get_data(True)
    for _ in range(10):  # to the first page with a text box
        form = parse(html)["f"]
        texts = [f["name"] for f in form["fields"] if f["type"] == "text" and not f["disabled"]]
        if texts:
            break
        html = post_page(client, html)[0].get_data(True)
    response, _ = post_page(client, html, {texts[0]: "since\x002019\x1b", "~go": "back"},
                            go="back")
    store = app.extensions["amplify"].store
    found = responses.find(store, session, hidden(parse(html)["f"])["~r"])
    assert responses.draft_of(found).answers[texts[0]] == "since2019"


def test_the_top_bar_links_the_phone_sessions(client):
    assert 'href="/sessions"' in client.get("/interviews").get_data(as_text=True)
