"""A small in-memory limit on unlock attempts.

Only the laptop itself reaches the unlock page, so one counter per app is enough:
it slows down someone guessing passphrases at the keyboard of a running station.
Failed attempts count; a right passphrase clears the counter.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app

UNLOCK_TRIES_PER_MINUTE = 5
WINDOW_SECONDS = 60.0


class AttemptLimiter:
    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _forget_old(self, now: float) -> None:
        while self._failures and now - self._failures[0] > self.window:
            self._failures.popleft()

    def blocked(self) -> bool:
        with self._lock:
            self._forget_old(time.monotonic())
            return len(self._failures) >= self.limit

    def failed(self) -> None:
        with self._lock:
            self._failures.append(time.monotonic())

    def succeeded(self) -> None:
        with self._lock:
            self._failures.clear()


def unlock_limiter() -> AttemptLimiter:
    """The limiter of the current app (created on first use)."""
    return current_app.extensions.setdefault(
        "amplify.unlock_limiter", AttemptLimiter(UNLOCK_TRIES_PER_MINUTE, WINDOW_SECONDS))
