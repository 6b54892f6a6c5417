"""One question macro for both screens: the interview page and the phone draw every question
with the same markup (templates/_question.html), so they post the same fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.store import formstore
from xlsform import load_xlsform

from .interview_client import FlaskBrowser, page_path, record_id_of, start_interview
from .test_collect_pages import start
from .xlsform_factory import write_xlsform

ROWS = [
    {"type": "begin group", "name": "all", "label": "Everything"},
    {"type": "note", "name": "intro", "label": "About <your> work", "hint": "Take your time"},
    {"type": "select_one yn", "name": "member", "label": "Member?", "required": "yes"},
    {"type": "select_multiple why", "name": "why", "label": "Why?",
     "relevant": "${member} = 'yes'"},
    {"type": "select_one yn", "name": "drop", "label": "Drop?", "appearance": "minimal"},
    {"type": "text", "name": "story", "label": "Story", "appearance": "multiline"},
    {"type": "integer", "name": "years", "label": "Years", "default": "3",
     "constraint": ". < 60", "constraint_message": "Too many"},
    {"type": "decimal", "name": "pay", "label": "Pay"},
    {"type": "date", "name": "since", "label": "Since"},
    {"type": "acknowledge", "name": "ok", "label": "I understand"},
    {"type": "note", "name": "thanks", "label": "Thanks", "relevant": "${member} = 'yes'"},
    {"type": "end group"},
    {"type": "begin group", "name": "last", "label": "Last"},
    {"type": "text", "name": "end_note", "label": "Anything else?"},
    {"type": "end group"},
]
CHOICES = [{"list_name": "yn", "name": "yes", "label": "Yes"},
           {"list_name": "yn", "name": "no", "label": "No"},
           {"list_name": "why", "name": "pay", "label": "Pay & hours"},
           {"list_name": "why", "name": "safety", "label": "Safety"}]
BLOCK = re.compile(r'<div class="q[^"]*" data-q="([^"]+)".*?\n</div>', re.S)


@pytest.fixture
def both_pages(app, client, tmp_path: Path) -> tuple[str, str, FlaskBrowser]:
    """The first page of the form on the interview screen and on a phone, unanswered, and
    the interpreter's browser."""
    path = write_xlsform(tmp_path / "macro.xlsx", ROWS, CHOICES,
                         settings={"form_id": "macro", "version": "1"})
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(path), path.read_bytes(), path.name)
    browser = FlaskBrowser(client)
    record_id = record_id_of(start_interview(browser, "macro", "Delta", language="default").path)
    interview = browser.get(page_path(record_id, "all")).text
    _session, token = sessions.create_session(station, form_id="macro",
                                              supplier={"name": "Delta", "country": "KH"})
    phone = start(app.test_client(), token, lang="default").get_data(as_text=True)
    return interview, phone, browser


def blocks(html: str, screen_only: list[tuple[str, str]] = ()) -> dict[str, str]:
    """Each question's markup, without what only one screen adds (pattern, replacement)."""
    found = {}
    for match in BLOCK.finditer(html):
        text = match.group(0)
        for pattern, replacement in screen_only:
            text = re.sub(pattern, replacement, text)
        found[match.group(1)] = text
    return found


def test_both_screens_draw_each_question_alike(both_pages):
    interview, phone, _browser = both_pages
    # The interview's one-language column marks texts dir="auto" (the interface may read the
    # other way); the phone's page is in the worker's language and has a read-aloud button.
    on_laptop = blocks(interview, [(' dir="auto"', ""), ("<span>([^<]*)</span>", r"\1")])
    listen = r'\n<button [^>]*class="say"[^<]*</button>'
    on_phone = blocks(phone, [(' dir="auto"', ""), (listen, "")])
    assert list(on_laptop) == list(on_phone) == [
        "intro", "member", "why", "drop", "story", "years", "pay", "since", "ok", "thanks"]
    for name, markup in on_laptop.items():
        assert markup == on_phone[name], name


def test_the_markup_carries_what_a_screen_reader_and_a_post_need(both_pages):
    interview, _phone, _browser = both_pages
    on_laptop = blocks(interview)
    assert "About &lt;your&gt; work" in on_laptop["intro"]  # escaped
    assert '<p class="h" id="h-intro" dir="auto">Take your time</p>' in on_laptop["intro"]
    assert 'name="member" value="yes" aria-required="true"' in on_laptop["member"]
    assert '<span class="required">(required)</span>' in on_laptop["member"]
    assert 'data-q="thanks" id="q-thanks" hidden' in on_laptop["thanks"]  # waits on member
    assert 'name="years" type="number" dir="auto" value="3"' in on_laptop["years"]  # default
    assert '<select id="i-drop" name="drop">' in on_laptop["drop"]
    assert '<input type="checkbox" name="ok" value="OK">' in on_laptop["ok"]


def test_an_error_is_linked_to_its_input(both_pages):
    interview, _phone, browser = both_pages
    action = re.search(r'action="(/interviews/[^"]+/page/all)"', interview).group(1)
    refused = browser.post(action, {"member": "no", "years": "70", "~action": "next"})
    assert refused.status == 422
    years = blocks(refused.text)["years"]
    assert 'aria-describedby="e-years" aria-invalid="true"' in years
    assert '<p class="em" id="e-years" role="alert" dir="auto">Too many</p>' in years
    assert 'value="70"' in years  # what was typed stays
