"""A phone-sized Chromium (360×740) answering through a collection session, item 10."""

from __future__ import annotations

import pytest

from survey_app import sessions
from survey_app.store import records

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def session_url(app, live_server):
    station = app.extensions["amplify"]
    session, token = sessions.create_session(station, form_id="amplify_worker",
                                             supplier={"name": "Factory A", "country": "KH"})
    return f"{live_server.url}/f/{token}", session


def finals(app) -> list:
    return records.list_records(app.extensions["amplify"].store, records.FINAL)


def answer_page(page) -> None:
    """Tick the first choice of every visible question and type into visible text boxes.

    Repeats while answering reveals more questions (relevance on the same page).
    """
    page.wait_for_selector("#f")
    done: set[str] = set()
    for _ in range(5):
        names: list[str] = page.eval_on_selector_all(
            "#f [data-q]:not([hidden]) input:not([type=hidden]):not(:disabled), "
            "#f [data-q]:not([hidden]) textarea:not(:disabled)",
            "els => els.map(e => e.type + ' ' + e.name)")
        fresh = [entry for entry in names if entry.split(" ", 1)[1] not in done]
        if not fresh:
            return
        for entry in fresh:
            kind, name = entry.split(" ", 1)
            if name in done:
                continue
            done.add(name)
            if kind in ("radio", "checkbox"):
                box = page.locator(f"#f [data-q]:not([hidden]) input[name='{name}']").first
                if box.is_visible():
                    box.check()
            elif kind == "number":
                page.fill(f"#f [name='{name}']", "2")
            else:
                page.fill(f"#f [name='{name}']", "typed on a phone")


def mark_body(page) -> None:
    page.evaluate("() => { document.body.dataset.old = '1'; }")


def wait_new_body(page, timeout: int = 20000) -> None:
    """A swapped-in or newly loaded page has a fresh <body> without our mark."""
    page.wait_for_function("() => document.body && !document.body.dataset.old",
                           timeout=timeout)


def click_next(page, wait: bool = True) -> None:
    mark_body(page)
    page.click("#f button.n")
    if wait:
        wait_new_body(page)


def walk_to_end(page, *, before_each=None, limit: int = 30) -> None:
    for _ in range(limit):
        if page.locator("#done").count():
            return
        answer_page(page)
        if before_each:
            before_each(page)
        click_next(page)
    raise AssertionError("the form did not end")


def past_consent(phone, session_url) -> None:
    """Open the form in English, answer the consent page, wait for the profile page."""
    url, _session = session_url
    phone.goto(url)
    phone.click("button[name=lang][value=en]")
    answer_page(phone)
    click_next(phone)
    phone.wait_for_selector("#f input[name=gender]")


def storage_empty(page) -> bool:
    return page.evaluate("() => sessionStorage.length === 0 && localStorage.length === 0 "
                         "&& document.cookie === ''")


@pytest.mark.parametrize("language", ["en", "es"])
def test_answer_in_a_language(phone, session_url, app, language):
    url, _session = session_url
    phone.goto(url)
    phone.click(f"button[name=lang][value={language}]")
    phone.wait_for_selector("#f")
    assert phone.evaluate("document.documentElement.lang") == language
    assert phone.title() == ("Form" if language == "en" else phone.title())
    walk_to_end(phone)
    assert len(finals(app)) == 1
    assert finals(app)[0].language == language
    assert storage_empty(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_offline_mid_form_loses_nothing(phone, session_url, app):
    past_consent(phone, session_url)
    answer_page(phone)
    phone.context.set_offline(True)
    click_next(phone, wait=False)
    phone.wait_for_selector("#st:not([hidden])")
    assert "No connection" in phone.inner_text("#st")
    assert phone.locator("#f input[name=gender]:checked").count() == 1  # still as typed
    phone.context.set_offline(False)
    wait_new_body(phone)
    assert phone.locator("#f input[name=gender]").count() == 0
    walk_to_end(phone)
    assert len(finals(app)) == 1


def test_reload_mid_form_continues(phone, session_url, app):
    past_consent(phone, session_url)
    phone.reload()
    phone.wait_for_selector("#f input[name=gender]")
    walk_to_end(phone)
    assert len(finals(app)) == 1


def test_double_tap_submit_makes_one_record(phone, session_url, app):
    url, _session = session_url
    phone.goto(url)
    phone.click("button[name=lang][value=en]")

    def double_tap_on_last(page):
        page.evaluate("() => { const b = document.querySelector('#f button.n'); "
                      "b.click(); b.click(); }")

    for _ in range(30):
        if phone.locator("#done").count():
            break
        answer_page(phone)
        if "Send" in phone.inner_text("#f button.n"):
            mark_body(phone)
            double_tap_on_last(phone)
            wait_new_body(phone)
        else:
            click_next(phone)
    phone.wait_for_selector("#done")
    assert len(finals(app)) == 1


def test_quick_exit_leaves_nothing(phone, session_url, app):
    past_consent(phone, session_url)
    assert phone.evaluate("() => sessionStorage.length") > 0
    phone.click("#x button")
    phone.wait_for_url("**/f/bye")
    assert storage_empty(phone)
    phone.go_back()
    phone.wait_for_timeout(300)
    assert phone.locator("#f").count() == 0
    store = app.extensions["amplify"].store
    phone.wait_for_timeout(300)
    assert store.read()["collect_responses"].count == 0  # deleted on the laptop
    assert not finals(app)


def test_scripts_disabled_form_still_completes(browser, session_url, app):
    url, _session = session_url
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url)
        page.click("button[name=lang][value=en]")
        for _ in range(30):
            if page.locator("#done").count():
                break
            answer_page(page)
            click_next(page)
        assert page.locator("#done").count() == 1
        assert len(finals(app)) == 1
        assert not context.cookies()
    finally:
        context.close()


def test_a_cascade_on_one_page_filters_choices_on_the_phone(phone, app, live_server, tmp_path):
    """State and county on one page of a partner's form: the counties follow the state
    as the worker taps, and the record keeps the county that fits."""
    from survey_app.store import formstore
    from tests.test_interview_flow import CASCADE, PLACES
    from tests.xlsform_factory import write_xlsform
    from xlsform import load_xlsform

    station = app.extensions["amplify"]
    path = write_xlsform(tmp_path / "cascade.xlsx", CASCADE, PLACES,
                         settings={"form_id": "cascade", "version": "1",
                                   "default_language": "English (en)"})
    formstore.add_form(station.store, load_xlsform(path), path.read_bytes(), path.name)
    _session, token = sessions.create_session(station, form_id="cascade",
                                              supplier={"name": "Factory A"})
    phone.goto(f"{live_server.url}/f/{token}")
    phone.click("button[name=lang]")
    phone.wait_for_selector("#f")
    county = "#f input[name=county][value={}]"
    assert not phone.is_visible(county.format("brewster"))
    phone.check("#f input[name=state][value=texas]")
    assert phone.is_visible(county.format("brewster"))
    assert not phone.is_visible(county.format("king"))
    phone.check(county.format("brewster"))
    phone.check("#f input[name=state][value=washington]")
    assert not phone.is_visible(county.format("brewster"))
    phone.check(county.format("king"))
    click_next(phone)
    assert phone.locator("#done").count() == 1
    sealed = records.read_sealed(station.store, station.keys().local_project_private,
                                 finals(app)[0].id)
    assert sealed["answers"]["state"] == "washington"
    assert sealed["answers"]["county"] == "king"
