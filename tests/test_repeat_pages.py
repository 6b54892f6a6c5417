"""Repeats on both screens over real HTTP: instance pages addressed "household~2", "Add
another" and "Remove this one" (POST, CSRF), a repeat_count from an answer (no buttons), a
nested repeat, Back through instances, drafts in the agreed nested answers, and a sealed
record; plus a 360 px phone in Chromium adding and removing an instance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.store import records
from tests.conftest import PASSPHRASE
from tests.interview_client import (
    FlaskBrowser,
    HttpBrowser,
    page_path,
    record_id_of,
    start_interview,
    unlock,
)
from tests.test_collect_scripted import Client, absolute, parse
from tests.xlsform_factory import add_to_station, write_xlsform

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROWS = [
    {"type": "begin group", "name": "intro", "label": "Start", "appearance": "field-list"},
    {"type": "integer", "name": "n_visits", "label": "How many visits?", "required": "yes"},
    {"type": "end group"},
    {"type": "begin repeat", "name": "household", "label": "Household member"},
    {"type": "text", "name": "member_name", "label": "Name?", "required": "yes"},
    {"type": "integer", "name": "member_age", "label": "Age of ${member_name}?"},
    {"type": "begin repeat", "name": "children", "label": "Child"},
    {"type": "text", "name": "child_name", "label": "A child of ${member_name}?"},
    {"type": "end repeat"},
    {"type": "end repeat"},
    {"type": "begin repeat", "name": "visits", "label": "Visit", "repeat_count": "${n_visits}"},
    {"type": "text", "name": "visit_note", "label": "What happened?"},
    {"type": "end repeat"},
    {"type": "begin group", "name": "closing", "label": "Closing", "appearance": "field-list"},
    {"type": "text", "name": "comment", "label": "Anything else?"},
    {"type": "end group"},
]
ADD = ("~go", "add")
REMOVE_BUTTON = 'value="remove"'
ADD_BUTTON = 'value="add"'


@pytest.fixture
def repeat_form(app, tmp_path: Path) -> str:
    path = write_xlsform(tmp_path / "rep.xlsx", ROWS, settings={"form_id": "rep", "version": "1"})
    add_to_station(app, path)
    return "rep"


def heading(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def sealed(app) -> dict:
    station = app.extensions["amplify"]
    (record,) = records.list_records(station.store, records.FINAL)
    return records.read_sealed(station.store, station.keys().local_project_private,
                               record.id)["answers"]


def children_names(answers: dict) -> list[list[str]]:
    return [[child.get("child_name") for child in member.get("children", [])]
            for member in answers["household"]]


# --------------------------------------------------------------------------- the phone


class Phone:
    """A phone without scripts: posts the page's own form with the button pressed."""

    def __init__(self, url: str) -> None:
        self.client, self.url = Client(), url
        status, html, _headers = self.client.request(url)
        start = parse(html)["s"]
        fields = [(f["name"], f["value"]) for f in start["fields"] if f["type"] == "hidden"]
        self.status, self.html, _h = self.client.request(absolute(url, start["action"]),
                                                          fields + [("lang", "default")])

    @property
    def address(self) -> str:
        return next(f["value"] for f in parse(self.html)["f"]["fields"] if f["name"] == "~page")

    def post(self, answers: dict[str, str], button: tuple[str, str] = ("~go", "next")) -> str:
        form = parse(self.html)["f"]
        hidden = [(f["name"], f["value"]) for f in form["fields"] if f["type"] == "hidden"]
        self.status, self.html, _h = self.client.request(
            absolute(self.url, form["action"]), hidden + list(answers.items()) + [button])
        return self.address if "f" in parse(self.html) else "done"


def test_a_phone_answers_a_repeat_and_a_nested_repeat_to_the_end(app, live_server,
                                                                    repeat_form):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(station, form_id=repeat_form,
                                              supplier={"name": "Delta", "country": "KH"})
    phone = Phone(f"{live_server.url}/f/{token}")
    assert phone.address == "intro"
    assert phone.post({"n_visits": "2"}) == "household~add"
    assert heading(phone.html) == "Household member" and ADD_BUTTON in phone.html
    assert phone.post({}, ADD) == "household~1"
    assert heading(phone.html) == "Household member 1" and REMOVE_BUTTON in phone.html
    assert phone.post({"member_name": ""}) == "household~1" and phone.status == 422
    assert phone.post({"member_name": "Ana", "member_age": "30"}) == "children~1~add"
    assert phone.post({}, ADD) == "children~1~1"
    assert heading(phone.html) == "Household member 1 · Child 1"
    assert "A child of Ana?" in phone.html  # ${member_name} of the instance around it
    assert phone.post({"child_name": "Bo"}) == "children~1~add"
    assert phone.post({}) == "household~add"  # Next at "add another?": no more children
    assert phone.post({}, ADD) == "household~2"
    assert heading(phone.html) == "Household member 2"
    assert phone.post({"member_name": "Chea"}) == "children~2~add"
    assert phone.post({}, ADD) == "children~2~1"
    assert phone.post({"child_name": "Dara"}, ("~go", "remove")) == "children~2~1"
    assert "Yes, remove" in phone.html and 'value="Dara"' in phone.html  # asked, kept
    assert phone.post({"child_name": "Dara"}, ("~go", "remove-yes")) == "children~2~add"
    assert phone.post({}, ("~go", "back")) == "household~2"  # Back walks the instances
    assert 'value="Chea"' in phone.html  # what was typed in instance 2 is there
    assert phone.post({"member_name": "Chea"}) == "children~2~add"
    assert phone.post({}) == "household~add"
    assert phone.post({}) == "visits~1"
    assert heading(phone.html) == "Visit 1"  # counted: no add, no remove
    assert REMOVE_BUTTON not in phone.html and ADD_BUTTON not in phone.html
    assert phone.post({"visit_note": "first"}) == "visits~2"
    assert phone.post({"visit_note": "second"}) == "closing"
    assert "Send my answers" in phone.html
    assert phone.post({"comment": "thanks"}) == "done" and phone.status == 200
    answers = sealed(app)
    assert [m["member_name"] for m in answers["household"]] == ["Ana", "Chea"]
    assert children_names(answers) == [["Bo"], []]
    assert [v["visit_note"] for v in answers["visits"]] == ["first", "second"]


# --------------------------------------------------------------------------- the laptop


def test_an_interview_answers_a_repeat_and_a_nested_repeat_to_the_end(app, live_server,
                                                                       repeat_form):
    station = app.extensions["amplify"]
    browser = HttpBrowser(live_server.url)
    unlock(browser, PASSPHRASE)
    first = start_interview(browser, repeat_form, "Delta", language="default")
    record_id = record_id_of(first.path)

    def post(address: str, data: dict, action: str = "next"):
        page = browser.post(page_path(record_id, address), {**data, "~action": action})
        return page, page.path.rsplit("/", 1)[1]

    page, where = post("intro", {"n_visits": "1"})
    assert where == "household~add" and ADD_BUTTON in page.text
    page, where = post(where, {}, "add")
    assert where == "household~1" and heading(page.text) == "Household member 1"
    page, where = post(where, {"member_name": "Ana", "member_age": "30"}, "save")
    draft = records.load_draft(station.store, station.keys().records, record_id)[1]
    assert draft["household"] == [{"member_name": "Ana", "member_age": "30"}]
    assert browser.get(f"/interviews/{record_id}").path == page_path(record_id, "household~1")
    assert "Household member 1" in browser.get("/interviews").text  # the page reached
    page, where = post(where, {"member_name": "Ana", "member_age": "30"})
    page, where = post(where, {}, "add")
    assert where == "children~1~1" and "A child of Ana?" in page.text
    page, where = post(where, {"child_name": "Bo"})
    page, where = post(where, {})
    assert where == "household~add"
    page, where = post(where, {}, "add")
    assert where == "household~2" and heading(page.text) == "Household member 2"
    page, where = post(where, {"member_name": "Kim"}, "remove")
    assert where == "household~2" and 'value="remove-yes"' in page.text  # asked first
    draft = records.load_draft(station.store, station.keys().records, record_id)[1]
    assert draft["household"][1] == {"member_name": "Kim"}  # nothing typed is lost yet
    page, where = post(where, {"member_name": "Kim"}, "remove-yes")
    assert where == "household~add"
    draft = records.load_draft(station.store, station.keys().records, record_id)[1]
    assert [m["member_name"] for m in draft["household"]] == ["Ana"]
    assert draft["household"][0]["children"] == [{"child_name": "Bo"}]
    page, where = post(where, {}, "back")  # Back walks the instances
    assert where == "children~1~add"
    page, where = post(where, {})
    page, where = post(where, {})
    assert where == "visits~1" and REMOVE_BUTTON not in page.text
    assert ADD_BUTTON not in page.text and heading(page.text) == "Visit 1"
    gone = browser.get(page_path(record_id, "visits~2"))  # one visit: no second instance
    assert gone.status == 200 and gone.path == page_path(record_id, "intro")
    assert browser.get(page_path(record_id, "nowhere~1")).status == 404
    page, where = post(where, {"visit_note": "only one"})
    assert where == "closing" and 'value="finalise"' in page.text
    page, where = post(where, {"comment": "fine"}, "finalise")
    assert page.path == "/interviews"
    answers = sealed(app)
    assert children_names(answers) == [["Bo"]]
    assert answers["visits"] == [{"visit_note": "only one"}]


# --------------------------------------------------------------------------- Chromium


def test_a_phone_adds_and_removes_a_household_member_in_chromium(app, live_server, phone,
                                                                repeat_form):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(station, form_id=repeat_form,
                                              supplier={"name": "Delta", "country": "KH"})
    phone.goto(f"{live_server.url}/f/{token}")
    phone.click("button[name=lang]")
    phone.fill("#f input[name=n_visits]", "0")

    def press(selector: str, address: str) -> None:
        phone.click(selector)
        phone.wait_for_selector(f"#f input[name='~page'][value='{address}']", state="attached")

    press("#f button.n", "household~add")
    press("#f button[value=add]", "household~1")
    assert phone.inner_text("h1") == "Household member 1"
    phone.fill("#f input[name=member_name]", "Ana")
    press("#f button.n", "children~1~add")
    press("#f button.n", "household~add")
    press("#f button[value=add]", "household~2")
    phone.fill("#f input[name=member_name]", "Kim")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/amplify-repeat-phone.png", full_page=True)
    phone.click("#f button[value=remove]")
    phone.wait_for_selector("#f button[value=remove-yes]")
    assert phone.locator("#f input[name=member_name]").input_value() == "Kim"
    press("#f button[value=remove-yes]", "household~add")
    press("#f button.n", "closing")
    phone.click("#f button.n")
    phone.wait_for_selector("#done")
    answers = sealed(app)
    assert [m["member_name"] for m in answers["household"]] == ["Ana"]


def test_add_another_past_the_most_instances_stays_on_the_page(app, client, repeat_form):
    station = app.extensions["amplify"]
    browser = FlaskBrowser(client)
    record_id = record_id_of(start_interview(browser, repeat_form, "Delta",
                                             language="default").path)
    full = {"n_visits": "0", "household": [{"member_name": f"M{i}"} for i in range(100)]}
    records.save_draft(station.store, station.keys().records, record_id, full)
    page = browser.post(page_path(record_id, "household~add"), {"~action": "add"})
    assert page.status == 200 and page.path == page_path(record_id, "household~add")
    draft = records.load_draft(station.store, station.keys().records, record_id)[1]
    assert len(draft["household"]) == 100
