"""The single writer: group commit, acknowledged only after the commit is durable.

Callers hand in a job (a function of a ``sqlite_utils.Database``) and block until it
has been committed with ``synchronous=FULL``. The writer takes every job waiting,
runs each inside its own SAVEPOINT (so one failing job is rolled back alone and its
caller gets the exception), then commits the group once. On a 2-core laptop one
fsync per group instead of one per answer is the difference between a station that
keeps up with a room full of phones and one that collapses.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import sqlite_utils

MAX_GROUP = 256

_STOP = object()


class Writer:
    def __init__(self, connect: Callable[[], sqlite3.Connection], wait_seconds: float) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._connect = connect
        self._wait = wait_seconds
        self._thread = threading.Thread(target=self._run, name="amplify-writer", daemon=True)
        self._started = threading.Event()
        self._thread.start()
        self._started.wait()

    def submit(self, job: Callable[[sqlite_utils.Database], Any]) -> Any:
        if not self._thread.is_alive():
            raise RuntimeError("the database writer has stopped")
        future: Future = Future()
        self._queue.put((job, future))
        return future.result()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def _run(self) -> None:
        db = sqlite_utils.Database(self._connect())
        self._started.set()
        try:
            while True:
                group, stop = self._gather()
                if group:
                    self._commit_group(db, group)
                if stop:
                    return
        finally:
            db.conn.close()

    def _gather(self) -> tuple[list[tuple[Callable, Future]], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        group = [first]
        deadline = time.monotonic() + self._wait
        while len(group) < MAX_GROUP:
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item is _STOP:
                return group, True
            group.append(item)
        return group, False

    def _commit_group(self, db: sqlite_utils.Database, group: list) -> None:
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
                if not future.done():
                    future.set_exception(exc)
            return
        for future, value, error in results:
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(value)
