"""Finalising a record: one path for interviews and for workers' phone submissions.

clean (drop hidden and unknown answers) → anonymise (``sync.anonymise``: identifying
answers to the vault, free text scrubbed, pseudonyms) → seal to the project's public
key → store, durably, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlite_utils

from sync import repeats
from sync.anonymise import anonymise
from xlsform.logic import clean_answers
from xlsform.model import FormDefinition

from . import held
from .keys import keyring
from .station import Station
from .store import projects, records, scrubnames
from .store.records import Finalisation, RecordMeta
from .text import normalise_answers

NAMES_LOCKED = "names_locked"


def finalise_record(station: Station, meta: RecordMeta, form: FormDefinition,
                    answers: dict[str, Any], context: dict[str, Any] | None = None,
                    then: Callable[[sqlite_utils.Database], Any] | None = None) -> RecordMeta:
    """Seal a record for its project. Self-completed records never reach the vault.

    ``context`` carries what the anonymiser may need beyond the answers (for
    instance names the interpreter listed for the session, to scrub from free text).
    ``then(db)`` writes more in the record's own transaction (see records.finalise).
    Raises records.NotADraft when the record is already final.
    """
    project = _project(station, meta.project_id)
    context = {**_listed_names(station, meta), **(context or {})}
    if context.pop(NAMES_LOCKED, False):
        # The names to scrub cannot be read now: keep everything for the next unlock.
        return held.hold(station, meta, answers, then)
    if meta.mode == "interview" and project.kind == projects.BRAND:
        # Representatives linked across rounds get a keyed pseudonym, never their identity.
        context.setdefault("pseudonym_key", _pseudonym_key(station, project.id))
    # NFC everywhere; Burmese typed in Zawgyi is stored as Unicode, with a flag.
    answers, text_flags = normalise_answers(answers, meta.language)
    cleaned = clean_answers(form, answers)
    # A name given to an identifying question must not survive in this record's free text.
    context["names"] = [*context.get("names", ()), *_identifying_texts(form, cleaned)]
    result = anonymise(form, cleaned, project, mode=meta.mode, context=context)
    vault_key = station.keys().vault if result.identifying and meta.mode == "interview" else None
    if meta.mode != "interview":
        result.identifying.clear()
    # Identifying answers inside repeat instances go to the vault in their instances' shape.
    in_repeats = {n: v for n, v in result.identifying.items() if n in form.repeats}
    top = {n: v for n, v in result.identifying.items() if n not in in_repeats}
    item = Finalisation(meta=meta, answers={**result.kept, **top},
                        identifying=frozenset(top), project_public=project.public_key,
                        text_flags=_kept_flags(form, text_flags, result.kept),
                        vault_instances=in_repeats)
    return records.finalise(station.store, station.sealer, item, vault_key, then)


def _pseudonym_key(station: Station, project_id: str) -> bytes | None:
    """The project's pseudonym key, read again from the keyring when a project imported
    since this unlock (by another process) brought it."""
    keys = station.keys()
    key = projects.pseudonym_key(keys.extra, project_id)
    if key is None and keyring.refresh(station.home, keys):
        key = projects.pseudonym_key(keys.extra, project_id)
    return key


def _listed_names(station: Station, meta: RecordMeta) -> dict[str, Any]:
    """The names the interpreter listed for this interview or its session.

    Readable only while unlocked; a phone submission arriving while the station is
    locked cannot read its session's list, so it is held whole until the next unlock.
    """
    owner = meta.session_id or meta.id
    blob = scrubnames.stored(station.store, owner)  # one read on the phone's submit path
    if blob is None:
        return {}
    if not station.unlocked:
        return {NAMES_LOCKED: True}
    return {"names": scrubnames.decrypt(station.keys().records, owner, blob)}


def _identifying_texts(form: FormDefinition, answers: dict[str, Any]) -> list[str]:
    """Texts given to identifying questions, at the top level and inside repeat instances."""
    pairs = list(answers.items())
    if form.repeats:
        pairs += [(a.question, a.value) for a in repeats.walk(repeats.scopes(form), answers)]
    return [value for name, value in pairs
            if form.sensitivity_of(name) == "identifying" and isinstance(value, str)
            and value.strip()]


def _kept_flags(form: FormDefinition, flags: dict[str, list[str]],
                kept: dict[str, Any]) -> dict[str, list[str]]:
    """Text flags of kept answers; inside a repeat (``name~2~1``) of kept, non-identifying
    questions of a kept repeat."""
    def keeps(flagged: str) -> bool:
        name = flagged.split("~", 1)[0]
        if name == flagged:
            return name in kept
        question = form.questions.get(name)
        if question is None or question.sensitivity == "identifying":
            return False
        outermost = form.repeat_chain(question.repeat)[:1]
        return bool(outermost) and outermost[0] in kept

    return {name: found for name, found in flags.items() if keeps(name)}


# Projects are never changed once stored (a brand project is refused if imported again
# with another key), so each is read once per store.
_projects: dict[tuple[str, str], projects.Project] = {}


def _project(station: Station, project_id: str) -> projects.Project:
    key = (str(station.store.path), project_id)
    project = _projects.get(key)
    if project is None:
        project = _projects[key] = projects.get_project(station.store, project_id)
    return project
