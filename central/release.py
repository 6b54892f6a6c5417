"""Closing rounds: the steward's release of figures, the same from the app and the CLI."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from . import disclosure, profiles, rounds
from .rounds import Round


def close_rounds(conn: sqlite3.Connection, wanted: Iterable[Round], user: str) -> list[Round]:
    """Close the open rounds among ``wanted`` and freeze their figures; return those closed."""
    closed = rounds.close(conn, wanted, user)
    pooled = set()
    for item in closed:
        disclosure.release(conn, item, pooled=False)
        if disclosure.source_of(item.form_id) == disclosure.REPRESENTATIVES:
            pooled.add((item.project_id, item.form_id, item.period))
    for project_id, form_id, period in sorted(pooled):  # once a period, after every close
        disclosure.release_pooled(conn, project_id, form_id, period)
    profiles.store_summaries(conn, {item.factory_id for item in closed})
    return closed
