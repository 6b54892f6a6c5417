"""Suppliers as one factory: several stations' copies of a supplier are one factory.

Each station enters a supplier on its own, so the dataset gets one ``suppliers`` row per
station copy. Figures are counted per **factory**:

* copies that name the same Open Supply Hub ID are one factory, at once (the ID is the
  shared key brands use);
* a copy without an ID gets a factory of its own; where another factory has the same
  name and country (compared without case, spaces or punctuation), a *proposed* match is
  recorded, and only a steward's confirmation in the app joins them.

Factory ids are deterministic (``f-`` and 16 hex digits of a SHA-256), so two central
homes that merge the same bundles agree on them.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import date

PROPOSED, CONFIRMED, REJECTED = "proposed", "confirmed", "rejected"
_NOT_ALNUM = re.compile(r"[\W_]+")


def _digest(text: str) -> str:
    return "f-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def normal_os_id(os_id: str | None) -> str:
    return (os_id or "").strip().upper()


def normal_name(name: str | None) -> str:
    """Name as compared for matches: NFKC, case-folded, letters and digits only."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", name or "").casefold())


def factory_id_for(supplier_id: str, os_id: str | None) -> str:
    os_key = normal_os_id(os_id)
    return _digest("os:" + os_key) if os_key else _digest("supplier:" + supplier_id)


@dataclass(frozen=True)
class Proposal:
    supplier_id: str
    supplier_name: str
    country: str
    station_id: str
    factory_id: str
    factory_name: str


def assign(conn: sqlite3.Connection, supplier_id: str) -> str:
    """Set (or keep) a supplier's factory; record proposed matches. Returns the factory id."""
    name, country, os_id, current, first_day = conn.execute(
        "SELECT name, country, os_id, factory_id, first_day FROM suppliers WHERE id = ?",
        [supplier_id]).fetchone()
    confirmed = conn.execute("SELECT factory_id FROM factory_matches WHERE supplier_id = ? "
                             "AND status = ?", [supplier_id, CONFIRMED]).fetchone()
    factory = confirmed[0] if confirmed and not normal_os_id(os_id) else \
        factory_id_for(supplier_id, os_id)
    conn.execute("INSERT INTO factories (id, name, country, os_id, first_day) VALUES "
                 "(?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                 [factory, name, country, normal_os_id(os_id) or None,
                  first_day or date.today().isoformat()])
    if factory != current:
        conn.execute("UPDATE suppliers SET factory_id = ? WHERE id = ?", [factory, supplier_id])
    if not normal_os_id(os_id) and not confirmed:
        _propose(conn, supplier_id, name, country, factory)
    return factory


def _propose(conn: sqlite3.Connection, supplier_id: str, name: str, country: str,
             own_factory: str) -> None:
    wanted = normal_name(name)
    for factory_id, other_name in conn.execute(
            "SELECT id, name FROM factories WHERE country = ? AND id != ?",
            [country, own_factory]).fetchall():
        if normal_name(other_name) == wanted:
            conn.execute("INSERT INTO factory_matches (supplier_id, factory_id, status) "
                         "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                         [supplier_id, factory_id, PROPOSED])


def assign_all(conn: sqlite3.Connection) -> int:
    """Give every supplier without a factory its factory (used by the migration)."""
    ids = [row[0] for row in conn.execute(
        "SELECT id FROM suppliers WHERE factory_id IS NULL ORDER BY first_day, id")]
    for supplier_id in ids:
        assign(conn, supplier_id)
    return len(ids)


def proposals(conn: sqlite3.Connection) -> list[Proposal]:
    """Matches waiting for a steward: same name and country, no Open Supply Hub ID."""
    rows = conn.execute(
        "SELECT s.id, s.name, s.country, s.station_id, f.id, f.name FROM factory_matches m "
        "JOIN suppliers s ON s.id = m.supplier_id JOIN factories f ON f.id = m.factory_id "
        "WHERE m.status = ? AND s.factory_id != m.factory_id ORDER BY s.name, s.id, f.id",
        [PROPOSED]).fetchall()
    return [Proposal(*row) for row in rows]


def decide(conn: sqlite3.Connection, supplier_id: str, factory_id: str, confirm: bool,
           user: str) -> None:
    """A steward's decision on a proposed match; a confirmed one joins the factory."""
    row = conn.execute("SELECT status FROM factory_matches WHERE supplier_id = ? AND "
                       "factory_id = ?", [supplier_id, factory_id]).fetchone()
    if row is None:
        raise LookupError("no such proposed match")
    status = CONFIRMED if confirm else REJECTED
    conn.execute("UPDATE factory_matches SET status = ?, decided_day = ?, decided_by = ? "
                 "WHERE supplier_id = ? AND factory_id = ?",
                 [status, date.today().isoformat(), user, supplier_id, factory_id])
    if confirm:
        old = conn.execute("SELECT factory_id FROM suppliers WHERE id = ?",
                           [supplier_id]).fetchone()[0]
        conn.execute("UPDATE suppliers SET factory_id = ? WHERE id = ?", [factory_id, supplier_id])
        _withdraw_released(conn, {old, factory_id}, user)


def _withdraw_released(conn: sqlite3.Connection, factory_ids: set[str], user: str) -> None:
    """Joining suppliers changes both factories' groups: take back what either released.

    Left in place, the earlier figures of one part set beside the joined factory's figures
    would give away the other part's small group by subtraction. The joined factory's
    rounds are open again until a steward closes them anew.
    """
    for factory_id in sorted(factory_ids):
        conn.execute("DELETE FROM released_figures WHERE factory_id = ?", [factory_id])
        conn.execute("DELETE FROM supplier_summaries WHERE factory_id = ?", [factory_id])
        conn.execute("UPDATE rounds SET status = 'open', changed_day = ?, changed_by = ?, "
                     "note = 'suppliers joined: close again to release' WHERE factory_id = ?",
                     [date.today().isoformat(), user, factory_id])
