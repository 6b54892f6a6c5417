"""The interpreter's screens in real chromium at phone size (360×740) over real HTTP."""

from __future__ import annotations

from survey_app.store import records

from .conftest import PASSPHRASE


def test_interview_in_a_phone_sized_browser(phone, live_server, app):
    station = app.extensions["amplify"]
    station.lock()
    problems: list[str] = []
    phone.on("console", lambda message: problems.append(message.text)
             if message.type == "error" else None)
    documents: list[str] = []
    phone.on("request", lambda request: documents.append(request.url)
             if request.resource_type == "document" else None)

    phone.goto(live_server.url + "/")
    assert phone.url.endswith("/unlock")
    phone.fill("input[name=passphrase]", "wrong passphrase here")
    phone.click("button[type=submit]")
    assert "Wrong passphrase" in phone.text_content("main")
    phone.fill("input[name=passphrase]", PASSPHRASE)
    phone.click("button[type=submit]")
    assert phone.url.endswith("/interviews") and station.unlocked

    phone.click("text=Start an interview")
    phone.check("input[name=form_id][value=amplify_worker]")
    phone.select_option("select[name=language]", "en")
    phone.fill("input[name=supplier_name]", "Golden Thread Ltd")
    phone.fill("input[name=supplier_country]", "BD")
    phone.click("main button.primary")
    assert "/page/consent_page" in phone.url
    record_id = phone.url.split("/")[4]

    # Skip logic without a round trip: consent appears once the place is safe.
    consent = phone.locator("[data-q=consent]")
    consent.wait_for(state="hidden")  # logic.js hides it (the server shows it without scripts)
    loads = len(documents)
    phone.check("input[name=safe_place][value=yes]")
    consent.wait_for(state="visible")
    phone.locator("[data-q=unsafe_stop]").wait_for(state="hidden")
    phone.check("input[name=safe_place][value=no]")
    phone.locator("[data-q=unsafe_stop]").wait_for(state="visible")
    assert consent.is_hidden()
    phone.check("input[name=safe_place][value=yes]")
    phone.check("input[name=consent][value=yes]")
    assert len(documents) == loads
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360

    phone.click("button[value=save]")
    assert "Draft saved." in phone.text_content("main")
    phone.click("button[value=next]")
    assert "/page/profile" in phone.url
    phone.click("button[value=next]")
    assert "/page/rights" in phone.url
    source = phone.locator("[data-q=rights_info_source]")
    source.wait_for(state="hidden")
    phone.check("input[name=know_right_join][value=yes]")
    source.wait_for(state="visible")
    phone.check("input[name=rights_info_source][value=coworkers]")
    while phone.locator("button[value=next]").count():
        with phone.expect_navigation():  # count the buttons of the next page, not this one
            phone.click("button[value=next]")
    assert "/page/closing" in phone.url
    phone.fill("textarea[name=change_wish]", "Elections every two years")
    phone.click("button[value=finalise]")
    assert phone.url.endswith("/interviews")
    assert "Golden Thread Ltd" in phone.text_content("main")

    meta = records.get_meta(station.store, record_id)
    assert meta.status == "final"
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"]["rights_info_source"] == ["coworkers"]
    assert sealed["answers"]["change_wish"] == "Elections every two years"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
