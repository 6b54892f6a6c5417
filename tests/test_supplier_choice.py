"""The same factory typed again is the same supplier, on both screens."""

from __future__ import annotations

from survey_app import sessions
from survey_app.store import suppliers
from tests.interview_client import FlaskBrowser, start_interview


def _known(app) -> list[dict]:
    station = app.extensions["amplify"]
    return suppliers.all_suppliers(station.store, station.keys().records)


def test_typing_a_known_factory_again_reuses_it_on_both_screens(app, client):
    browser = FlaskBrowser(client)
    start_interview(browser, "amplify_worker", "Sunrise Garments", country="KH")
    start_interview(browser, "amplify_worker", "  sunrise   GARMENTS ", country="kh")
    station = app.extensions["amplify"]
    session, _token = sessions.create_session(
        station, form_id="amplify_worker",
        supplier={"name": "Sunrise Garments", "country": "KH"})
    known = _known(app)
    assert len(known) == 1 and session.supplier_id == known[0]["id"]
    page = browser.get("/interviews/new")
    assert page.text.count("Sunrise Garments") == 1


def test_an_open_supply_hub_id_decides_over_the_name(app, client):
    browser = FlaskBrowser(client)
    start_interview(browser, "amplify_worker", "Sunrise Garments", country="KH",
                    os_id="KH2021ABC")
    start_interview(browser, "amplify_worker", "Sunrise Garment Factory", country="KH",
                    os_id="kh2021abc")
    start_interview(browser, "amplify_worker", "Sunrise Garments", country="KH",
                    os_id="KH2021XYZ")
    start_interview(browser, "amplify_worker", "Sunrise Garments", country="BD")
    assert sorted((s["country"], s["os_id"]) for s in _known(app)) == [
        ("BD", ""), ("KH", "KH2021ABC"), ("KH", "KH2021XYZ")]
