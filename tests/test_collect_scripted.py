"""A scripted client over real HTTP: walks every page of each built-in form filling the
HTML inputs by name (it knows nothing of the forms), submits, then resubmits."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest

from survey_app import sessions
from survey_app.setup import builtin_form_files
from survey_app.store import records
from xlsform import load_xlsform

CANARY = "zqxcanary"
SAMPLE_VALUES = {"number": "3", "date": "2020-01-31", "time": "10:30",
                 "datetime-local": "2020-01-31T10:30"}
# What a respondent tries next when the page says an answer is not allowed.
ALTERNATIVES = {"number": ["3", "15", "0", "1", "50", "150", "-1", "2000"],
                "date": ["2020-01-31", "2099-12-31", "1990-06-15"],
                "text": [f"{CANARY} {{name}}", f"{CANARY}@example.org", "0123456789"]}


class FormParser(HTMLParser):
    """The forms of a page: action, hidden fields, inputs by name, submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict] = {}
        self.errors: set[str] = set()  # questions a phone page marks as answered wrongly
        self._form: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "div" and "e" in (a.get("class") or "").split() and a.get("data-q"):
            self.errors.add(a["data-q"])
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": [], "buttons": [],
                          "method": a.get("method", "get")}
            self.forms[a.get("id", str(len(self.forms)))] = self._form
        elif self._form is not None and tag in ("input", "textarea"):
            field = {"tag": tag, "type": a.get("type", "text"), "name": a.get("name"),
                     "value": a.get("value", ""), "disabled": "disabled" in a,
                     "checked": "checked" in a}
            if field["name"]:
                self._form["fields"].append(field)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._form["fields"].append({"tag": tag, "type": "select", "name": a["name"],
                                         "value": "", "disabled": "disabled" in a,
                                         "checked": False, "options": []})
        elif self._form is not None and tag == "option" and self._form["fields"]:
            select = self._form["fields"][-1]
            if select["tag"] == "select" and a.get("value") and "disabled" not in a:
                select["options"].append(a["value"])
        elif self._form is not None and tag == "button" and a.get("type", "submit") == "submit":
            self._form["buttons"].append((a.get("name"), a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def parse(html: str) -> dict[str, dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def marked_wrong(html: str) -> set[str]:
    """The questions a phone page marks as answered wrongly."""
    parser = FormParser()
    parser.feed(html)
    return parser.errors


def fill(form: dict, tries: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """Every enabled input answered: the first choice, or some text with the canary.

    ``tries``: how often each question was refused; the next choice or value is taken.
    """
    tries = tries or {}
    data: list[tuple[str, str]] = []
    options: dict[str, list[str]] = {}
    for field in form["fields"]:
        if not field["disabled"] and field["type"] in ("radio", "checkbox"):
            options.setdefault(field["name"], []).append(field["value"])
    for field in form["fields"]:
        if field["disabled"]:
            continue
        kind, name = field["type"], field["name"]
        attempt = tries.get(name, 0)
        if kind == "hidden":
            data.append((name, field["value"]))
        elif kind == "select":
            listed = field["options"] or [""]
            data.append((name, listed[attempt % len(listed)]))
        elif kind in ("radio", "checkbox"):
            if name in options:
                listed = options.pop(name)
                data.append((name, listed[attempt % len(listed)]))
        elif kind in SAMPLE_VALUES:
            listed = ALTERNATIVES.get(kind, [SAMPLE_VALUES[kind]])
            data.append((name, listed[attempt % len(listed)]))
        elif kind in ("text", "textarea") or field["tag"] == "textarea":
            listed = ALTERNATIVES["text"]
            data.append((name, listed[attempt % len(listed)].format(name=name)))
    return data


class Client:
    """A cookie-remembering HTTP client (to prove there is no cookie to remember)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, url: str, data: list | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)


def absolute(base: str, action: str) -> str:
    return urllib.parse.urljoin(base, action)


def button(page: dict, added: set[str] | None) -> str:
    """Next; or "Add another" the first time an add place shows, when ``added`` (the add
    places pressed so far) is given, so each repeat gets an instance in every parent."""
    if added is None or ("~go", "add") not in page["buttons"]:
        return "next"
    address = next((f["value"] for f in page["fields"] if f["name"] == "~page"), "")
    if address in added:
        return "next"
    added.add(address)
    return "add"


def walk(client: Client, url: str, language: str | None = None,
         add_once: bool = False) -> tuple[list, str, int]:
    """Start, answer every page, submit. Returns the last post, its URL and page count.

    ``add_once``: press "Add another" once at each add place (see ``button``)."""
    status, html, headers = client.request(url)
    assert status == 200
    assert "Set-Cookie" not in headers
    start = parse(html)["s"]
    lang = language or start["buttons"][0][1]
    data = [(f["name"], f["value"]) for f in start["fields"] if f["type"] == "hidden"]
    status, html, headers = client.request(absolute(url, start["action"]), data + [("lang", lang)])
    pages = 0
    last: list = []
    last_url = ""
    tries: dict[str, int] = {}
    added: set[str] | None = set() if add_once else None
    while True:
        refused = marked_wrong(html) if status == 422 else set()
        assert status == 200 or (refused and max(tries.values(), default=0) < 8), html
        assert "Set-Cookie" not in headers
        tries = {name: tries.get(name, 0) + (name in refused) for name in tries | {
            n: 0 for n in refused}} if refused else {}
        forms = parse(html)
        if "f" not in forms:
            return last, last_url, pages
        page = forms["f"]
        last = fill(page, tries) + [("~go", button(page, added))]
        last_url = absolute(url, page["action"])
        pages += 1
        assert pages < 60
        status, html, headers = client.request(last_url, last)


@pytest.mark.parametrize("path", builtin_form_files(), ids=lambda p: p.stem)
def test_scripted_client_walks_every_page_and_resubmits(app, live_server, path):
    station = app.extensions["amplify"]
    form_id = load_xlsform(path).form_id
    session, token = sessions.create_session(station, form_id=form_id,
                                             supplier={"name": "Factory A", "country": "KH"})
    url = f"{live_server.url}/f/{token}"
    client = Client()
    last, last_url, pages = walk(client, url)
    assert pages >= 2
    finals = records.list_records(station.store, records.FINAL)
    assert len(finals) == 1 and finals[0].session_id == session.id
    assert finals[0].mode == "self"

    status, html, headers = client.request(last_url, last)  # the same submit again
    assert status == 200 and "data-receipt" in html
    assert len(records.list_records(station.store, records.FINAL)) == 1

    changed = [(k, v + " changed" if CANARY in v else v) for k, v in last]
    if changed != last:
        status, _html, _headers = client.request(last_url, changed)
        assert status == 409
    assert len(records.list_records(station.store, records.FINAL)) == 1
    assert not list(client.jar)
    assert sessions.get_session(station.store, session.id).completed == 1
