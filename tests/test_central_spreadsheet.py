"""CSV and XLSX exports: formula injection neutralised, numbers kept, preamble first."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from central.spreadsheet import TRIGGERS, Sheet, inert, write_csv, write_xlsx

HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1",
           "=HYPERLINK(\"http://example.invalid\",\"x\")", "#N/A", "<script>x</script>",
           "\u202eevil", "\x01=1+1"]
PREAMBLE = [("Threshold k", 5), ("Sharing threshold", 10), "Withheld: 2 suppliers below k"]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, ""), ("'=x", "'=x"),
    (5, 5), (-5, -5), (2.5, 2.5), (True, True), (date(2026, 1, 2), date(2026, 1, 2)),
])
def test_inert(value, expected):
    result = inert(value)
    assert result == expected and type(result) is type(expected)


@given(st.text())
def test_inert_text_never_starts_with_a_trigger_and_loses_nothing(text):
    result = inert(text)
    assert isinstance(result, str) and not result.startswith(TRIGGERS)
    assert result in (text, "'" + text)


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_has_preamble_header_rows_and_inert_cells():
    out = io.StringIO(newline="")
    count = write_csv(out, PREAMBLE, ["Supplier", "Workers"],
                      [[text, index] for index, text in enumerate(HOSTILE)])
    lines = read_csv(out.getvalue())
    assert count == len(HOSTILE)
    assert lines[:5] == [["Threshold k", "5"], ["Sharing threshold", "10"],
                         ["Withheld: 2 suppliers below k"], [], ["Supplier", "Workers"]]
    cells = [row[0] for row in lines[5:]]
    assert cells[0] == "'=1+1" and cells[9] == "<script>x</script>"
    assert not any(cell.startswith(TRIGGERS) for row in lines for cell in row)
    assert [row[1] for row in lines[5:]] == [str(i) for i in range(len(HOSTILE))]


def test_csv_refuses_a_row_of_the_wrong_length_and_nan():
    with pytest.raises(ValueError, match="CSV, data row 2: 1 cells for 2 columns"):
        write_csv(io.StringIO(), [], ["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="CSV, data row 1: nan is not a finite number"):
        write_csv(io.StringIO(), [], ["a"], [[float("nan")]])


def workbook_cells(data: bytes | Path):
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    workbook = load_workbook(source)
    return workbook, [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


@pytest.fixture(scope="module")
def hostile_workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "export.xlsx"
    rows = [[text, index, 0.5, "0012"] for index, text in enumerate(HOSTILE)]
    write_xlsx(path, [Sheet("Suppliers", ["Name", "Workers", "Share", "Code"], rows, PREAMBLE),
                      Sheet("=cmd[1]:*?/\\'", ["=Header"], [["@x"]]),
                      Sheet("suppliers", ["x"], [])])
    return path


def test_xlsx_has_no_formula_cell_and_text_typed_as_text(hostile_workbook):
    workbook, cells = workbook_cells(hostile_workbook)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    sheet = workbook["Suppliers"]
    names = [sheet.cell(row=row, column=1).value for row in range(6, 6 + len(HOSTILE))]
    assert names[0] == "'=1+1" and names[8] == "#N/A" and names[11] == "'=1+1"
    assert sheet.cell(row=14, column=1).data_type == "s"  # "#N/A" is text, not an error
    assert all(sheet.cell(row=row, column=4).value == "0012" for row in range(6, 17))
    assert [sheet.cell(row=row, column=2).value for row in range(6, 8)] == [0, 1]
    assert sheet.cell(row=6, column=3).data_type == "n"
    assert not any(isinstance(c.value, str) and c.value.startswith(TRIGGERS) for c in cells)


def test_xlsx_preamble_then_bold_header_frozen_below_it(hostile_workbook):
    sheet = load_workbook(hostile_workbook)["Suppliers"]
    assert [sheet.cell(row=1, column=c).value for c in (1, 2)] == ["Threshold k", 5]
    assert sheet.cell(row=3, column=1).value == "Withheld: 2 suppliers below k"
    assert sheet.cell(row=4, column=1).value is None
    assert sheet.cell(row=5, column=1).value == "Name" and sheet.cell(row=5, column=1).font.b
    assert sheet.freeze_panes == "A6"


def test_xlsx_sheet_names_follow_excels_rules(hostile_workbook):
    titles = load_workbook(hostile_workbook).sheetnames
    assert titles == ["Suppliers", "=cmd 1", "suppliers (2)"]


def test_a_refused_xlsx_leaves_an_existing_file_unchanged(tmp_path):
    path = tmp_path / "export.xlsx"
    write_xlsx(path, [Sheet("A", ["x"], [[1]])])
    before = path.read_bytes()
    with pytest.raises(ValueError, match="B, data row 2: 2 cells for 1 columns"):
        write_xlsx(path, [Sheet("B", ["x"], [[1], [1, 2]])])
    with pytest.raises(ValueError, match="B, data row 1: inf is not a finite number"):
        write_xlsx(path, [Sheet("B", ["x"], [[float("inf")]])])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.xlsx"]


CELLS = st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE), st.integers(-10**6, 10**6),
                  st.floats(allow_nan=False, allow_infinity=False, width=32), st.none())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=2, max_size=2), max_size=6),
       st.lists(st.text(max_size=12), max_size=2))
def test_no_cell_of_either_format_can_run_as_a_formula(rows, preamble):
    out = io.StringIO(newline="")
    write_csv(out, preamble, ["a", "b"], rows)
    assert all(is_number(cell) for row in read_csv(out.getvalue()) for cell in row
               if cell.startswith(TRIGGERS))  # only negative numbers, which stay numbers
    stream = io.BytesIO()
    write_xlsx(stream, [Sheet("s", ["a", "b"], rows, preamble)])
    _, cells = workbook_cells(stream.getvalue())
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(TRIGGERS) for c in cells)
    numbers = [value for row in rows for value in row if isinstance(value, int | float)]
    written = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    assert len(written) == len(numbers)
