"""Where an interview draft was left: its page, encrypted like the draft itself.

Continue opens that page, and the interview list shows how far each draft got.
"""

from __future__ import annotations

import sqlite_utils

from sync.crypto import aead

from .db import Store


def _aad(record_id: str) -> bytes:
    return f"draft-place:{record_id}".encode()


def save_place(store: Store, records_key: bytes, record_id: str, page: str) -> None:
    blob = aead.encrypt(records_key, page.encode("utf-8"), _aad(record_id))
    store.write(lambda db: db.execute(
        "INSERT OR REPLACE INTO draft_places (record_id, payload) VALUES (?, ?)",
        [record_id, blob]))


def places(store: Store, records_key: bytes, record_ids: list[str]) -> dict[str, str]:
    """The saved page of each of these drafts that has one."""
    found: dict[str, str] = {}
    rows = store.read().execute("SELECT record_id, payload FROM draft_places").fetchall()
    wanted = set(record_ids)
    for record_id, blob in rows:
        if record_id in wanted:
            found[record_id] = aead.decrypt(records_key, blob, _aad(record_id)).decode("utf-8")
    return found


def forget_in(db: sqlite_utils.Database, record_id: str) -> None:
    """Drop a record's place inside a transaction already open (finalise, delete)."""
    db.execute("DELETE FROM draft_places WHERE record_id = ?", [record_id])
