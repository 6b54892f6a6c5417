"""Interviews done before the brand's project was imported: the station says they stay on
the laptop, and `amplify project adopt` moves them to the brand, which merges them."""

from __future__ import annotations

from survey_app.store import projects, records
from tests.interview_client import FlaskBrowser, start_interview
from tests.sync_kit import (
    CANARY_NAME,
    REP_ANSWERS,
    add_supplier,
    amplify,
    central,
    finalise,
    make_world,
    open_station,
)


def test_records_sealed_before_the_import_can_be_adopted_and_reach_the_brand(tmp_path):
    world = make_world(tmp_path, forms=("representative",))
    home = tmp_path / "station"
    amplify("init", "--home", home)
    station = open_station(home)
    try:
        local = projects.project_for_form(station.store, "amplify_representative")
        supplier = add_supplier(station, local.id)
        local_id = finalise(station, "amplify_representative", REP_ANSWERS, mode="interview",
                            supplier_id=supplier, context={"names": [CANARY_NAME]})
    finally:
        station.close()
    imported = amplify("project", "import", "--home", home, world.project_file).stdout
    assert "1 record(s)" in imported and f"amplify project adopt {world.project_id}" in imported
    nothing = amplify("export", "--home", home, "--project", world.project_id, "--out",
                      tmp_path / "none.bundle", check=False)
    assert nothing.returncode != 0 and "nothing new" in nothing.stderr
    moved = amplify("project", "adopt", "--home", home, world.project_id).stdout
    assert "1 record(s) moved" in moved
    station = open_station(home)
    try:
        [final] = records.list_records(station.store, records.FINAL)
        assert final.project_id == world.project_id and final.id != local_id
        assert records.read_vault(station.store, station.keys().vault, final.id)["rep_name"]
        assert records.read_vault(station.store, station.keys().vault, local_id) == {}
    finally:
        station.close()
    identity = tmp_path / "station.json"
    amplify("station", "id", "--home", home, "--out", identity)
    central("trust", "--home", world.central_home, "--label", "station", identity)
    bundle = tmp_path / "adopted.bundle"
    assert "1 records" in amplify("export", "--home", home, "--project", world.project_id,
                                  "--out", bundle).stdout
    assert "1 new" in central("merge", "--home", world.central_home, bundle).stdout
    assert world.count("SELECT count(*) FROM responses WHERE pseudonym IS NOT NULL") == 1
    again = amplify("project", "adopt", "--home", home, world.project_id).stdout
    assert "0 record(s) moved" in again


def test_the_interpreter_is_told_when_an_interview_stays_on_this_laptop(client):
    page = start_interview(FlaskBrowser(client), "amplify_worker", "Sunrise Garments")
    assert "no brand project on this laptop" in page.text
