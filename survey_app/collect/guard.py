"""Abuse limits for worker pages: a cookie-free CSRF token and a per-phone rate limit.

Both are keyed by tokens, never by IP address (the station keeps no addresses).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque

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
    return bool(given) and hmac.compare_digest(given, csrf_token(session_id, resume_hash))


class RateLimiter:
    """Sliding window: at most ``limit`` requests per ``window`` seconds per key."""

    def __init__(self, window: float = 60.0) -> None:
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            if len(self._hits) > 10000:
                self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, hits in self._hits.items() if not hits or now - hits[-1] > self.window]
        for key in idle:
            del self._hits[key]


def limiter_key(token_hash: str, resume_hash: str) -> str:
    return hashlib.sha256(f"{token_hash}:{resume_hash}".encode()).hexdigest()
