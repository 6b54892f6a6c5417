"""The brand's central dataset: one SQLite file that opens in Datasette as it is.

Tables (foreign keys are declared so Datasette links them, not enforced):

* ``projects``  one row per project the brand created (thresholds, free-text policy);
* ``forms``     every form version of every project (definition JSON and the XLSForm);
* ``stations``  trusted stations: public signing key, fingerprint, a label the brand chose;
* ``suppliers`` factories as the stations entered them (name, country, Open Supply Hub ID);
* ``bundles``   the ledger: one row per bundle merged (refused ones go to ``refused.db``);
* ``responses`` one row per record: ``key`` (integer), ``id`` (the record id), form,
  version, language, mode, supplier, day, revision, station, bundle, pseudonym
  (representatives linked across rounds only);
* ``answers``   tidy: (response → responses.key, question, value); select_multiple as
  space-separated choice names, as ODK exports them. Keyed by the integer so a merge
  appends at the end of the table instead of writing all over it (record ids are random);
* ``form_<form_id>`` one wide VIEW per form: a response per row, a column per question.

The file uses a rollback journal, not WAL: a bundle is merged in one transaction, and
in WAL mode that transaction would sit in the WAL beside the database until the
checkpoint, doubling the disk needed for a large bundle.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from xlsform.model import FormDefinition

DATASET_NAME = "central.db"
REFUSED_NAME = "refused.db"
META_COLUMNS = ("form_version", "language", "mode", "supplier_id", "day", "revision",
                "station_id", "pseudonym")

SCHEMA = """
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
"""

DATA_TABLES = ("projects", "forms", "stations", "suppliers", "bundles", "responses", "answers")


def dataset_path(home: Path) -> Path:
    return home / DATASET_NAME


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), rollback journal."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=60)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=60000")
    conn.execute("PRAGMA cache_size=-65536")
    return conn


def create(home: Path) -> None:
    conn = connect(dataset_path(home))
    try:
        conn.executescript(SCHEMA)
    finally:
        conn.close()


def view_name(form_id: str) -> str:
    return "form_" + re.sub(r"\W", "_", form_id)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def refresh_form_view(conn: sqlite3.Connection, form_id: str) -> None:
    """(Re)create the wide view of a form over the questions of all its versions."""
    questions: list[str] = []
    rows = conn.execute("SELECT definition FROM forms WHERE form_id = ? ORDER BY rowid",
                        [form_id]).fetchall()
    for (definition,) in rows:
        form = FormDefinition.from_json(json.loads(definition))
        for name, question in form.questions.items():
            if question.has_input and question.sensitivity != "identifying" \
                    and name not in questions and name not in META_COLUMNS:
                questions.append(name)
    columns = ",\n  ".join(
        f"max(CASE WHEN a.question = '{name.replace(chr(39), chr(39) * 2)}' "
        f"THEN a.value END) AS {_quote(name)}" for name in questions)
    meta = ", ".join(f"r.{c}" for c in META_COLUMNS)
    view = _quote(view_name(form_id))
    conn.execute(f"DROP VIEW IF EXISTS {view}")
    conn.execute(
        f"CREATE VIEW {view} AS SELECT r.id, {meta}" + (f",\n  {columns}" if columns else "")
        + "\nFROM responses r LEFT JOIN answers a ON a.response = r.key"
        + f"\nWHERE r.form_id = '{form_id.replace(chr(39), chr(39) * 2)}' GROUP BY r.key")

