"""Phone submissions held for the next unlock, so nothing a worker typed is lost.

A session with names to scrub from free text can only be scrubbed while the station is
unlocked (the list is encrypted under the passphrase). A submission that arrives while
it is locked is sealed whole to the local project's public key, which needs no
passphrase, and kept in ``held_records``. The next unlock opens each one with the local
project's private key and finalises it through the one finalise path, names scrubbed.
Held submissions are only counted, never shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import sqlite_utils

from sync.crypto.seal import open_batch_key, unseal

from .station import Station
from .store import projects
from .store.records import NotADraft, RecordMeta, decode, encode, today

log = logging.getLogger(__name__)
_INSERT_BATCH = ("INSERT OR IGNORE INTO seal_batches (id, project_id, ephemeral_public, day) "
                 "VALUES (?, ?, ?, ?)")


def _aad_id(record_id: str) -> str:
    return f"held:{record_id}"


def _local_project(station: Station) -> projects.Project:
    for project in projects.all_projects(station.store):
        if project.kind == projects.LOCAL:
            return project
    raise LookupError("this station has no local project: run `amplify init`")


def hold(station: Station, meta: RecordMeta, answers: dict[str, Any],
         then: Callable[[sqlite_utils.Database], Any] | None = None) -> RecordMeta:
    """Seal ``answers`` whole for the next unlock; ``then(db)`` in the same commit.

    Raises NotADraft when this record id is already held or final (a retried submit).
    """
    local = _local_project(station)
    batch = station.sealer.current(local.public_key)
    payload = batch.seal(_aad_id(meta.id), encode({"meta": asdict(meta), "answers": answers}))

    def job(db: sqlite_utils.Database) -> RecordMeta:
        if db.execute("SELECT 1 FROM records WHERE id = ? UNION ALL SELECT 1 FROM "
                      "held_records WHERE id = ?", [meta.id, meta.id]).fetchone():
            raise NotADraft(f"record {meta.id} is already stored")
        db.execute(_INSERT_BATCH, [batch.batch_id, local.id, batch.ephemeral_public, today()])
        db.execute("INSERT INTO held_records (id, session_id, batch_id, payload, created) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [meta.id, meta.session_id, batch.batch_id, payload, time.time()])
        if then is not None:
            then(db)
        return meta

    return station.store.write(job)


def waiting(station: Station, session_id: str | None = None) -> int:
    """How many held submissions wait for an unlock (of one session, or all)."""
    sql, args = "SELECT count(*) FROM held_records", []
    if session_id is not None:
        sql, args = sql + " WHERE session_id = ?", [session_id]
    return station.store.read().execute(sql, args).fetchone()[0]


def release(station: Station) -> int:
    """Finalise every held submission (needs the unlocked station); returns how many.

    Each one is finalised and its held copy deleted in one commit; one that fails stays
    held for the next try and is logged by its error type only.
    """
    if not waiting(station):
        return 0
    private = station.keys().local_project_private
    rows = station.store.read().execute(
        "SELECT h.id, h.batch_id, h.payload, b.ephemeral_public FROM held_records h "
        "JOIN seal_batches b ON b.id = h.batch_id ORDER BY h.created").fetchall()
    done = 0
    for record_id, batch_id, payload, ephemeral in rows:
        try:
            data = decode(unseal(open_batch_key(private, ephemeral), batch_id,
                                 _aad_id(record_id), payload))
            _finalise_held(station, RecordMeta(**data["meta"]), data["answers"])
            done += 1
        except Exception as exc:  # noqa: BLE001 - the others must still be released
            log.warning("a held submission stays held: %s", type(exc).__name__)
    return done


def _finalise_held(station: Station, meta: RecordMeta, answers: dict[str, Any]) -> None:
    from .finalise import finalise_record

    def forget(db: sqlite_utils.Database) -> None:
        db.execute("DELETE FROM held_records WHERE id = ?", [meta.id])

    form = station.form(meta.form_id, meta.form_version)
    try:
        finalise_record(station, meta, form, answers, then=forget)
    except NotADraft:
        station.store.write(forget)  # finalised by an earlier release that was cut short
