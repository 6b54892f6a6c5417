"""Write small XLSForm workbooks for tests (openpyxl, real .xlsx files).

    write_xlsform(tmp_path / "f.xlsx",
                  [{"type": "text", "name": "q1", "label::English (en)": "Name?"}],
                  choices_rows=[{"list_name": "yn", "name": "yes", "label": "Yes"}],
                  settings={"form_id": "f", "version": "2"})

Rows are dicts (column -> value; the header is every column in order of first use) or
sequences whose first item is the header row. Blank cells stay empty, so spreadsheet row
numbers are exactly as in Excel: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

Rows = Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]]


def _table(rows: Rows) -> list[list[Any]]:
    rows = list(rows)
    if not rows:
        return []
    if isinstance(rows[0], Mapping):
        header: list[str] = []
        for row in rows:
            header.extend(key for key in row if key not in header)
        return [header] + [[row.get(column) for column in header] for row in rows]
    return [list(row) for row in rows]


def write_xlsform(
    path: Path,
    survey_rows: Rows,
    choices_rows: Rows = (),
    settings: Mapping[str, Any] | None = None,
    extra_sheets: Mapping[str, Rows] | None = None,
) -> Path:
    """Write an .xlsx with survey, choices (when given) and settings (when given) sheets."""
    workbook = openpyxl.Workbook()
    sheets: dict[str, Rows] = {"survey": survey_rows}
    if choices_rows:
        sheets["choices"] = choices_rows
    if settings:
        sheets["settings"] = [dict(settings)]
    sheets.update(extra_sheets or {})
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in _table(rows):
            sheet.append([None if value == "" else value for value in row])
    path = Path(path)
    workbook.save(path)
    return path


def add_to_station(app: Any, path: Path) -> str:
    """Load the workbook at ``path`` into the test station's form store; its form id."""
    from survey_app.store import formstore
    from xlsform import load_xlsform

    form = load_xlsform(path)
    formstore.add_form(app.extensions["amplify"].store, form, path.read_bytes(), path.name)
    return form.form_id
