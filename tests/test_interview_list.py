"""The interview list tells drafts apart, Continue opens the page a draft was left on,
deleting asks first, the start page leads with its fields, and no page asks for a
missing favicon."""

from __future__ import annotations

import re

import pytest

from tests.interview_client import FlaskBrowser, answer, page_path, record_id_of, start_interview


@pytest.fixture
def browser(client) -> FlaskBrowser:
    return FlaskBrowser(client)


def test_continue_opens_the_page_the_draft_was_left_on(browser):
    record_id = record_id_of(start_interview(browser, "amplify_worker", "Sunrise").path)
    page = answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    assert page.path == page_path(record_id, "profile")
    again = browser.get(f"/interviews/{record_id}")
    assert again.path == page_path(record_id, "profile")


def test_drafts_in_the_list_show_language_page_and_a_short_id(browser):
    first = record_id_of(start_interview(browser, "amplify_worker", "Sunrise",
                                         language="km").path)
    answer(browser, first, "consent_page", {"safe_place": "yes", "consent": "yes"})
    second = record_id_of(start_interview(browser, "amplify_worker", "Sunrise").path)
    listing = browser.get("/interviews").text
    assert first[:8] in listing and second[:8] in listing
    assert "(Khmer)" in listing and "at: " in listing


def test_deleting_a_draft_asks_first(browser, app):
    record_id = record_id_of(start_interview(browser, "amplify_worker", "Sunrise").path)
    listing = browser.get("/interviews").text
    assert f'action="/interviews/{record_id}/delete"' not in listing
    confirm = browser.get(f"/interviews/{record_id}/delete")
    assert "This cannot be undone." in confirm.text and record_id[:8] in confirm.text
    assert f"/interviews/{record_id}" in browser.get("/interviews").text  # still there
    done = browser.post(f"/interviews/{record_id}/delete")
    assert done.path == "/interviews" and record_id[:8] not in done.text


def test_the_start_page_puts_the_supplier_before_the_translation_table(browser):
    text = browser.get("/interviews/new").text
    assert text.index('name="supplier_name"') < text.index('id="language-status"')
    assert re.search(r"<details[^>]*>\s*<summary>", text)


def test_pages_link_an_icon_so_browsers_ask_for_no_favicon(browser, client):
    text = browser.get("/interviews").text
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', text).group(1)
    assert client.get(icon).status_code == 200
