"""A record with a nested repeat: finalised on a real station, exported in a bundle, merged
into a real central home, read back from ``repeat_answers``, the wide views, Datasette and
the published file. Nothing identifying inside an instance leaves the station."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from central.dataset import dataset_path
from survey_app.store import records
from sync.anonymise import PSEUDONYM

from .repeat_kit import ANSWERS, CHILD_NAME, FORM_ID, MEMBER_NAME, write_household_xlsform
from .sync_kit import (
    World,
    add_station,
    add_supplier,
    all_bytes,
    amplify,
    central,
    finalise,
    open_station,
)

SECOND = {"consent": "yes", "household": [{"member_job": "none", "children": [
    {"child_name": "Someone Else", "child_school": "no"}]}]}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("repeats")
    home = root / "central"
    central("init", "--home", home)
    project_file = root / "project.json"
    form = write_household_xlsform(root / "household.xlsx")
    out = central("project", "create", "--home", home, "--name", "Households", "--form", form,
                  "--out", project_file, "--free-text").stdout
    world = World(root, home, project_file, out.split("Project ", 1)[1].split(" ", 1)[0])
    station_home = add_station(world, "station1")
    station = open_station(station_home)
    try:
        supplier = add_supplier(station, world.project_id)
        world.record_ids = [  # type: ignore[attr-defined]
            finalise(station, FORM_ID, ANSWERS, mode="interview", supplier_id=supplier),
            finalise(station, FORM_ID, SECOND, mode="self", supplier_id=supplier)]
        world.vault = records.read_vault(  # type: ignore[attr-defined]
            station.store, station.keys().vault, world.record_ids[0])
    finally:
        station.close()
    world.bundle = root / "households.bundle"  # type: ignore[attr-defined]
    amplify("export", "--home", station_home, "--project", world.project_id, "--out",
            world.bundle)
    assert "2 new" in central("merge", "--home", home, world.bundle).stdout
    return world


def _rows(world: World, sql: str, *args: object) -> list[tuple]:
    conn = world.db()
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _key(world: World, record_id: str) -> int:
    return _rows(world, "SELECT key FROM responses WHERE id = ?", record_id)[0][0]


def test_instances_are_rows_of_repeat_answers(world):
    key = _key(world, world.record_ids[0])
    rows = set(_rows(world, "SELECT repeat, instance, question, value FROM repeat_answers "
                     "WHERE response = ?", key))
    assert rows == {
        ("household", "1", "member_band", "35_up"), ("household", "1", "member_job", "sewing"),
        ("household", "1", "member_seen", "2026-03-02"),
        ("household", "1", "member_note", "ask [removed], call [removed]"),
        ("household", "1", "children", 2),
        ("children", "1.1", "child_school", "yes"),
        ("children", "1.1", "child_comment", "walks far"),
        ("children", "1.2", "child_school", "no"),
        ("household", "2", "member_band", "18_34"), ("household", "2", "member_job", "cutting")}
    top = dict(_rows(world, "SELECT question, value FROM answers WHERE response = ?", key))
    assert top == {"consent": "yes", "comment": "[removed] spoke for the family",
                   "household": 2}


def test_wide_views_hold_a_response_per_row_and_an_instance_per_row(world):
    conn = world.db()
    conn.row_factory = sqlite3.Row
    try:
        top = {r["id"]: dict(r) for r in conn.execute(f"SELECT * FROM form_{FORM_ID}")}
        assert top[world.record_ids[0]]["household"] == 2
        assert top[world.record_ids[1]]["household"] == 1
        assert "member_job" not in top[world.record_ids[0]]
        members = [dict(r) for r in conn.execute(
            f"SELECT * FROM form_{FORM_ID}__household ORDER BY id, instance")]
        children = [dict(r) for r in conn.execute(
            f"SELECT * FROM form_{FORM_ID}__children WHERE id = ? ORDER BY instance",
            [world.record_ids[0]])]
    finally:
        conn.close()
    first = [m for m in members if m["id"] == world.record_ids[0]]
    assert [(m["instance"], m["member_job"], m["children"]) for m in first] == [
        ("1", "sewing", 2), ("2", "cutting", None)]
    assert "member_name" not in first[0], "identifying questions have no column"
    assert first[0]["member_age"] is None, "an exact number of a quasi-identifier never arrives"
    assert first[0]["mode"] == "interview" and first[0]["supplier_id"]
    assert [(c["instance"], c["child_school"]) for c in children] == [("1.1", "yes"),
                                                                     ("1.2", "no")]
    assert "child_name" not in children[0]


def test_identifying_answers_inside_instances_stay_in_the_vault(world):
    assert world.vault == {"household": [
        {"member_name": MEMBER_NAME, "children": [{"child_name": CHILD_NAME}, {}]}, {}]}
    canaries = [value.encode() for value in (MEMBER_NAME, "Sokunthea", CHILD_NAME,
                                             "Vannarith", "Someone Else", "01711483927")]
    for path, data in [(world.bundle, world.bundle.read_bytes()),
                       *all_bytes(world.central_home)]:
        assert not [c for c in canaries if c in data], path
    assert _rows(world, "SELECT count(*) FROM repeat_answers WHERE question IN "
                 "('member_name', 'member_age', 'child_name')") == [(0,)]
    assert _rows(world, "SELECT count(*) FROM answers WHERE question = ?", PSEUDONYM) == [(0,)]


def test_merging_the_bundle_again_changes_nothing(world):
    before = world.digest()
    assert "2 unchanged" in central("merge", "--home", world.central_home,
                                    world.bundle).stdout
    assert world.digest() == before


def _datasette_json(path: Path, query: str) -> dict:
    from datasette.app import Datasette

    async def read() -> dict:
        response = await Datasette([str(path)]).client.get(query)
        return response.json()

    # In a thread: Playwright's sync API may already run an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, read()).result()


def test_datasette_joins_instances_to_their_responses(world):
    sql = ("SELECT r.mode, i.instance, i.value FROM repeat_answers i JOIN responses r "
           "ON r.key = i.response WHERE i.repeat = 'children' AND i.question = "
           "'child_school' ORDER BY r.mode, i.instance")
    from urllib.parse import urlencode

    data = _datasette_json(dataset_path(world.central_home),
                           "/central.json?" + urlencode({"sql": sql, "_shape": "array"}))
    assert [(r["mode"], r["instance"], r["value"]) for r in data] == [
        ("interview", "1.1", "yes"), ("interview", "1.2", "no"), ("self", "1.1", "no")]
    view = _datasette_json(dataset_path(world.central_home),
                           f"/central/form_{FORM_ID}__household.json?_shape=array")
    assert {row["member_job"] for row in view} == {"sewing", "cutting", "none"}


def test_published_figures_count_respondents_never_instances(world):
    conn = world.db()
    conn.execute("UPDATE projects SET k_brand = 2")  # two respondents: a round of k
    conn.commit()
    conn.close()
    central("round", "close", "--home", world.central_home, "--all")
    out = world.root / "published.db"
    central("publish", "--home", world.central_home, "--out", out)
    conn = sqlite3.connect(out)
    try:
        repeats = conn.execute("SELECT form_id, repeat, parent, questions, note FROM repeats "
                               "ORDER BY repeat").fetchall()
        figures = {(row[0], row[1]): row[2:] for row in conn.execute(
            "SELECT question, answer, count, out_of, question_label FROM figures")}
        meaning = conn.execute("SELECT value, meaning FROM _disclosure WHERE name = 'repeats'"
                               ).fetchone()
    finally:
        conn.close()
    assert [r[:4] for r in repeats] == [(FORM_ID, "children", "household", 3),
                                        (FORM_ID, "household", None, 6)]
    assert all("instances are not published" in r[4] for r in repeats)
    assert {q for q, _ in figures} == {"consent", "member_band", "member_job", "child_school"}
    # Both respondents said "no" for at least one child (three instances in all): 2 of 2.
    assert figures[("child_school", "no")] == (2, 2, "Household member / Child / In school?")
    assert figures[("child_school", "yes")][0] is None, "one respondent: fewer than k"
    assert figures[("consent", "yes")][:2] == (2, 2)
    assert meaning[0] == "counted by respondent" and "never of repeat instances" in meaning[1]
    rows = _datasette_json(out, "/published/repeats.json?_shape=array")
    assert {row["repeat"] for row in rows} == {"household", "children"}
    assert json.dumps(rows).count("instances are not published") == 2


def test_the_stewards_record_page_shows_the_instances(world):
    from central import access, create_app

    from .central_kit import USER_PASSWORD
    from .test_central_app import sign_in

    access.add_user(world.central_home, "steward", "steward", USER_PASSWORD)
    client, _ = sign_in(create_app(world.central_home, {"TESTING": True}), "steward")
    page = client.get(f"/records/{world.record_ids[0]}")
    assert page.status_code == 200
    assert "Inside repeats" in page.text
    assert "<td>children</td><td>1.2</td><th scope=\"row\">child_school</th>" in page.text


def _one_record_bundle(world: World, name: str, revision: int, answers: dict) -> Path:
    """A bundle of one record, sealed and signed as a station does, from the module's own
    trusted signing key (a station of its own)."""
    from datetime import date

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from central import admin
    from survey_app.store.records import RecordMeta
    from sync.projectfile import parse
    from sync.stationid import StationIdentity

    from . import synthetic

    if not hasattr(world, "signing"):
        world.signing = Ed25519PrivateKey.generate()  # type: ignore[attr-defined]
        admin.trust_station(world.central_home, StationIdentity(
            world.signing.public_key().public_bytes_raw()))
    meta = RecordMeta(id="f" * 32, form_id=FORM_ID, form_version="1",
                      project_id=world.project_id, mode="self", language="en", status="final",
                      supplier_id=None, session_id=None, day=date.today().isoformat(), seq=1,
                      revision=revision)
    path = world.root / name
    synthetic.write_bundle(path, brand_public=parse(world.project_file.read_bytes())
                           .encryption_public, signing_key=world.signing,
                           project_id=world.project_id, items=iter([(meta, answers)]))
    return path


def test_a_newer_revision_replaces_every_instance(world):
    first = {"consent": "yes", "household": [
        {"member_job": "sewing", "children": [{"child_school": "yes"}]}, {"member_job": "none"}]}
    central("merge", "--home", world.central_home, _one_record_bundle(world, "r1.bundle", 1,
                                                                       first))
    key = _key(world, "f" * 32)
    assert len(_rows(world, "SELECT * FROM repeat_answers WHERE response = ?", key)) == 4
    second = {"consent": "no", "household": [{"member_job": "cutting"}]}
    central("merge", "--home", world.central_home, _one_record_bundle(world, "r2.bundle", 2,
                                                                       second))
    key = _key(world, "f" * 32)
    assert _rows(world, "SELECT repeat, instance, question, value FROM repeat_answers WHERE "
                 "response = ?", key) == [("household", "1", "member_job", "cutting")]
    assert dict(_rows(world, "SELECT question, value FROM answers WHERE response = ?", key)) \
        == {"consent": "no", "household": 1}


def test_an_answer_keyed_in_the_wrong_instance_refuses_the_bundle(world):
    before = world.digest()
    wrong = {"household": [{"member_job": "none", "child_school": "yes"}]}
    result = central("merge", "--home", world.central_home,
                     _one_record_bundle(world, "wrong.bundle", 3, wrong), check=False)
    assert result.returncode != 0
    assert "'child_school' in household 1" in result.stdout + result.stderr
    assert "inside repeat 'children'" in result.stdout + result.stderr
    assert world.digest() == before


def test_adopting_a_local_record_puts_the_vaulted_instance_answers_back(world):
    """Runs last: it adds a record to the world."""
    from survey_app import adopt
    from survey_app.finalise import finalise_record
    from survey_app.store import projects
    from survey_app.store.records import RecordMeta

    station = open_station(world.stations[0])
    try:
        local = next(p for p in projects.all_projects(station.store) if p.kind == "local")
        form = station.form(FORM_ID)
        meta = RecordMeta(id=records.new_record_id(), form_id=FORM_ID, form_version=form.version,
                          project_id=local.id, mode="interview", language="en",
                          status="draft", supplier_id=None, session_id=None, day="", seq=0,
                          revision=1)
        finalise_record(station, meta, form, ANSWERS)
        assert adopt.adopt(station, world.project_id) == 1
        [moved] = [m for m in records.list_records(station.store, records.FINAL)
                   if m.project_id == world.project_id and m.id not in world.record_ids]
        assert records.read_vault(station.store, station.keys().vault, moved.id) == world.vault
    finally:
        station.close()
    bundle = world.root / "adopted.bundle"
    amplify("export", "--home", world.stations[0], "--project", world.project_id, "--out",
            bundle)
    central("merge", "--home", world.central_home, bundle)
    rows = _rows(world, "SELECT instance, value FROM repeat_answers WHERE response = ? AND "
                 "question = 'child_school' ORDER BY instance", _key(world, moved.id))
    assert rows == [("1.1", "yes"), ("1.2", "no")]
