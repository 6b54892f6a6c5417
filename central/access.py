"""Brand users, their roles, login throttling and the audit log: ``C/access.db``.

Kept apart from ``central.db`` for two reasons: a long merge holds the dataset's write
lock, and a login or an audit entry must not wait for it; and the dataset is what a
steward may copy for analysis, which must never carry password hashes or who looked at
what. Passwords are hashed with Argon2id (argon2-cffi); nothing here holds an answer.

Roles (what each may do is declared once, in :data:`PERMISSIONS`):

* ``viewer``   sees the released figures, rounds, suppliers, stations and the ledger;
* ``analyst``  a viewer who may also export figures (CSV, XLSX, the published file);
* ``steward``  an analyst who closes rounds, confirms suppliers and is the only role that
  may open record-level data — every such access is written to the audit log;
* ``admin``    manages brand users and reads the audit log; sees the released figures.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ACCESS_NAME = "access.db"
ROLES = ("viewer", "analyst", "steward", "admin")
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"figures"}),
    "analyst": frozenset({"figures", "export"}),
    "steward": frozenset({"figures", "export", "release", "records"}),
    "admin": frozenset({"figures", "users", "audit"}),
}
USER_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 12
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 30, 15 * 60

_hasher = PasswordHasher()

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
    "password_hash TEXT NOT NULL, created_day TEXT, failed INTEGER NOT NULL DEFAULT 0, "
    "wait_until REAL NOT NULL DEFAULT 0, epoch INTEGER NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, "
    "user TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '', "
    "detail TEXT NOT NULL DEFAULT '')",
)


class AccessError(ValueError):
    """A user command that cannot be done, in words for the person who asked."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_day: str
    epoch: int

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


@contextmanager
def connect(home: Path) -> Iterator[sqlite3.Connection]:
    path = home / ACCESS_NAME
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA secure_delete=ON")  # a removed user's hash is overwritten
        for statement in SCHEMA:
            conn.execute(statement)
        yield conn
    finally:
        conn.close()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccessError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(set(password)) < 5:
        raise AccessError("the password repeats too few different characters")


def _check_name(name: str) -> None:
    if not USER_NAME.match(name):
        raise AccessError(f"user name {name!r}: use 2–40 lower-case letters, digits, '.', "
                          "'_' or '-', starting with a letter or digit")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccessError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")


def add_user(home: Path, name: str, role: str, password: str) -> User:
    _check_name(name)
    _check_role(role)
    check_password(password)
    with connect(home) as conn:
        try:
            conn.execute("INSERT INTO users (name, role, password_hash, created_day) "
                         "VALUES (?, ?, ?, ?)",
                         [name, role, _hasher.hash(password), date.today().isoformat()])
        except sqlite3.IntegrityError:
            raise AccessError(f"a user {name!r} exists already") from None
    return User(name, role, date.today().isoformat(), 0)


def list_users(home: Path) -> list[User]:
    with connect(home) as conn:
        rows = conn.execute("SELECT name, role, created_day, epoch FROM users ORDER BY name")
        return [User(*row) for row in rows]


def get_user(home: Path, name: str) -> User | None:
    with connect(home) as conn:
        row = conn.execute("SELECT name, role, created_day, epoch FROM users WHERE name = ?",
                           [name]).fetchone()
    return User(*row) if row else None


def remove_user(home: Path, name: str) -> None:
    with connect(home) as conn:
        if conn.execute("DELETE FROM users WHERE name = ?", [name]).rowcount == 0:
            raise AccessError(f"no user {name!r}")


def set_password(home: Path, name: str, password: str) -> None:
    """A new password; every session of that user ends (the epoch moves on)."""
    check_password(password)
    with connect(home) as conn:
        changed = conn.execute(
            "UPDATE users SET password_hash = ?, epoch = epoch + 1, failed = 0, wait_until = 0 "
            "WHERE name = ?", [_hasher.hash(password), name]).rowcount
    if not changed:
        raise AccessError(f"no user {name!r}")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    wait_seconds: int = 0


def login(home: Path, name: str, password: str, attempts: int) -> LoginResult:
    """Check a password, throttled per account: after ``attempts`` wrong ones, wait.

    The wait doubles with every further wrong password; the right password during a
    wait is refused too (otherwise the wait would not slow a guesser), and says so.
    An unknown name costs the same hash work as a known one.
    """
    with connect(home) as conn:
        conn.execute("BEGIN IMMEDIATE")
        row = conn.execute("SELECT password_hash, failed, wait_until FROM users WHERE name = ?",
                           [name]).fetchone()
        if row is None:
            conn.execute("COMMIT")
            _verify(_dummy_hash(), password)
            return LoginResult(None)
        password_hash, failed, wait_until = row
        now = time.time()
        if wait_until > now:
            conn.execute("COMMIT")
            return LoginResult(None, int(wait_until - now) + 1)
        if _verify(password_hash, password):
            conn.execute("UPDATE users SET failed = 0, wait_until = 0 WHERE name = ?", [name])
            conn.execute("COMMIT")
            return LoginResult(get_user(home, name))
        failed += 1
        wait = _wait_after(failed, attempts)
        conn.execute("UPDATE users SET failed = ?, wait_until = ? WHERE name = ?",
                     [failed, now + wait if wait else 0, name])
        conn.execute("COMMIT")
        return LoginResult(None, wait)


def _wait_after(failed: int, attempts: int) -> int:
    if failed < attempts:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failed - attempts), LONGEST_WAIT_SECONDS)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("an unknown user still costs one hash")


def audit(home: Path, user: str, action: str, target: str = "", detail: str = "") -> None:
    """Who did what, when. Never an answer: ``target`` is an id, ``detail`` a short note."""
    with connect(home) as conn:
        conn.execute("INSERT INTO audit (at, user, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                     [datetime.now(UTC).isoformat(timespec="seconds"), user, action,
                      target[:200], detail[:200]])


def audit_log(home: Path, limit: int = 500) -> list[dict[str, str]]:
    with connect(home) as conn:
        rows = conn.execute("SELECT at, user, action, target, detail FROM audit "
                            "ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    return [dict(zip(("at", "user", "action", "target", "detail"), row, strict=True))
            for row in rows]
