"""A phone submission that needs names scrubbed while the station is locked waits, whole."""

from __future__ import annotations

from survey_app import held, sessions
from survey_app.store import records
from tests.conftest import PASSPHRASE
from tests.interview_client import FlaskBrowser
from tests.test_collect_pages import finals, post_page, walk_to_last
from tests.test_collect_scripted import CANARY


def test_free_text_sent_while_locked_waits_for_the_unlock_and_is_scrubbed(app, client):
    station = app.extensions["amplify"]
    session, token = sessions.create_session(
        station, form_id="amplify_worker", supplier={"name": "Factory A", "country": "KH"},
        scrub_names=[CANARY])
    station.lock()
    last = walk_to_last(client, token)
    response, posted = post_page(client, last.get_data(True))
    assert response.status_code == 200 and response.headers["X-Receipt"]
    assert finals(app) == [] and held.waiting(station) == 1
    assert held.waiting(station, session.id) == 1
    assert sessions.get_session(station.store, session.id).completed == 1
    texts = {name for name, values in posted.items() if CANARY in values[0]}
    assert texts, "the walk typed no free text"

    listing = FlaskBrowser(app.test_client()).get("/sessions")
    assert "1 answer sent while the station was locked waits for the unlock" in listing.text

    page = FlaskBrowser(app.test_client()).post("/unlock", {"passphrase": PASSPHRASE})
    assert "been cleaned of the listed names and sealed" in page.text
    assert held.waiting(station) == 0
    [record] = finals(app)
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record.id)
    kept = {name: sealed["answers"].get(name, "") for name in texts}
    assert any(kept.values()), "free text was dropped instead of scrubbed"
    assert not any(CANARY in value for value in kept.values())


def test_a_retried_submit_while_locked_is_one_held_record(app, client):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(
        station, form_id="amplify_worker", supplier={"name": "Factory A", "country": "KH"},
        scrub_names=["Nobody Here"])
    station.lock()
    last = walk_to_last(client, token)
    first, _ = post_page(client, last.get_data(True))
    again, _ = post_page(client, last.get_data(True))
    assert first.headers["X-Receipt"] == again.headers["X-Receipt"]
    assert held.waiting(station) == 1
