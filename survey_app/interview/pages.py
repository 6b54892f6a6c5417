"""Opening a draft and one of its pages (the page path itself: ``survey_app.questionnaire``).

The server is the source of truth for relevance and validation (``xlsform.logic``); the
page's script only mirrors relevance so the interpreter does not wait for a round trip.
"""

from __future__ import annotations

from typing import Any

from flask import abort

from xlsform.model import FormDefinition

from .. import get_station, instances
from ..instances import Spot
from ..store import records
from ..store.records import RecordMeta


class RecordClosed(Exception):
    """The record is finalised (sealed): it can no longer be opened as a draft."""


def open_draft(record_id: str) -> tuple[RecordMeta, dict[str, Any], FormDefinition]:
    """The draft's metadata, its answers and the form version it is answered in."""
    station = get_station()
    keys = station.keys()
    try:
        meta, answers = records.load_draft(station.store, keys.records, record_id)
    except records.RecordNotFound:
        abort(404)
    except records.NotADraft:
        raise RecordClosed(record_id) from None
    return meta, answers, station.form(meta.form_id, meta.form_version)


def find_spot(definition: FormDefinition, address: str) -> Spot:
    """The place a page address names (a page name, "household~2", "household~add"); 404
    when it names none of this form."""
    try:
        return instances.locate(definition, address)
    except KeyError:
        abort(404)

