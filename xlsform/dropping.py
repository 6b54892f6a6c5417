"""What a phone form must not collect, found in the raw survey rows and, on request, left out.

Location, media and barcode questions and device metadata (deviceid, username, ...)
identify a respondent or cannot work in a web page over plain HTTP. By default a form with
such a row is refused naming the row; with ``drop=True`` the rows are removed before pyxform
reads the form, with every row that refers to one of them (``${name}`` in any cell),
transitively, and a whole group when its ``begin group`` row refers to one.

Rows are the dicts pyxform's reader gives (header -> cell), each already carrying its
spreadsheet row number under ROW_KEY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import FormError

ROW_KEY = "_amplify_row"
LOCATION = "location (GPS) questions need the phone's position, which a web page on the local "\
    "WiFi cannot get reliably, and a position identifies where a worker lives"
MEDIA = "photo, audio, video and file questions are not supported: nothing is uploaded from "\
    "the phone, and a voice or a face identifies a worker"
BARCODE = "barcode questions need a camera scanner, which this app does not have"
DEVICE = "device metadata (the phone's number, device id, user name, e-mail, audit log) "\
    "identifies the phone and so the worker; this app never collects it"
KINDS = {
    **dict.fromkeys(["geopoint", "gps", "location", "geotrace", "geoshape", "start-geopoint",
                     "background-geopoint", "start geopoint", "osm"], LOCATION),
    **dict.fromkeys(["image", "photo", "picture", "audio", "video", "file",
                     "background-audio", "background-video"], MEDIA),
    "barcode": BARCODE,
    **dict.fromkeys(["deviceid", "device id", "imei", "subscriberid", "subscriber id",
                     "simserial", "sim id", "phonenumber", "username",
                     "email", "audit"], DEVICE),
}
HINT = "; remove the row, or add the form with --drop-unsupported to leave it out"
REF_RE = re.compile(r"\$\{\s*([^}\s]+)\s*\}")


@dataclass(frozen=True)
class Dropped:
    """One survey row left out, and why."""

    row: int
    name: str
    type_name: str
    because: str = ""  # the dropped name it refers to; "" when its own type is the reason

    def __str__(self) -> str:
        reason = f"refers to {self.because}" if self.because else self.type_name
        return f"{self.name or '(no name)'} (row {self.row}, {reason})"


def cell(row: dict[str, Any], *names: str) -> str:
    """The cell under the first header (any case, spaces trimmed) in ``names``."""
    for key, value in row.items():
        if str(key).strip().lower() in names:
            return str(value).strip()
    return ""


def row_type(row: dict[str, Any]) -> str:
    """The row's type in lower case, underscores and runs of spaces as one space."""
    raw = cell(row, "type", "command").replace("_", " ").lower()
    name = re.sub(r"\s+", " ", raw).strip().removeprefix("q ")
    match = re.fullmatch(r"add (.+) prompt( using)?", name)
    return match.group(1) if match else name


def unsupported_kind(type_name: str) -> str | None:
    """Why a row of this type cannot be collected, or None when it can."""
    return KINDS.get(type_name.split(" ")[0]) or KINDS.get(type_name)


def refusal(row: dict[str, Any], type_name: str) -> FormError:
    """The refusal of one unsupported row, naming it and suggesting --drop-unsupported."""
    reason = unsupported_kind(type_name)
    message = f"question type '{type_name}' cannot be used: {reason}{HINT}"
    return FormError(message, "survey", _row_number(row), "type")


def _row_number(row: dict[str, Any]) -> int | None:
    value = row.get(ROW_KEY)
    return int(value) if value else None


def drop_unsupported(rows: list[dict[str, Any]]) -> list[Dropped]:
    """Remove unsupported rows and what refers to them from ``rows`` (in place)."""
    dropped: list[Dropped] = []
    names: set[str] = set()
    for row in rows:
        type_name = row_type(row)
        if unsupported_kind(type_name):
            dropped.append(Dropped(_row_number(row) or 0, cell(row, "name", "value"), type_name))
            names.add(cell(row, "name", "value"))
    names.discard("")
    grew = bool(names)
    while grew:
        grew = False
        for index, row in enumerate(rows):
            if _row_number(row) in {item.row for item in dropped}:
                continue
            used = _references(row) & names
            if used:
                for member in _block(rows, index):
                    dropped.append(Dropped(_row_number(member) or 0,
                                           cell(member, "name", "value"), row_type(member),
                                           "${" + sorted(used)[0] + "}"))
                    names.add(cell(member, "name", "value"))
                names.discard("")
                grew = True
    gone = {item.row for item in dropped}
    rows[:] = [row for row in rows if _row_number(row) not in gone]
    listed = [item for item in dropped if not _is_block_end(item.type_name)]
    return sorted(listed, key=lambda item: item.row)


def _is_block_end(type_name: str) -> bool:
    words = type_name.split(" ")
    return len(words) > 1 and words[0] == "end"


def _references(row: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key, value in row.items():
        if key != ROW_KEY and isinstance(value, str) and "${" in value:
            found |= set(REF_RE.findall(value))
    return found


def _block(rows: list[dict[str, Any]], index: int) -> list[dict[str, Any]]:
    """The row at ``index``; for a ``begin group``/``begin repeat`` row, the whole block."""
    words = row_type(rows[index]).split(" ")
    if words[0] != "begin":
        return [rows[index]]
    depth = 0
    for end in range(index, len(rows)):
        words = row_type(rows[end]).split(" ")
        if len(words) > 1 and words[0] in ("begin", "end"):  # a lone "end" is metadata
            depth += 1 if words[0] == "begin" else -1
        if depth == 0:
            return rows[index : end + 1]
    return rows[index:]
