"""GeoJSON attachments: ``select_one_from_file sites.geojson`` offers named features as
choices (no map, no location kept), stored with the version and refused naming the row when
missing or unusable."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from central.admin import load_form_files
from survey_app.store import formstore, records
from tests.test_cli import amplify
from xlsform import FormError, check, load_xlsform
from xlsform.logic import filtered_choices

from .interview_client import FlaskBrowser, answer, record_id_of, start_interview
from .xlsform_factory import write_xlsform

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "xlsforms" / "osm_fieldwork"
POINT = {"type": "Point", "coordinates": [104.92, 11.56]}
SITES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "f1", "geometry": POINT,
     "properties": {"title": "North gate", "kind": "gate"}},
    {"type": "Feature", "geometry": POINT,
     "properties": {"id": 7, "label": "Canteen", "kind": "room", "floors": [1, 2]}},
    {"type": "Feature", "geometry": POINT, "properties": {"id": "d", "name": "Dormitory"}},
    {"type": "Feature", "geometry": None, "properties": {"id": "x", "kind": "room"}},
]}
ROWS = [
    {"type": "select_one_from_file sites.geojson", "name": "site", "label": "Where?",
     "appearance": "map"},
    {"type": "select_multiple_from_file sites.geojson", "name": "rooms", "label": "Rooms?",
     "choice_filter": "kind = 'room'"},
]
FILES = {"sites.geojson": json.dumps(SITES).encode()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("geo")
    write_xlsform(path / "sites.xlsx", ROWS, settings={"form_id": "sites", "version": "1"})
    (path / "sites.geojson").write_bytes(FILES["sites.geojson"])
    return path


def test_features_are_choices_named_by_id_and_labelled_by_title(folder: Path):
    form = load_xlsform(folder / "sites.xlsx", attachments=FILES)
    site = form.choices_for(form.questions["site"])
    assert [(c.name, c.label) for c in site] == [
        ("f1", {"default": "North gate"}), ("7", {"default": "Canteen"}),
        ("d", {"default": "Dormitory"}), ("x", {"default": "x"})]
    assert not any("geometry" in c.extra or "coordinates" in str(c.extra) for c in site)
    assert site[1].extra.get("floors") is None  # a list is no choice text
    rooms = filtered_choices(form, form.questions["rooms"], {})
    assert [c.name for c in rooms] == ["7", "x"]
    assert any("'map'" in warning for warning in form.warnings), form.warnings


@pytest.mark.parametrize("data, fragment", [
    (None, "needs the file sites.geojson"),
    (b'{"type": "FeatureCollection", "features": [}', "not valid JSON"),
    (b'{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": [
        SITES["features"][0], {"type": "Feature", "properties": {"title": "?"}}]}).encode(),
     "feature 2 has no id"),
    (b'{"type": "FeatureCollection", "features": [{"type": "Point"}]}',
     "feature 1 is not a GeoJSON Feature"),
])
def test_a_missing_or_unusable_file_is_refused_naming_the_row(folder: Path, data, fragment):
    files = {} if data is None else {"sites.geojson": data}
    with pytest.raises(FormError) as refused:
        load_xlsform(folder / "sites.xlsx", attachments=files)
    assert (refused.value.sheet, refused.value.row, refused.value.column) == (
        "survey", 2, "type")
    assert fragment in refused.value.message


def test_forms_check_reads_the_geojson_beside_a_form_and_never_takes_it_for_a_form(
        folder: Path):
    results = check.check_paths([folder])
    assert [(Path(r.path).name, r.status) for r in results] == [("sites.xlsx", check.READY)]


def test_forms_add_keeps_the_file_and_a_project_carries_it(tmp_path: Path, folder: Path):
    home = tmp_path / "station"
    assert amplify("init", home=home).returncode == 0
    added = amplify("forms", "add", str(folder / "sites.xlsx"), str(folder / "sites.geojson"),
                    home=home)
    assert added.returncode == 0, added.stderr
    assert "sites version 1: added (reads sites.geojson)" in added.stdout
    exported = amplify("forms", "export", "sites", "--xform", home=home)
    assert exported.returncode == 0 and "jr://file/sites.geojson" in exported.stdout
    [(form_file, _definition)] = load_form_files([folder / "sites.xlsx",
                                                  folder / "sites.geojson"])
    assert form_file.attachments == FILES


def test_a_feature_is_chosen_on_the_interview_page_and_sealed_by_id(client, app, folder):
    station = app.extensions["amplify"]
    path = folder / "sites.xlsx"
    formstore.add_form(station.store, load_xlsform(path, attachments=FILES), path.read_bytes(),
                       path.name)
    browser = FlaskBrowser(client)
    first = start_interview(browser, "sites", "Delta Textiles", language="default")
    assert "Canteen" in first.text and "104.92" not in first.text
    record_id = record_id_of(first.path)
    page_name = station.form("sites", "1").pages[0].name
    done = answer(browser, record_id, page_name, {"site": "7", "rooms": "x"},
                  action="finalise")
    assert done.path == "/interviews", done.text
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"]["site"] == "7"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"external corpus not found at {CORPUS}")
@pytest.mark.parametrize("name, row", [("toilets.xls", 12), ("waterpoints.xls", 18)])
def test_corpus_forms_need_their_geojson_and_read_it_when_given(name: str, row: int):
    """The corpus holds the forms without their GeoJSON files: refused at the row that
    reads one; given one, that row loads (what stops them then is another row)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(FormError) as missing:
            load_xlsform(CORPUS / name, drop_unsupported=True)
        assert (missing.value.row, missing.value.column) == (row, "type")
        assert f"needs the file {name.split('.')[0]}.geojson" in missing.value.message
        given = {f"{name.split('.')[0]}.geojson": FILES["sites.geojson"]}
        try:
            load_xlsform(CORPUS / name, drop_unsupported=True, attachments=given)
        except FormError as other:
            assert other.row != row and "geojson" not in other.message, str(other)
