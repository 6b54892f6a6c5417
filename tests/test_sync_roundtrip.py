"""Station → bundle → central, through the real CLI, and what never leaves the station."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from central.dataset import dataset_path
from survey_app.store import records

from .sync_kit import (
    CANARY_NAME,
    REP_ANSWERS,
    WORKER_ANSWERS,
    add_station,
    add_supplier,
    all_bytes,
    amplify,
    canaries,
    central,
    finalise,
    make_world,
    open_station,
)


@pytest.fixture
def world(tmp_path):
    return make_world(tmp_path)


def _collect(world, home, workers=3, reps=1):
    station = open_station(home)
    try:
        supplier = add_supplier(station, world.project_id)
        ids = [finalise(station, "amplify_worker", WORKER_ANSWERS, mode="self",
                        supplier_id=supplier, context={"names": [CANARY_NAME]})
               for _ in range(workers)]
        ids += [finalise(station, "amplify_representative", REP_ANSWERS, mode="interview",
                         supplier_id=supplier, context={"names": [CANARY_NAME]})
                for _ in range(reps)]
    finally:
        station.close()
    return supplier, ids


def test_round_trip_through_the_cli(world):
    home = add_station(world, "station1")
    supplier, ids = _collect(world, home)
    bundle = world.root / "b1.bundle"
    out = amplify("export", "--home", home, "--project", world.project_id, "--out", bundle)
    assert "4 records" in out.stdout
    merged = central("merge", "--home", world.central_home, bundle)
    assert "4 new" in merged.stdout
    assert world.count("SELECT count(*) FROM responses") == 4
    assert world.count("SELECT count(*) FROM bundles") == 1
    assert world.count("SELECT count(*) FROM suppliers WHERE id = ? AND os_id = ?",
                       supplier, "BD2019123ABC456") == 1
    conn = sqlite3.connect(dataset_path(world.central_home))
    wide = conn.execute("SELECT gender, age_band, interference_types, union_present, "
                        "worker_meetings_12m, mode, day FROM form_amplify_worker").fetchall()
    assert len(wide) == 3
    assert wide[0][:5] == ("woman", "25_34", "threats watching", "yes", 3)
    assert wide[0][5] == "self" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", wide[0][6])
    rep = conn.execute("SELECT pseudonym, rep_role, rep_comments FROM "
                       "form_amplify_representative").fetchone()
    assert re.fullmatch(r"[0-9a-f]{64}", rep[0]) and rep[1] == "shop_steward"
    assert rep[2] is None, "free text stays on the station unless the project exports it"
    columns = [r[1] for r in conn.execute("PRAGMA table_info(form_amplify_representative)")]
    assert "rep_name" not in columns and "rep_phone" not in columns
    worker_pseudonyms = conn.execute("SELECT count(*) FROM responses WHERE mode = 'self' AND "
                                     "pseudonym IS NOT NULL").fetchone()[0]
    assert worker_pseudonyms == 0
    conn.close()
    again = amplify("export", "--home", home, "--project", world.project_id, "--out",
                    world.root / "b2.bundle", check=False)
    assert again.returncode != 0 and "nothing new to export" in again.stderr


def test_export_works_locked_and_marks_records_only_after_writing(world):
    home = add_station(world, "station1")
    _collect(world, home, workers=2, reps=0)
    bad = amplify("export", "--home", home, "--project", world.project_id, "--out",
                  world.root / "missing-folder" / "x.bundle", check=False)
    assert bad.returncode != 0
    station = open_station(home)
    try:
        pending = station.store.read().execute(
            "SELECT count(*) FROM records WHERE status = ? AND bundle_id IS NULL",
            [records.FINAL]).fetchone()[0]
    finally:
        station.close()
    assert pending == 2, "a failed export must leave the records to be exported"
    result = amplify("export", "--home", home, "--project", world.project_id, "--out",
                     world.root, passphrase="not the passphrase")
    assert "2 records" in result.stdout
    assert list(world.root.glob("amplify-*.bundle"))


def test_export_all_and_local_project_refused(world):
    home = add_station(world, "station1")
    _collect(world, home, workers=1, reps=0)
    first = world.root / "first.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--out", first)
    again = world.root / "all.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--out", again, "--all")
    central("merge", "--home", world.central_home, first, again)
    assert world.count("SELECT count(*) FROM responses") == 1
    assert world.count("SELECT count(*) FROM bundles") == 2
    local = amplify("export", "--home", home, "--project", "local-x", "--out",
                    world.root / "l.bundle", check=False)
    assert local.returncode != 0 and "no project" in local.stderr


def test_canaries_never_in_bundle_central_or_logs(tmp_path):
    world = make_world(tmp_path, free_text=True)
    home = add_station(world, "station1")
    _collect(world, home, workers=2, reps=2)
    bundle = world.root / "b.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--out", bundle)
    central("merge", "--home", world.central_home, bundle)
    scrubbed = world.count("SELECT count(*) FROM answers WHERE value LIKE '%[removed]%'")
    assert scrubbed >= 4, "free text is exported scrubbed in a free-text project"
    targets = [(bundle, bundle.read_bytes())] + all_bytes(world.central_home)
    targets += [(p, b) for p, b in all_bytes(home / "logs")]
    for path, data in targets:
        for canary in canaries():
            assert canary not in data, f"{canary!r} found in {path}"


def test_bundle_has_no_clock_time_host_or_user(world):
    import getpass
    import socket

    home = add_station(world, "station1")
    _collect(world, home, workers=1, reps=1)
    bundle = world.root / "b.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--out", bundle)
    data = bundle.read_bytes()
    assert not re.search(rb"\d{2}:\d{2}:\d{2}", data)
    for word in {socket.gethostname(), getpass.getuser()}:
        if len(word) >= 4:
            assert word.encode() not in data
    central("merge", "--home", world.central_home, bundle)
    conn = sqlite3.connect(dataset_path(world.central_home))
    try:
        for table in ("responses", "answers", "bundles", "suppliers", "stations"):
            text = json.dumps(conn.execute(f"SELECT * FROM {table}").fetchall(), default=str)
            assert not re.search(r"\d{2}:\d{2}:\d{2}", text), table
    finally:
        conn.close()
