"""Fuzz the phone pages and the interpreter's screens (issue 13, item 8).

Random methods, paths, fields, encodings and sizes, through Flask's test client (with
TESTING on, an unhandled exception fails the test instead of becoming a 500). Every
request may carry the real tokens of a started phone response and of the admitted
interpreter, so the random part reaches past the token checks. No answer is a 5xx or
shows a traceback, and a refusal leaves every table of the store as it was.

Left out on purpose: /unlock, /setup, /lock, and the delete and close buttons, which
with a valid token do what they are for.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from survey_app import create_app, sessions
from tests.conftest import PASSPHRASE, admit, initialised_home
from tests.interview_client import CSRF, FlaskBrowser, record_id_of, start_interview
from tests.test_collect_pages import hidden
from tests.test_collect_scripted import parse

REFUSALS = {400, 403, 404, 405, 409, 410, 413, 415, 429}
FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclass
class World:
    app: object
    client: object
    token: str  # the phone session's
    session_id: str
    phone: dict[str, str]  # the hidden fields of a started response's page
    start: dict[str, str]  # the hidden fields of the start form (tab token, CSRF)
    record_id: str  # an interview draft
    csrf: str  # the interpreter's CSRF token


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    home = initialised_home(tmp_path_factory.mktemp("fuzz-endpoints") / "home")
    app = create_app(home, {"TESTING": True})
    station = app.extensions["amplify"]
    station.unlock(PASSPHRASE)
    station.settings["rate_limit_per_minute"] = 10**6  # fuzzing is not flooding
    client = app.test_client()
    admit(client, app)
    session, token = sessions.create_session(station, form_id="amplify_worker",
                                             supplier={"name": "Factory A", "country": "KH"},
                                             max_responses=1000)
    start = hidden(parse(client.get(f"/f/{token}").get_data(as_text=True))["s"])
    first = client.post(f"/f/{token}/start", data={**start, "lang": "en"})
    phone = hidden(parse(first.get_data(as_text=True))["f"])
    page = start_interview(FlaskBrowser(client), "amplify_worker", "Sunrise Garments")
    csrf = CSRF.search(page.text).group(1)
    yield World(app, client, token, session.id, phone, start, record_id_of(page.path), csrf)
    station.close()


def snapshot(world: World) -> dict[str, list]:
    db = world.app.extensions["amplify"].store.read()
    return {table: sorted(map(repr, db.execute(f"SELECT * FROM [{table}]").fetchall()))
            for table in db.table_names()}


PHONE_PATHS = ["/f/{token}", "/f/{token}/start", "/f/{token}/page", "/f/{token}/resume",
               "/f/{token}/exit", "/f/bye", "/f/{junk}", "/f/{junk}/page", "/f/{token}/{junk}"]
INTERVIEW_PATHS = ["/", "/interviews", "/interviews/new", "/interviews/{record}",
                   "/interviews/{record}/page/consent_page", "/interviews/{record}/page/{junk}",
                   "/interviews/{junk}/page/consent_page", "/sessions", "/sessions/{session}",
                   "/sessions/{session}/counts", "/sessions/counts", "/sessions/{junk}",
                   "/sessions/{session}/poster", "/sessions/poster-{junk}.css",
                   "/interface-language", "/{junk}"]
FIELD_NAMES = ["~r", "~csrf", "~page", "~instance", "~lang", "~go", "~action", "~delete",
               "r", "csrf", "t", "page", "instance", "lang", "go", "csrf_token", "action",
               "safe_place", "consent", "worker_meetings_12m", "form_id", "language",
               "supplier", "supplier_name", "supplier_country", "ssid", "wifi_password",
               "base", "size", "max_responses", "hours", "languages", "next"]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
VALUES = st.one_of(TEXT, st.sampled_from(["", "yes", "no", "next", "back", "save", "en",
                                          "es", "my", "-1", "1e309", "0" * 64, "../../etc",
                                          "<script>x</script>", "\u202e", "\x00"]),
                   st.integers(-10**20, 10**20).map(str))
FIELDS = st.lists(st.tuples(st.sampled_from(FIELD_NAMES) | TEXT, VALUES), max_size=12)
CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data",
                 "multipart/form-data; boundary=x", "application/json", "text/plain",
                 "application/x-www-form-urlencoded; charset=utf-16", "application/xml", ""]
RAW_BODIES = st.one_of(st.binary(max_size=400),
                       st.sampled_from([b"r=%ff%fe&csrf=%", b"a=1&&&=&b", b"%%%%", b"{}",
                                        b'{"r": [1, {"x": null}]}', b"--x\r\n\r\n--x--",
                                        b"\xff\xfe\x00r\x00=", b"a=" + b"%20" * 5000]))


@st.composite
def requests_(draw, paths: list[str]):
    method = draw(st.sampled_from(["POST"] * 5 + ["GET"] * 2 +
                                  ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]))
    path = draw(st.sampled_from(paths))
    junk = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                        max_size=80).filter(lambda s: s.strip(" ./") and "?" not in s
                                            and "#" not in s))
    kind = draw(st.sampled_from(["form", "form", "raw", "file", "huge"]))
    keep_tokens = draw(st.booleans())
    return method, path, junk, kind, keep_tokens, draw(FIELDS), draw(RAW_BODIES), \
        draw(st.sampled_from(CONTENT_TYPES)), draw(st.dictionaries(TEXT, TEXT, max_size=3)), \
        draw(st.sampled_from([None, "es", "my;q=0.9, *", "x" * 300, "\u00e9\u00e9", ""]))


def _tokens(world: World, path: str) -> list[tuple[str, str]]:
    if path.startswith("/f/{token}/start"):
        return list(world.start.items())
    if path.startswith("/f/"):
        return list(world.phone.items())
    return [("~csrf", world.csrf)]


def send(world: World, request) -> object:
    (method, path, junk, kind, keep_tokens, fields, raw, content_type, query,
     accept_language) = request
    url = path.format(token=world.token, session=world.session_id, record=world.record_id,
                      junk=junk)
    pairs = (_tokens(world, path) if keep_tokens else []) + fields
    options: dict = {"query_string": query, "headers": {}}
    if accept_language is not None:
        options["headers"]["Accept-Language"] = accept_language
    if kind == "form":
        options["data"] = MultiDict(pairs)
    elif kind == "file":
        options["data"] = MultiDict([*pairs, ("upload", (io.BytesIO(raw), "x.bin"))])
    elif kind == "huge":
        options["data"] = MultiDict([*pairs, ("filler", "x" * 300_000)])
    else:
        options["data"], options["content_type"] = raw, content_type or None
    return world.client.open(url, method=method, **options)


def _check(world: World, request) -> None:
    before = snapshot(world)
    response = send(world, request)
    body = response.get_data()
    assert response.status_code < 500, (request, response.status_code)
    event(f"{request[0]} {request[1]} {response.status_code}")
    assert b"Traceback" not in body
    if response.status_code in REFUSALS:
        assert snapshot(world) == before, (request, response.status_code)


@FUZZ
@given(request=requests_(PHONE_PATHS))
def test_phone_pages_answer_random_requests_without_5xx_or_writes_on_refusal(world, request):
    _check(world, request)


@FUZZ
@given(request=requests_(INTERVIEW_PATHS))
def test_interview_screens_answer_random_requests_without_5xx_or_writes_on_refusal(
        world, request):
    _check(world, request)


def _answer_fields(data, world: World) -> list[tuple[str, str]]:
    """Random answers to the form's own questions and pages (and some strangers)."""
    form = world.app.extensions["amplify"].form("amplify_worker")
    questions = [name for page in form.pages for name in page.question_names]
    pages = [page.name for page in form.pages]
    names = st.sampled_from(questions) | st.sampled_from(FIELD_NAMES)
    fields = data.draw(st.lists(st.tuples(names, VALUES), max_size=15))
    return [("~page", data.draw(st.sampled_from(pages) | TEXT))] + fields


@FUZZ
@given(data=st.data())
def test_phone_answers_with_real_tokens_and_random_content(world, data):
    go = data.draw(st.sampled_from(["next", "back", "", "finalise"]) | TEXT)
    pairs = [*world.phone.items(), ("~go", go), *_answer_fields(data, world)]
    before = snapshot(world)
    response = world.client.post(f"/f/{world.token}/page", data=MultiDict(pairs))
    event(f"phone page {response.status_code}")
    assert response.status_code in (200, 409, 410, 422), response.status_code
    assert b"Traceback" not in response.get_data()
    if response.status_code in REFUSALS:
        assert snapshot(world) == before


@FUZZ
@given(data=st.data())
def test_interview_answers_with_a_real_token_and_random_content(world, data):
    page = data.draw(st.sampled_from(["consent_page", "profile", "representatives"]) | TEXT
                     .filter(lambda s: s.strip() and "/" not in s and "?" not in s
                             and "#" not in s and s not in (".", "..")))
    action = data.draw(st.sampled_from(["save", "next", "back"]) | TEXT)
    pairs = [("~csrf", world.csrf), ("~action", action), *_answer_fields(data, world)]
    before = snapshot(world)
    response = world.client.post(f"/interviews/{world.record_id}/page/{page}",
                                 data=MultiDict(pairs))
    event(f"interview page {response.status_code}")
    assert response.status_code in (200, 302, 404, 422), response.status_code
    assert b"Traceback" not in response.get_data()
    if response.status_code == 404:
        assert snapshot(world) == before


def test_the_fuzzed_phone_response_and_draft_still_work(world):
    """After the fuzzing, the real tokens still lead somewhere (the fuzz reached them)."""
    again = world.client.post(f"/f/{world.token}/resume",
                              data={"~r": world.phone["~r"], "~csrf": world.phone["~csrf"]})
    assert again.status_code in (200, 410)
    page = world.client.get(f"/interviews/{world.record_id}/page/consent_page")
    assert page.status_code in (200, 302, 404)
    assert Path(world.app.extensions["amplify"].home).exists()
