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
* ``repeat_answers`` answers inside repeat instances: (response → responses.key, repeat,
  instance, question, value); ``instance`` is the 1-based instance numbers from the
  outermost repeat in ("2.1": the first ``children`` of the second ``household``); a
  nested repeat's number of instances is a row of its parent instance, and a top-level
  repeat's is a row of ``answers`` under the repeat's name;
* ``form_<form_id>`` one wide VIEW per form: a response per row, a column per top-level
  question and per top-level repeat (its number of instances);
* ``form_<form_id>__<repeat>`` one wide VIEW per repeat: an instance per row (response
  ``id``, ``instance``, the response's metadata), a column per question of the repeat
  and per repeat nested in it.

The file is in WAL mode: a merge is one long transaction, and in WAL mode the brand
app's readers go on reading the last committed state beside it instead of waiting for
the merge to finish. The price is disk: a transaction's pages sit in the WAL until
the checkpoint after its commit (see README, "Merge and readers together"). The schema
is ``migrations.py``; every write is a transaction opened with :func:`transaction`.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xlsform.model import FormDefinition

from .migrations import migrate

DATASET_NAME = "central.db"
REFUSED_NAME = "refused.db"
META_COLUMNS = ("form_version", "language", "mode", "supplier_id", "day", "revision",
                "station_id", "pseudonym")

DATA_TABLES = ("projects", "forms", "stations", "suppliers", "bundles", "responses", "answers",
               "repeat_answers")


def dataset_path(home: Path) -> Path:
    return home / DATASET_NAME


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL journal."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=60000")
    conn.execute("PRAGMA cache_size=-65536")
    return conn


def create(home: Path) -> None:
    """Create or upgrade the dataset (owner-only), applying every pending migration."""
    path = dataset_path(home)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    conn = connect(path)
    try:
        migrate(conn)
    finally:
        conn.close()


@contextmanager
def transaction(home: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on the dataset: committed when the block ends, else rolled back."""
    conn = connect(dataset_path(home))
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


@contextmanager
def reading(home: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reads: it sees the last committed state, even during a merge."""
    conn = connect(dataset_path(home))
    try:
        yield conn
    finally:
        conn.close()


def view_name(form_id: str) -> str:
    return "form_" + re.sub(r"\W", "_", form_id)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def repeat_view_name(form_id: str, repeat: str) -> str:
    return view_name(form_id) + "__" + re.sub(r"\W", "_", repeat)


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _pivot(alias: str, names: list[str]) -> str:
    return "".join(f",\n  max(CASE WHEN {alias}.question = {_text(name)} THEN {alias}.value "
                   f"END) AS {_quote(name)}" for name in names)


def _columns(forms: list[FormDefinition]) -> dict[str | None, list[str]]:
    """The top level (None) and each repeat → its columns: questions with an input (never
    identifying), then the repeats nested in it (their number of instances)."""
    columns: dict[str | None, list[str]] = {None: []}
    for form in forms:
        for name, question in form.questions.items():
            scope = columns.setdefault(question.repeat, [])
            if question.has_input and question.sensitivity != "identifying" \
                    and name not in scope and name not in META_COLUMNS:
                scope.append(name)
        for name, repeat in form.repeats.items():
            scope = columns.setdefault(repeat.parent, [])
            columns.setdefault(name, [])
            if name not in scope and name not in META_COLUMNS:
                scope.append(name)
    return columns


def refresh_form_view(conn: sqlite3.Connection, form_id: str) -> None:
    """(Re)create the wide views of a form over the questions of all its versions: one
    for the top level (a response per row, a column per question, and per top-level
    repeat its number of instances), one per repeat (an instance per row)."""
    rows = conn.execute("SELECT definition FROM forms WHERE form_id = ? ORDER BY rowid",
                        [form_id]).fetchall()
    columns = _columns([FormDefinition.from_json(json.loads(row[0])) for row in rows])
    meta = ", ".join(f"r.{c}" for c in META_COLUMNS)
    view = _quote(view_name(form_id))
    conn.execute(f"DROP VIEW IF EXISTS {view}")
    conn.execute(
        f"CREATE VIEW {view} AS SELECT r.id, {meta}" + _pivot("a", columns.pop(None))
        + "\nFROM responses r LEFT JOIN answers a ON a.response = r.key"
        + f"\nWHERE r.form_id = {_text(form_id)} GROUP BY r.key")
    for repeat, names in columns.items():
        view = _quote(repeat_view_name(form_id, repeat))
        names = [n for n in names if n not in ("id", "instance")]
        conn.execute(f"DROP VIEW IF EXISTS {view}")
        conn.execute(
            f"CREATE VIEW {view} AS SELECT r.id, i.instance, {meta}" + _pivot("i", names)
            + "\nFROM responses r JOIN repeat_answers i ON i.response = r.key "
            + f"AND i.repeat = {_text(repeat)}"
            + f"\nWHERE r.form_id = {_text(form_id)} GROUP BY r.key, i.instance")
