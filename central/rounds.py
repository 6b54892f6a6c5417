"""Collection rounds: a project's factory × form × period, released when a steward closes it.

A round's period is what the station's export named (``amplify export --round 2026-Q4``),
else the record's month (``2026-11``). Nothing of an open round is shown: while workers
are still answering, a brand that watched the figures could see one answer arrive. A
steward closes a round once collection is over; records that arrive later for a closed
round reopen it, and its figures disappear again until it is closed anew.

Round ids are deterministic (``r-`` and 12 hex digits), the same in the CLI and the app.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

OPEN, CLOSED = "open", "closed"


def round_id(project_id: str, factory_id: str, form_id: str, period: str) -> str:
    key = "\x1f".join((project_id, factory_id, form_id, period))
    return "r-" + hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Round:
    project_id: str
    project_name: str
    factory_id: str
    factory_name: str
    country: str
    form_id: str
    period: str
    respondents: int  # raw: show it only through disclosure.respondents(n, k)
    status: str
    changed_day: str | None
    changed_by: str | None
    note: str | None
    released_n: int | None = None  # respondents at the last release, None if never
    late: int = 0  # records new or replaced since the last release

    @property
    def id(self) -> str:
        return round_id(self.project_id, self.factory_id, self.form_id, self.period)

    @property
    def closed(self) -> bool:
        return self.status == CLOSED


_ROUNDS = """
SELECT r.project_id, p.name, s.factory_id, f.name, f.country, r.form_id, r.period, count(*),
       coalesce(x.status, 'open'), x.changed_day, x.changed_by, x.note, x.released_n,
       coalesce(x.late, 0)
FROM responses r JOIN suppliers s ON s.id = r.supplier_id
JOIN factories f ON f.id = s.factory_id JOIN projects p ON p.id = r.project_id
LEFT JOIN rounds x ON x.project_id = r.project_id AND x.factory_id = s.factory_id
     AND x.form_id = r.form_id AND x.period = r.period
{where}
GROUP BY r.project_id, s.factory_id, r.form_id, r.period
ORDER BY r.period DESC, f.name, r.form_id
"""


def list_rounds(conn: sqlite3.Connection, *, project_id: str | None = None,
                factory_id: str | None = None) -> list[Round]:
    clauses, args = [], []
    if project_id:
        clauses.append("r.project_id = ?")
        args.append(project_id)
    if factory_id:
        clauses.append("s.factory_id = ?")
        args.append(factory_id)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return [Round(*row) for row in conn.execute(_ROUNDS.format(where=where), args)]


def find(conn: sqlite3.Connection, wanted: str) -> Round:
    for item in list_rounds(conn):
        if item.id == wanted:
            return item
    raise LookupError(f"no round {wanted!r}: `amplify central round list` shows them")


def set_status(conn: sqlite3.Connection, item: Round, status: str, user: str,
               note: str = "") -> None:
    conn.execute(
        "INSERT INTO rounds (project_id, factory_id, form_id, period, status, changed_day, "
        "changed_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
        "status = excluded.status, changed_day = excluded.changed_day, "
        "changed_by = excluded.changed_by, note = excluded.note",
        [item.project_id, item.factory_id, item.form_id, item.period, status,
         date.today().isoformat(), user, note])


def too_few_new(item: Round, k: int) -> int:
    """Records new or replaced since the round's last release when 1 to k − 1, else 0.

    Released again with so few changed records, the two versions side by side would give
    those respondents' answers away by subtraction; such a round waits for more.
    """
    return item.late if item.released_n is not None and 0 < item.late < k else 0


def close(conn: sqlite3.Connection, wanted: Iterable[Round], user: str) -> list[Round]:
    """Close the open rounds among ``wanted``; return those closed now."""
    closed = [replace(item, status=CLOSED, changed_by=user, released_n=item.respondents)
              for item in wanted if not item.closed]
    for item in closed:
        set_status(conn, item, CLOSED, user)
        conn.execute("UPDATE rounds SET released_n = ?, late = 0 WHERE project_id = ? AND "
                     "factory_id = ? AND form_id = ? AND period = ?",
                     [item.respondents, item.project_id, item.factory_id, item.form_id,
                      item.period])
    return closed


def withdraw(conn: sqlite3.Connection, project_id: str, factory_id: str, form_id: str,
             period: str) -> None:
    """Take a round's released figures back (and the pooled figures of its period)."""
    conn.execute("DELETE FROM released_figures WHERE project_id = ? AND form_id = ? AND "
                 "period = ? AND factory_id IN (?, '')",
                 [project_id, form_id, period, factory_id])
    conn.execute("DELETE FROM supplier_summaries WHERE factory_id = ?", [factory_id])


def reopen_touched(conn: sqlite3.Connection, project_id: str,
                   touched: Mapping[tuple[str, str, str], int], bundle_file: str) -> None:
    """Reopen closed rounds that a merge just added records to (supplier, form, period),
    counting the records new or replaced since the round's last release."""
    for (supplier_id, form_id, period), changed in touched.items():
        conn.execute("UPDATE rounds SET late = late + ? WHERE project_id = ? AND form_id = ? "
                     "AND period = ? AND released_n IS NOT NULL AND factory_id = "
                     "(SELECT factory_id FROM suppliers WHERE id = ?)",
                     [changed, project_id, form_id, period, supplier_id])
        factory = conn.execute("SELECT factory_id FROM suppliers WHERE id = ?",
                               [supplier_id]).fetchone()
        if factory is not None:
            withdraw(conn, project_id, factory[0], form_id, period)
        conn.execute(
            "UPDATE rounds SET status = ?, changed_day = ?, changed_by = 'merge', note = ? "
            "WHERE status = ? AND project_id = ? AND form_id = ? AND period = ? AND "
            "factory_id = (SELECT factory_id FROM suppliers WHERE id = ?)",
            [OPEN, date.today().isoformat(), f"late records from {bundle_file[:80]}", CLOSED,
             project_id, form_id, period, supplier_id])
