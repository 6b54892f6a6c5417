"""`amplify forms check` and `forms add --drop-unsupported`: one line per form, exit codes,
JSON, pyxform's warnings and crashes turned into located messages."""

from __future__ import annotations

import html
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from survey_app.cli import main
from survey_app.store import formstore
from tests.test_cli import amplify
from tests.xlsform_factory import write_xlsform
from xlsform import load_xlsform
from xlsform.dropping import ROW_KEY, drop_unsupported, row_type, unsupported_kind

GOOD = [{"type": "text", "name": "q", "label": "Q"}]
WITH_GPS = [
    {"type": "text", "name": "q", "label": "Q"},
    {"type": "geopoint", "name": "where", "label": "Where are you?"},
    {"type": "note", "name": "shown", "label": "You are at ${where}"},
    {"type": "begin group", "name": "g", "label": "G", "relevant": "${where} != ''"},
    {"type": "integer", "name": "n", "label": "N"},
    {"type": "end group"},
]
REPEAT = [{"type": "begin repeat", "name": "kids", "label": "Kids"},  # empty: refused
          {"type": "end repeat"}]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("forms")
    write_xlsform(path / "a_good.xlsx", GOOD)
    write_xlsform(path / "b_gps.xlsx", WITH_GPS, settings={"form_id": "gps", "version": "3"})
    write_xlsform(path / "c_repeat.xlsx", REPEAT)
    (path / "notes.txt").write_text("not a form")
    return path


def check(*args: str):
    return CliRunner().invoke(main, ["forms", "check", *args])


def test_one_line_per_form_and_non_zero_exit_when_one_is_refused(folder: Path):
    result = check(str(folder))
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0] == f"{folder / 'a_good.xlsx'}: ready (a_good version 1)"
    assert lines[1] == (f"{folder / 'b_gps.xlsx'}: ready after dropping (gps version 3): "
                        "where (row 3, geopoint), shown (row 4, refers to ${where}), "
                        "g (row 5, refers to ${where}), n (row 6, refers to ${where})")
    assert lines[2].startswith(f"{folder / 'c_repeat.xlsx'}: refused: survey sheet, row 2, "
                               'column "type": ')
    assert lines[-1] == "3 forms: 1 ready, 1 ready after dropping, 1 refused"
    assert "Traceback" not in result.output


def test_ready_forms_exit_zero_and_json_is_for_scripts(folder: Path):
    result = check("--json", str(folder / "a_good.xlsx"), str(folder / "b_gps.xlsx"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"] == {"forms": 2, "ready": 1, "ready after dropping": 1, "refused": 0}
    assert [f["status"] for f in data["forms"]] == ["ready", "ready after dropping"]
    assert data["forms"][1]["dropped"][0] == "where (row 3, geopoint)"


def test_refusal_in_json_names_sheet_row_and_column(folder: Path):
    result = check("--json", str(folder / "c_repeat.xlsx"))
    assert result.exit_code == 1
    refused = json.loads(result.output)["forms"][0]
    assert (refused["sheet"], refused["row"], refused["column"]) == ("survey", 2, "type")


def test_pyxform_warnings_are_printed(tmp_path: Path):
    rows = [{"type": "text", "name": "q", "label::english": "Q"}]
    path = write_xlsform(tmp_path / "w.xlsx", rows)
    result = check(str(path))
    assert result.exit_code == 0
    assert "    warning: " in result.output and "english" in result.output


def test_a_pyxform_crash_becomes_a_message_naming_sheet_and_column(tmp_path: Path):
    path = write_xlsform(tmp_path / "c.xlsx", [{**GOOD[0], "instance": "x"}])
    result = check("--json", str(path))
    refused = json.loads(result.output)["forms"][0]
    assert result.exit_code == 1
    assert (refused["sheet"], refused["row"], refused["column"]) == ("survey", 1, "instance")
    assert refused["error"].startswith('survey sheet, row 1, column "instance": pyxform cannot')


def test_a_folder_without_forms_is_an_error(tmp_path: Path):
    result = check(str(tmp_path))
    assert result.exit_code != 0 and "no XLSForm files" in result.output


def test_forms_add_refuses_then_drops_and_lists_what_it_left_out(tmp_path: Path, folder: Path):
    home = tmp_path / "station"
    assert amplify("init", home=home).returncode == 0
    gps = str(folder / "b_gps.xlsx")
    refused = amplify("forms", "add", gps, home=home)
    assert refused.returncode != 0
    assert "row 3" in refused.stderr and "--drop-unsupported" in refused.stderr
    added = amplify("forms", "add", "--drop-unsupported", gps, home=home)
    assert added.returncode == 0, added.stderr
    assert "left out (--drop-unsupported): where (row 3, geopoint)" in added.stdout
    assert "gps version 3: added" in added.stdout
    listed = amplify("forms", "list", home=home)
    assert "left out: where (row 3, geopoint)" in listed.stdout
    out = tmp_path / "gps.xml"
    exported = amplify("forms", "export", "gps", "--xform", "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    xform = ElementTree.parse(out).getroot()
    binds = {b.get("nodeset") for b in xform.iter("{http://www.w3.org/2002/xforms}bind")}
    assert "/data/q" in binds and not {"/data/where", "/data/g/n"} & binds
    missing = amplify("forms", "export", "nothere", "--xform", home=home)
    assert missing.returncode != 0 and "no form 'nothere'" in missing.stderr


def test_the_interpreters_form_list_says_what_was_left_out(app, client, folder: Path):
    path = folder / "b_gps.xlsx"
    definition = load_xlsform(path, drop_unsupported=True)
    formstore.add_form(app.extensions["amplify"].store, definition, path.read_bytes(), path.name)
    page = client.get("/interviews/new")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert "the phone must not collect them): where (row 3, geopoint), shown (row 4" in text


KINDS = ["text", "integer", "geopoint", "image", "deviceid", "note"]


@st.composite
def survey_rows(draw) -> list[dict]:
    """Rows of random types, each maybe referring to earlier ones, some inside groups."""
    rows: list[dict] = []
    names: list[str] = []
    depth = 0
    for index in range(draw(st.integers(1, 12))):
        if draw(st.integers(0, 5)) == 0:
            rows.append({"type": "begin group", "name": f"g{index}"})
            depth += 1
        kind = draw(st.sampled_from(KINDS))
        refs = draw(st.lists(st.sampled_from(names), max_size=2)) if names else []
        row = {"type": kind, "name": f"q{index}",
               "relevant": " and ".join(f"${{{n}}} != ''" for n in refs)}
        rows.append(row)
        names.append(row["name"])
        if depth and draw(st.booleans()):
            rows.append({"type": "end group"})
            depth -= 1
    rows += [{"type": "end group"}] * depth
    for number, row in enumerate(rows, start=2):
        row[ROW_KEY] = str(number)
    return rows


@given(survey_rows())
def test_dropping_leaves_nothing_unsupported_and_nothing_pointing_at_what_went(rows):
    kept = [dict(row) for row in rows]
    dropped = drop_unsupported(kept)
    gone = {row["name"] for row in rows if row not in kept and "name" in row}
    for row in kept:
        assert not unsupported_kind(row_type(row))
        assert not any(f"${{{name}}}" in row.get("relevant", "") for name in gone)
    assert {item.name for item in dropped} <= gone
    begins = sum(row_type(row).startswith("begin") for row in kept)
    assert begins == sum(row_type(row) == "end group" for row in kept)
