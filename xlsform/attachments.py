"""CSV files a form reads: choices from a file, ``search()`` and ``pulldata()``.

A form names them in its rows (``select_one_from_file towns.csv``, appearance
``search('fruits')``, ``pulldata('fruits', ...)``: both mean fruits.csv). The loader checks
that each is given and readable, and turns its rows into choice lists and look-up tables
kept in the form definition, so a stored version carries what it needs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import geojson
from .errors import FormError

ROW_KEY = "_amplify_row"
FROM_FILE_RE = re.compile(r"^select[ _](one|multiple)[ _]from[ _]file\s+(\S+)$", re.IGNORECASE)
PULLDATA_RE = re.compile(r"pulldata\(\s*['\"‘’]([^'\"‘’]+)['\"‘’]")
SEARCH_RE = re.compile(r"search\(\s*['\"‘’]([^'\"‘’]+)['\"‘’][^)]*\)")
EXPRESSION_COLUMNS = ("calculation", "calculate", "relevant", "constraint", "default",
                      "required", "choice_filter")
MAX_BYTES = 5_000_000
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Reference:
    """A file a survey row names, and where."""

    file_name: str
    row: int
    column: str


def _cells(row: Mapping[str, Any]) -> dict[str, str]:
    return {str(k).strip().lower(): str(v).strip() for k, v in row.items() if k != ROW_KEY}


def references(rows: list[dict[str, Any]]) -> list[Reference]:
    """Every attachment the survey rows name, in row order."""
    found: list[Reference] = []
    for row in rows:
        number = int(row.get(ROW_KEY) or 0)
        cells = _cells(row)
        if match := FROM_FILE_RE.match(cells.get("type", "")):
            found.append(Reference(match.group(2), number, "type"))
        for key, value in cells.items():
            column = key.split("::")[0]
            if column in EXPRESSION_COLUMNS:
                found += [Reference(f"{name}.csv", number, column)
                          for name in PULLDATA_RE.findall(value)]
            if column == "appearance":
                found += [Reference(f"{name}.csv", number, column)
                          for name in SEARCH_RE.findall(value)]
    return found


def read_tables(refs: list[Reference], files: Mapping[str, bytes], form_name: str
                ) -> dict[str, list[dict[str, str]]]:
    """The rows of each named CSV file; FormError naming the row that needs a missing or
    unusable one."""
    tables: dict[str, list[dict[str, str]]] = {}
    for ref in refs:
        if ref.file_name in tables:
            continue
        geo = geojson.is_geojson(ref.file_name) and ref.column == "type"
        if not ref.file_name.lower().endswith(".csv") and not geo:
            message = (f"'{ref.file_name}' is not a CSV or GeoJSON file; this app reads "
                       "choices from CSV and GeoJSON files and look-ups from CSV files "
                       "(XML is not supported)")
            raise FormError(message, "survey", ref.row, ref.column)
        if ref.file_name not in files:
            message = (f"this row needs the file {ref.file_name}: give it with the form, "
                       f"e.g. amplify forms add {form_name} {ref.file_name}")
            raise FormError(message, "survey", ref.row, ref.column)
        if geo:
            tables[ref.file_name] = _located(ref, geojson.read_geojson, files, MAX_ROWS)
        else:
            tables[ref.file_name] = read_csv(ref.file_name, files[ref.file_name])
    return tables


def _located(ref: Reference, read: Any, files: Mapping[str, bytes], *args: Any
             ) -> list[dict[str, str]]:
    """``read(file_name, data, *args)``, its FormError placed at the row naming the file."""
    try:
        return read(ref.file_name, files[ref.file_name], *args)
    except FormError as err:
        raise err.located("survey", ref.row, ref.column) from None


def read_csv(file_name: str, data: bytes) -> list[dict[str, str]]:
    """A CSV attachment's rows (header -> text); FormError naming the file and row."""
    if len(data) > MAX_BYTES:
        raise FormError(f"{file_name} is larger than {MAX_BYTES // 1_000_000} MB", file_name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise FormError("is not UTF-8 text; save it as CSV UTF-8", file_name, line) from None
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    if not header or not any(header):
        raise FormError("has no header row", file_name, 1)
    if len(set(header)) != len(header):
        raise FormError("has a column name twice in its header", file_name, 1)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise FormError("has more cells than the header has columns", file_name, number)
        rows.append({key: value.strip() for key, value in zip(header, cells, strict=False)})
        if len(rows) > MAX_ROWS:
            raise FormError(f"has more than {MAX_ROWS} rows", file_name, number)
    return rows


def choice_rows(file_name: str, table: list[dict[str, str]], name_column: str = "",
                label_column: str = "") -> list[dict[str, Any]]:
    """The rows of a CSV as pyxform's choices: name, label (per language when the file has
    label::Language columns), the other columns for choice filters. By default the name and
    label columns are pyxform's: name and label, or id and title for a GeoJSON file."""
    geo = geojson.is_geojson(file_name)
    name_column = name_column or (geojson.NAME_COLUMN if geo else "name")
    label_column = label_column or (geojson.LABEL_COLUMN if geo else "label")
    if table and name_column not in table[0]:
        raise FormError(f"has no '{name_column}' column for the choice names", file_name, 1)
    choices = []
    for row in table:
        labels = {key.split("::", 1)[1]: value for key, value in row.items()
                  if key.startswith(f"{label_column}::") and value}
        label: Any = labels or row.get(label_column) or row[name_column]
        extra = {key: value for key, value in row.items()
                 if key != name_column and not key.startswith(label_column)}
        choices.append({**extra, "name": row[name_column], "label": label})
    return choices


def lookup(table: list[dict[str, str]], file_name: str, value_column: str, key_column: str
           ) -> dict[str, str]:
    """pulldata's table: key column -> value column (the first row of each key)."""
    for column in (value_column, key_column):
        if table and column not in table[0]:
            raise FormError(f"{file_name} has no column '{column}' for pulldata()")
    mapping: dict[str, str] = {}
    for row in table:
        mapping.setdefault(row.get(key_column, ""), row.get(value_column, ""))
    return mapping
