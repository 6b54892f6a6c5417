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
    db["records"].create_index(["status", "seq"])
    db["vault"].create({"record_id": str, "payload": bytes}, pk="record_id",
                       foreign_keys=[("record_id", "records", "id")])


# Append new steps at the end; the function name is the migration's identity.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_001_core]


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
