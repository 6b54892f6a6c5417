"""Closing rounds: the steward's release of figures, the same from the app and the CLI."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from . import disclosure, profiles, rounds
from .rounds import Round


def waiting(conn: sqlite3.Connection, wanted: Iterable[Round]) -> dict[str, int]:
    """Open rounds that may not be released yet: {round id: late respondents (< k)}."""
    candidates = [item for item in wanted if not item.closed]
    ks = disclosure.brand_k(conn, candidates)
    held = {}
    for item in candidates:
        added = rounds.too_few_new(item, ks[item.project_id])
        if added:
            held[item.id] = added
    return held


def close_rounds(conn: sqlite3.Connection, wanted: Iterable[Round], user: str) -> list[Round]:
    """Close the open rounds among ``wanted`` and freeze their figures; return those closed.

    A round released before and reopened by fewer than k late respondents is left open
    (see :func:`rounds.too_few_new`); :func:`waiting` says which and why.
    """
    wanted = list(wanted)
    held = waiting(conn, wanted)
    closed = rounds.close(conn, [item for item in wanted if item.id not in held], user)
    pooled = set()
    for item in closed:
        disclosure.release(conn, item, pooled=False)
        if disclosure.source_of(item.form_id) == disclosure.REPRESENTATIVES:
            pooled.add((item.project_id, item.form_id, item.period))
    for project_id, form_id, period in sorted(pooled):  # once a period, after every close
        disclosure.release_pooled(conn, project_id, form_id, period)
    profiles.store_summaries(conn, {item.factory_id for item in closed})
    return closed
