"""The central dataset's schema, as an ordered list of migrations applied once each.

Append a function to ``MIGRATIONS``; never edit one that has shipped. A home made
before migrations existed has the tables of ``_001_dataset`` already: that step only
creates what is missing, so such a home is upgraded in place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date


def _001_dataset(conn: sqlite3.Connection) -> None:
    """What the merge wrote from the start: projects, forms, stations, suppliers, records."""
    _run(conn, """
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, name TEXT, created_day TEXT, k_brand INTEGER, k_sharing INTEGER,
    free_text_export INTEGER, document TEXT);
CREATE TABLE IF NOT EXISTS forms (
    form_id TEXT NOT NULL, version TEXT NOT NULL, project_id TEXT REFERENCES projects(id),
    title TEXT, file_name TEXT, definition TEXT, source BLOB, sha256 TEXT,
    PRIMARY KEY (form_id, version));
CREATE TABLE IF NOT EXISTS stations (
    id TEXT PRIMARY KEY, public_key TEXT, fingerprint TEXT, label TEXT, trusted_day TEXT,
    revoked_day TEXT);
CREATE TABLE IF NOT EXISTS suppliers (
    id TEXT PRIMARY KEY, project_id TEXT REFERENCES projects(id), name TEXT, country TEXT,
    os_id TEXT, station_id TEXT REFERENCES stations(id), first_day TEXT);
CREATE TABLE IF NOT EXISTS bundles (
    id TEXT PRIMARY KEY, project_id TEXT REFERENCES projects(id),
    station_id TEXT REFERENCES stations(id), day TEXT, merged_day TEXT, records INTEGER,
    suppliers INTEGER, new INTEGER, replaced INTEGER, unchanged INTEGER, sha256 TEXT);
CREATE TABLE IF NOT EXISTS responses (
    key INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, project_id TEXT REFERENCES projects(id),
    form_id TEXT,
    form_version TEXT, language TEXT, mode TEXT, supplier_id TEXT REFERENCES suppliers(id),
    day TEXT, revision INTEGER, station_id TEXT REFERENCES stations(id),
    bundle_id TEXT REFERENCES bundles(id), pseudonym TEXT);
CREATE INDEX IF NOT EXISTS responses_by_form ON responses (form_id, supplier_id);
CREATE TABLE IF NOT EXISTS answers (
    response INTEGER NOT NULL REFERENCES responses(key), question TEXT NOT NULL, value,
    PRIMARY KEY (response, question)) WITHOUT ROWID;
""")


def _002_rounds_and_factories(conn: sqlite3.Connection) -> None:
    """Collection rounds a steward closes, and factories that several stations' suppliers share.

    ``responses.period`` is the round's period as the station's export named it (else the
    record's month); ``suppliers.factory_id`` links a station's copy of a supplier to the one
    factory it is. Figures are counted per factory, never per station copy.
    """
    _run(conn, """
ALTER TABLE responses ADD COLUMN period TEXT;
UPDATE responses SET period = substr(day, 1, 7) WHERE period IS NULL;
ALTER TABLE suppliers ADD COLUMN factory_id TEXT REFERENCES factories(id);
CREATE TABLE factories (
    id TEXT PRIMARY KEY, name TEXT, country TEXT, os_id TEXT, first_day TEXT);
CREATE TABLE factory_matches (
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    factory_id TEXT NOT NULL REFERENCES factories(id),
    status TEXT NOT NULL, decided_day TEXT, decided_by TEXT,
    PRIMARY KEY (supplier_id, factory_id));
CREATE TABLE rounds (
    project_id TEXT NOT NULL REFERENCES projects(id), factory_id TEXT NOT NULL,
    form_id TEXT NOT NULL, period TEXT NOT NULL, status TEXT NOT NULL,
    changed_day TEXT, changed_by TEXT, note TEXT,
    PRIMARY KEY (project_id, factory_id, form_id, period));
CREATE INDEX responses_by_round ON responses (project_id, supplier_id, form_id, period);
""")
    from .factories import assign_all  # the same rule the merge applies to new suppliers

    assign_all(conn)


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Each statement in turn, inside the caller's transaction (executescript would commit)."""
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


def _003_released_figures_and_notes(conn: sqlite3.Connection) -> None:
    """Figures frozen when a steward closes a round, and a supplier's notes-and-actions log.

    ``released_figures`` holds what the disclosure rules let through for each closed round
    (hidden counts as NULL with the reason), so every page and export shows the same cells;
    ``factory_id`` is empty for representatives pooled across suppliers.
    """
    _run(conn, """
CREATE TABLE released_figures (
    project_id TEXT NOT NULL, factory_id TEXT NOT NULL, form_id TEXT NOT NULL,
    period TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, question TEXT NOT NULL,
    question_label TEXT, position INTEGER NOT NULL, answer TEXT NOT NULL, answer_label TEXT,
    count INTEGER, answered INTEGER, why TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
    multiple INTEGER NOT NULL DEFAULT 0, k INTEGER NOT NULL,
    PRIMARY KEY (project_id, factory_id, form_id, period, question, answer));
CREATE INDEX released_by_factory ON released_figures (factory_id, period);
CREATE TABLE supplier_notes (
    id INTEGER PRIMARY KEY, factory_id TEXT NOT NULL REFERENCES factories(id),
    at TEXT NOT NULL, user TEXT NOT NULL, text TEXT NOT NULL, route TEXT NOT NULL,
    due TEXT, status TEXT NOT NULL);
CREATE INDEX notes_by_factory ON supplier_notes (factory_id, id)
""")


def _004_supplier_summaries(conn: sqlite3.Connection) -> None:
    """Each supplier's line of the supplier map, worked out when its rounds are released.

    Built from released figures only (``profiles.summarise``), dropped when a round of the
    supplier reopens or suppliers are joined, so the map never reads a stale line.
    """
    conn.execute("CREATE TABLE supplier_summaries (factory_id TEXT PRIMARY KEY, "
                 "summary TEXT NOT NULL)")


def _005_released_sizes(conn: sqlite3.Connection) -> None:
    """How many respondents a round had when it was last released.

    A round released again after late records may not differ from its last release by fewer
    than k respondents: the two versions side by side would give the late ones away.
    """
    conn.execute("ALTER TABLE rounds ADD COLUMN released_n INTEGER")
    conn.execute("ALTER TABLE rounds ADD COLUMN late INTEGER NOT NULL DEFAULT 0")


def _006_repeat_answers(conn: sqlite3.Connection) -> None:
    """Answers inside repeat instances (``answers`` keeps the top-level questions only).

    One row per answer: ``repeat`` the innermost repeat's name, ``instance`` its 1-based
    numbers from the outermost repeat in ("2.1": the first ``children`` of the second
    ``household``), ``question`` a question of that repeat, or a repeat nested in it with
    its number of instances as the value. A top-level repeat's number of instances is in
    ``answers`` under the repeat's name.
    """
    _run(conn, """
CREATE TABLE repeat_answers (
    response INTEGER NOT NULL REFERENCES responses(key), repeat TEXT NOT NULL,
    instance TEXT NOT NULL, question TEXT NOT NULL, value,
    PRIMARY KEY (response, repeat, instance, question)) WITHOUT ROWID
""")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _001_dataset, _002_rounds_and_factories, _003_released_figures_and_notes,
    _004_supplier_summaries, _005_released_sizes, _006_repeat_answers]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration not yet applied, each in its own transaction; return how many."""
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT)")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    ran = 0
    for step in MIGRATIONS:
        if step.__name__ in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute("INSERT INTO migrations VALUES (?, ?)",
                         [step.__name__, date.today().isoformat()])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ran += 1
    return ran
