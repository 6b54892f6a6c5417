"""A partner's form with what issue 14 opened (the same name in two groups, a name the pages
use, choices and a look-up from CSV files) goes the whole way: the brand's project file
carries the files, a station imports it, a record is sealed, exported in a bundle and
merged into the central dataset, where the keys are as the station stored them."""

from __future__ import annotations

import sqlite3

import pytest

from central import dataset, keys
from central.merge import merge_bundle

from .sync_kit import (
    BRAND_PASSPHRASE,
    World,
    add_station,
    amplify,
    central,
    finalise,
    open_station,
)
from .xlsform_factory import write_xlsform

ROWS = [
    {"type": "select_one_from_file towns.csv", "name": "town", "label": "Town?"},
    {"type": "begin group", "name": "mother", "label": "Mother"},
    {"type": "integer", "name": "age", "label": "Her age?"},
    {"type": "end group"},
    {"type": "begin group", "name": "father", "label": "Father"},
    {"type": "integer", "name": "age", "label": "His age?"},
    {"type": "end group"},
    {"type": "integer", "name": "page", "label": "Pages of your contract?"},
    {"type": "calculate", "name": "region", "calculation": "pulldata('towns', 'region', "
     "'name', ${town})"},
]
TOWNS = "name,label,region\npp,Phnom Penh,south\nsr,Siem Reap,north\n"
ANSWERS = {"town": "sr", "mother/age": "41", "father/age": "45", "page": "3"}


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    root = tmp_path_factory.mktemp("partner")
    form = write_xlsform(root / "family.xlsx", ROWS, settings={"form_id": "family"})
    (root / "towns.csv").write_text(TOWNS, encoding="utf-8")
    home = root / "central"
    central("init", "--home", home)
    project_file = root / "project.json"
    out = central("project", "create", "--home", home, "--name", "Partner", "--form", form,
                  "--form", root / "towns.csv", "--out", project_file).stdout
    world = World(root, home, project_file, out.split("Project ", 1)[1].split(" ", 1)[0])
    station_home = add_station(world, "station1")
    station = open_station(station_home)
    try:
        assert station.form("family").attachments == {"towns.csv": TOWNS}
        finalise(station, "family", ANSWERS)
    finally:
        station.close()
    bundle = root / "records.bundle"
    amplify("export", "--home", station_home, "--project", world.project_id, "--out", bundle)
    merge_bundle(home, keys.unlock(home, BRAND_PASSPHRASE), bundle)
    conn = sqlite3.connect(dataset.dataset_path(home))
    try:
        return conn.execute("SELECT a.question, a.value FROM answers a ORDER BY 1").fetchall()
    finally:
        conn.close()


def test_scoped_keys_a_page_control_name_and_the_looked_up_value_reach_the_dataset(merged):
    answers = {question: str(value) for question, value in merged}
    assert (answers["mother/age"], answers["father/age"]) == ("41", "45")
    assert answers["page"] == "3" and answers["town"] == "sr"
    assert answers["region"] == "north"
