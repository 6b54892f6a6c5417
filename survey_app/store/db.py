"""Connections to the station database.

Reads use one connection per thread (WAL lets them run beside the writer). Every
write goes through the single writer (``writer.Writer``) so commits can be grouped:
with ``synchronous=FULL`` each commit waits for the disk, and one fsync for a group
of answers is what keeps many phones fast *and* every acknowledged answer safe when
the battery dies.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from .migrations import migrate
from .writer import Writer

T = TypeVar("T")


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    # Overwrite deleted content with zeros, so removed drafts leave no ciphertext behind.
    conn.execute("PRAGMA secure_delete=ON")
    return conn


class Store:
    """The station database: thread-local readers, one durable writer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with connect(path) as conn:
            migrate(sqlite_utils.Database(conn))
        self._local = threading.local()
        self._writer = Writer(lambda: connect(path))

    def read(self) -> sqlite_utils.Database:
        """A read connection for this thread."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(connect(self.path))
            self._local.db = db
        return db

    def write(self, job: Callable[[sqlite_utils.Database], T]) -> T:
        """Run ``job`` in a transaction on the writer connection; return once it is on disk."""
        return self._writer.submit(job)

    def checkpoint(self) -> None:
        """Move the WAL into the database file and truncate the WAL to zero bytes.

        The WAL keeps earlier versions of pages (old draft ciphertexts among them)
        until a checkpoint; after a record is sealed, or when the station locks, they
        should not linger there. Best effort: a long-running reader can hold it back.
        """
        self._writer.checkpoint()

    def close(self) -> None:
        self._writer.stop()
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None
