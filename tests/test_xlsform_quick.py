"""Appearance ``quick`` in Chromium: tapping a choice moves to the next page when the question
is the last one shown on its page, never from the last page, never by keyboard; without
scripts the page is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app import sessions

from .conftest import PASSPHRASE
from .xlsform_factory import add_to_station, write_xlsform

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROWS = [
    {"type": "begin group", "name": "first", "label": "First", "appearance": "field-list"},
    {"type": "select_one yn", "name": "member", "label": "Member?", "appearance": "quick"},
    {"type": "select_one yn", "name": "fair", "label": "Fair pay?", "appearance": "quick"},
    {"type": "text", "name": "why", "label": "Why not?", "relevant": "${fair} = 'no'"},
    {"type": "end group"},
    {"type": "begin group", "name": "second", "label": "Second"},
    {"type": "select_one yn", "name": "safe", "label": "Safe?", "appearance": "quick"},
    {"type": "end group"},
]
CHOICES = [{"list_name": "yn", "name": "yes", "label": "Yes"},
           {"list_name": "yn", "name": "no", "label": "No"}]


@pytest.fixture
def quick_form(app, tmp_path: Path) -> str:
    path = write_xlsform(tmp_path / "quick.xlsx", ROWS, CHOICES,
                         settings={"form_id": "quick", "version": "1"})
    add_to_station(app, path)
    return "quick"


def page_heading_has(page, name: str) -> bool:
    return page.locator(f"#f [name='{name}']").count() > 0


def test_a_quick_choice_moves_on_only_as_the_last_question_shown(phone, app, live_server,
                                                                  quick_form):
    _session, token = sessions.create_session(app.extensions["amplify"], form_id=quick_form,
                                              supplier={"name": "Delta", "country": "KH"})
    phone.goto(f"{live_server.url}/f/{token}")
    phone.click("button[name=lang][value=default]")
    phone.wait_for_selector("#f [name=member]")
    phone.click("label:has(input[name=member][value=yes])")  # not the last question shown
    phone.focus("input[name=fair][value=yes]")
    phone.keyboard.press("ArrowDown")  # a keyboard change reads on, it never moves on
    phone.wait_for_timeout(300)
    assert phone.locator("input[name=fair][value=no]").is_checked()
    assert page_heading_has(phone, "member")
    phone.click("label:has(input[name=fair][value=no])")  # "why" shows up: fair is not last
    phone.wait_for_selector("#f [data-q=why]:not([hidden])")
    phone.wait_for_timeout(300)
    assert page_heading_has(phone, "member")
    phone.click("label:has(input[name=fair][value=yes])")  # "why" hides again: fair is last
    phone.wait_for_selector("#f [name=safe]")
    phone.click("label:has(input[name=safe][value=yes])")  # the last page: no sending
    phone.wait_for_timeout(500)
    assert page_heading_has(phone, "safe") and phone.locator("#done").count() == 0
    phone.click("#f button.n")
    phone.wait_for_selector("#done")


def test_the_interview_page_moves_on_and_without_scripts_stays(browser, app, live_server,
                                                               quick_form):
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/unlock")
            page.fill("input[name=passphrase]", PASSPHRASE)
            page.click("button[type=submit]")
            page.goto(f"{live_server.url}/interviews/new")
            page.check(f"input[name=form_id][value={quick_form}]")
            page.select_option("select[name=language]", "default")
            page.fill("input[name=supplier_name]", "Delta")
            page.fill("input[name=supplier_country]", "KH")
            page.click("main button.primary")
            page.wait_for_selector("[name=member]")
            page.click("label:has(input[name=member][value=no])")
            page.click("label:has(input[name=fair][value=yes])")
            if scripts:
                page.wait_for_url("**/page/second")
            else:
                page.wait_for_timeout(500)
                assert page.url.endswith("/page/first")
        finally:
            context.close()
