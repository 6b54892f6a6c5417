"""The limit on unlock attempts: a few at once, then one every few seconds.

Only the laptop itself reaches the unlock page, so one limiter per app is enough: it
slows down someone guessing passphrases at a running station. ``begin`` is called
right before the key derivation and decides atomically, so concurrent tries cannot all
slip past the count: at most ``limit`` tries start within ``window`` seconds, and
after that one try every ``window / limit`` seconds. A refused try is told how long to
wait and does not push the next slot back, so a lock-out only delays the interpreter's
right passphrase; it never locks it out for good. A right passphrase clears the count.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from flask import current_app

UNLOCK_TRIES_PER_MINUTE = 5
WINDOW_SECONDS = 60.0


class AttemptLimiter:
    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.spacing = window / limit
        self._started: deque[float] = deque()
        self._lock = threading.Lock()

    def begin(self) -> float:
        """Count one try and return 0.0 if it may run now; else the seconds to wait
        (the try is then not counted)."""
        with self._lock:
            now = self.clock()
            while self._started and now - self._started[0] > self.window:
                self._started.popleft()
            if len(self._started) >= self.limit:
                wait = self._started[-1] + self.spacing - now
                if wait > 0:
                    return wait
            self._started.append(now)
            return 0.0

    def succeeded(self) -> None:
        with self._lock:
            self._started.clear()


def unlock_limiter() -> AttemptLimiter:
    """The limiter of the current app (created on first use)."""
    return current_app.extensions.setdefault(
        "amplify.unlock_limiter", AttemptLimiter(UNLOCK_TRIES_PER_MINUTE, WINDOW_SECONDS))
