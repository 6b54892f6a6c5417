"""One merge at a time per central home, across processes (the CLI and the server).

SQLite already serialises writers, but a second merge would wait inside its own
transaction for up to the busy timeout and then fail half-way with "database is
locked". A lock file taken before a merge reads anything makes the second one wait
its turn instead, whether it runs in this process or another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

LOCK_NAME = "merge.lock"
WAIT_SECONDS = 3600.0  # a 1M-record bundle takes minutes; nobody should wait longer


@contextmanager
def merge_lock(home: Path, timeout: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the home's merge lock for the block; raises filelock.Timeout after ``timeout``."""
    with FileLock(str(home / LOCK_NAME), timeout=timeout, mode=0o600):
        yield
