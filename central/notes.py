"""A supplier's notes-and-actions log: who agreed what, on which action route, by when.

Brand staff write these (never answers); each change is also written to the audit log by
the view or command that makes it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .redflags import ROUTES

STATUSES = ("open", "in progress", "done", "dropped")
MAX_TEXT = 2000


class NoteError(ValueError):
    """A note that cannot be saved, in words for the person who typed it."""


@dataclass(frozen=True)
class Note:
    id: int
    factory_id: str
    at: str
    user: str
    text: str
    route: str
    due: str | None
    status: str

    @property
    def route_meaning(self) -> str:
        return ROUTES.get(self.route, "")


def _check(text: str, route: str, due: str | None, status: str) -> None:
    if not text.strip():
        raise NoteError("write what was agreed (the note is empty)")
    if len(text) > MAX_TEXT:
        raise NoteError(f"the note is longer than {MAX_TEXT} characters")
    if route not in ROUTES:
        raise NoteError(f"action route {route!r}: choose one of {', '.join(ROUTES)}")
    if status not in STATUSES:
        raise NoteError(f"status {status!r}: choose one of {', '.join(STATUSES)}")
    if due:
        try:
            date.fromisoformat(due)
        except ValueError:
            raise NoteError(f"due date {due!r}: use YYYY-MM-DD") from None


def add_note(conn: sqlite3.Connection, factory_id: str, user: str, text: str, route: str,
             due: str | None, status: str = "open") -> int:
    _check(text, route, due, status)
    if conn.execute("SELECT 1 FROM factories WHERE id = ?", [factory_id]).fetchone() is None:
        raise NoteError(f"no supplier {factory_id!r}")
    cursor = conn.execute(
        "INSERT INTO supplier_notes (factory_id, at, user, text, route, due, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [factory_id, datetime.now(UTC).isoformat(timespec="seconds"), user, text.strip(),
         route, due or None, status])
    return int(cursor.lastrowid)


def set_status(conn: sqlite3.Connection, note_id: int, status: str) -> None:
    if status not in STATUSES:
        raise NoteError(f"status {status!r}: choose one of {', '.join(STATUSES)}")
    if conn.execute("UPDATE supplier_notes SET status = ? WHERE id = ?",
                    [status, note_id]).rowcount == 0:
        raise NoteError(f"no note {note_id}")


def list_notes(conn: sqlite3.Connection, factory_id: str) -> list[Note]:
    rows = conn.execute("SELECT id, factory_id, at, user, text, route, due, status FROM "
                        "supplier_notes WHERE factory_id = ? ORDER BY id DESC", [factory_id])
    return [Note(*row) for row in rows]
