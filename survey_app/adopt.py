"""Moving records sealed to the local project into a brand project imported later.

An interview done before the brand's project was imported is sealed to this laptop's own
project and would never reach the brand. Once the project is imported, the interpreter
(unlocked: the passphrase opens the local project's key and the vault) can adopt those
records: each is opened, finalised again through the one finalise path for the brand's
project (its rules: pseudonyms, free text, the brand's key) under a new record id, and the
local copy is deleted in the same commit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlite_utils

from sync.anonymise import PSEUDONYM
from sync.repeats import merge_instances

from .finalise import finalise_record
from .station import Station
from .store import projects, records, scrubnames, suppliers
from .store.records import DRAFT, FINAL, RecordMeta


class AdoptError(Exception):
    """The project cannot take records (unknown, or not a brand project)."""


def _local_project(station: Station) -> projects.Project:
    return next(p for p in projects.all_projects(station.store) if p.kind == projects.LOCAL)


def _brand_project(station: Station, project_id: str) -> projects.Project:
    try:
        project = projects.get_project(station.store, project_id)
    except sqlite_utils.db.NotFoundError:
        raise AdoptError(f"no project {project_id!r} on this station: import it first "
                         "(`amplify project import`)") from None
    if project.kind != projects.BRAND:
        raise AdoptError(f"{project_id} is this station's local project, not a brand's")
    return project


def waiting_for(station: Station, project: projects.Project) -> list[RecordMeta]:
    """Final records of the local project whose form the brand project lists."""
    local = _local_project(station)
    return [meta for meta in records.list_records(station.store, FINAL)
            if meta.project_id == local.id and meta.form_id in project.form_ids]


def local_only_count(station: Station, project_id: str) -> int:
    """How many local-project records ``adopt`` would move into ``project_id``."""
    return len(waiting_for(station, _brand_project(station, project_id)))


def adopt(station: Station, project_id: str) -> int:
    """Move every waiting local record into the brand project; returns how many."""
    project = _brand_project(station, project_id)
    moved = 0
    for meta in waiting_for(station, project):
        _adopt_one(station, project, meta)
        moved += 1
    return moved


def _adopt_one(station: Station, project: projects.Project, meta: RecordMeta) -> None:
    keys = station.keys()
    sealed = records.read_sealed(station.store, keys.local_project_private, meta.id)
    answers: dict[str, Any] = {k: v for k, v in sealed["answers"].items() if k != PSEUDONYM}
    # Identifying answers inside repeat instances go back into their own instances.
    answers = merge_instances(answers, records.read_vault(station.store, keys.vault, meta.id))
    if meta.supplier_id:
        details = suppliers.supplier_details(station.store, keys.records, meta.supplier_id)
        suppliers.seal_for_project(station.store, station.sealer, meta.supplier_id, project.id,
                                   project.public_key, details)
    fresh = replace(meta, id=records.new_record_id(), project_id=project.id, status=DRAFT,
                    seq=0, batch_id=None, bundle_id=None)
    form = station.form(meta.form_id, meta.form_version)

    def forget_local(db: sqlite_utils.Database) -> None:
        db.execute("DELETE FROM vault WHERE record_id = ?", [meta.id])
        db.execute("DELETE FROM scrub_names WHERE owner_id = ?", [meta.id])
        db.execute("DELETE FROM records WHERE id = ? AND status = ?", [meta.id, FINAL])

    finalise_record(station, fresh, form, answers, _names(station, meta), then=forget_local)


def _names(station: Station, meta: RecordMeta) -> dict[str, Any]:
    """The names listed for the record's interview (its session's are found by id)."""
    if meta.session_id:
        return {}
    blob = scrubnames.stored(station.store, meta.id)
    if blob is None:
        return {}
    return {"names": scrubnames.decrypt(station.keys().records, meta.id, blob)}
