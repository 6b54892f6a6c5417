"""Exports of the brand's app: the supplier list, a profile and the sharing file.

One world merged through a real bundle serves the module: groups of k−1, k and k+1
workers (k_brand = 5), and for the sharing file (k_sharing = 10) a supplier with exactly
10 workers, one with 9, and one with 11 but no Open Supply Hub ID. The hostile supplier's
name and notes carry formula prefixes, script tags and a bidi override. Every file is read
back (csv module, openpyxl) and checked cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from central import access, create_app, dataset, notes, release, rounds
from central.cli import central as central_group
from central.cli import export_command  # noqa: F401  (adds `export` to the group)
from central.spreadsheet import TRIGGERS

from .central_kit import ROLES, USER_PASSWORD
from .sync_kit import (
    add_station,
    add_supplier,
    amplify,
    central,
    finalise,
    make_world,
    open_station,
)

K, K_SHARING = 5, 10
HOSTILE_NAME = "=HYPERLINK(\"http://127.0.0.1/x\",\"go\") <script>alert(1)</script> \u202eLtd"
HOSTILE_NOTES = ("=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(1)",
                 "<img src=x onerror=alert(1)>", "\u202e=1+1 evil", "inner\t=1+1 and -2")
# add_note strips leading white space; these are stored as text a hand edit could leave
STORED_AS_IS = ("\t=cmd|' /C calc'!A0", "\r+1+1")
SHARE_ID = "BD2026SHARE01"
# name, country, Open Supply Hub ID, workers, reps with consent, reps without, management
SUPPLIERS = {"under": ("Under Ltd", "BD", "BD2026UNDER01", K - 1, 0, 0, False),
             "exact": ("Exact Ltd", "BD", "BD2026EXACT01", K, 1, 0, True),
             "over": ("Over Ltd", "KH", "", K + 1, 0, 4, False),
             "share": (HOSTILE_NAME, "BD", SHARE_ID, K_SHARING, 1, 2, True),
             "nearly": ("Nearly Ltd", "KH", "KH2026NEARLY1", K_SHARING - 1, 0, 0, False),
             "anonymous": ("No Id Ltd", "KH", "", K_SHARING + 1, 0, 0, False)}


def worker(i: int) -> dict:
    return {"safe_place": "yes", "consent": "yes", "gender": "woman" if i % 2 else "man",
            "union_present": "yes" if i % 2 else "no", "committee_present": "yes",
            "rep_selection": "appointed" if i % 3 else "secret_ballot"}


def representative(consent: bool) -> dict:
    # those without consent say "no": a leak of their answers would show as a "no" count
    return {"safe_place": "yes", "consent": "yes", "share_consent": "yes" if consent else "no",
            "union_present": "yes" if consent else "no",
            "rep_selection": "secret_ballot" if consent else "appointed"}


MANAGEMENT = {"safe_place": "yes", "consent": "yes", "respondent_role": "hr",
              "union_present": "yes", "rep_selection": "secret_ballot"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    made = make_world(root, forms=("worker", "representative", "management"))
    home = add_station(made, "station1")
    station = open_station(home)
    try:
        for name, country, os_id, workers, agreed, refused, managed in SUPPLIERS.values():
            supplier = add_supplier(station, made.project_id, name, country, os_id)
            for i in range(workers):
                finalise(station, "amplify_worker", worker(i), supplier_id=supplier)
            for consent in [True] * agreed + [False] * refused:
                finalise(station, "amplify_representative", representative(consent),
                         mode="interview", supplier_id=supplier)
            if managed:
                finalise(station, "amplify_management", MANAGEMENT, mode="interview",
                         supplier_id=supplier)
    finally:
        station.close()
    bundle = root / "round.bundle"
    amplify("export", "--home", home, "--project", made.project_id, "--round", "2026-Q4",
            "--out", bundle)
    central("merge", "--home", made.central_home, bundle)
    for role in ROLES:
        access.add_user(made.central_home, role, role, USER_PASSWORD)
    return made


@pytest.fixture(scope="module")
def released(world):
    """The world with every round closed and the hostile notes written."""
    with dataset.transaction(world.central_home) as conn:
        release.close_rounds(conn, rounds.list_rounds(conn), "steward")
        for text in HOSTILE_NOTES + STORED_AS_IS:
            note = notes.add_note(conn, factory(world, SHARE_ID), "analyst", text, "C", None)
            conn.execute("UPDATE supplier_notes SET text = ? WHERE id = ?", [text, note])
    return world


@pytest.fixture(scope="module")
def app(world):
    return create_app(world.central_home, {"TESTING": True})


def factory(world, os_id: str) -> str:
    return world.count("SELECT id FROM factories WHERE os_id = ?", os_id)


def factory_ids(world) -> list[str]:
    conn = world.db()
    try:
        return [row[0] for row in conn.execute("SELECT id FROM factories ORDER BY id")]
    finally:
        conn.close()


def export(world, tmp_path: Path, fmt: str, *extra: str):
    out = tmp_path / f"export-{len(list(tmp_path.iterdir()))}.{fmt}"
    result = CliRunner().invoke(central_group, ["export", "--home", str(world.central_home),
                                                "--format", fmt, "--out", str(out), *extra])
    return result, out


def read_back(path: Path) -> list[list[object]]:
    """Every row of every table of an export, as the cells a spreadsheet would hold."""
    if path.suffix == ".csv":
        text = path.read_bytes().decode("utf-8")
        assert text.startswith("\ufeff")
        return [row for row in csv.reader(io.StringIO(text[1:], newline=""))]
    book = load_workbook(path)
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
            rows.append([cell.value for cell in row])
        rows.append([])  # sheets apart, as the blank line between a CSV file's tables
    return rows


def tables(rows: list[list[object]], *header: str) -> list[dict[str, object]]:
    """The data rows under each header row that starts with ``header``, up to a blank row."""
    found, columns = [], None
    for row in rows:
        if tuple(row[:len(header)]) == header:
            columns = row
        elif not row or all(cell in (None, "") for cell in row):
            columns = None
        elif columns is not None:
            found.append(dict(zip(columns, row, strict=True)))
    return found


def lines(rows: list[list[object]], label: str) -> list[list[object]]:
    """Preamble lines that start with ``label``."""
    return [row for row in rows if row and row[0] == label]


def number(cell: object) -> int | None:
    if isinstance(cell, int):
        return cell
    return int(cell) if isinstance(cell, str) and cell.isdigit() else None


def assert_inert(rows: list[list[object]]) -> None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                assert not cell.startswith(TRIGGERS), repr(cell)


# ---- before any round is closed ----------------------------------------------------------

def test_nothing_released_is_an_error_for_the_command_and_404_for_the_app(world, app, tmp_path):
    with dataset.reading(world.central_home) as conn:
        if any(item.closed for item in rounds.list_rounds(conn)):
            pytest.skip("rounds were closed first")
    result, out = export(world, tmp_path, "csv")
    assert result.exit_code != 0 and "nothing is released yet" in result.output
    assert not out.exists()
    client = sign_in(app, "analyst")
    assert client.get("/suppliers.csv").status_code == 404
    assert client.get("/share.xlsx").status_code == 404


# ---- the brand's own exports -------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_supplier_list_shows_no_count_below_k_and_states_the_threshold(released, tmp_path, fmt):
    result, out = export(released, tmp_path, fmt)
    assert result.exit_code == 0, result.output
    rows = read_back(out)
    assert [number(row[1]) for row in lines(rows, "Threshold k_brand")] == [K]
    listed = tables(rows, "factory_id")
    assert {row["open_supply_hub_id"] or "" for row in listed} == {
        os_id for _, _, os_id, *_ in SUPPLIERS.values()}
    by_id = {row["open_supply_hub_id"]: row for row in listed}
    assert by_id["BD2026UNDER01"]["workers"] == f"fewer than {K}"
    assert number(by_id["BD2026EXACT01"]["workers"]) == K
    for row in listed:
        for source in ("workers", "representatives"):
            value = number(row[source])
            assert value is None or value == 0 or value >= K, (row["supplier"], source, value)
    assert_inert(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_profile_shows_no_count_below_k(released, tmp_path, fmt):
    for factory_id in factory_ids(released):
        result, out = export(released, tmp_path, fmt, "--supplier", factory_id)
        assert result.exit_code == 0, result.output
        rows = read_back(out)
        assert [number(row[1]) for row in lines(rows, "Threshold k_brand")] == [K]
        figures = tables(rows, "construct", "construct_label")
        for row in figures:
            if row["source"] in ("Workers",):
                for column in ("count", "answered"):
                    value = number(row[column])
                    assert value is None or value == 0 or value >= K, (factory_id, row)
            if row["source"] == "Representatives":
                assert row["note"] == "shared with consent", row
        assert_inert(rows)


def test_profile_of_the_hostile_supplier_keeps_its_notes_as_inert_text(released, tmp_path):
    share = factory(released, SHARE_ID)
    for fmt in ("csv", "xlsx"):
        result, out = export(released, tmp_path, fmt, "--supplier", share)
        assert result.exit_code == 0, result.output
        rows = read_back(out)
        assert_inert(rows)
        cells = {cell for row in rows for cell in row if isinstance(cell, str)}
        for text in HOSTILE_NOTES + STORED_AS_IS:
            expected = "'" + text if text.startswith(TRIGGERS) else text
            if fmt == "xlsx":  # XML reads a stored CR back as a line feed
                expected = expected.replace("\r", "\n")
            assert expected in cells, (fmt, text)
        assert "'" + HOSTILE_NAME in cells


# ---- the sharing file ----------------------------------------------------------------------

def by_key(path: Path) -> tuple[list[list[object]], dict[str, list[dict[str, object]]]]:
    """What a partner brand's script sees: rows grouped by the Open Supply Hub ID only."""
    rows = read_back(path)
    grouped: dict[str, list[dict[str, object]]] = {}
    for row in tables(rows, "open_supply_hub_id"):
        grouped.setdefault(str(row["open_supply_hub_id"]), []).append(row)
    return rows, grouped


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sharing_file_keyed_by_open_supply_hub_id_holds_only_what_may_be_shared(
        released, tmp_path, fmt):
    result, out = export(released, tmp_path, fmt, "--share")
    assert result.exit_code == 0, result.output
    rows, grouped = by_key(out)
    assert set(grouped) == {SHARE_ID}  # 9 workers, 5, 4: below k_sharing; 11 without an id
    left_out = {str(row[2]): number(row[1]) for row in lines(rows, "Left out")}
    assert left_out == {"suppliers without an Open Supply Hub ID": 2,
                        "suppliers whose workers answering are fewer than k_sharing": 3}
    assert [number(row[1]) for row in lines(rows, "Threshold k_sharing")] == [K_SHARING]
    assert lines(rows, "Never included")
    for row in grouped[SHARE_ID]:
        count, answered = number(row["count"]), number(row["answered"])
        if row["source"] == "workers":
            assert count is None or count == 0 or count >= K_SHARING, row
            assert answered is None or answered >= K_SHARING, row
        if row["source"] == "representatives":
            assert "consented" in row["basis"], row
            assert answered == 1, row  # one consented; the two who did not never count
            assert not (row["answer"] in ("no", "appointed") and count), row
    flat = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    for name, *_ in SUPPLIERS.values():
        assert name not in flat
    assert_inert(rows)


def test_sharing_counts_come_from_k_sharing_not_from_the_brands_figures(released, tmp_path):
    """5 of the 10 workers said yes: the brand sees 5 (k = 5), the partner sees nothing."""
    _, profile = export(released, tmp_path, "csv", "--supplier", factory(released, SHARE_ID))
    own = [row for row in tables(read_back(profile), "construct", "construct_label")
           if row["source"] == "Workers" and row["question"] == "union_present"]
    assert {row["answer"]: number(row["count"]) for row in own}["yes"] == K
    _, shared = export(released, tmp_path, "csv", "--share")
    theirs = [row for row in by_key(shared)[1][SHARE_ID]
              if row["source"] == "workers" and row["question"] == "union_present"]
    assert {row["answer"]: row["count"] for row in theirs}["yes"] == ""
    assert {row["answer"]: row["withheld"] for row in theirs}["yes"] == f"fewer than {K_SHARING}"


# ---- the command's errors and the audit log ------------------------------------------------

def test_command_errors_name_the_problem_and_change_nothing(released, tmp_path):
    kept = tmp_path / "kept.csv"
    kept.write_text("already here", encoding="utf-8")
    runner = CliRunner()
    home = str(released.central_home)
    cases = [(["--out", str(kept), "--supplier", "f-nosuchfactory"], "no released figures"),
             (["--out", str(tmp_path / "missing" / "x.csv")], "is not a folder"),
             (["--out", str(kept), "--supplier", "x", "--share"], "not both")]
    for extra, message in cases:
        result = runner.invoke(central_group, ["export", "--home", home, "--format", "csv",
                                               *extra])
        assert result.exit_code != 0 and message in result.output, result.output
    assert kept.read_text(encoding="utf-8") == "already here"


def test_each_export_is_audit_logged(released, tmp_path):
    result, out = export(released, tmp_path, "xlsx", "--share", "--by", "analyst")
    assert result.exit_code == 0
    entry = access.audit_log(released.central_home)[0]
    assert (entry["user"], entry["action"], entry["target"]) == ("analyst", "export", out.name)
    assert "sharing file" in entry["detail"]


# ---- the app's downloads ---------------------------------------------------------------------

def sign_in(app, role: str):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"csrf_token": token, "name": role, "password": USER_PASSWORD})
    return client


def test_downloads_are_for_analysts_and_stewards_and_audit_logged(released, app):
    share = factory(released, SHARE_ID)
    paths = ["/suppliers.csv", "/suppliers.xlsx", f"/suppliers/{share}/profile.csv",
             f"/suppliers/{share}/profile.xlsx", "/share.csv", "/share.xlsx"]
    for role in ("viewer", "admin"):
        client = sign_in(app, role)
        assert [client.get(path).status_code for path in paths] == [403] * len(paths)
    for role in ("analyst", "steward"):
        client = sign_in(app, role)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            assert response.headers["Content-Disposition"].startswith("attachment;")
            entry = access.audit_log(released.central_home)[0]
            assert (entry["user"], entry["action"]) == (role, "export"), path
        assert client.get("/suppliers/f-nosuchfactory/profile.csv").status_code == 404
    assert app.test_client().get("/share.csv").status_code == 302  # nobody: to the login


def test_downloaded_files_read_back_inert_and_without_small_counts(released, app, tmp_path):
    client = sign_in(app, "analyst")
    for path in ("/suppliers.xlsx", "/share.csv",
                 f"/suppliers/{factory(released, SHARE_ID)}/profile.xlsx"):
        target = tmp_path / path.rsplit("/", 1)[1]
        target.write_bytes(client.get(path).data)
        rows = read_back(target)
        assert_inert(rows)
        assert any(row and str(row[0]).startswith("Threshold k_") for row in rows)
