"""CSV and XLSX exports with formula injection neutralised.

A cell that came from a person (a supplier name, an answer label, a note) could start with
``=``, ``+``, ``-``, ``@``, a tab or a line break, which Excel and LibreOffice would run as a
formula. ``inert`` puts an apostrophe in front of such text so it is shown as text; numbers
stay numbers. Both writers put every cell through ``inert``; the XLSX writer also types every
string cell as text. Each file opens with its preamble (thresholds, what was withheld), then
a header row and the rows.
"""

from __future__ import annotations

import csv
import decimal
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written (not by every command)
    from openpyxl import Workbook

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"
MAX_CELL = 32767  # Excel's limit for the text of one cell
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

Cell = str | int | float | decimal.Decimal | bool | date | datetime | None
PreambleLine = str | Sequence[object]


@dataclass(frozen=True)
class Sheet:
    """One worksheet: preamble lines, then a header row, then rows."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Sequence[object]]
    preamble: Sequence[PreambleLine] = field(default_factory=tuple)


def inert(value: object) -> Cell:
    """A value safe to put in a spreadsheet cell: text that could run as a formula gets a
    leading apostrophe; numbers, booleans and dates stay as they are; None becomes ""."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | decimal.Decimal | date | datetime):
        return value
    text = str.__str__(str(value))
    return QUOTE + text if text.startswith(TRIGGERS) else text


def _number_check(value: Cell, where: str) -> None:
    if isinstance(value, float | decimal.Decimal) and not math.isfinite(value):
        raise ValueError(f"{where}: {value!r} is not a finite number")


def _line(item: PreambleLine) -> list[object]:
    return [item] if isinstance(item, str) else list(item)


def _checked_rows(name: str, columns: Sequence[str],
                  rows: Iterable[Sequence[object]]) -> Iterable[list[object]]:
    for index, row in enumerate(rows, start=1):
        row = list(row)
        if len(row) != len(columns):
            raise ValueError(f"{name}, data row {index}: {len(row)} cells for "
                             f"{len(columns)} columns")
        yield row


def write_csv(stream: IO[str], preamble: Sequence[PreambleLine], columns: Sequence[str],
              rows: Iterable[Sequence[object]], *, bom: bool = True) -> int:
    """Write preamble lines, an empty line, the header and the rows; return the row count.

    ``stream`` is a text stream opened with ``newline=""``. ``bom`` starts the file with a
    UTF-8 byte order mark, so Excel reads non-Latin text (Khmer, Bengali, ...) correctly.
    """
    writer = csv.writer(stream)
    if bom:
        stream.write("\ufeff")
    for item in preamble:
        writer.writerow([_csv_cell(value, "preamble") for value in _line(item)])
    if preamble:
        writer.writerow([])
    writer.writerow([_csv_cell(name, "header") for name in columns])
    count = 0
    for count, row in enumerate(_checked_rows("CSV", columns, rows), start=1):
        writer.writerow([_csv_cell(value, f"CSV, data row {count}") for value in row])
    return count


def _csv_cell(value: object, where: str) -> object:
    cell = inert(value)
    _number_check(cell, where)
    if isinstance(cell, date | datetime):
        return cell.isoformat()
    return cell


def write_xlsx(target: str | Path | IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write an XLSX workbook with one worksheet per ``Sheet``.

    A path is replaced atomically: if anything is refused, an existing file is unchanged.
    """
    if not sheets:
        raise ValueError("an XLSX export needs at least one sheet")
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for sheet in sheets:
        _fill(workbook.create_sheet(_sheet_title(sheet.name, used)), sheet)
    if isinstance(target, str | Path):
        _save_atomically(workbook, Path(target))
    else:
        workbook.save(target)


def _fill(worksheet, sheet: Sheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    row_number = 0
    for item in sheet.preamble:
        row_number += 1
        for column, value in enumerate(_line(item), start=1):
            _put(worksheet, row_number, column, value, f"{sheet.name}, preamble")
    row_number += 1 if sheet.preamble else 0
    header_row = row_number + 1
    for column, name in enumerate(sheet.columns, start=1):
        cell = _put(worksheet, header_row, column, name, f"{sheet.name}, header")
        cell.font = Font(bold=True)
        width = min(max(len(str(name)) + 2, 10), 50)
        worksheet.column_dimensions[get_column_letter(column)].width = width
    for index, row in enumerate(_checked_rows(sheet.name, sheet.columns, sheet.rows), start=1):
        for column, value in enumerate(row, start=1):
            _put(worksheet, header_row + index, column, value, f"{sheet.name}, data row {index}")
    worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=1)


def _put(worksheet, row: int, column: int, value: object, where: str):
    if isinstance(value, str) or not isinstance(value, bool | int | float | decimal.Decimal
                                                 | date | datetime | None):
        value = _ILLEGAL_XML.sub("", str.__str__(str(value)))[:MAX_CELL]
    cell_value = inert(value)
    _number_check(cell_value, where)
    cell = worksheet.cell(row=row, column=column, value=cell_value)
    if isinstance(cell_value, str):
        cell.data_type = "s"
    return cell


def _sheet_title(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _SHEET_FORBIDDEN.sub(" ", str(name)).strip().strip("'")[:31].strip() or "Sheet"
    title, number = base, 1
    while title.casefold() in used:
        number += 1
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title.casefold())
    return title


def _save_atomically(workbook: Workbook, path: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            workbook.save(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
