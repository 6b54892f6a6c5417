"""Questionnaires as stored: one row per (form_id, version), never overwritten.

Records name the form version they were answered in, and that version's definition
stays here, so adding a new version never breaks answers stored under an old one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlite_utils

from xlsform.model import FormDefinition

from .db import Store
from .records import today


class FormVersionConflict(ValueError):
    """Same form_id and version, different content: the author must bump the version."""


class FormNotFound(LookupError):
    pass


@dataclass(frozen=True)
class StoredForm:
    form_id: str
    version: str
    title: str
    source_name: str
    added_day: str


def add_form(store: Store, definition: FormDefinition, source: bytes, source_name: str) -> bool:
    """Store a form version. Returns False if this exact version was already stored."""
    return add_forms(store, [(definition, source, source_name)])[0]


def add_forms(store: Store, items: list[tuple[FormDefinition, bytes, str]]) -> list[bool]:
    """Store several form versions in one transaction: all of them, or none."""

    def job(db: sqlite_utils.Database) -> list[bool]:
        return [_add(db, *item) for item in items]

    return store.write(job)


def _add(db: sqlite_utils.Database, definition: FormDefinition, source: bytes,
         source_name: str) -> bool:
    digest = hashlib.sha256(source).hexdigest()
    if definition.attachments:  # a changed CSV file is a changed version too
        digest = hashlib.sha256(
            source + json.dumps(definition.attachments, sort_keys=True).encode()).hexdigest()
    key = (definition.form_id, definition.version)
    existing = next(db["forms"].rows_where("form_id = ? and version = ?", list(key)), None)
    if existing is not None:
        if existing["sha256"] == digest:
            return False
        raise FormVersionConflict(
            f"form {definition.form_id!r} version {definition.version!r} is already stored "
            "with different content: raise the version in the settings sheet")
    db["forms"].insert({
        "form_id": definition.form_id, "version": definition.version,
        "title": _title(definition), "definition": json.dumps(definition.to_json()),
        "source_name": source_name, "source": source, "sha256": digest,
        "added_day": today(),
    })
    return True


def _title(definition: FormDefinition) -> str:
    titles = definition.title or {}
    return titles.get("en") or titles.get(definition.default_language) or next(
        iter(titles.values()), definition.form_id)


def list_forms(store: Store) -> list[StoredForm]:
    rows = store.read()["forms"].rows_where(
        select="form_id, version, title, source_name, added_day", order_by="form_id, rowid")
    return [StoredForm(**row) for row in rows]


def latest_forms(store: Store) -> list[StoredForm]:
    """The newest version of each form (the one new interviews use)."""
    latest: dict[str, StoredForm] = {}
    for form in list_forms(store):
        latest[form.form_id] = form
    return list(latest.values())


def get_form(store: Store, form_id: str, version: str | None = None) -> FormDefinition:
    return FormDefinition.from_json(json.loads(_row(store, form_id, version)["definition"]))


def get_source(store: Store, form_id: str, version: str | None = None
               ) -> tuple[bytes, str, FormDefinition]:
    """The XLSForm file a version was added from: (bytes, file name, its definition)."""
    row = _row(store, form_id, version)
    definition = FormDefinition.from_json(json.loads(row["definition"]))
    return row["source"], row["source_name"], definition


def _row(store: Store, form_id: str, version: str | None) -> dict:
    """The stored row of a version (the newest when ``version`` is None)."""
    db = store.read()
    if version is None:
        row = next(db["forms"].rows_where("form_id = ?", [form_id], order_by="rowid desc",
                                          limit=1), None)
    else:
        row = next(db["forms"].rows_where("form_id = ? and version = ?", [form_id, version]),
                   None)
    if row is None:
        raise FormNotFound(f"no form {form_id!r}" + (f" version {version!r}" if version else ""))
    return row
