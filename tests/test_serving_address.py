"""The running station publishes where it listens: the CLI prints the real port, and both
the CLI and the session page warn when phones cannot reach it."""

from __future__ import annotations

import json

from survey_app import serving, sessions
from tests.test_sessions_cli import amplify


def test_session_new_prints_the_port_the_station_serves_on(home):
    serving.publish(home, "127.0.0.1", 8765)  # this test's process stands for the server
    made = amplify("session", "new", "--form", "amplify_worker", "--supplier", "A",
                   "--json", home=home)
    assert made.returncode == 0, made.stderr
    assert ":8765/f/" in json.loads(made.stdout)["url"]
    assert "this laptop only" in made.stderr
    serving.publish(home, "0.0.0.0", 8766)  # noqa: S104 - what --lan listens on
    made = amplify("session", "new", "--form", "amplify_worker", "--supplier", "A",
                   "--json", home=home)
    assert ":8766/f/" in json.loads(made.stdout)["url"] and made.stderr == ""
    serving.withdraw(home)
    assert serving.published(home) is None


def test_the_session_page_warns_when_phones_cannot_reach_the_station(app, client):
    station = app.extensions["amplify"]
    session, _token = sessions.create_session(
        station, form_id="amplify_worker", supplier={"name": "A", "country": "KH"})
    serving.publish(station.home, "127.0.0.1", 8080)
    assert 'id="unreachable"' in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    serving.publish(station.home, "0.0.0.0", 8080)  # noqa: S104 - what --lan listens on
    assert 'id="unreachable"' not in client.get(f"/sessions/{session.id}").get_data(True)
