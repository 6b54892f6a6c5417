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
import math
import os
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.crypto import aead

from ..sessions import SESSION_COLUMNS, CollectionSession, hash_token, session_from_values
from ..store import Store

STARTED, SUBMITTED = "started", "submitted"
RECORD_NAMESPACE = uuid.UUID("6f1d2c1e-4b8a-5d7e-9a36-0c2b7f5e8d41")
_LOCKS = [threading.Lock() for _ in range(64)]
STARTS_PER_TAB = 3  # unfinished responses one tab may hold at once


class ResponseGone(LookupError):
    """No response for this resume token (exited, session closed, or never started)."""


class TooManyStarted(Exception):
    """This tab already holds ``STARTS_PER_TAB`` unfinished responses."""


class InstanceTaken(Exception):
    """Another tab's response started with this instance id."""


class SessionFull(Exception):
    """The session has all the completed responses it may take."""


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
    key: bytes = field(repr=False)  # derived from the resume token; never stored
    draft: bytes | None = field(default=None, repr=False, compare=False)  # as read with it
    tab_hash: str | None = None  # the tab that started it (None once submitted)


def hash_resume(resume: str) -> str:
    return hashlib.sha256(b"resume:" + resume.encode("utf-8")).hexdigest()


def hash_tab(tab: str) -> str:
    return hashlib.sha256(b"tab:" + tab.encode("utf-8")).hexdigest()


def idle_deadline(minutes: float, now: float | None = None) -> float:
    """When a response untouched from now on is erased, rounded up to the minute (the
    row keeps no finer trace of when a phone was used)."""
    return math.ceil(((now or time.time()) + minutes * 60) / 60) * 60


def lock_for(resume_hash: str) -> threading.Lock:
    """Serialises the requests of one tab (a double-tapped submit) in this process.

    Keyed by the resume token's hash, so it can be taken before the response is read,
    and whatever is read inside it is current.
    """
    return _LOCKS[int(resume_hash[:8], 16) % len(_LOCKS)]


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


def record_id_for(response: Response, instance: str) -> str:
    """Same response and instance id → same record id, so a retried submit is one record.

    Keyed with the response's token-derived key: an instance id is no secret (it is in
    the page), so someone who copies it from another tab still gets another record id
    and can neither pre-empt nor replace that tab's submission.
    """
    tag = hmac.digest(response.key, f"record:{response.session_id}:{instance}".encode(),
                      "sha256").hex()
    return uuid.uuid5(RECORD_NAMESPACE, f"{response.session_id}:{tag}").hex


def start(store: Store, session: CollectionSession, draft: Draft, tab: str,
          idle_until: float) -> tuple[str, Response]:
    """Create a response for the tab ``tab``; returns the new resume token (only the phone
    keeps it).

    A start retried by the same tab (same tab token and instance id: its reply was lost,
    so no one holds the first response's token) replaces the first response instead of
    counting twice; another tab that copied the instance id gets InstanceTaken, so it
    can neither replace that response nor share its id. A tab holding ``STARTS_PER_TAB``
    unfinished responses gets TooManyStarted, a full session SessionFull. Unfinished
    responses of other tabs never stop a start.
    """
    resume = secrets.token_urlsafe(24)
    tab_hash = hash_tab(tab)
    start_hash = hashlib.sha256(f"start:{session.id}:{draft.instance}".encode()).hexdigest()
    response_id = uuid.uuid4().hex
    salt = os.urandom(16)
    key = _derive(resume, salt, response_id)
    blob = aead.encrypt(key, _encode(draft), _aad(response_id))

    def job(db: sqlite_utils.Database) -> None:
        completed, cap = db.execute("SELECT completed, max_responses FROM collect_sessions "
                                    "WHERE id = ?", [session.id]).fetchone()
        if completed >= cap:
            raise SessionFull(session.id)
        owners = {row[0] for row in db.execute(
            "SELECT tab_hash FROM collect_responses WHERE start_hash = ? AND session_id = ?",
            [start_hash, session.id]).fetchall()}
        if owners - {tab_hash}:
            raise InstanceTaken(session.id)
        retried = db.execute("DELETE FROM collect_responses WHERE start_hash = ? AND "
                             "session_id = ? AND status = ? AND tab_hash = ?",
                             [start_hash, session.id, STARTED, tab_hash]).rowcount
        if not retried and _unfinished_of_tab(db, session.id, tab_hash) >= STARTS_PER_TAB:
            raise TooManyStarted(session.id)
        db.execute("INSERT INTO collect_responses (id, session_id, resume_hash, salt, status, "
                   "draft, record_id, digest, start_hash, tab_hash, idle_until) "
                   "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
                   [response_id, session.id, hash_resume(resume), salt, STARTED, blob,
                    start_hash, tab_hash, idle_until])
        if not retried:
            db.execute("UPDATE collect_sessions SET started = started + 1 WHERE id = ?",
                       [session.id])

    store.write(job)
    return resume, Response(response_id, session.id, STARTED, None, None, key,
                            tab_hash=tab_hash)


def _unfinished_of_tab(db: sqlite_utils.Database, session_id: str, tab_hash: str) -> int:
    """The tab's unfinished responses not yet idle past their deadline."""
    return db.execute("SELECT count(*) FROM collect_responses WHERE session_id = ? AND "
                      "tab_hash = ? AND status = ? AND idle_until > ?",
                      [session_id, tab_hash, STARTED, time.time()]).fetchone()[0]


# Reads on the phones' hot path are plain SQL: sqlite-utils' rows_where() looks the table
# up on every call, which costs more than the query.
_SELECT = ("SELECT id, session_id, status, record_id, digest, salt, draft, tab_hash "
           "FROM collect_responses")


def find(store: Store, session: CollectionSession, resume: str) -> Response:
    """The tab's response, its draft ciphertext included (key derived from the token)."""
    if not resume or len(resume) > 64:
        raise ResponseGone()
    row = store.read().conn.execute(f"{_SELECT} WHERE resume_hash = ? AND session_id = ?",
                                    [hash_resume(resume), session.id]).fetchone()
    if row is None:
        raise ResponseGone()
    id_, session_id, status, record_id, digest, salt, draft, tab_hash = row
    return Response(id_, session_id, status, record_id, digest,
                    _derive(resume, salt, id_), draft, tab_hash)


_SESSION_AND_RESPONSE = (
    "SELECT " + ", ".join(f"s.{c}" for c in SESSION_COLUMNS) + ", r.id, r.status, r.record_id, "
    "r.digest, r.salt, r.draft, r.tab_hash FROM collect_sessions AS s "
    "LEFT JOIN collect_responses AS r ON r.resume_hash = ? AND r.session_id = s.id "
    "WHERE s.token_hash = ?")


def find_with_session(store: Store, token: str, resume: str
                      ) -> tuple[CollectionSession | None, Response | None]:
    """The session of ``token`` and the response of ``resume`` in it, in one read.

    The phones' busiest request needs both; either is None when there is none. The
    caller still checks the session's status and the tab's CSRF token before using the
    response.
    """
    if not token or len(token) > 64:
        return None, None
    valid_resume = bool(resume) and len(resume) <= 64
    row = store.read().conn.execute(
        _SESSION_AND_RESPONSE,
        [hash_resume(resume) if valid_resume else None, hash_token(token)]).fetchone()
    if row is None:
        return None, None
    session = session_from_values(row[:len(SESSION_COLUMNS)])
    id_, status, record_id, digest, salt, draft, tab_hash = row[len(SESSION_COLUMNS):]
    if id_ is None:
        return session, None
    return session, Response(id_, session.id, status, record_id, digest,
                             _derive(resume, salt, id_), draft, tab_hash)


def record_claimed_elsewhere(store: Store, response: Response, record_id: str) -> bool:
    """True when another response already submitted under this record id."""
    return store.read().execute(
        "SELECT 1 FROM collect_responses WHERE record_id = ? AND id != ?",
        [record_id, response.id]).fetchone() is not None


def draft_of(response: Response) -> Draft:
    """The draft read together with ``response`` (ResponseGone once it was submitted)."""
    if response.draft is None:
        raise ResponseGone()
    return Draft(**json.loads(aead.decrypt(response.key, response.draft, _aad(response.id))))


def save_draft(store: Store, response: Response, draft: Draft, idle_until: float) -> None:
    """Store the draft; untouched after ``idle_until`` (``idle_deadline``), it is erased."""
    blob = aead.encrypt(response.key, _encode(draft), _aad(response.id))

    def job(db: sqlite_utils.Database) -> None:
        cursor = db.execute("UPDATE collect_responses SET draft = ?, idle_until = ? "
                            "WHERE id = ? AND status = ?",
                            [blob, idle_until, response.id, STARTED])
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
    return hmac.digest(response.key, b"digest:" + canonical, "sha256").hex()


def mark_submitted(store: Store, response: Response, record_id: str, digest: str) -> None:
    """Drop the draft (the sealed record is the only copy) and count a completion once."""
    store.write(lambda db: submitted_in(db, response, record_id, digest))


def submitted_within_cap(db: sqlite_utils.Database, response: Response, record_id: str,
                         digest: str) -> None:
    """submitted_in, unless the session already has all its completed responses: then
    SessionFull, which rolls the record's own transaction back (the cap holds at submit,
    however many workers started)."""
    completed, cap = db.conn.execute("SELECT completed, max_responses FROM collect_sessions "
                                     "WHERE id = ?", [response.session_id]).fetchone()
    if completed >= cap:
        raise SessionFull(response.session_id)
    submitted_in(db, response, record_id, digest)


def submitted_in(db: sqlite_utils.Database, response: Response, record_id: str,
                 digest: str) -> None:
    """mark_submitted's writes, inside a transaction already open (the record's own)."""
    cursor = db.conn.execute(
        "UPDATE collect_responses SET status = ?, draft = NULL, record_id = ?, digest = ?, "
        "tab_hash = NULL, idle_until = NULL WHERE id = ? AND status = ?",
        [SUBMITTED, record_id, digest, response.id, STARTED])
    if cursor.rowcount == 1:
        db.conn.execute("UPDATE collect_sessions SET completed = completed + 1 WHERE id = ?",
                        [response.session_id])


def delete(store: Store, response: Response) -> None:
    """The worker chose to delete their unfinished answers (secure_delete zeroes them)."""

    def job(db: sqlite_utils.Database) -> None:
        cursor = db.execute("DELETE FROM collect_responses WHERE id = ? AND status = ?",
                            [response.id, STARTED])
        if cursor.rowcount == 1:
            db.execute("UPDATE collect_sessions SET started = max(started - 1, 0) "
                       "WHERE id = ?", [response.session_id])

    store.write(job)
