"""The station schema, as an ordered list of migrations applied once each.

Add a migration by appending a function; never edit one that has shipped. What is
secret is stored as ciphertext (``BLOB`` columns named ``payload`` or ``details``);
what stays in clear is what a list needs and reveals nothing typed by a person:
ids, form ids and versions, status, the day.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _001_core(db: sqlite_utils.Database) -> None:
    db["forms"].create({
        "form_id": str, "version": str, "title": str, "definition": str,
        "source_name": str, "source": bytes, "sha256": str, "added_day": str,
    }, pk=("form_id", "version"))
    db["projects"].create({
        "id": str, "name": str, "kind": str, "public_key": bytes, "document": str,
        "imported_day": str,
    }, pk="id")
    db["suppliers"].create({"id": str, "details": bytes, "created_day": str}, pk="id")
    db["supplier_seals"].create({
        "supplier_id": str, "project_id": str, "batch_id": str, "payload": bytes,
    }, pk=("supplier_id", "project_id"), foreign_keys=[("supplier_id", "suppliers", "id")])
    db["seal_batches"].create({
        "id": str, "project_id": str, "ephemeral_public": bytes, "day": str,
    }, pk="id")
    db["records"].create({
        "id": str, "form_id": str, "form_version": str, "project_id": str, "mode": str,
        "language": str, "status": str, "supplier_id": str, "session_id": str, "day": str,
        "seq": int, "revision": int, "batch_id": str, "payload": bytes, "bundle_id": str,
    }, pk="id", foreign_keys=[("supplier_id", "suppliers", "id")])
    db["vault"].create({"record_id": str, "payload": bytes}, pk="record_id",
                       foreign_keys=[("record_id", "records", "id")])


def _002_collect_sessions(db: sqlite_utils.Database) -> None:
    """Collection sessions for workers' phones, and their in-progress responses.

    A response row holds a SHA-256 of the phone's resume token and a draft encrypted
    under a key derived from that token: without the phone's tab it cannot be read.
    No timestamps per response (they could be matched to who held a phone when).
    """
    db["collect_sessions"].create({
        "id": str, "token_hash": str, "token_enc": bytes, "form_id": str, "form_version": str,
        "project_id": str, "supplier_id": str, "languages": str, "max_responses": int,
        "created": float, "expires": float, "closed": float, "started": int, "completed": int,
    }, pk="id", foreign_keys=[("supplier_id", "suppliers", "id")])
    db["collect_sessions"].create_index(["token_hash"], unique=True)
    db["collect_responses"].create({
        "id": str, "session_id": str, "resume_hash": str, "salt": bytes, "status": str,
        "draft": bytes, "record_id": str, "digest": str,
    }, pk="id", foreign_keys=[("session_id", "collect_sessions", "id")])
    db["collect_responses"].create_index(["resume_hash"], unique=True)
    db["collect_responses"].create_index(["session_id"])


def _003_sync_exports(db: sqlite_utils.Database) -> None:
    """Bundles this station wrote (``amplify export``): what was sent, never the content."""
    db["exports"].create({
        "bundle_id": str, "project_id": str, "day": str, "records": int, "suppliers": int,
    }, pk="bundle_id")
    db["records"].create_index(["project_id", "status", "bundle_id"],
                               index_name="records_by_export", if_not_exists=True)


# Append new steps at the end; the function name is the migration's identity.
def _004_scrub_names(db: sqlite_utils.Database) -> None:
    db["scrub_names"].create({"owner_id": str, "payload": bytes}, pk="owner_id")


def _005_held_records(db: sqlite_utils.Database) -> None:
    """Phone submissions sealed whole while locked, finalised at the next unlock (held.py)."""
    db["held_records"].create({"id": str, "session_id": str, "batch_id": str,
                               "payload": bytes, "created": float}, pk="id")


def _006_response_start_hash(db: sqlite_utils.Database) -> None:
    """A retried start of one tab (same instance id) replaces its lost response."""
    db["collect_responses"].add_column("start_hash", str)
    db["collect_responses"].create_index(["start_hash"])


def _007_draft_places(db: sqlite_utils.Database) -> None:
    """The page an interview draft was left on, encrypted (store/places.py)."""
    db["draft_places"].create({"record_id": str, "payload": bytes}, pk="record_id")


def _008_response_tabs(db: sqlite_utils.Database) -> None:
    """Unfinished phone responses: which tab started them (a hash of its random token,
    for the per-tab budget) and the minute after which, untouched, they are erased.
    Both are cleared when the response is submitted; no other time is kept."""
    db["collect_responses"].add_column("tab_hash", str)
    db["collect_responses"].add_column("idle_until", float)
    db["collect_responses"].create_index(["session_id", "tab_hash"])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_001_core, _002_collect_sessions,
                                                              _003_sync_exports, _004_scrub_names,
                                                              _005_held_records,
                                                              _006_response_start_hash,
                                                              _007_draft_places,
                                                              _008_response_tabs]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration not yet applied; return how many ran."""
    db["migrations"].create({"name": str, "applied": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["migrations"].rows}
    ran = 0
    for step in MIGRATIONS:
        if step.__name__ in done:
            continue
        with db.atomic():
            step(db)
            db["migrations"].insert({"name": step.__name__, "applied": _today()})
        ran += 1
    return ran


def _today() -> str:
    from datetime import date

    return date.today().isoformat()
