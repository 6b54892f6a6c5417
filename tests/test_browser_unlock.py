"""The interview screens belong to the interpreter's browser, not to the laptop.

An unlocked station, over real HTTP: a request under a foreign ``Host`` (DNS
rebinding) gets 400 and nothing else; a request without the interpreter's cookie (any
other browser or local process) finds the station locked; each browser unlocks for
itself, and locking revokes them all.
"""

from __future__ import annotations

import http.client

import pytest

from survey_app import sessions
from survey_app.hosts import ServedHosts
from survey_app.network import lan_addresses

from .conftest import PASSPHRASE
from .interview_client import FlaskBrowser, HttpBrowser, answer, record_id_of, start_interview
from .interview_client import unlock as unlock_in

SUPPLIER = "Representative Sokha Phal 012 345 678"
SECRET_ANSWER = "union meeting at the dormitory"


@pytest.fixture
def world(app, live_server):
    """An unlocked station with a saved draft and an open collection session."""
    interpreter = HttpBrowser(live_server.url)
    unlock_in(interpreter, PASSPHRASE)
    record_id = record_id_of(start_interview(interpreter, "amplify_worker", SUPPLIER).path)
    answer(interpreter, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    saved = answer(interpreter, record_id, "closing", {"change_wish": SECRET_ANSWER},
                   action="save")
    assert SECRET_ANSWER in saved.text
    session, token = sessions.create_session(
        app.extensions["amplify"], form_id="amplify_worker",
        supplier={"name": "Factory A", "country": "KH"}, max_responses=3)
    paths = ["/", "/interviews", "/unlock", f"/interviews/{record_id}/page/closing",
             "/sessions", f"/sessions/{session.id}", f"/f/{token}"]
    return interpreter, paths, token


def secrets_in(text: str, token: str) -> list[str]:
    return [s for s in (SUPPLIER, SECRET_ANSWER, token) if s in text]


def raw_get(base_url: str, path: str, host: str, cookie: str = "") -> tuple[int, str]:
    port = int(base_url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers={"Host": host, **({"Cookie": cookie} if cookie else {})})
    response = conn.getresponse()
    status, body = response.status, response.read().decode("utf-8", "replace")
    conn.close()
    return status, body


def test_a_foreign_host_gets_400_and_nothing_else(world, live_server):
    interpreter, paths, token = world
    cookie = session_cookie(interpreter)
    port = live_server.url.rsplit(":", 1)[1]
    for host in (f"rebind.attacker.example:{port}", "rebind.attacker.example",
                 f"127.0.0.2:{port}"):
        for path in paths:
            status, body = raw_get(live_server.url, path, host, cookie)
            assert status == 400, (host, path, status)
            assert "~csrf" not in body and not secrets_in(body, token), (host, path)
    # The same requests under the served name do reach the interpreter's screens.
    assert raw_get(live_server.url, "/interviews", f"127.0.0.1:{port}", cookie)[0] == 200


def session_cookie(browser: HttpBrowser) -> str:
    jar = next(h.cookiejar for h in browser.opener.handlers if hasattr(h, "cookiejar"))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def test_a_request_without_the_cookie_finds_the_station_locked(world, live_server):
    interpreter, paths, token = world
    stranger = HttpBrowser(live_server.url)
    for path in paths[:-1]:  # the phone page is public by design (it shows the form)
        page = stranger.get(path)
        assert page.path == "/unlock" or path.startswith("/sessions"), (path, page.path)
        assert not secrets_in(page.text, token), path
    # A post with the stranger's own CSRF token does not reach the draft either.
    record_path = paths[3]
    page = stranger.post(record_path, {"change_wish": "overwritten", "~action": "save"})
    assert "name=\"passphrase\"" in page.text and SECRET_ANSWER not in page.text
    assert SECRET_ANSWER in interpreter.get(record_path).text


def test_each_browser_unlocks_for_itself_and_locking_revokes_all(app, client):
    first = FlaskBrowser(client)
    second = FlaskBrowser(app.test_client())
    assert first.get("/interviews").path == "/interviews"
    assert second.get("/interviews").path == "/unlock"
    wrong = second.post("/unlock", {"passphrase": "not the passphrase at all"})
    assert wrong.status == 401 and second.get("/interviews").path == "/unlock"
    unlock_in(second, PASSPHRASE)
    assert second.get("/interviews").path == "/interviews"
    assert first.get("/interviews").path == "/interviews"
    first.post("/lock")
    assert first.get("/interviews").path == "/unlock"
    assert second.get("/interviews").path == "/unlock"


def test_served_hosts_are_the_loopback_names_and_lan_addresses_with_the_port():
    hosts = ServedHosts()
    assert hosts.allows("localhost")  # no server bound yet: Flask's test client
    hosts.serve_on("0.0.0.0", 8080)
    for name in ("127.0.0.1:8080", "LOCALHOST:8080", "[::1]:8080",
                 *(f"{address}:8080" for address in lan_addresses())):
        assert hosts.allows(name), name
    for name in ("localhost", "127.0.0.1:8081", "rebind.attacker.example:8080",
                 "localhost.:8080", "8080"):
        assert not hosts.allows(name), name
    only_here = ServedHosts()
    only_here.serve_on("127.0.0.1", 8080)
    assert not any(only_here.allows(f"{address}:8080") for address in lan_addresses())
