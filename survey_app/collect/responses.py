"""A worker's response in progress, readable only while the worker's own tab is asking.

The phone's tab holds a random *resume token*. The station stores a SHA-256 of it (to
find the row) and a random salt; the draft is AES-GCM under HKDF(resume token, salt).
So the station reads a draft only during a request from that tab. When the tab is
closed, or the worker taps Exit, the key is gone: the draft is crypto-shredded even
before its row is deleted. None of this needs the interpreter's passphrase.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..keys import aead
from ..sessions import CollectionSession
from ..store import Store

STARTED, SUBMITTED = "started", "submitted"
RECORD_NAMESPACE = uuid.UUID("6f1d2c1e-4b8a-5d7e-9a36-0c2b7f5e8d41")
_LOCKS = [threading.Lock() for _ in range(64)]


class ResponseGone(LookupError):
    """No response for this resume token (exited, session closed, or never started)."""


class TooManyStarted(Exception):
    """The session has reached its cap; new workers cannot start."""


@dataclass
class Draft:
    """What the worker has answered so far, and where they are."""

    page: str
    language: str
    instance: str
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    id: str
    session_id: str
    status: str
    record_id: str | None
    digest: str | None
    key: bytes  # derived from the resume token; never stored

    def lock(self) -> threading.Lock:
        """Serialises requests of one response (a double-tapped submit) in this process."""
        return _LOCKS[int(self.id[:8], 16) % len(_LOCKS)]


def hash_resume(resume: str) -> str:
    return hashlib.sha256(b"resume:" + resume.encode("utf-8")).hexdigest()


def _derive(resume: str, salt: bytes, response_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=f"amplify collect draft {response_id}".encode()).derive(resume.encode())


def _aad(response_id: str) -> bytes:
    return f"collect-draft:{response_id}".encode()


def _encode(draft: Draft) -> bytes:
    return json.dumps(draft.__dict__, ensure_ascii=False, separators=(",", ":")).encode()


def new_instance_id() -> str:
    return secrets.token_hex(16)


def valid_instance_id(value: str) -> bool:
    return 16 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def record_id_for(session_id: str, instance: str) -> str:
    """Same session and instance id → same record id, so a retried submit is one record."""
    return uuid.uuid5(RECORD_NAMESPACE, f"{session_id}:{instance}").hex


def start(store: Store, session: CollectionSession, draft: Draft) -> tuple[str, Response]:
    """Create a response; returns the new resume token (only the phone keeps it)."""
    resume = secrets.token_urlsafe(24)
    response_id = uuid.uuid4().hex
    salt = os.urandom(16)
    key = _derive(resume, salt, response_id)
    blob = aead.encrypt(key, _encode(draft), _aad(response_id))

    def job(db: sqlite_utils.Database) -> None:
        row = db.execute("SELECT started, completed, max_responses FROM collect_sessions "
                         "WHERE id = ?", [session.id]).fetchone()
        started, completed, cap = row
        # Completed responses reach the cap, or unfinished ones pile up: no new starts.
        if completed >= cap or started - completed >= cap + 20:
            raise TooManyStarted(session.id)
        db["collect_responses"].insert({
            "id": response_id, "session_id": session.id, "resume_hash": hash_resume(resume),
            "salt": salt, "status": STARTED, "draft": blob, "record_id": None, "digest": None})
        db.execute("UPDATE collect_sessions SET started = started + 1 WHERE id = ?",
                   [session.id])

    store.write(job)
    return resume, Response(response_id, session.id, STARTED, None, None, key)


def find(store: Store, session: CollectionSession, resume: str) -> Response:
    if not resume or len(resume) > 64:
        raise ResponseGone()
    rows = list(store.read()["collect_responses"].rows_where(
        "resume_hash = ? and session_id = ?", [hash_resume(resume), session.id]))
    if not rows:
        raise ResponseGone()
    row = rows[0]
    return Response(row["id"], row["session_id"], row["status"], row["record_id"],
                    row["digest"], _derive(resume, row["salt"], row["id"]))


def reload(store: Store, response: Response) -> Response:
    """The response's current status (another request of the same tab may have moved it)."""
    rows = list(store.read()["collect_responses"].rows_where("id = ?", [response.id]))
    if not rows:
        raise ResponseGone()
    row = rows[0]
    return Response(row["id"], row["session_id"], row["status"], row["record_id"],
                    row["digest"], response.key)


def record_claimed_elsewhere(store: Store, response: Response, record_id: str) -> bool:
    """True when another response already submitted under this record id."""
    return store.read().execute(
        "SELECT 1 FROM collect_responses WHERE record_id = ? AND id != ?",
        [record_id, response.id]).fetchone() is not None


def load_draft(store: Store, response: Response) -> Draft:
    rows = list(store.read()["collect_responses"].rows_where("id = ?", [response.id]))
    if not rows or rows[0]["draft"] is None:
        raise ResponseGone()
    data = json.loads(aead.decrypt(response.key, rows[0]["draft"], _aad(response.id)))
    return Draft(**data)


def save_draft(store: Store, response: Response, draft: Draft) -> None:
    blob = aead.encrypt(response.key, _encode(draft), _aad(response.id))

    def job(db: sqlite_utils.Database) -> None:
        cursor = db.execute("UPDATE collect_responses SET draft = ? WHERE id = ? AND status = ?",
                            [blob, response.id, STARTED])
        if cursor.rowcount != 1:
            raise ResponseGone()

    store.write(job)


def answers_digest(response: Response, instance: str, final_answers: dict[str, Any]) -> str:
    """A keyed hash of what the final submit carried, to tell a retry from a change.

    Keyed with the response's token-derived key, which the station never stores: the
    digest is no dictionary oracle for whoever holds the laptop.
    """
    canonical = json.dumps({"instance": instance, "answers": final_answers}, sort_keys=True,
                           ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(response.key, b"digest:" + canonical, hashlib.sha256).hexdigest()


def mark_submitted(store: Store, response: Response, record_id: str, digest: str) -> None:
    """Drop the draft (the sealed record is the only copy) and count a completion once."""

    def job(db: sqlite_utils.Database) -> None:
        cursor = db.execute(
            "UPDATE collect_responses SET status = ?, draft = NULL, record_id = ?, digest = ? "
            "WHERE id = ? AND status = ?", [SUBMITTED, record_id, digest, response.id, STARTED])
        if cursor.rowcount == 1:
            db.execute("UPDATE collect_sessions SET completed = completed + 1 WHERE id = ?",
                       [response.session_id])

    store.write(job)


def delete(store: Store, response: Response) -> None:
    """The worker chose to delete their unfinished answers (secure_delete zeroes them)."""

    def job(db: sqlite_utils.Database) -> None:
        cursor = db.execute("DELETE FROM collect_responses WHERE id = ? AND status = ?",
                            [response.id, STARTED])
        if cursor.rowcount == 1:
            db.execute("UPDATE collect_sessions SET started = max(started - 1, 0) "
                       "WHERE id = ?", [response.session_id])

    store.write(job)
