"""The single writer: group commit, acknowledged only after the commit is durable.

Every write is a job (a function of a ``sqlite_utils.Database``) handed to
``Writer.submit``, which returns once the job's transaction is committed with
``synchronous=FULL``. Group commit by leader election: a caller queues its job and
takes the commit lock; whoever holds it commits *every* job waiting, with one fsync
for the group. Callers whose job a previous leader already committed just return. A
lone interpreter pays no thread hand-off; a room of phones shares fsyncs instead of
queueing for one each.

A group first runs as one plain transaction. Should a job raise, the group is rolled
back, that caller gets the exception, and the rest run again each inside its own
SAVEPOINT, so one failing job never takes the others down (and the common case pays
no savepoint statements).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import sqlite_utils

MAX_GROUP = 256
Job = Callable[[sqlite_utils.Database], Any]


class _Queued:
    """One caller's job and, once its group has committed (or failed), the outcome."""

    __slots__ = ("job", "done", "value", "error")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.done = False
        self.value: Any = None
        self.error: BaseException | None = None

    def finish(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error, self.done = value, error, True


class Writer:
    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._db: sqlite_utils.Database | None = sqlite_utils.Database(connect())
        self._pending: list[_Queued] = []
        self._queue_lock = threading.Lock()
        self._commit_lock = threading.Lock()

    def submit(self, job: Job) -> Any:
        queued = _Queued(job)
        with self._queue_lock:
            self._pending.append(queued)
        while not queued.done:
            with self._commit_lock:  # its holder finished every earlier group
                if queued.done:
                    break
                if self._db is None:
                    raise RuntimeError("the database writer has stopped")
                with self._queue_lock:
                    group = self._pending[:MAX_GROUP]
                    del self._pending[:MAX_GROUP]
                _commit_group(self._db, group)
        if queued.error is not None:
            raise queued.error
        return queued.value

    def checkpoint(self) -> None:
        with self._commit_lock:
            if self._db is not None:
                self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def stop(self) -> None:
        with self._commit_lock:
            if self._db is not None:
                self._db.conn.close()
                self._db = None


def _commit_group(db: sqlite_utils.Database, group: list[_Queued]) -> None:
    failed = _commit_plain(db, group)
    if failed is not None:
        _commit_isolated(db, [q for q in group if q is not failed])


def _commit_plain(db: sqlite_utils.Database, group: list[_Queued]) -> _Queued | None:
    """Every job in one transaction; the first job that raises is returned, unfinished
    jobs rolled back for another pass."""
    conn = db.conn
    values = []
    try:
        conn.execute("BEGIN IMMEDIATE")
        for queued in group:
            try:
                values.append(queued.job(db))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                conn.execute("ROLLBACK")
                queued.finish(error=exc)
                return queued
        conn.execute("COMMIT")
    except BaseException as exc:  # noqa: BLE001 - the whole group failed to commit
        _fail_all(conn, group, exc)
        return None
    for queued, value in zip(group, values, strict=True):
        queued.finish(value)
    return None


def _commit_isolated(db: sqlite_utils.Database, group: list[_Queued]) -> None:
    """Every job in its own SAVEPOINT of one transaction: a failure rolls back alone."""
    conn = db.conn
    outcomes: list[tuple[_Queued, Any, BaseException | None]] = []
    try:
        conn.execute("BEGIN IMMEDIATE")
        for queued in group:
            conn.execute("SAVEPOINT job")
            try:
                value = queued.job(db)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                outcomes.append((queued, None, exc))
            else:
                conn.execute("RELEASE job")
                outcomes.append((queued, value, None))
        conn.execute("COMMIT")
    except BaseException as exc:  # noqa: BLE001 - the whole group failed to commit
        _fail_all(conn, group, exc)
        return
    for queued, value, error in outcomes:
        queued.finish(value, error)


def _fail_all(conn: sqlite3.Connection, group: list[_Queued], exc: BaseException) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    for queued in group:
        queued.finish(error=exc)
