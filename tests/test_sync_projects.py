"""Project files: the brand's signature, import on a station, the pseudonym key, routing."""

from __future__ import annotations

import json

import pytest

from central import keys
from survey_app.store import projects, records
from sync.crypto.seal import open_batch_key
from sync.projectfile import ProjectFileError, parse

from .sync_kit import (
    BRAND_PASSPHRASE,
    STATION_PASSPHRASE,
    WORKER_ANSWERS,
    add_station,
    amplify,
    central,
    env,
    finalise,
    make_world,
    open_station,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return make_world(tmp_path_factory.mktemp("projects"))


def test_project_file_is_signed_and_carries_no_key_in_clear(world):
    data = world.project_file.read_bytes()
    project = parse(data)
    assert project.document["thresholds"] == {"k_brand": 5, "k_sharing": 10}
    assert project.free_text_export is False
    assert {"kdf", "wrapped"} <= set(project.document["pseudonym_key"])
    outer = json.loads(data)
    outer["project"]["free_text_export"] = True
    with pytest.raises(ProjectFileError, match="signature"):
        parse(json.dumps(outer).encode())
    assert project.fingerprint == keys.brand_fingerprint(world.central_home)


def test_tampered_project_file_is_refused_by_import(world, tmp_path):
    outer = json.loads(world.project_file.read_bytes())
    outer["project"]["thresholds"]["k_brand"] = 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(outer))
    home = tmp_path / "s"
    amplify("init", "--home", home)
    result = amplify("project", "import", "--home", home, bad, check=False)
    assert result.returncode != 0 and "signature" in result.stderr
    station = open_station(home)
    try:
        assert all(p.kind == projects.LOCAL for p in projects.all_projects(station.store))
    finally:
        station.close()


def test_import_routes_forms_to_brand_key_station_cannot_read_back(world):
    home = add_station(world, "station-a")
    out = amplify("project", "import", "--home", home, world.project_file).stdout
    assert "Already imported" in out and keys.brand_fingerprint(world.central_home) in out
    station = open_station(home)
    try:
        project = projects.project_for_form(station.store, "amplify_worker")
        assert project.id == world.project_id and project.kind == projects.BRAND
        assert project.free_text_allowed is False
        assert projects.pseudonym_key(station.keys().extra, world.project_id)
        record_id = finalise(station, "amplify_worker", WORKER_ANSWERS)
        local_private = station.keys().local_project_private
        with pytest.raises(Exception):  # noqa: B017 - any failure to open is the point
            records.read_sealed(station.store, local_private, record_id)
        row = station.store.read()["records"].get(record_id)
        batch = station.store.read()["seal_batches"].get(row["batch_id"])
        brand = keys.unlock(world.central_home, BRAND_PASSPHRASE)
        key = open_batch_key(brand.encryption.private_bytes_raw(), batch["ephemeral_public"])
        assert len(key) == 32
    finally:
        station.close()


def test_wrong_or_missing_project_passphrase(world, tmp_path):
    import subprocess
    import sys

    home = tmp_path / "s"
    amplify("init", "--home", home)
    base = [sys.executable, "-m", "survey_app.cli", "project", "import", "--home", str(home),
            str(world.project_file)]
    wrong = subprocess.run(base, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           env=env(STATION_PASSPHRASE, AMPLIFY_PROJECT_PASSPHRASE="0000-0000"))
    assert wrong.returncode != 0 and "wrong project passphrase" in wrong.stderr
    missing = subprocess.run(base, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                             env=env(STATION_PASSPHRASE, AMPLIFY_PROJECT_PASSPHRASE=""))
    assert missing.returncode == 0 and "will not be linked" in missing.stdout
    wrong_station = amplify("project", "import", "--home", home, world.project_file,
                            passphrase="not the station passphrase", check=False)
    assert wrong_station.returncode != 0 and "wrong passphrase" in wrong_station.stderr


def test_project_create_prints_a_passphrase_when_none_given(world, tmp_path):
    import subprocess
    import sys

    from .sync_kit import FORMS

    out = tmp_path / "p.json"
    result = subprocess.run(
        [sys.executable, "-m", "survey_app.cli", "central", "project", "create", "--home",
         str(world.central_home), "--name", "Second", "--form", str(FORMS / "management.xlsx"),
         "--out", str(out)], capture_output=True, text=True,
        env=env(BRAND_PASSPHRASE, AMPLIFY_PROJECT_PASSPHRASE=""))
    assert result.returncode == 0, result.stderr
    printed = result.stdout.split("Project passphrase", 1)[1].rsplit(": ", 1)[1].strip()
    assert len(printed.replace("-", "")) == 24
    from sync.projectfile import unwrap_pseudonym_key

    assert len(unwrap_pseudonym_key(parse(out.read_bytes()).document["pseudonym_key"],
                                    printed)) == 32
    bad_form = tmp_path / "broken.xlsx"
    bad_form.write_bytes(b"not a workbook")
    failed = central("project", "create", "--home", world.central_home, "--name", "X",
                     "--form", bad_form, "--out", tmp_path / "x.json", check=False)
    assert failed.returncode != 0 and "broken.xlsx" in failed.stderr
    assert not (tmp_path / "x.json").exists()


def test_station_id_file_names_no_host_or_user(world, tmp_path):
    import getpass
    import socket

    home = add_station(world, "station-b", trust=False)
    path = tmp_path / "id.json"
    amplify("station", "id", "--home", home, "--out", path)
    text = path.read_text()
    document = json.loads(text)
    assert set(document) == {"format", "station_id", "public_key", "fingerprint"}
    for word in {socket.gethostname(), getpass.getuser()}:
        if len(word) >= 4:
            assert word not in text


def test_a_form_needing_drops_is_refused_unless_asked_and_stations_drop_the_same(tmp_path):
    form = tmp_path / "dropper.csv"
    form.write_text("survey,,,\n,type,name,label\n,geopoint,where,Where are you?\n"
                    ",integer,age,Age\nsettings,,,\n,form_id,version,\n,dropper,1,\n")
    home, project_file = tmp_path / "central", tmp_path / "project.json"
    central("init", "--home", home)
    args = ("project", "create", "--home", home, "--name", "Drops", "--form", form,
            "--out", project_file)
    refused = central(*args, check=False)
    assert refused.returncode != 0 and not project_file.exists()
    assert "survey sheet, row 2" in refused.stderr and "--drop-unsupported" in refused.stderr
    made = central(*args, "--drop-unsupported")
    assert "dropper.csv: loaded with what a phone must not collect left out" in made.stdout
    outer = json.loads(project_file.read_bytes())
    assert [f.drop_unsupported for f in parse(project_file.read_bytes()).forms()] == [True]
    outer["project"]["forms"][0].pop("drop_unsupported")
    with pytest.raises(ProjectFileError, match="signature"):
        parse(json.dumps(outer).encode())
    station_home = tmp_path / "station"
    amplify("init", "--home", station_home)
    amplify("project", "import", "--home", station_home, project_file)
    station = open_station(station_home)
    try:
        assert set(station.form("dropper").questions) == {"age"}
    finally:
        station.close()
