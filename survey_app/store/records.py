"""Interview records: encrypted drafts, sealed finalised records, the identity vault.

A draft is AES-GCM under the station's ``records`` key, bound to ``draft:<id>``.
Finalising splits the answers: those to ``identifying`` questions go to the vault
(AES-GCM under the ``vault`` key, bound to ``vault:<id>``), never exported; the rest
is sealed to the project's public key (see ``keys.seal``) and the draft ciphertext
is overwritten in the same transaction, so the running station cannot read it back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import sqlite_utils

from sync.crypto import aead
from sync.crypto.seal import BatchSealer, open_batch_key, unseal

from .db import Store

DRAFT = "draft"
FINAL = "final"
MODES = ("interview", "self")


class RecordNotFound(LookupError):
    pass


class NotADraft(ValueError):
    pass


@dataclass
class RecordMeta:
    id: str
    form_id: str
    form_version: str
    project_id: str
    mode: str
    language: str
    status: str
    supplier_id: str | None
    session_id: str | None
    day: str
    seq: int  # creation order (the row's rowid when read back); 0 before it is stored
    revision: int
    batch_id: str | None = None
    bundle_id: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> RecordMeta:
        return cls(**{f.name: row.get(f.name) for f in fields(cls)})


def new_record_id() -> str:
    return uuid.uuid4().hex


def today() -> str:
    return date.today().isoformat()


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def decode(blob: bytes) -> Any:
    return json.loads(blob.decode("utf-8"))


def _draft_aad(record_id: str) -> bytes:
    return f"draft:{record_id}".encode()


def _vault_aad(record_id: str) -> bytes:
    return f"vault:{record_id}".encode()


# The hot write paths use plain parametrised SQL: sqlite-utils' insert/upsert
# introspect the table on every call (about 40 statements a row), which would
# cost more than the encryption and the commit together.
_COLUMNS = [f.name for f in fields(RecordMeta)] + ["payload"]
_UPSERT = (f"INSERT INTO records ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in _COLUMNS)}) ON CONFLICT(id) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "id")
           + f" WHERE records.status = '{DRAFT}'")
_INSERT_BATCH = ("INSERT OR IGNORE INTO seal_batches (id, project_id, ephemeral_public, day) "
                 "VALUES (?, ?, ?, ?)")


def _write_record(db: sqlite_utils.Database, meta: RecordMeta, payload: bytes) -> None:
    """Insert, or replace a *draft* of the same id; anything else is refused."""
    cursor = db.execute(_UPSERT, [getattr(meta, f.name) for f in fields(RecordMeta)] + [payload])
    if cursor.rowcount != 1:
        raise NotADraft(f"record {meta.id} is already {_status(db, meta.id)}")


def _status(db: sqlite_utils.Database, record_id: str) -> str | None:
    row = db.execute("SELECT status FROM records WHERE id = ?", [record_id]).fetchone()
    return row[0] if row else None


def create_draft(store: Store, records_key: bytes, meta: RecordMeta,
                 answers: dict[str, Any]) -> RecordMeta:
    """Store a new draft; ``meta.seq`` and ``meta.day`` are filled in here."""
    if meta.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {meta.mode!r}")
    payload = aead.encrypt(records_key, encode(answers), _draft_aad(meta.id))

    def job(db: sqlite_utils.Database) -> RecordMeta:
        if _status(db, meta.id) is not None:
            raise ValueError(f"record {meta.id} already exists")
        meta.day, meta.status = today(), DRAFT
        _write_record(db, meta, payload)
        return meta

    return store.write(job)


def save_draft(store: Store, records_key: bytes, record_id: str, answers: dict[str, Any],
               language: str | None = None) -> None:
    payload = aead.encrypt(records_key, encode(answers), _draft_aad(record_id))

    def job(db: sqlite_utils.Database) -> None:
        _require_draft(db, record_id)
        db.execute("UPDATE records SET payload = ?, language = coalesce(?, language) "
                   "WHERE id = ?", [payload, language or None, record_id])

    store.write(job)


def _require_draft(db: sqlite_utils.Database, record_id: str) -> dict:
    cursor = db.execute("SELECT * FROM records WHERE id = ?", [record_id])
    row = cursor.fetchone()
    if row is None:
        raise RecordNotFound(record_id)
    found = dict(zip([c[0] for c in cursor.description], row, strict=True))
    if found["status"] != DRAFT:
        raise NotADraft(f"record {record_id} is {found['status']}, not a draft")
    return found


def get_meta(store: Store, record_id: str) -> RecordMeta:
    rows = list(store.read()["records"].rows_where("id = ?", [record_id]))
    if not rows:
        raise RecordNotFound(record_id)
    return RecordMeta.from_row(rows[0])


def load_draft(store: Store, records_key: bytes, record_id: str) -> tuple[RecordMeta, dict]:
    row = _require_draft(store.read(), record_id)
    answers = decode(aead.decrypt(records_key, row["payload"], _draft_aad(record_id)))
    return RecordMeta.from_row(row), answers


def list_records(store: Store, status: str | None = None) -> list[RecordMeta]:
    where, args = ("status = ?", [status]) if status else (None, [])
    columns = ",".join(f.name for f in fields(RecordMeta) if f.name != "seq")
    rows = store.read()["records"].rows_where(where, args, order_by="rowid desc",
                                              select=f"{columns}, rowid AS seq")
    return [RecordMeta.from_row(row) for row in rows]


def delete_draft(store: Store, record_id: str) -> None:
    def job(db: sqlite_utils.Database) -> None:
        _require_draft(db, record_id)
        db["records"].delete(record_id)

    store.write(job)


@dataclass
class Finalisation:
    """What a finalised record is made of, before it is split and sealed."""

    meta: RecordMeta
    answers: dict[str, Any]
    identifying: frozenset[str]
    project_public: bytes
    text_flags: dict[str, list[str]] = field(default_factory=dict)  # e.g. zawgyi_converted
    # Identifying answers inside repeat instances, by repeat: instances in order, each with
    # only those answers (``sync.anonymise``); they go to the vault beside ``identifying``.
    vault_instances: dict[str, Any] = field(default_factory=dict)


def sealed_payload(meta: RecordMeta, answers: dict[str, Any],
                   text_flags: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The document a project key holder reads: answers and minimal metadata."""
    return {
        "text_flags": text_flags or {},
        "record_id": meta.id, "form_id": meta.form_id, "form_version": meta.form_version,
        "language": meta.language, "mode": meta.mode, "supplier_id": meta.supplier_id,
        "session_id": meta.session_id, "day": meta.day, "revision": meta.revision,
        "answers": answers,
    }


def finalise(store: Store, sealer: BatchSealer, item: Finalisation,
             vault_key: bytes | None,
             then: Callable[[sqlite_utils.Database], Any] | None = None) -> RecordMeta:
    """Split off identifying answers into the vault, seal the rest, store both at once.

    Works for a record that exists as a draft (it is replaced) and for one that does
    not exist yet (a worker's submission). Re-finalising a final record is refused
    (NotADraft). ``then(db)`` runs in the same transaction after the record is written
    (e.g. marking a phone's response submitted): one durable commit for all of it.
    """
    meta = item.meta
    kept = {k: v for k, v in item.answers.items() if k not in item.identifying}
    vaulted = {k: v for k, v in item.answers.items()
               if k in item.identifying and v not in ("", None, [])}
    vaulted.update(item.vault_instances)
    if vaulted and vault_key is None:
        raise PermissionError("identifying answers need an unlocked station (vault key)")
    vault_blob = aead.encrypt(vault_key, encode(vaulted), _vault_aad(meta.id)) if vaulted else None
    meta.status, meta.day = FINAL, meta.day or today()
    batch = sealer.current(item.project_public)
    sealed = batch.seal(meta.id, encode(sealed_payload(meta, kept, item.text_flags)))
    meta.batch_id = batch.batch_id

    batch_key = (str(store.path), batch.batch_id)

    def job(db: sqlite_utils.Database) -> RecordMeta:
        if batch_key not in _stored_batches:
            db.execute(_INSERT_BATCH, [batch.batch_id, meta.project_id,
                                       batch.ephemeral_public, today()])
        _write_record(db, meta, sealed)
        if vault_blob is not None:
            db.execute("INSERT OR REPLACE INTO vault (record_id, payload) VALUES (?, ?)",
                       [meta.id, vault_blob])
        if then is not None:
            then(db)
        return meta

    stored = store.write(job)
    _stored_batches.add(batch_key)
    return stored


# Batches whose row a committed transaction has stored (batch rows are never deleted):
# later records of the batch need not insert it again, one statement less per commit.
_stored_batches: set[tuple[str, str]] = set()


def read_vault(store: Store, vault_key: bytes, record_id: str) -> dict[str, Any]:
    rows = list(store.read()["vault"].rows_where("record_id = ?", [record_id]))
    if not rows:
        return {}
    return decode(aead.decrypt(vault_key, rows[0]["payload"], _vault_aad(record_id)))


def read_sealed(store: Store, project_private: bytes, record_id: str) -> dict[str, Any]:
    """Open a finalised record with the project's private key (local project results)."""
    db = store.read()
    row = next(db["records"].rows_where("id = ? and status = ?", [record_id, FINAL]), None)
    if row is None:
        raise RecordNotFound(record_id)
    batch = db["seal_batches"].get(row["batch_id"])
    key = open_batch_key(project_private, batch["ephemeral_public"])
    return decode(unseal(key, row["batch_id"], record_id, row["payload"]))
