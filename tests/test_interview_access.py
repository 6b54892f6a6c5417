"""Who reaches the interpreter's screens, first run, unlock, lock, rate limit."""

from __future__ import annotations

import pytest

from survey_app import create_app
from survey_app.keys import keyring
from survey_app.store import formstore

from .conftest import PASSPHRASE
from .interview_client import FlaskBrowser

SCREENS = ["/", "/setup", "/unlock", "/interviews", "/interviews/new",
           "/interviews/abc/page/p1"]


@pytest.fixture
def fresh_app(tmp_path):
    app = create_app(tmp_path / "fresh", {"TESTING": True})
    yield app
    app.extensions["amplify"].close()


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.4.20", "fe80::1"])
def test_screens_are_404_from_any_other_device(client, address):
    for path in SCREENS:
        response = client.get(path, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 404, path
        assert b"Interviews" not in response.data
    response = client.post("/lock", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 404
    assert client.application.extensions["amplify"].unlocked


def test_loopback_over_ipv6_is_allowed(client):
    assert client.get("/interviews", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_first_run_sets_up_a_fresh_home_in_the_browser(fresh_app):
    browser = FlaskBrowser(fresh_app.test_client())
    page = browser.get("/")
    assert page.path == "/setup" and "passphrase" in page.text.lower()
    browser.token = None
    from .interview_client import csrf_token

    browser.token = csrf_token(page.text)
    mismatch = browser.post("/setup", {"passphrase": PASSPHRASE, "confirm": PASSPHRASE + "x"})
    assert mismatch.status == 400 and "The two passphrases are not the same." in mismatch.text
    short = browser.post("/setup", {"passphrase": "short", "confirm": "short"})
    assert short.status == 400 and "at least 12 characters" in short.text
    station = fresh_app.extensions["amplify"]
    assert not station.initialised
    done = browser.post("/setup", {"passphrase": PASSPHRASE, "confirm": PASSPHRASE})
    assert done.status == 200 and done.path == "/interviews"
    assert station.initialised and station.unlocked
    assert {f.form_id for f in formstore.latest_forms(station.store)} >= {
        "amplify_worker", "amplify_representative", "amplify_management"}
    keyring.unlock(station.home, PASSPHRASE)  # the keys open with what was typed
    again = browser.get("/setup")
    assert again.path == "/interviews"  # a set-up home cannot be set up twice


def test_locked_station_sends_every_screen_to_unlock(client, app):
    app.extensions["amplify"].lock()
    for path in ["/interviews", "/interviews/new", "/interviews/abc/page/p1"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/unlock?next=")
    assert client.get("/").location == "/unlock"


def test_wrong_passphrase_is_refused_and_right_one_unlocks(client, app):
    station = app.extensions["amplify"]
    station.lock()
    browser = FlaskBrowser(client)
    wrong = browser.post("/unlock?next=/interviews/new", {"passphrase": "not the passphrase"})
    assert wrong.status == 401 and "Wrong passphrase" in wrong.text
    assert not station.unlocked
    right = browser.post("/unlock?next=/interviews/new", {"passphrase": PASSPHRASE})
    assert right.status == 200 and right.path == "/interviews/new"
    assert station.unlocked


def test_unlock_goes_only_to_local_paths(client, app):
    app.extensions["amplify"].lock()
    browser = FlaskBrowser(client)
    page = browser.post("/unlock?next=//evil.example/x", {"passphrase": PASSPHRASE})
    assert page.path == "/interviews"


def test_unlock_is_rate_limited(client, app):
    station = app.extensions["amplify"]
    station.lock()
    browser = FlaskBrowser(client)
    statuses = [browser.post("/unlock", {"passphrase": f"guess number {i}"}).status
                for i in range(6)]
    assert statuses == [401] * 5 + [429]
    blocked = browser.post("/unlock", {"passphrase": PASSPHRASE})
    assert blocked.status == 429 and "Wait 12 seconds" in blocked.text
    assert not station.unlocked


def test_lock_button_locks_and_needs_csrf(client, app):
    station = app.extensions["amplify"]
    assert client.post("/lock").status_code == 400  # no CSRF token
    assert station.unlocked
    page = FlaskBrowser(client).post("/lock")
    assert page.path == "/unlock" and not station.unlocked


def test_pages_send_security_headers(client):
    response = client.get("/interviews")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert b"<script>" not in response.data and b"style=" not in response.data
