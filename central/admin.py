"""Setting up a central home: keys and dataset, trusted stations, projects."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sync import projectfile
from sync.projectfile import FormFile, ProjectFile
from sync.stationid import StationIdentity
from xlsform.errors import FormError
from xlsform.loader import attachment_names, load_xlsform_bytes
from xlsform.model import FormDefinition

from . import dataset, keys
from .keys import CentralKeys


def today() -> str:
    return date.today().isoformat()


def init_home(home: Path, passphrase: str) -> str:
    """Create keys and an empty dataset; return the brand fingerprint."""
    keys.create(home, passphrase)
    dataset.create(home)
    return keys.brand_fingerprint(home)


def trust_station(home: Path, identity: StationIdentity, label: str = "") -> bool:
    """Register (or re-trust) a station. Returns False when it was already trusted."""
    conn = dataset.connect(dataset.dataset_path(home))
    try:
        row = conn.execute("SELECT revoked_day FROM stations WHERE id = ?",
                           [identity.id]).fetchone()
        if row is not None and row[0] is None:
            return False
        conn.execute(
            "INSERT INTO stations (id, public_key, fingerprint, label, trusted_day) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET revoked_day = NULL, "
            "trusted_day = excluded.trusted_day, label = coalesce(nullif(excluded.label, ''), "
            "label)",
            [identity.id, projectfile.b64(identity.public_key), identity.fingerprint, label,
             today()])
        return True
    finally:
        conn.close()


def revoke_station(home: Path, station_id: str) -> bool:
    conn = dataset.connect(dataset.dataset_path(home))
    try:
        cursor = conn.execute("UPDATE stations SET revoked_day = ? WHERE (id = ? OR "
                              "fingerprint = ?) AND revoked_day IS NULL",
                              [today(), station_id, station_id])
        return cursor.rowcount > 0
    finally:
        conn.close()


@dataclass(frozen=True)
class CreatedProject:
    project: ProjectFile
    file_bytes: bytes
    project_passphrase: str


def load_form_files(paths: list[Path], drop_unsupported: bool = False
                    ) -> list[tuple[FormFile, FormDefinition]]:
    """Load each XLSForm (FormError names sheet and row); refuse duplicates. A file a
    form among ``paths`` reads (choices from a file, pulldata()) travels with it.
    ``drop_unsupported``: leave out what a phone must not collect; a form that needed it
    is marked so in the project file, and stations load it the same way."""
    loaded: list[tuple[FormFile, FormDefinition]] = []
    named = set().union(*(attachment_names(path) for path in paths))
    files = {path.name: path.read_bytes() for path in paths if path.name in named}
    for path in (path for path in paths if path.name not in named):
        source = path.read_bytes()
        try:
            definition = load_xlsform_bytes(source, path.name, drop_unsupported,
                                            attachments=files)
        except FormError as exc:
            raise ValueError(f"{path}: {exc}") from None
        if any(f.form_id == definition.form_id for f, _ in loaded):
            raise ValueError(f"{path}: form {definition.form_id!r} is listed twice")
        used = {name: files[name] for name in definition.attachments}
        loaded.append((FormFile(definition.form_id, definition.version, path.name, source,
                                used, bool(definition.dropped)), definition))
    return loaded


def create_project(home: Path, central_keys: CentralKeys, name: str, form_paths: list[Path],
                   *, project_passphrase: str | None, free_text_export: bool = False,
                   thresholds: dict[str, int] | None = None,
                   drop_unsupported: bool = False) -> CreatedProject:
    """Write the project into the dataset and return the signed project file's bytes."""
    if not name.strip():
        raise ValueError("the project needs a name (--name)")
    forms = load_form_files(form_paths, drop_unsupported)
    passphrase = project_passphrase or projectfile.new_project_passphrase()
    pseudonym_key = secrets.token_bytes(32)
    wrapped = projectfile.wrap_pseudonym_key(pseudonym_key, passphrase, keys.kdf_cost())
    del pseudonym_key  # the brand does not keep it: only stations with the passphrase do
    data = projectfile.build(
        project_id="prj-" + secrets.token_hex(8), name=name.strip(), created_day=today(),
        encryption_public=central_keys.encryption.public_key().public_bytes_raw(),
        signing_key=central_keys.signing, forms=[f for f, _ in forms],
        pseudonym_wrapped=wrapped, thresholds=thresholds, free_text_export=free_text_export)
    project = projectfile.parse(data)
    _store_project(home, project, forms)
    return CreatedProject(project, data, passphrase)


def _store_project(home: Path, project: ProjectFile,
                   forms: list[tuple[FormFile, FormDefinition]]) -> None:
    document = project.station_document()
    thresholds = project.document["thresholds"]
    conn = dataset.connect(dataset.dataset_path(home))
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [project.id, project.name, project.document["created_day"],
                      thresholds["k_brand"], thresholds["k_sharing"],
                      int(project.free_text_export), json.dumps(document)])
        for form_file, definition in forms:
            exists = conn.execute("SELECT sha256 FROM forms WHERE form_id = ? AND version = ?",
                                  [form_file.form_id, form_file.version]).fetchone()
            if exists:
                continue  # the same form version serves several projects
            conn.execute(
                "INSERT INTO forms VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [form_file.form_id, form_file.version, project.id,
                 definition.title.get("en") or next(iter(definition.title.values()), ""),
                 form_file.file_name, json.dumps(definition.to_json()), form_file.source,
                 project.document["forms"][forms.index((form_file, definition))]["sha256"]])
            dataset.refresh_form_view(conn, form_file.form_id)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
