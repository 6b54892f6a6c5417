"""Abuse limits for worker pages: a cookie-free CSRF token and a per-phone rate limit.

Both are keyed by tokens, never by IP address (the station keeps no addresses).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from flask import current_app


def csrf_token(session_id: str, resume_hash: str) -> str:
    """HMAC(app secret, session + response): valid for the session's whole life, no cookie.

    Before a response exists (the start page) ``resume_hash`` is ``"start"``.
    """
    secret = current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    message = f"collect-csrf:{session_id}:{resume_hash}".encode()
    return hmac.digest(secret, message, "sha256").hex()[:32]


def csrf_ok(given: str | None, session_id: str, resume_hash: str) -> bool:
    # As bytes: compare_digest refuses str with non-ASCII characters, and a posted token is
    # whatever the client typed.
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                                               csrf_token(session_id, resume_hash).encode())


class RateLimiter:
    """Sliding window: at most ``limit`` requests per ``window`` seconds per key.

    Keys are kept in order of last use, so forgetting the ones idle for a whole window
    only ever looks at the oldest: constant work per request however many phones are
    active (an earlier sweep over every key ran on each request past 10,000 keys and
    halved a busy station's throughput).
    """

    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.window = window
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int) -> bool:
        now = self._clock()
        with self._lock:
            self._forget_idle(now)
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            else:
                self._hits.move_to_end(key)
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True

    def tracked(self) -> int:
        """How many keys are remembered (those used within the last window)."""
        return len(self._hits)

    def _forget_idle(self, now: float) -> None:
        while self._hits:
            key, hits = next(iter(self._hits.items()))
            if hits and now - hits[-1] <= self.window:
                return
            del self._hits[key]


def limiter_key(token_hash: str, resume_hash: str) -> str:
    return hashlib.sha256(f"{token_hash}:{resume_hash}".encode()).hexdigest()
