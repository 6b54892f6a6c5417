"""Station side: write every finalised record of a brand project not yet sent into a bundle.

Works while the station is locked: the records are already sealed to the brand, the
seal batches' public keys are in clear, and the signing key is not under the
passphrase (see ``survey_app.keys.identity``). Records are marked as exported only
after the bundle is durably on disk; a crash before that leaves them to go next time.
The bundle names no interpreter, no device, no host and no exact time: only the day.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from survey_app.keys.identity import station_signing_key
from survey_app.station import Station
from survey_app.store import projects
from survey_app.store.records import FINAL, today
from sync.bundle import ROUND_LABEL, BundleWriter
from sync.projectfile import b64


class ExportError(Exception):
    """Nothing to export, or not a project whose records can leave the station."""


@dataclass(frozen=True)
class ExportResult:
    bundle_id: str
    path: Path
    records: int
    suppliers: int
    batches: int


def _selection(include_all: bool) -> str:
    where = "project_id = :project AND status = :final AND seq <= :seq"
    return where if include_all else where + " AND bundle_id IS NULL"


def _project(station: Station, project_id: str) -> projects.Project:
    try:
        project = projects.get_project(station.store, project_id)
    except sqlite_utils.db.NotFoundError:
        known = ", ".join(p.id for p in projects.all_projects(station.store)
                          if p.kind == projects.BRAND) or "none imported yet"
        raise ExportError(f"no project {project_id!r} on this station (brand projects: "
                          f"{known})") from None
    if project.kind != projects.BRAND:
        raise ExportError(f"{project_id} is this station's local project: its records stay "
                          "here; only brand projects are exported")
    return project


def export_bundle(station: Station, project_id: str, out: Path, *,
                  include_all: bool = False, round_label: str = "") -> ExportResult:
    """Write one bundle; ``round_label`` names the collection round (else the brand uses
    each record's month)."""
    if round_label and not ROUND_LABEL.match(round_label):
        raise ExportError(f"round {round_label!r}: use up to 40 letters, digits, spaces, "
                          "'.', '_' or '-', starting with a letter or digit (e.g. 2026-Q4)")
    project = _project(station, project_id)
    db = station.store.read()
    params = {"project": project_id, "final": FINAL,
              "seq": db.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0]}
    where = _selection(include_all)
    count = db.execute(f"SELECT count(*) FROM records WHERE {where}", params).fetchone()[0]
    if not count:
        raise ExportError(f"nothing new to export for project {project_id} "
                          "(use --all to export every record again)")
    bundle_id = uuid.uuid4().hex
    # The file name is the carrier's view: a random id only, no day, no project.
    path = out / f"amplify-{bundle_id[:12]}.bundle" if out.is_dir() else out
    header = {"bundle_id": bundle_id, "project_id": project_id, "day": today(),
              "brand_public": b64(project.public_key)}
    if round_label:
        header["round"] = round_label
    counts = _write(db, path, project, header, where, params, station)
    _mark_exported(station, bundle_id, project_id, counts, params)
    return ExportResult(bundle_id, path, counts["records"], counts["suppliers"],
                        counts["batches"])


def _write(db: sqlite_utils.Database, path: Path, project: projects.Project, header: dict,
           where: str, params: dict, station: Station) -> dict[str, int]:
    tmp = path.with_name(path.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            writer = BundleWriter(handle, project.public_key,
                                  station_signing_key(station.home), header)
            _write_content(db, writer, where, params)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return writer.counts


def _write_content(db: sqlite_utils.Database, writer: BundleWriter, where: str,
                   params: dict) -> None:
    suppliers = (f"SELECT supplier_id, batch_id, payload FROM supplier_seals WHERE "
                 f"project_id = :project AND supplier_id IN "
                 f"(SELECT supplier_id FROM records WHERE {where})")
    batches = (f"SELECT id, ephemeral_public FROM seal_batches WHERE id IN "
               f"(SELECT batch_id FROM records WHERE {where} UNION "
               f"SELECT batch_id FROM ({suppliers})) ORDER BY id")
    for batch_id, ephemeral_public in db.execute(batches, params):
        writer.batch(batch_id, ephemeral_public)
    for supplier_id, batch_id, payload in db.execute(suppliers, params):
        writer.supplier(supplier_id, batch_id, payload)
    records = f"SELECT id, revision, batch_id, payload FROM records WHERE {where} ORDER BY seq"
    for record_id, revision, batch_id, payload in db.execute(records, params):
        writer.record(record_id, revision or 0, batch_id, payload)


def _mark_exported(station: Station, bundle_id: str, project_id: str, counts: dict,
                   params: dict) -> None:
    def job(db: sqlite_utils.Database) -> None:
        db.execute(f"UPDATE records SET bundle_id = :bundle WHERE {_selection(False)}",
                   {**params, "bundle": bundle_id})
        db["exports"].insert({"bundle_id": bundle_id, "project_id": project_id, "day": today(),
                              "records": counts["records"], "suppliers": counts["suppliers"]})

    station.store.write(job)
