"""Supplier map and profiles over real merged rounds: flags, context, notes, hostile text."""

from __future__ import annotations

import re

import pytest

from central import access, create_app, dataset, profiles, release, rounds

from .central_kit import MANAGEMENT_ANSWERS, USER_PASSWORD, K, build
from .sync_kit import add_supplier, amplify, central, finalise, open_station

HOSTILE = "<img src=x onerror=alert(1)>\u202e=cmd|' /C calc'!A0"
NUMBER = re.compile(r'class="num fig[^"]*">\s*(\d+)\s*<')


def _ballot_workers() -> list[dict]:
    """13 workers: 8 say representatives were appointed, 5 say secret ballot (both >= k)."""
    return [{"safe_place": "yes", "consent": "yes", "union_present": "yes" if i < 8 else "no",
             "committee_present": "yes", "rep_selection": "appointed" if i < 8 else
             "secret_ballot"} for i in range(13)]


@pytest.fixture(scope="module")
def brand(tmp_path_factory):
    brand = build(tmp_path_factory.mktemp("brand_profiles"))
    station = open_station(brand.station)
    try:
        ballot = add_supplier(station, brand.world.project_id, "Ballot Ltd", "KH", "KH2026BALLOT")
        hostile = add_supplier(station, brand.world.project_id, HOSTILE, "BD", "")
        for answers in _ballot_workers():
            finalise(station, "amplify_worker", answers, supplier_id=ballot)
            finalise(station, "amplify_worker", answers, supplier_id=hostile)
        finalise(station, "amplify_management", {**MANAGEMENT_ANSWERS,
                                                 "rep_selection": "secret_ballot"},
                 mode="interview", supplier_id=ballot)
    finally:
        station.close()
    bundle = brand.world.root / "more.bundle"
    amplify("export", "--home", brand.station, "--project", brand.world.project_id, "--round",
            "2026-Q4", "--out", bundle)
    central("merge", "--home", brand.home, bundle)
    station = open_station(brand.station)
    try:  # a second round at Ballot Ltd, for the trend
        for answers in _ballot_workers()[:7] + _ballot_workers()[8:]:  # 7 appointed, 5 ballot
            finalise(station, "amplify_worker", answers, supplier_id=ballot)
    finally:
        station.close()
    later = brand.world.root / "later.bundle"
    amplify("export", "--home", brand.station, "--project", brand.world.project_id, "--round",
            "2027-Q1", "--out", later)
    central("merge", "--home", brand.home, later)
    with dataset.transaction(brand.home) as conn:
        release.close_rounds(conn, rounds.list_rounds(conn), "steward")
    return brand


@pytest.fixture(scope="module")
def app(brand):
    return create_app(brand.home, {"TESTING": True})


def sign_in(app, role: str):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"csrf_token": token, "name": role, "password": USER_PASSWORD})
    return client


def _factory(brand, name: str) -> str:
    with dataset.reading(brand.home) as conn:
        return next(s.factory_id for s in profiles.supplier_list(conn) if s.name == name)


def test_management_ballot_against_workers_appointed_raises_the_rule_with_its_numbers(brand):
    with dataset.reading(brand.home) as conn:
        profile = profiles.supplier_profile(conn, brand.home, _factory(brand, "Ballot Ltd"))
    (flag,) = [f for f in profile.flags if f.rule_id == "selection_ballot_vs_workers"]
    assert flag.respondents_text == "12" and flag.route == "C"  # the latest round: 7 + 5
    assert "secret ballot" in flag.wording and flag.next_step


def test_no_flag_rests_on_a_hidden_count(brand):
    with dataset.reading(brand.home) as conn:
        exact = profiles.supplier_profile(conn, brand.home, _factory(brand, "Exact Ltd"))
    assert exact.flags == []  # its workers' selection answers are all below k


def test_the_list_counts_suppliers_with_and_without_a_union_or_committee(app, brand):
    client = sign_in(app, "viewer")
    page = client.get("/suppliers").text
    with dataset.reading(brand.home) as conn:
        summaries = profiles.supplier_list(conn)
    with_union = sum(s.has_union_or_committee is True for s in summaries)
    assert f"<strong>{with_union}</strong> with a union or worker committee" in page
    flagged = client.get("/suppliers?flag=1").text
    assert "Ballot Ltd" in flagged and "Under Ltd" not in flagged
    cambodia = client.get("/suppliers?country=KH").text
    assert "Ballot Ltd" in cambodia and "Exact Ltd" not in cambodia


def test_no_supplier_page_shows_a_count_from_fewer_than_k(app, brand):
    with dataset.reading(brand.home) as conn:
        ids = [s.factory_id for s in profiles.supplier_list(conn)]
    for role in ("viewer", "analyst", "steward", "admin"):
        client = sign_in(app, role)
        for path in ["/suppliers", *(f"/suppliers/{i}" for i in ids)]:
            page = client.get(path)
            assert page.status_code == 200, (role, path)
            for value in NUMBER.findall(page.text):
                assert not 0 < int(value) < K, (role, path, value)


def test_the_profile_shows_country_context_and_marks_partly_verified_values(app, brand):
    client = sign_in(app, "viewer")
    bangladesh = client.get(f"/suppliers/{_factory(brand, 'Exact Ltd')}").text
    assert "ITUC rating 5 (2025 edition" in bangladesh and "C087 ratified 1972" in bangladesh
    cambodia = client.get(f"/suppliers/{_factory(brand, 'Ballot Ltd')}").text
    assert "Partly verified" in cambodia


def test_notes_are_logged_by_analysts_checked_and_audited(app, brand):
    factory = _factory(brand, "Ballot Ltd")
    client = sign_in(app, "analyst")
    page = client.get(f"/suppliers/{factory}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    bad = client.post(f"/suppliers/{factory}/notes", data={
        "csrf_token": token, "text": "Agreed an election", "route": "C", "due": "31/03/2027"})
    assert bad.status_code == 302
    assert "use YYYY-MM-DD" in client.get(f"/suppliers/{factory}").text
    client.post(f"/suppliers/{factory}/notes", data={
        "csrf_token": token, "text": "<script>alert(3)</script> new election", "route": "C",
        "due": "2027-03-31"})
    page = client.get(f"/suppliers/{factory}").text
    assert "&lt;script&gt;alert(3)" in page and "2027-03-31" in page
    assert "<script>alert(3)" not in page
    entry = next(e for e in access.audit_log(brand.home) if e["action"] == "note added")
    assert entry["user"] == "analyst" and "alert" not in entry["detail"]


def test_hostile_supplier_names_are_inert_in_a_real_browser(browser, app, brand):
    from .conftest import LiveServer

    with LiveServer(app) as server:
        for width in (1280, 360):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            dialogs: list[str] = []

            def refuse(dialog, seen=dialogs) -> None:
                seen.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", refuse)
            page.goto(server.url + "/login")
            page.fill("input[name=name]", "analyst")
            page.fill("input[name=password]", USER_PASSWORD)
            page.click("button[type=submit]")
            page.goto(server.url + "/suppliers")
            assert "onerror=alert(1)" in page.inner_text("main")
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width + 1, f"the list is wider than a {width} px screen"
            page.screenshot(path=str(brand.world.root / f"suppliers-{width}.png"), full_page=True)
            page.goto(server.url + f"/suppliers/{_factory(brand, HOSTILE)}")
            page.screenshot(path=str(brand.world.root / f"profile-{width}.png"))
            page.goto(server.url + f"/suppliers/{_factory(brand, 'Ballot Ltd')}")
            assert "secret ballot" in page.inner_text("main")
            assert page.locator("svg[role=img]").count() > 0
            page.screenshot(path=str(brand.world.root / f"ballot-{width}.png"), full_page=True)
            assert dialogs == []
            context.close()


def test_a_second_released_round_draws_a_trend(app, brand):
    with dataset.reading(brand.home) as conn:
        profile = profiles.supplier_profile(conn, brand.home, _factory(brand, "Ballot Ltd"))
    union = next(view for view in profile.constructs if view.id == "union")
    assert union.trend["workers"] == [("2026-Q4", 62), ("2027-Q1", 58)]  # 8/13, 7/12
    page = sign_in(app, "viewer").get(f"/suppliers/{_factory(brand, 'Ballot Ltd')}").text
    assert "% answering yes" in page and page.count("<svg") >= 2
