"""One phone cannot silence the others, and a submission belongs to its tab (issue 13)."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from survey_app import sessions
from survey_app.cli import main
from survey_app.collect import responses
from survey_app.store import records
from tests.test_collect_pages import finals, hidden, post_page, walk_to_last
from tests.test_collect_scripted import CANARY, Client, absolute, parse, walk

SPANISH_REFUSAL = "Esta página no está disponible."


def _session(app, cap: int) -> tuple[sessions.CollectionSession, str]:
    return sessions.create_session(app.extensions["amplify"], form_id="amplify_worker",
                                   supplier={"name": "Factory A", "country": "KH"},
                                   languages=["en", "es"], max_responses=cap)


def _start_form(client, token: str) -> dict:
    return parse(client.get(f"/f/{token}").get_data(as_text=True))["s"]


def _start(client, form: dict, instance: str, lang: str = "en"):
    return client.post(form["action"], data={**hidden(form), "instance": instance,
                                             "lang": lang})


def test_a_flooding_phone_leaves_a_second_phone_able_to_answer(app, live_server):
    app.extensions["amplify"].settings["rate_limit_per_minute"] = 30
    session, token = _session(app, cap=5)
    url = f"{live_server.url}/f/{token}"
    flooder = Client()
    loads = Counter(flooder.request(url)[0] for _ in range(150))
    assert loads == {200: 150}  # the first page is never limited per session
    form = parse(flooder.request(url)[1])["s"]
    fields = [(f["name"], f["value"]) for f in form["fields"] if f["type"] == "hidden"]
    starts = [flooder.request(absolute(url, form["action"]),
                              [*fields, ("instance", f"flood-instance-{i:04}"),
                               ("lang", "en")])[0] for i in range(40)]
    assert starts[:3] == [200] * 3 and set(starts[3:]) == {429}  # budget, then rate
    for i in range(40):  # many tabs, one start each: nothing caps unfinished starts
        tab = parse(flooder.request(url)[1])["s"]
        tab_fields = [(f["name"], f["value"]) for f in tab["fields"] if f["type"] == "hidden"]
        status = flooder.request(absolute(url, tab["action"]),
                                 [*tab_fields, ("instance", f"many-tabs-{i:04}"),
                                  ("lang", "en")])[0]
        assert status == 200
    _last, _url, pages = walk(Client(), url)  # every page 200 (or 422 then fixed), done
    assert pages >= 2
    store = app.extensions["amplify"].store
    assert sessions.get_session(store, session.id).completed == 1
    assert sessions.get_session(store, session.id).status() == sessions.OPEN
    assert len(finals(app)) == 1


def test_max_responses_2_with_10_starters_gives_2_completions(app, client, home):
    session, token = _session(app, cap=2)
    waiting = [walk_to_last_in(client, token, "es") for _ in range(10)]
    codes = []
    for last in waiting:
        response, _data = post_page(client, last.get_data(as_text=True))
        codes.append(response.status_code)
        if response.status_code != 200:
            assert SPANISH_REFUSAL in response.get_data(as_text=True)
    assert codes == [200, 200] + [410] * 8
    store = app.extensions["amplify"].store
    assert len(finals(app)) == 2
    full = sessions.get_session(store, session.id)
    assert (full.completed, full.status()) == (2, sessions.FULL)
    assert client.get(f"/f/{token}").status_code == 410
    listed = CliRunner().invoke(main, ["session", "list", "--home", str(home)])
    assert listed.exit_code == 0 and f"{session.id}  amplify_worker" in listed.output
    assert " full " in listed.output
    screen = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert '<span data-count="status">full</span>' in screen


def walk_to_last_in(client, token: str, lang: str):
    """Start in ``lang`` and answer every page but the last (Spanish: its button)."""
    form = _start_form(client, token)
    response = client.post(form["action"], data={**hidden(form), "lang": lang})
    for _ in range(30):
        html = response.get_data(as_text=True)
        if "Enviar mis respuestas" in html:
            return response
        response, _data = post_page(client, html)
        assert response.status_code == 200
    raise AssertionError("no last page")


def test_each_tab_has_a_budget_of_unfinished_starts_and_idle_ones_expire(app, client):
    session, token = _session(app, cap=5)
    store = app.extensions["amplify"].store
    tab = _start_form(client, token)
    codes = [_start(client, tab, f"budget-instance-{i:04}").status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    assert _start(client, _start_form(client, token), "another-tab-0001").status_code == 200
    assert sessions.get_session(store, session.id).started == 4
    assert sessions.purge_idle_responses(store) == 0  # nothing idle yet
    later = store.read().execute("SELECT max(idle_until) FROM collect_responses").fetchone()[0]
    assert sessions.purge_idle_responses(store, now=later + 1) == 4
    assert sessions.get_session(store, session.id).started == 0
    assert _start(client, tab, "budget-instance-0009").status_code == 200  # budget back


def test_a_submitted_response_keeps_no_tab_and_no_time(app, client):
    _session_, token = _session(app, cap=5)
    last = walk_to_last(client, token)
    assert post_page(client, last.get_data(as_text=True))[0].status_code == 200
    rows = app.extensions["amplify"].store.read().execute(
        "SELECT tab_hash, idle_until, draft FROM collect_responses").fetchall()
    assert rows == [(None, None, None)]


def test_a_copied_instance_id_neither_preempts_nor_replaces_a_workers_answers(app, client):
    _session_, token = _session(app, cap=5)
    worker_last = walk_to_last(client, token)
    instance = hidden(parse(worker_last.get_data(as_text=True))["f"])["~instance"]
    stranger_tab = _start_form(client, token)
    assert _start(client, stranger_tab, instance).status_code == 409  # cannot share it
    stranger_last = walk_to_last(client, token)
    fake = {"~instance": instance, **{name: "stranger text" for name in _texts(stranger_last)}}
    refused, _ = post_page(client, stranger_last.get_data(as_text=True), fake)
    assert refused.status_code == 409 and not finals(app)
    sent, _ = post_page(client, worker_last.get_data(as_text=True))
    assert sent.status_code == 200
    [record] = finals(app)
    station = app.extensions["amplify"]
    sealed = records.read_sealed(station.store, station.keys().local_project_private,
                                 record.id)
    assert "stranger text" not in repr(sealed) and CANARY in repr(sealed)


def _texts(response) -> list[str]:
    form = parse(response.get_data(as_text=True))["f"]
    return [f["name"] for f in form["fields"] if f["type"] in ("text", "textarea")]


@pytest.mark.parametrize("minutes", [1, 45])
def test_idle_deadline_is_whole_minutes_after_the_window(minutes):
    deadline = responses.idle_deadline(minutes, now=1_000_000.5)
    assert deadline % 60 == 0 and 0 <= deadline - (1_000_000.5 + minutes * 60) < 60
