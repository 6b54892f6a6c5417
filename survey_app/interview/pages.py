"""Pages of a draft: opening it, which pages apply, checking all of them before finalising.

The server is the source of truth for relevance and validation (``xlsform.logic``); the
page's script only mirrors relevance so the interpreter does not wait for a round trip.
"""

from __future__ import annotations

from typing import Any

from flask import abort

from xlsform.logic import next_page, page_errors, page_is_shown, relevant_questions
from xlsform.model import FormDefinition, Page

from .. import get_station
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


def find_page(definition: FormDefinition, page_name: str) -> Page:
    try:
        return definition.page(page_name)
    except KeyError:
        abort(404)


def shown_pages(definition: FormDefinition, answers: dict[str, Any]) -> list[Page]:
    """The pages that apply to these answers, in order."""
    relevant = relevant_questions(definition, answers)
    return [page for page in definition.pages if page_is_shown(definition, page, relevant)]


def first_page_name(definition: FormDefinition, answers: dict[str, Any]) -> str:
    return next_page(definition, answers, None) or definition.pages[0].name


def first_page_with_errors(definition: FormDefinition, answers: dict[str, Any],
                           lang: str) -> str | None:
    """The first page that applies and has an answer to fix, or None when all are valid."""
    for page in shown_pages(definition, answers):
        if page_errors(definition, page, answers, lang):
            return page.name
    return None
