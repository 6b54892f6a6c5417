"""Worker pages through Flask's test client: headers, tokens, limits, idempotency, locking."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.store import records
from tests.test_collect_scripted import CANARY, fill, parse


@pytest.fixture
def open_session(app):
    station = app.extensions["amplify"]
    return sessions.create_session(station, form_id="amplify_worker",
                                   supplier={"name": "Factory A", "country": "KH"},
                                   max_responses=3)


def hidden(form: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in form["fields"] if f["type"] == "hidden"}


def start(client, token: str, lang: str = "en"):
    page = parse(client.get(f"/f/{token}").get_data(as_text=True))["s"]
    response = client.post(page["action"], data={**hidden(page), "lang": lang})
    return response


def post_page(client, html: str, override: dict | None = None, go: str = "next"):
    form = parse(html)["f"]
    data: dict[str, list[str]] = {}
    for name, value in fill(form):
        data.setdefault(name, []).append(value)
    for name, value in (override or {}).items():
        data[name] = [value]
    data["~go"] = [go]
    return client.post(form["action"], data=data), data


def walk_to_last(client, token: str):
    """Answer every page but the last; return the last page's response."""
    response = start(client, token)
    for _ in range(30):
        html = response.get_data(as_text=True)
        if "Send my answers" in html:
            return response
        response, _data = post_page(client, html)
        assert response.status_code == 200, response.get_data(as_text=True)[:400]
    raise AssertionError("no last page")


def finals(app):
    return records.list_records(app.extensions["amplify"].store, records.FINAL)


def test_worker_pages_set_no_cookie_and_strict_headers(client, open_session):
    _session, token = open_session
    for response in (client.get(f"/f/{token}"), start(client, token)):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp
        html = response.get_data(as_text=True)
        assert "<title>Form</title>" in html
        assert "Factory A" not in html and "Worker interview" not in html
    script = client.get("/f/static/collect.js")
    assert script.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in script.headers


def test_unknown_closed_and_expired_sessions_answer_410_neutrally(app, client, open_session):
    session, token = open_session
    assert client.get("/f/not-a-real-token-at-all").status_code == 410
    first = start(client, token)
    sessions.close_session(app.extensions["amplify"].store, session.id)
    for response in (client.get(f"/f/{token}"), post_page(client, first.get_data(True))[0]):
        assert response.status_code == 410
        assert "not available" in response.get_data(as_text=True)
    station = app.extensions["amplify"]
    other, other_token = sessions.create_session(station, form_id="amplify_worker",
                                                 supplier={"name": "B"}, hours=1)
    station.store.write(lambda db: db.execute(
        "UPDATE collect_sessions SET expires = ? WHERE id = ?", [time.time() - 1, other.id]))
    assert client.get(f"/f/{other_token}").status_code == 410


def test_a_wrong_csrf_token_is_400(client, open_session):
    _session, token = open_session
    page = parse(client.get(f"/f/{token}").get_data(as_text=True))["s"]
    assert client.post(page["action"], data={"~csrf": "0" * 32, "lang": "en"}).status_code == 400
    first = start(client, token)
    response, _ = post_page(client, first.get_data(True), {"~csrf": "f" * 32})
    assert response.status_code == 400


def test_submit_is_idempotent_and_a_changed_resubmit_is_409(app, client, open_session):
    _session, token = open_session
    last = walk_to_last(client, token)
    response, data = post_page(client, last.get_data(True))
    assert response.status_code == 200 and finals(app)
    receipt = response.headers["X-Receipt"]
    form_action = parse(last.get_data(True))["f"]["action"]
    again = client.post(form_action, data=data)
    assert again.status_code == 200 and again.headers["X-Receipt"] == receipt
    changed = {k: [v + " changed" if CANARY in v else v for v in vs] for k, vs in data.items()}
    assert changed != data
    assert client.post(form_action, data=changed).status_code == 409
    assert len(finals(app)) == 1
    assert finals(app)[0].id == records.get_meta(app.extensions["amplify"].store,
                                                 finals(app)[0].id).id


def test_response_cap_refuses_new_starts_and_submits_past_it(app, client, open_session):
    session, token = open_session  # max_responses=3
    waiting = walk_to_last(client, token)
    for _ in range(3):
        last = walk_to_last(client, token)
        assert post_page(client, last.get_data(True))[0].status_code == 200
    assert client.get(f"/f/{token}").status_code == 410
    assert post_page(client, waiting.get_data(True))[0].status_code == 410
    assert sessions.get_session(app.extensions["amplify"].store, session.id).completed == 3
    assert len(finals(app)) == 3


def test_rate_limit_per_phone_is_429(app, client, open_session):
    _session, token = open_session
    app.extensions["amplify"].settings["rate_limit_per_minute"] = 4
    first = start(client, token)
    codes = [post_page(client, first.get_data(True), go="back")[0].status_code
             for _ in range(6)]
    assert codes[:3] == [200] * 3 and codes[-1] == 429  # the tab's start was the first


def test_rate_limiter_window_and_forgetting_idle_phones():
    from survey_app.collect.guard import RateLimiter

    now = [0.0]
    limiter = RateLimiter(window=60, clock=lambda: now[0])
    assert [limiter.allow("phone-a", 3) for _ in range(4)] == [True, True, True, False]
    for i in range(20_000):  # a crowd, each once: all remembered while within the window
        limiter.allow(f"phone-{i}", 3)
    assert limiter.tracked() == 20_001
    now[0] = 61.0  # the window has passed for everyone but phone-a's next request
    assert limiter.allow("phone-a", 3)
    assert limiter.tracked() == 1
    now[0] = 90.0  # phone-a's earlier hits have left the window; its one at 61 has not
    assert [limiter.allow("phone-a", 3) for _ in range(3)] == [True, True, False]


def test_request_size_limit_is_413(client, open_session):
    _session, token = open_session
    first = start(client, token)
    response, _ = post_page(client, first.get_data(True), {"filler": "x" * 300_000})
    assert response.status_code == 413


def test_a_locked_station_still_takes_workers_answers(app, client, open_session):
    station = app.extensions["amplify"]
    _session, token = open_session
    station.lock()
    last = walk_to_last(client, token)
    response, _ = post_page(client, last.get_data(True))
    assert response.status_code == 200
    assert not station.unlocked
    [record] = finals(app)
    assert record.mode == "self" and record.batch_id
    station.unlock("correct horse battery staple")
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record.id)
    assert sealed["answers"]["consent"] == "yes" and sealed["supplier_id"] == record.supplier_id


def test_back_keeps_answers_and_validation_errors_are_422(client, open_session):
    _session, token = open_session
    first = start(client, token)
    response, _ = post_page(client, first.get_data(True), {"safe_place": ""})
    assert response.status_code == 422 and 'class="em"' in response.get_data(True)
    response, _ = post_page(client, response.get_data(True))
    assert response.status_code == 200
    back, _ = post_page(client, response.get_data(True), go="back")
    assert 'value="yes" checked' in back.get_data(True)


def test_quick_exit_deletes_the_unfinished_answers(app, client, open_session):
    session, token = open_session
    first = start(client, token)
    second, _ = post_page(client, first.get_data(True))
    exit_form = parse(second.get_data(True))["x"]
    data = {**hidden(exit_form), "~delete": "1"}
    response = client.post(exit_form["action"], data=data)
    assert response.status_code == 303
    assert response.headers["Location"].split("?")[0].endswith("/f/bye")
    store = app.extensions["amplify"].store
    assert store.read()["collect_responses"].count == 0
    assert sessions.get_session(store, session.id).started == 0
    assert post_page(client, second.get_data(True))[0].status_code == 410


def test_answers_never_reach_home_files_in_clear_nor_logs(app, client, open_session, caplog):
    station = app.extensions["amplify"]
    _session, token = open_session
    caplog.set_level(logging.DEBUG)
    last = walk_to_last(client, token)
    unfinished = walk_to_last(client, token)
    post_page(client, unfinished.get_data(True), go="back")
    post_page(client, last.get_data(True))
    station.close()
    canary = CANARY.encode()
    for path in Path(station.home).rglob("*"):
        if path.is_file():
            assert canary not in path.read_bytes(), path
    assert CANARY not in caplog.text and "127.0.0.1" not in caplog.text


def test_each_worker_request_works_out_the_form_logic_once(client, open_session, monkeypatch):
    """Relevance and calculations are the costliest part of a page; a request asks about
    the same answers many times (errors, next page, what to show) and must reuse them."""
    from xlsform import logic

    calls = []
    resolve = logic._resolve
    monkeypatch.setattr(logic, "_resolve", lambda *args: calls.append(1) or resolve(*args))
    _session, token = open_session
    first = start(client, token)
    assert first.status_code == 200 and len(calls) == 1
    calls.clear()
    response, _data = post_page(client, first.get_data(as_text=True))
    assert response.status_code == 200 and len(calls) == 1


def test_the_final_submit_works_out_the_form_logic_once(app, client, open_session,
                                                        monkeypatch):
    """The final submit checks every shown page, cleans, anonymises and seals the answers,
    and still works out the form's logic only once."""
    from xlsform import logic

    _session, token = open_session
    last = walk_to_last(client, token)
    calls = []
    resolve = logic._resolve
    monkeypatch.setattr(logic, "_resolve", lambda *args: calls.append(1) or resolve(*args))
    response, _data = post_page(client, last.get_data(as_text=True),
                                {"change_wish": "since 2019, call 012 345 678"})
    assert response.status_code == 200 and "data-receipt" in response.get_data(as_text=True)
    assert len(finals(app)) == 1
    assert len(calls) == 1
