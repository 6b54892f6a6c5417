"""The single writer: group commit, acknowledged only after the commit is durable.

Every write is a job (a function of a ``sqlite_utils.Database``) handed to
``Writer.submit``, which returns once the job's transaction is committed with
``synchronous=FULL``. Group commit by leader election: a caller queues its job and
takes the commit lock; whoever holds it commits *every* job waiting, each inside its
own SAVEPOINT (one failing job is rolled back alone and its caller gets the
exception), with one fsync for the group. Callers whose job a previous leader already
committed just return. A lone interpreter pays no thread hand-off; a room of phones
shares fsyncs instead of queueing for one each.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import sqlite_utils

MAX_GROUP = 256


class Writer:
    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._db: sqlite_utils.Database | None = sqlite_utils.Database(connect())
        self._pending: list[tuple[Callable[[sqlite_utils.Database], Any], Future]] = []
        self._queue_lock = threading.Lock()
        self._commit_lock = threading.Lock()

    def submit(self, job: Callable[[sqlite_utils.Database], Any]) -> Any:
        future: Future = Future()
        with self._queue_lock:
            self._pending.append((job, future))
        while not future.done():
            with self._commit_lock:
                if future.done():
                    break
                if self._db is None:
                    raise RuntimeError("the database writer has stopped")
                with self._queue_lock:
                    group = self._pending[:MAX_GROUP]
                    del self._pending[:MAX_GROUP]
                self._commit_group(self._db, group)
        return future.result()

    def checkpoint(self) -> None:
        with self._commit_lock:
            if self._db is not None:
                self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def stop(self) -> None:
        with self._commit_lock:
            if self._db is not None:
                self._db.conn.close()
                self._db = None

    @staticmethod
    def _commit_group(db: sqlite_utils.Database, group: list) -> None:
        results: list[tuple[Future, Any, BaseException | None]] = []
        conn = db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for index, (job, future) in enumerate(group):
                savepoint = f"job{index}"
                conn.execute(f"SAVEPOINT {savepoint}")
                try:
                    value = job(db)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                    results.append((future, None, exc))
                else:
                    conn.execute(f"RELEASE {savepoint}")
                    results.append((future, value, None))
            conn.execute("COMMIT")
        except BaseException as exc:  # noqa: BLE001 - the whole group failed to commit
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            for _, future in group:
                future.set_exception(exc)
            return
        for future, value, error in results:
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)
