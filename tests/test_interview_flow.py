"""An interview through the interpreter's screens: pages, checks, skip logic, drafts, finalise."""

from __future__ import annotations

import re

import pytest

from survey_app.store import records

from .conftest import PASSPHRASE
from .interview_client import (
    FlaskBrowser,
    answer,
    csrf_token,
    page_path,
    record_id_of,
    start_interview,
)
from .xlsform_factory import add_to_station, write_xlsform

WORKER = "amplify_worker"
EN = "label::English (en)"


@pytest.fixture
def browser(client) -> FlaskBrowser:
    return FlaskBrowser(client)


def stored_answers(app, record_id: str) -> dict:
    station = app.extensions["amplify"]
    return records.load_draft(station.store, station.keys().records, record_id)[1]


def start_worker(browser: FlaskBrowser, supplier: str = "Sunrise Garments") -> str:
    page = start_interview(browser, WORKER, supplier, country="kh", os_id="KH2021ABC")
    assert page.path.endswith("/page/consent_page")
    assert "Is this a safe place and time to answer?" in page.text
    return record_id_of(page.path)


def test_required_answers_are_checked_with_the_forms_message(browser, app):
    record_id = start_worker(browser)
    page = answer(browser, record_id, "consent_page", {})
    assert page.status == 422
    assert "Please answer this question to continue." in page.text
    assert page.path == page_path(record_id, "consent_page")
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes"})
    assert page.status == 422  # consent now applies, and is required
    assert 'data-q="consent"' in page.text
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    assert page.status == 200 and page.path == page_path(record_id, "profile")


def test_constraint_message_is_shown_and_nothing_typed_is_lost(browser, app):
    record_id = start_worker(browser)
    answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    page = answer(browser, record_id, "representatives", {"worker_meetings_12m": "400"})
    assert page.status == 422
    assert "Please enter a number from 0 to 365." in page.text
    assert 'value="400"' in page.text
    assert stored_answers(app, record_id)["worker_meetings_12m"] == "400"
    page = answer(browser, record_id, "representatives", {"worker_meetings_12m": "12"})
    assert page.path == page_path(record_id, "pressure")


def test_skip_logic_drops_answers_to_questions_that_do_not_apply(browser, app):
    record_id = start_worker(browser)
    answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    page = answer(browser, record_id, "rights", {
        "know_right_join": "no", "know_right_bargain": "no", "rights_info_source": ["union"]})
    assert page.path == page_path(record_id, "organisations")
    stored = stored_answers(app, record_id)
    assert stored["know_right_join"] == "no" and "rights_info_source" not in stored
    # Both "No": the representatives page does not apply and is skipped.
    page = answer(browser, record_id, "organisations",
                  {"union_present": "no", "committee_present": "no"})
    assert page.path == page_path(record_id, "pressure")
    page = browser.get(page_path(record_id, "representatives"))
    assert page.path == page_path(record_id, "pressure")


def test_hidden_questions_are_rendered_hidden_for_pages_without_script(browser):
    record_id = start_worker(browser)
    page = browser.get(page_path(record_id, "consent_page"))
    # As on a phone: a note waiting on this page starts hidden, an input stays answerable
    # without scripts (the server decides on Next); logic.js hides both until they apply.
    assert 'data-q="unsafe_stop" id="q-unsafe_stop" hidden' in page.text
    assert 'data-q="consent" id="q-consent">' in page.text
    assert 'data-q="safe_place" id="q-safe_place">' in page.text
    assert '<script type="application/json" id="form-logic">' in page.text
    assert '/static/logic.js' in page.text


def test_draft_is_saved_and_resumed(browser, app):
    record_id = start_worker(browser)
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"},
                  action="save")
    assert page.path == page_path(record_id, "consent_page") and "Draft saved." in page.text
    answer(browser, record_id, "closing", {"change_wish": "Weekly meetings with the line"},
           action="save")
    listing = browser.get("/interviews")
    assert f"/interviews/{record_id}" in listing.text
    resumed = browser.get(f"/interviews/{record_id}")  # opens where the draft was left
    assert resumed.path == page_path(record_id, "closing")
    assert "Weekly meetings with the line" in resumed.text
    consent = browser.get(page_path(record_id, "consent_page"))
    assert 'name="safe_place" value="yes" checked' in consent.text


def test_back_goes_to_the_previous_page_that_applies(browser):
    record_id = start_worker(browser)
    answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    answer(browser, record_id, "organisations", {"union_present": "no", "committee_present": "no"})
    page = answer(browser, record_id, "pressure", {}, action="back")
    assert page.path == page_path(record_id, "organisations")


def finish_worker(browser: FlaskBrowser, record_id: str) -> None:
    answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    answer(browser, record_id, "profile", {"gender": "woman", "age_band": "25_34"})
    answer(browser, record_id, "organisations", {"union_present": "yes"})
    answer(browser, record_id, "representatives", {"rep_selection": "secret_ballot"})


def test_finalise_seals_the_record_and_the_list_shows_no_answers(browser, app):
    record_id = start_worker(browser, supplier="Lotus Apparel")
    finish_worker(browser, record_id)
    closing = browser.get(page_path(record_id, "closing"))
    assert 'value="finalise"' in closing.text and 'value="next"' not in closing.text
    page = answer(browser, record_id, "closing", {"change_wish": "A secret ballot next year"},
                  action="finalise")
    assert page.path == "/interviews" and "finalised" in page.text
    station = app.extensions["amplify"]
    meta = records.get_meta(station.store, record_id)
    assert meta.status == "final"
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"]["change_wish"] == "A secret ballot next year"
    assert sealed["answers"]["rep_selection"] == "secret_ballot"
    listing = browser.get("/interviews")
    assert "Lotus Apparel" in listing.text and "Worker interview" in listing.text
    for typed in ("A secret ballot next year", "secret_ballot", "woman", "25_34"):
        assert typed not in listing.text
    closed = browser.get(page_path(record_id, "consent_page"))
    assert closed.status == 409 and "finalised" in closed.text
    refused = answer(browser, record_id, "closing", {"change_wish": "changed"}, action="save")
    assert refused.status == 409
    assert browser.post(f"/interviews/{record_id}/delete").status == 409


def test_finalise_sends_the_interpreter_to_the_first_page_with_errors(browser, app):
    record_id = start_worker(browser)
    answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"},
           action="save")
    answer(browser, record_id, "representatives", {"worker_meetings_12m": "999"}, action="save")
    page = answer(browser, record_id, "closing", {}, action="finalise")
    assert page.path == page_path(record_id, "representatives")
    assert "Please enter a number from 0 to 365." in page.text
    assert records.get_meta(app.extensions["amplify"].store, record_id).status == "draft"


def test_declining_consent_ends_on_the_first_page(browser, app):
    record_id = start_worker(browser)
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "no"})
    assert page.path == page_path(record_id, "consent_page")
    assert 'value="finalise"' in page.text
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "no"},
                  action="finalise")
    assert page.path == "/interviews"
    assert records.get_meta(app.extensions["amplify"].store, record_id).status == "final"


def test_finalise_on_a_page_that_opened_more_pages_moves_on(browser, app):
    record_id = start_worker(browser)
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"},
                  action="finalise")
    assert page.path == page_path(record_id, "profile")
    assert records.get_meta(app.extensions["amplify"].store, record_id).status == "draft"


def test_a_draft_can_be_deleted(browser, app):
    record_id = start_worker(browser)
    page = browser.post(f"/interviews/{record_id}/delete")
    assert page.path == "/interviews" and f"/interviews/{record_id}" not in page.text
    with pytest.raises(records.RecordNotFound):
        records.get_meta(app.extensions["amplify"].store, record_id)


def test_new_interview_reports_bad_supplier_details(browser, app):
    page = browser.post("/interviews/new", {"form_id": WORKER, "language": "en",
                                            "supplier": "new", "supplier_name": "",
                                            "supplier_country": "Cambodia"})
    assert page.status == 400
    assert "supplier name: required" in page.text or "country" in page.text
    page = browser.post("/interviews/new", {"form_id": WORKER, "language": "en",
                                            "supplier": "new", "supplier_name": "X",
                                            "supplier_country": "K1"})
    assert page.status == 400 and "two-letter ISO code" in page.text
    assert records.list_records(app.extensions["amplify"].store) == []


def test_an_existing_supplier_can_be_chosen(browser, app):
    first = record_id_of(start_interview(browser, WORKER, "Mekong Knitwear").path)
    supplier_id = records.get_meta(app.extensions["amplify"].store, first).supplier_id
    new_page = browser.get("/interviews/new")
    assert "Mekong Knitwear" in new_page.text
    page = browser.post("/interviews/new", {"form_id": "amplify_management", "language": "en",
                                            "supplier": supplier_id})
    second = record_id_of(page.path)
    assert records.get_meta(app.extensions["amplify"].store, second).supplier_id == supplier_id


ALL_TYPES = [
    {"type": "begin group", "name": "numbers", EN: "Numbers", "appearance": "field-list"},
    {"type": "note", "name": "intro", EN: "Some numbers first."},
    {"type": "integer", "name": "years", EN: "Years worked", "hint::English (en)": "Whole years",
     "required": "yes", "required_message::English (en)": "Years are needed.",
     "constraint": ". >= 0 and . <= 60",
     "constraint_message::English (en)": "Years from 0 to 60."},
    {"type": "decimal", "name": "share", EN: "Share of women", "constraint": ". <= 1",
     "constraint_message::English (en)": "A share is at most 1."},
    {"type": "date", "name": "visit_day", EN: "Day of the visit"},
    {"type": "calculate", "name": "months", "calculation": "${years} * 12"},
    {"type": "note", "name": "months_note", EN: "That is ${months} months.",
     "relevant": "${years} > 0"},
    {"type": "end group"},
    {"type": "begin group", "name": "choices_page", EN: "Choices", "appearance": "field-list"},
    {"type": "select_one colour", "name": "colour", EN: "Favourite colour"},
    {"type": "select_multiple colour or_other", "name": "colours", EN: "Colours you wear"},
    {"type": "text", "name": "why_red", EN: "Why red?", "relevant": "${colour} = 'red'"},
    {"type": "end group"},
]
COLOURS = [{"list_name": "colour", "name": "red", EN: "Red"},
           {"list_name": "colour", "name": "blue", EN: "Blue"},
           {"list_name": "colour", "name": "other", EN: "Other"}]


@pytest.fixture
def all_types_form(app, tmp_path):
    path = write_xlsform(tmp_path / "all_types.xlsx", ALL_TYPES, COLOURS,
                         settings={"form_id": "all_types", "version": "1",
                                   "form_title": "All types", "default_language": "English (en)"})
    add_to_station(app, path)
    return "all_types"


def test_every_question_type_of_a_partner_form(browser, app, all_types_form):
    record_id = record_id_of(start_interview(browser, all_types_form, "Delta Textiles").path)
    first = browser.get(page_path(record_id, "numbers"))
    assert 'inputmode="numeric"' in first.text and 'type="date"' in first.text
    assert "Whole years" in first.text and "Some numbers first." in first.text
    page = answer(browser, record_id, "numbers", {"years": "", "share": "0.5"})
    assert page.status == 422 and "Years are needed." in page.text
    page = answer(browser, record_id, "numbers", {"years": "61", "share": "2"})
    assert "Years from 0 to 60." in page.text and "A share is at most 1." in page.text
    page = answer(browser, record_id, "numbers", {"years": "abc"})
    assert "Enter a whole number." in page.text
    page = answer(browser, record_id, "numbers",
                  {"years": "3", "share": "0.25", "visit_day": "2026-01-15"}, action="save")
    assert "That is 36 months." in page.text
    page = answer(browser, record_id, "numbers",
                  {"years": "3", "share": "0.25", "visit_day": "2026-01-15"})
    assert page.path == page_path(record_id, "choices_page")
    assert 'type="checkbox"' in page.text and 'name="colours_other"' in page.text
    page = answer(browser, record_id, "choices_page", {
        "colour": "blue", "why_red": "not stored", "colours": ["red", "other"],
        "colours_other": "Teal"}, action="save")
    stored = stored_answers(app, record_id)
    assert stored["colours"] == ["red", "other"] and stored["colours_other"] == "Teal"
    assert "why_red" not in stored and stored["visit_day"] == "2026-01-15"
    page = answer(browser, record_id, "choices_page", {
        "colour": "red", "why_red": "Bright", "colours": ["red"]}, action="finalise")
    assert page.path == "/interviews"
    station = app.extensions["amplify"]
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"]["why_red"] == "Bright" and sealed["answers"]["years"] == "3"
    assert sealed["language"] == "en" and sealed["mode"] == "interview"


CASCADE = [{"type": "begin group", "name": "where", EN: "Where"},
           {"type": "select_one state", "name": "state", EN: "State"},
           {"type": "select_one county", "name": "county", EN: "County",
            "choice_filter": "state=${state}"},
           {"type": "end group", "name": "where"}]
PLACES = [{"list_name": "state", "name": "texas", EN: "Texas"},
          {"list_name": "state", "name": "washington", EN: "Washington"},
          {"list_name": "county", "name": "brewster", EN: "Brewster", "state": "texas"},
          {"list_name": "county", "name": "king", EN: "King", "state": "washington"}]


def test_a_cascade_on_one_interview_page_is_checked_on_next(browser, app, tmp_path):
    """Changing the state and keeping a county of the old one is refused; state and county
    share the page, so it lists every county and ships the filter for logic.js."""
    path = write_xlsform(tmp_path / "cascade.xlsx", CASCADE, PLACES,
                         settings={"form_id": "cascade", "version": "1",
                                   "default_language": "English (en)"})
    add_to_station(app, path)
    record_id = record_id_of(start_interview(browser, "cascade", "Delta Textiles").path)
    answer(browser, record_id, "where", {"state": "texas", "county": "brewster"}, "save")
    page = answer(browser, record_id, "where", {"state": "washington", "county": "brewster"})
    assert page.status == 422 and "Choose one of the options." in page.text
    assert 'value="king"' in page.text and '"choices": {"county"' in page.text
    page = answer(browser, record_id, "where", {"state": "washington", "county": "king"},
                  "finalise")
    assert page.status == 200 and "/page/" not in page.path


def test_answers_typed_while_the_station_locked_are_kept_through_unlock(browser, app):
    """The idle lock can fall while the interpreter types: the posted page goes through
    the unlock form in the browser (never stored in clear) and is saved once unlocked."""
    record_id = start_worker(browser)
    app.extensions["amplify"].lock()
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    assert 'name="passphrase"' in page.text
    assert 'name="keep-safe_place" value="yes"' in page.text
    wrong = browser._post(form_action(page.text), [*hidden_pairs(page.text),
                                                   ("passphrase", "not the passphrase")])
    assert wrong.status == 401 and 'name="keep-consent" value="yes"' in wrong.text
    unlocked = browser._post(form_action(wrong.text), [*hidden_pairs(wrong.text),
                                                       ("passphrase", PASSPHRASE)])
    assert unlocked.status == 200 and 'name="safe_place" value="yes"' in unlocked.text
    assert "passphrase" not in unlocked.text.split("<form", 1)[1]
    saved = browser._post(form_action(unlocked.text), hidden_pairs(unlocked.text))
    assert saved.path == page_path(record_id, "profile")
    assert stored_answers(app, record_id)["consent"] == "yes"


def form_action(html: str) -> str:
    return re.search(r'<form[^>]* action="([^"]+)"', html).group(1).replace("&amp;", "&")


def hidden_pairs(html: str) -> list[tuple[str, str]]:
    """The carried fields and the CSRF token of the page's form."""
    return [*re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html),
            ("~csrf", csrf_token(html))]


def test_default_answer_messages_are_in_the_respondents_language(browser, app):
    """A form with no message of its own gets the interface's default one, translated,
    on the interpreter's page as on the phone (issue 12 item 5)."""
    from survey_app.i18n import gettext_in

    page = start_interview(browser, WORKER, "Sunrise Garments", country="kh", language="es")
    record_id = record_id_of(page.path)
    answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    page = answer(browser, record_id, "profile", {"gender": "not-a-choice"})
    with app.test_request_context():
        spanish = gettext_in("es", "Choose one of the options.")
    assert page.status == 422 and spanish != "Choose one of the options."
    assert f'role="alert">{spanish}</p>' in page.text
    # ... and, beside it, in the interpreter's own language (the page's second column).
    assert '<p class="em" lang="en" dir="auto">Choose one of the options.</p>' in page.text
