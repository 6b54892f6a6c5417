"""Collection sessions: one form, one supplier, one opaque token that phones answer through.

The token is the only thing in the worker's URL. The station keeps a SHA-256 of it to
find the session, and a copy encrypted under the ``records`` key so the unlocked
interpreter can show the QR code again; a locked or seized laptop reveals neither.
Session rows hold ids, caps, times and counts: never the supplier's name, never answers.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass

import sqlite_utils

from sync.crypto import aead

from . import held
from .station import Station
from .store import Store, projects, scrubnames
from .supplier_choice import choose_supplier

OPEN, CLOSED, EXPIRED, FULL = "open", "closed", "expired", "full"
MAX_HOURS = 24 * 14


class SessionError(ValueError):
    """What the interpreter asked for cannot make a session (the message says why)."""


class SessionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class CollectionSession:
    id: str
    form_id: str
    form_version: str
    project_id: str
    supplier_id: str
    languages: tuple[str, ...]
    max_responses: int
    created: float
    expires: float
    closed: float | None
    started: int
    completed: int

    @classmethod
    def from_row(cls, row: dict) -> CollectionSession:
        return cls(id=row["id"], form_id=row["form_id"], form_version=row["form_version"],
                   project_id=row["project_id"], supplier_id=row["supplier_id"],
                   languages=tuple(json.loads(row["languages"])),
                   max_responses=row["max_responses"], created=row["created"],
                   expires=row["expires"], closed=row["closed"], started=row["started"],
                   completed=row["completed"])

    def status(self, now: float | None = None) -> str:
        if self.closed is not None:
            return CLOSED
        if (now or time.time()) >= self.expires:
            return EXPIRED
        if self.completed >= self.max_responses:
            return FULL
        return OPEN

    def accepts_answers(self, now: float | None = None) -> bool:
        """Open, or full (a worker who already started may still finish)."""
        return self.status(now) in (OPEN, FULL)

    def counts(self) -> dict[str, int | str]:
        return {"id": self.id, "started": self.started, "completed": self.completed,
                "status": self.status()}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _token_aad(session_id: str) -> bytes:
    return f"session-token:{session_id}".encode()


def check_languages(form_languages: list[str], wanted: list[str] | None) -> tuple[str, ...]:
    """The session's languages: all of the form's, or the chosen ones if the form has them."""
    available = [code for code in form_languages if code != "default"] or list(form_languages)
    if not wanted:
        return tuple(available)
    missing = [code for code in wanted if code not in form_languages]
    if missing:
        raise SessionError(f"languages: the form has no {', '.join(missing)} "
                           f"(it has {', '.join(available)})")
    return tuple(dict.fromkeys(wanted))


def create_session(station: Station, *, form_id: str, supplier: dict[str, str] | str,
                   languages: list[str] | None = None, max_responses: int | None = None,
                   hours: float | None = None,
                   scrub_names: list[str] | None = None) -> tuple[CollectionSession, str]:
    """Create a session; returns it and its token (shown once here, then kept encrypted).

    ``supplier`` is the details the interpreter typed (a new supplier) or an existing
    supplier id. Needs the unlocked station: supplier details are encrypted, and a copy
    is sealed to the form's project so phone submissions need no passphrase.
    """
    records_key = station.keys().records
    form = station.form(form_id)
    session_languages = check_languages(form.languages, languages)
    max_responses = station.settings["max_responses"] if max_responses is None else max_responses
    hours = station.settings["session_hours"] if hours is None else hours
    if max_responses < 1:
        raise SessionError("max responses: at least 1")
    if not 0 < hours <= MAX_HOURS:
        raise SessionError(f"expires: between a few minutes and {MAX_HOURS} hours")
    project = projects.project_for_form(station.store, form_id)
    supplier_id = choose_supplier(station, records_key, supplier, project)
    token = secrets.token_urlsafe(16)
    now = time.time()
    row = {
        "id": uuid.uuid4().hex, "token_hash": hash_token(token), "form_id": form.form_id,
        "form_version": form.version, "project_id": project.id, "supplier_id": supplier_id,
        "languages": json.dumps(list(session_languages)), "max_responses": int(max_responses),
        "created": now, "expires": now + hours * 3600, "closed": None,
        "started": 0, "completed": 0,
    }
    row["token_enc"] = aead.encrypt(records_key, token.encode(), _token_aad(row["id"]))
    station.store.write(lambda db: db["collect_sessions"].insert(row))
    scrubnames.save(station.store, records_key, row["id"], scrub_names or [])
    return CollectionSession.from_row(row), token


def list_sessions(store: Store) -> list[CollectionSession]:
    rows = store.read()["collect_sessions"].rows_where(order_by="created desc")
    return [CollectionSession.from_row(row) for row in rows]


SESSION_COLUMNS = ("id", "form_id", "form_version", "project_id", "supplier_id", "languages",
                   "max_responses", "created", "expires", "closed", "started", "completed")
_SELECT = f"SELECT {', '.join(SESSION_COLUMNS)} FROM collect_sessions"


def session_from_values(values: tuple | list) -> CollectionSession:
    """A session from the values of SESSION_COLUMNS, in that order."""
    return CollectionSession.from_row(dict(zip(SESSION_COLUMNS, values, strict=True)))


def _one(store: Store, where: str, value: str) -> CollectionSession | None:
    # Plain SQL: every phone request looks its session up, and sqlite-utils' rows_where()
    # would inspect the table first each time.
    row = store.read().conn.execute(f"{_SELECT} WHERE {where} = ?", [value]).fetchone()
    return session_from_values(row) if row else None


def get_session(store: Store, session_id: str) -> CollectionSession:
    session = _one(store, "id", session_id)
    if session is None:
        raise SessionNotFound(f"no collection session {session_id!r}")
    return session


def find_by_token(store: Store, token: str) -> CollectionSession | None:
    if not token or len(token) > 64:
        return None
    return _one(store, "token_hash", hash_token(token))


def session_token(station: Station, session_id: str) -> str:
    """The token of a session, for showing its URL again (needs the unlocked station)."""
    row = station.store.read()["collect_sessions"].get(session_id)
    return aead.decrypt(station.keys().records, row["token_enc"],
                        _token_aad(session_id)).decode()


def close_session(store: Store, session_id: str) -> CollectionSession:
    """Close a session now and erase its unfinished answers (they can never be finished)."""
    get_session(store, session_id)

    def job(db: sqlite_utils.Database) -> None:
        db.execute("UPDATE collect_sessions SET closed = coalesce(closed, ?) WHERE id = ?",
                   [time.time(), session_id])
        _purge_responses(db, session_id)

    store.write(job)
    return get_session(store, session_id)


_FINISHED_WITH_RESPONSES = (
    "SELECT id FROM collect_sessions WHERE (closed IS NOT NULL OR expires <= ?) AND "
    "id IN (SELECT DISTINCT session_id FROM collect_responses)")


def purge_finished_sessions(store: Store, now: float | None = None) -> int:
    """Erase response rows (drafts, submit receipts) of closed and expired sessions.

    Returns how many sessions had any. Only reads when there is nothing to erase, so it
    can run every minute (``watch_finished_sessions``) without a commit each time.
    """
    now = now or time.time()
    if not store.read().execute(_FINISHED_WITH_RESPONSES, [now]).fetchone():
        return 0

    def job(db: sqlite_utils.Database) -> int:
        ids = [r[0] for r in db.execute(_FINISHED_WITH_RESPONSES, [now]).fetchall()]
        for session_id in ids:
            _purge_responses(db, session_id)
        return len(ids)

    return store.write(job)


_IDLE = "FROM collect_responses WHERE status = 'started' AND idle_until <= ?"


def purge_idle_responses(store: Store, now: float | None = None) -> int:
    """Erase unfinished responses untouched past their deadline (setting
    ``unfinished_idle_minutes``); they stop counting as started. Returns how many.

    Only reads when there is nothing to erase, so it can run every minute.
    """
    now = now or time.time()
    if not store.read().execute(f"SELECT 1 {_IDLE} LIMIT 1", [now]).fetchone():
        return 0

    def job(db: sqlite_utils.Database) -> int:
        counts = db.execute(f"SELECT session_id, count(*) {_IDLE} GROUP BY session_id",
                            [now]).fetchall()
        db.execute(f"DELETE {_IDLE}", [now])
        for session_id, erased in counts:
            db.execute("UPDATE collect_sessions SET started = max(started - ?, 0) "
                       "WHERE id = ?", [erased, session_id])
        return sum(erased for _id, erased in counts)

    return store.write(job)


def watch_finished_sessions(station: Station, every_seconds: float = 60) -> None:
    """Erase what expired sessions leave behind, now and every minute while serving.

    Closing a session erases its unfinished answers at once; a session that simply
    expires would otherwise keep them (unreadable drafts, submit receipts) until closed.
    """
    purge_finished_sessions(station.store)
    purge_idle_responses(station.store)
    station.every(every_seconds, lambda: purge_finished_sessions(station.store),
                  "amplify-session-purge")
    station.every(every_seconds, lambda: purge_idle_responses(station.store),
                  "amplify-idle-purge")
    station.every(every_seconds, lambda: station.unlocked and held.release(station),
                  "amplify-held-release")


def _purge_responses(db: sqlite_utils.Database, session_id: str) -> None:
    db.execute("DELETE FROM collect_responses WHERE session_id = ?", [session_id])
