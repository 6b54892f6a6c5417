"""Refused bundles are listed in ``C/refused.db``, beside the dataset, not in it.

Keeping them out of ``central.db`` means a refused bundle changes not one byte of the
dataset (what the brand analyses and what tests compare), while the brand still sees
every bundle that arrived: merged ones in the dataset's ``bundles`` table, refused
ones here, with the day, the file name, its SHA-256 and the reason.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import sqlite_utils

from .dataset import REFUSED_NAME


def today() -> str:
    return date.today().isoformat()


def file_label(path: Path) -> str:
    """The file's name as text that can be stored and printed.

    A name that is not valid UTF-8 (a USB stick written elsewhere) keeps its odd bytes
    as ``\\xe9`` escapes instead of failing when it is stored.
    """
    return os.fsencode(path.name).decode("utf-8", "backslashreplace")


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def record_refusal(home: Path, path: Path, reason: str) -> None:
    db = sqlite_utils.Database(home / REFUSED_NAME)
    try:
        db["refused_bundles"].insert(
            {"day": today(), "file_name": file_label(path), "sha256": _file_digest(path),
             "reason": reason}, alter=True)
    finally:
        db.close()


def refused(home: Path) -> list[dict]:
    path = home / REFUSED_NAME
    if not path.exists():
        return []
    db = sqlite_utils.Database(path)
    try:
        return list(db["refused_bundles"].rows) if db["refused_bundles"].exists() else []
    finally:
        db.close()
