"""Load an XLSForm (.xlsx, .xlsm, .xls, .csv, .md) into a FormDefinition.

pyxform (the reference XLSForm parser) reads the file and converts it to an XForm, so its own
checks run; every problem, pyxform's or ours, becomes a FormError naming sheet and row.

Choices made here:
- form_id: the settings sheet's form_id, else the file name without extension (pyxform's
  rule). version: the settings sheet's version, else "1".
- What a phone must not collect (location, media, barcode, device metadata such as
  deviceid) is refused with the row, or left out with ``drop_unsupported`` (dropping.py).
- Features not supported yet (include) are refused with
  the row. start, end and today are kept as the day (a calculate of today()).
- The custom ``sensitivity`` survey column (blank/identifying/quasi/sensitive) is read from
  the rows pyxform passes through; any other value is refused.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import attachments, dropping, loops
from .assemble import EXTERNAL, REFUSED_TYPES, ROW_KEY, TABLES_KEY, _normal_type, _refusal, assemble
from .errors import FormError
from .model import FormDefinition

if TYPE_CHECKING:  # pyxform (with openpyxl, ~0.2 s) is imported when a workbook is read
    from pyxform.xls2json_backends import DefinitionData

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".md")
ROW_RE = re.compile(r"\[row\s*:\s*(\d+)\]\s*")
SHEET_RES = (
    re.compile(r"On the '(\w+)' sheet,?\s*", re.IGNORECASE),
    re.compile(r"for sheet:? '(\w+)'", re.IGNORECASE),
    re.compile(r"There should be a (choices) sheet", re.IGNORECASE),
)
COLUMN_HINTS = (
    (re.compile(r"the '([\w:-]+)' value", re.IGNORECASE), None),
    (re.compile(r"unknown question type|list name not in choices|no type", re.I), "type"),
    (re.compile(r"missing calculation", re.IGNORECASE), "calculation"),
    (re.compile(r"with no name", re.IGNORECASE), "name"),
)


Files = Mapping[str, bytes]


def load_xlsform(path: Path, drop_unsupported: bool = False,
                 attachments: Files | None = None) -> FormDefinition:
    """Load the XLSForm at ``path``; raises FormError for anything unusable.

    ``drop_unsupported``: leave out what a phone must not collect (see dropping.py) instead
    of refusing the form; the form's ``dropped`` lists what was left out.
    ``attachments``: the CSV files the form reads, by file name (see attachments.py).
    """
    return _load(Path(path), drop_unsupported, attachments)[0]


def load_xlsform_bytes(data: bytes, filename: str, drop_unsupported: bool = False,
                       attachments: Files | None = None) -> FormDefinition:
    """Load an XLSForm from its bytes; ``filename`` gives the type and the fallback form_id."""
    return _load_bytes(data, filename, drop_unsupported, attachments)[0]


def to_xform(path: Path, drop_unsupported: bool = False,
             attachments: Files | None = None) -> str:
    """The XForm XML pyxform writes for a form that loads."""
    return _load(Path(path), drop_unsupported, attachments)[1]


def xform_from_bytes(data: bytes, filename: str, drop_unsupported: bool = False,
                     attachments: Files | None = None) -> str:
    """The XForm XML of a form given as bytes (a stored version, say)."""
    return _load_bytes(data, filename, drop_unsupported, attachments)[1]


def attachment_names(path: Path) -> set[str]:
    """The files the XLSForm at ``path`` reads (empty when it is no readable form)."""
    try:
        workbook = _read_workbook(Path(path).read_bytes(), Path(path).suffix.lower())
    except (FormError, OSError):
        return set()
    _mark_rows(workbook)
    return {ref.file_name for ref in attachments.references(workbook.survey or [])}


def _load(path: Path, drop_unsupported: bool, files: Files | None
          ) -> tuple[FormDefinition, str]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FormError(f"cannot read the file {path.name}: {err.strerror}") from None
    return _load_bytes(data, path.name, drop_unsupported, files)


def _load_bytes(data: bytes, filename: str, drop_unsupported: bool, files: Files | None
                ) -> tuple[FormDefinition, str]:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise FormError(f"{filename} is not an XLSForm: use {', '.join(SUFFIXES)}")
    workbook = _read_workbook(data, suffix)
    workbook.fallback_form_name = Path(filename).stem
    _mark_rows(workbook)
    rows = workbook.survey or []
    dropped = dropping.drop_unsupported(rows) if drop_unsupported else []
    _refuse_unsupported_rows(rows)
    refs = attachments.references(rows)
    tables = attachments.read_tables(refs, files or {}, filename)
    external = _external_choices(workbook)
    for ref in refs:
        if ref.column == "type":
            external[ref.file_name] = attachments.choice_rows(ref.file_name, tables[ref.file_name])
    warnings: list[str] = []
    survey_json, xform = _convert(workbook, warnings)
    loops.expand(survey_json)
    survey_json.setdefault("choices", {}).update(external)
    survey_json[TABLES_KEY] = tables
    form = assemble(survey_json)
    form.warnings[:0] = warnings
    form.dropped = [str(item) for item in dropped]
    form.attachments = {name: (files or {})[name].decode("utf-8-sig") for name in tables}
    if not form.pages:
        left_out = f" once {', '.join(form.dropped)} are left out" if dropped else ""
        row = dropped[0].row if dropped else 1
        raise FormError(f"this form has nothing to ask{left_out}", "survey", row, "type")
    return form, xform


def _external_choices(workbook: DefinitionData) -> dict[str, list[dict[str, Any]]]:
    """The external_choices sheet as choice lists named "external:<list name>"."""
    lists: dict[str, list[dict[str, Any]]] = {}
    for row in workbook.external_choices or []:
        cells = {str(k).strip().lower(): str(v).strip() for k, v in row.items()
                 if v is not None and str(v).strip()}
        list_name = cells.pop("list_name", "") or cells.pop("list name", "")
        if list_name and cells.get("name"):
            cells.setdefault("label", cells["name"])
            lists.setdefault(f"{EXTERNAL}{list_name}", []).append(cells)
    return lists


def _read_workbook(data: bytes, suffix: str) -> DefinitionData:
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import get_xlsform

    try:
        workbook = get_xlsform(BytesIO(data), file_type=suffix)
    except PyXFormError as err:
        duplicate = re.match(r"Duplicate column header: (.+)", str(err))
        if duplicate:
            header = duplicate.group(1).strip()
            sheet = _sheet_with_duplicate(data, suffix, header)
            raise FormError(
                f'the column "{header}" appears twice; remove one of them', sheet, 1, header
            ) from None
        raise FormError(f"this file cannot be read as a {suffix} spreadsheet") from None
    except Exception:  # pyxform's readers fail in many ways on files that are not forms
        raise FormError("this file is not an XLSForm", "survey") from None
    if not workbook.survey and not workbook.survey_header:
        sheets = ", ".join(workbook.sheet_names or []) or "none"
        message = f"there is no sheet named 'survey', so this is not an XLSForm (sheets: {sheets})"
        raise FormError(message, "survey")
    return workbook


def _sheet_with_duplicate(data: bytes, suffix: str, header: str) -> str:
    """Which sheet has ``header`` twice in its first row (pyxform does not say)."""
    try:
        for title, first_row in _first_rows(data, suffix):
            cells = [str(c).strip() for c in first_row if c is not None]
            if cells.count(header) > 1:
                return title.lower()
    except Exception:  # noqa: BLE001 - the sheet name is a nicety on top of the message
        pass
    return "survey"


def _first_rows(data: bytes, suffix: str):
    if suffix == ".xls":
        import xlrd

        book = xlrd.open_workbook(file_contents=data)
        for sheet in book.sheets():
            yield sheet.name, sheet.row_values(0) if sheet.nrows else []
        return
    import openpyxl

    book = openpyxl.load_workbook(BytesIO(data), read_only=True)
    try:
        for sheet in book.worksheets:
            yield sheet.title, next(sheet.iter_rows(max_row=1, values_only=True), ())
    finally:
        book.close()


def _cell(row: dict[str, Any], *names: str) -> str:
    for key, value in row.items():
        if str(key).strip().lower() in names:
            return str(value).strip()
    return ""


def _refuse_unsupported_rows(rows: list[dict[str, Any]]) -> None:
    """Refuse unsupported row types before pyxform complains about something secondary."""
    for row in rows:
        row_number = int(row.get(ROW_KEY) or 0)
        type_name = _normal_type(_cell(row, "type", "command").replace("_", " "))
        if dropping.unsupported_kind(type_name):
            raise dropping.refusal(row, type_name)
        words = type_name.split(" ")
        element = {ROW_KEY: str(row_number)}
        if words[0] in ("begin", "end") and len(words) > 1 and words[1] == "repeat":
            continue  # repeats load, nested too (assemble.py)
        if words[0] in REFUSED_TYPES and " ".join(words[:3]) != "select one external":
            raise _refusal(element, REFUSED_TYPES[words[0]], words[0])


def _mark_rows(workbook: DefinitionData) -> None:
    """Add the row number as an extra column; pyxform passes it through to its JSON."""
    for row_number, row in enumerate(workbook.survey or [], start=2):
        if row:
            row[ROW_KEY] = str(row_number)
    if workbook.survey_header:
        workbook.survey_header[0][ROW_KEY] = None


def _convert(workbook: DefinitionData, warnings: list[str]) -> tuple[dict[str, Any], str]:
    """Run pyxform's conversion (its checks included); returns its JSON and the XForm."""
    from pyxform.errors import PyXFormError

    raw_rows = copy.deepcopy(workbook.survey or [])
    raw_choices = copy.deepcopy(workbook.choices or [])
    pristine = copy.deepcopy(workbook)
    try:
        return _pyxform(workbook, warnings)
    except PyXFormError as err:
        raise _from_pyxform(str(err), raw_rows, raw_choices) from None
    except Exception as err:  # noqa: BLE001 - pyxform bugs must still reach the user
        sheet, column = _culprit_column(pristine)
        detail = f"{type(err).__name__}: {err}"
        if column:
            message = f"pyxform cannot read this column ({detail}); rename or remove it"
        else:
            message = f"pyxform could not convert the form ({detail})"
        raise FormError(message, sheet, 1 if column else None, column) from None


def _pyxform(workbook: DefinitionData, warnings: list[str]) -> tuple[dict[str, Any], str]:
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.xls2json import workbook_to_json

    survey_json = workbook_to_json(
        workbook_dict=workbook,
        fallback_form_name=workbook.fallback_form_name,
        warnings=warnings,
    )
    survey = create_survey_element_from_dict(copy.deepcopy(survey_json))
    return survey_json, survey.to_xml(validate=False, warnings=warnings)


def _culprit_column(workbook: DefinitionData) -> tuple[str, str | None]:
    """(sheet, column) whose removal lets pyxform convert the form; ("survey", None) when
    no single column does. Only run after pyxform itself crashed."""
    for sheet in ("survey", "choices", "settings"):
        rows = getattr(workbook, sheet) or []
        headers = list(dict.fromkeys(key for row in rows for key in row if key != ROW_KEY))
        for header in headers:
            trial = copy.deepcopy(workbook)
            for row in getattr(trial, sheet) or []:
                row.pop(header, None)
            try:
                _pyxform(trial, [])
            except Exception:  # noqa: BLE001, S112 - still failing: not this column alone
                continue
            return sheet, str(header)
    return "survey", None


def _from_pyxform(
    message: str, rows: list[dict[str, Any]], choices: list[dict[str, Any]]
) -> FormError:
    """A FormError located from pyxform's message text."""
    row = None
    if match := ROW_RE.search(message):
        row = int(match.group(1))
        message = ROW_RE.sub("", message, count=1)
    sheet = None
    for pattern in SHEET_RES:
        if match := pattern.search(message):
            sheet = match.group(1).lower()
            if pattern is SHEET_RES[0]:
                message = pattern.sub("", message, count=1)
            break
    column = _column_of(message)
    if "Invalid headers" in message:
        row = 1
    if row is None:
        row, sheet = _row_from_names(message, rows, choices, sheet)
    message = message.strip().rstrip(".")
    return FormError(message[:1].lower() + message[1:], sheet or "survey", row, column)


def _column_of(message: str) -> str | None:
    for pattern, name in COLUMN_HINTS:
        if match := pattern.search(message):
            return name or match.group(1)
    return None


def _row_from_names(
    message: str, rows: list[dict[str, Any]], choices: list[dict[str, Any]], sheet: str | None
) -> tuple[int | None, str | None]:
    if match := re.search(r"named '([^']+)'", message):
        for row_number, row in enumerate(rows, start=2):
            if _cell(row, "name", "value", "tag") == match.group(1):
                return row_number, "survey"
    if match := re.search(r"question type '([^']+)'", message, re.IGNORECASE):
        for row_number, row in enumerate(rows, start=2):
            if _cell(row, "type", "command") == match.group(1):
                return row_number, "survey"
    if match := re.search(r"See \[(.+?)\] in \[(.+?)\]", message):
        for row_number, row in enumerate(choices, start=2):
            if (_cell(row, "name", "value"), _cell(row, "list_name", "list name")) == (
                match.group(1),
                match.group(2),
            ):
                return row_number, "choices"
    return None, sheet
