"""Collection sessions: create, list, close, expire; tokens reveal nothing."""

from __future__ import annotations

import time

import pytest

from survey_app import sessions
from survey_app.station import Locked
from survey_app.store import suppliers


def test_create_stores_no_names_and_a_hash_of_the_token(app):
    station = app.extensions["amplify"]
    session, token = sessions.create_session(
        station, form_id="amplify_worker", supplier={"name": "Sunrise Garments", "country": "KH"},
        languages=["en"], max_responses=5, hours=2)
    assert len(token) >= 20 and "Sunrise" not in token and "worker" not in token
    row = station.store.read()["collect_sessions"].get(session.id)
    assert row["token_hash"] == sessions.hash_token(token)
    assert token.encode() not in b"".join(v for v in row.values() if isinstance(v, bytes))
    assert "Sunrise" not in str(row)
    assert sessions.find_by_token(station.store, token).id == session.id
    assert sessions.session_token(station, session.id) == token
    assert session.languages == ("en",) and session.max_responses == 5
    assert 2 * 3600 - 5 < session.expires - session.created <= 2 * 3600
    sealed = station.store.read()["supplier_seals"].count
    assert sealed == 1
    details = suppliers.supplier_details(station.store, station.keys().records,
                                         session.supplier_id)
    assert details["name"] == "Sunrise Garments"


def test_tokens_are_unique_and_unguessable(app):
    station = app.extensions["amplify"]
    tokens = {sessions.create_session(station, form_id="amplify_worker",
                                      supplier={"name": "A"})[1] for _ in range(5)}
    assert len(tokens) == 5
    assert sessions.find_by_token(station.store, "not-a-token") is None


def test_unknown_language_is_refused_with_the_languages_the_form_has(app):
    with pytest.raises(sessions.SessionError, match="has no xx"):
        sessions.create_session(app.extensions["amplify"], form_id="amplify_worker",
                                supplier={"name": "A"}, languages=["en", "xx"])


def test_bad_caps_are_refused(app):
    station = app.extensions["amplify"]
    with pytest.raises(sessions.SessionError, match="max responses"):
        sessions.create_session(station, form_id="amplify_worker", supplier={"name": "A"},
                                max_responses=0)
    with pytest.raises(sessions.SessionError, match="expires"):
        sessions.create_session(station, form_id="amplify_worker", supplier={"name": "A"},
                                hours=-1)


def test_creating_a_session_needs_the_unlocked_station(app):
    station = app.extensions["amplify"]
    station.lock()
    with pytest.raises(Locked):
        sessions.create_session(station, form_id="amplify_worker", supplier={"name": "A"})


def test_close_and_expiry_change_the_status(app):
    station = app.extensions["amplify"]
    session, _token = sessions.create_session(station, form_id="amplify_worker",
                                              supplier={"name": "A"}, hours=1)
    assert session.status() == sessions.OPEN
    assert session.status(now=time.time() + 3601) == sessions.EXPIRED
    closed = sessions.close_session(station.store, session.id)
    assert closed.status() == sessions.CLOSED
    assert [s.id for s in sessions.list_sessions(station.store)] == [session.id]
    with pytest.raises(sessions.SessionNotFound):
        sessions.close_session(station.store, "nope")


def test_existing_supplier_can_be_reused(app):
    station = app.extensions["amplify"]
    first, _ = sessions.create_session(station, form_id="amplify_worker",
                                       supplier={"name": "A"})
    second, _ = sessions.create_session(station, form_id="amplify_worker",
                                        supplier=first.supplier_id)
    assert second.supplier_id == first.supplier_id


def responses_of(station, session_id: str) -> int:
    return station.store.read().execute(
        "SELECT count(*) FROM collect_responses WHERE session_id = ?", [session_id]).fetchone()[0]


def start_a_response(client, token: str) -> None:
    from tests.test_collect_pages import start

    assert start(client, token).status_code == 200


def test_expired_sessions_lose_their_responses_and_open_ones_keep_them(app, client):
    station = app.extensions["amplify"]
    short, short_token = sessions.create_session(station, form_id="amplify_worker",
                                                 supplier={"name": "A"}, hours=1)
    long, long_token = sessions.create_session(station, form_id="amplify_worker",
                                               supplier={"name": "A"}, hours=48)
    start_a_response(client, short_token)
    start_a_response(client, long_token)
    assert sessions.purge_finished_sessions(station.store) == 0
    assert sessions.purge_finished_sessions(station.store, now=time.time() + 7200) == 1
    assert responses_of(station, short.id) == 0 and responses_of(station, long.id) == 1


def test_a_serving_station_purges_sessions_as_they_expire(app, client):
    station = app.extensions["amplify"]
    session, token = sessions.create_session(station, form_id="amplify_worker",
                                             supplier={"name": "A"}, hours=1)
    start_a_response(client, token)
    sessions.watch_finished_sessions(station, every_seconds=0.05)
    assert responses_of(station, session.id) == 1
    station.store.write(lambda db: db.execute(  # the hour has passed
        "UPDATE collect_sessions SET expires = ? WHERE id = ?", [time.time() - 1, session.id]))
    deadline = time.monotonic() + 10
    while responses_of(station, session.id) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert responses_of(station, session.id) == 0
