"""One page path for both screens: page order, "last page", and what a phone never asks."""

from __future__ import annotations

import re

import pytest

from survey_app import questionnaire, sessions
from survey_app.collect import responses
from survey_app.setup import builtin_form_files
from tests.interview_client import FlaskBrowser, start_interview
from tests.test_collect_pages import hidden, post_page, start
from tests.test_collect_scripted import parse
from xlsform import load_xlsform, logic
from xlsform.expressions import references

CANARY = "Zqxidentity Person"


@pytest.fixture(scope="module")
def builtin():
    forms = [load_xlsform(path) for path in builtin_form_files()]
    return {form.form_id: form for form in forms}


def test_a_page_others_wait_on_is_not_last_until_answered(builtin):
    form = builtin["amplify_worker"]
    consent = form.pages[0]
    assert not logic.is_last_page(form, consent, {})
    number, total = logic.page_position(form, consent, {})
    assert number == 1 and total > 1
    declined = {"safe_place": "yes", "consent": "no"}
    assert logic.is_last_page(form, consent, declined)
    assert logic.page_position(form, consent, declined) == (1, 1)


def test_the_last_page_of_a_full_walk_is_last(builtin):
    form = builtin["amplify_worker"]
    answers = {"safe_place": "yes", "consent": "yes"}
    last = logic.shown_pages(form, answers)[-1]
    assert logic.is_last_page(form, last, answers)
    assert not logic.is_last_page(form, form.pages[1], answers)


def test_without_identifying_drops_them_and_what_depends_on_them(builtin):
    form = builtin["amplify_representative"]
    smaller, left_out = logic.without_identifying(form)
    assert {"rep_name", "rep_phone"} <= set(left_out)
    assert not any(q.sensitivity == "identifying" for q in smaller.questions.values())
    gone = set(left_out)
    for question in smaller.questions.values():
        for node in (question.relevant, question.calculation, question.constraint,
                     question.choice_filter, question.required_if):
            assert node is None or not references(node) & gone, question.name
    for page in smaller.pages:
        assert page.question_names and set(page.question_names) <= set(smaller.questions)
    assert form.questions.keys() - smaller.questions.keys() == gone  # the original is intact
    assert logic.without_identifying(builtin["amplify_worker"])[1] == []


def test_a_new_interview_starts_with_next_and_counts_the_pages_ahead(client):
    browser = FlaskBrowser(client)
    page = start_interview(browser, "amplify_worker", "Sunrise Garments")
    assert 'value="next"' in page.text and 'value="finalise"' not in page.text
    number, total = map(int, re.search(r"Page (\d+) of (\d+)", page.text).groups())
    assert number == 1 and total > 1


def test_a_phone_never_shows_accepts_or_stores_identifying_questions(app, client):
    station = app.extensions["amplify"]
    session, token = sessions.create_session(
        station, form_id="amplify_representative",
        supplier={"name": "Factory A", "country": "KH"}, max_responses=3)
    left_out = questionnaire.left_out_on_phones(station, "amplify_representative", None)
    extra = {name: CANARY for name in left_out}
    response = start(client, token)
    for _ in range(30):
        html = response.get_data(as_text=True)
        assert not any(f'name="{name}"' in html for name in left_out)
        fields = hidden(parse(html)["f"])
        found = responses.find(station.store, session, fields["~r"])
        draft = responses.draft_of(found)
        assert not set(draft.answers) & set(left_out) and CANARY not in str(draft.answers)
        if "Send my answers" in html:
            break
        response, _data = post_page(client, html, override=extra)
        assert response.status_code == 200
    else:
        raise AssertionError("no last page")


def test_the_session_page_says_which_questions_phones_never_ask(app, client):
    station = app.extensions["amplify"]
    session, _token = sessions.create_session(
        station, form_id="amplify_representative",
        supplier={"name": "Factory A", "country": "KH"})
    text = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    note = re.search(r'<p class="notice" id="left-out">(.*?)</p>', text, re.S).group(1)
    assert "rep_name" in note and "rep_phone" in note
