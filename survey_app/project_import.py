"""Station side: importing a brand's project file.

After import, ``projects.project_for_form`` routes the project's forms to the brand:
their new finalised records are sealed to the brand's public key, which this laptop
cannot open. The pseudonym key is unwrapped with the project passphrase (given by the
brand apart from the file) and wrapped again in the station keyring; without the
passphrase the project still imports, but representatives get no pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.keys import keyring
from survey_app.station import Station
from survey_app.store import formstore, projects
from sync.crypto import aead
from sync.projectfile import ProjectFile, parse, unwrap_pseudonym_key
from xlsform.loader import load_xlsform_bytes


class ProjectImportError(Exception):
    """The project cannot be imported (bad passphrase, conflicting form version...)."""


@dataclass(frozen=True)
class ImportResult:
    project: ProjectFile
    new_project: bool
    forms_added: list[str]
    pseudonym_key: bool


def import_project(station: Station, data: bytes, project_passphrase: str | None,
                   where: str = "project file") -> ImportResult:
    """Verify and import; the station must be unlocked (the keyring gains a key)."""
    project = parse(data, where)
    keys = station.keys()
    key = None
    if project_passphrase:
        try:
            key = unwrap_pseudonym_key(project.document["pseudonym_key"], project_passphrase)
        except aead.DecryptionError:
            raise ProjectImportError("wrong project passphrase: ask the brand for the passphrase "
                               "of this project (nothing was imported)") from None
    added = []
    for form in project.forms():
        definition = load_xlsform_bytes(form.source, form.file_name,
                                        drop_unsupported=form.drop_unsupported,
                                        attachments=form.attachments)
        if (definition.form_id, definition.version) != (form.form_id, form.version):
            raise ProjectImportError(f"{where}: form {form.file_name} does not match its listing")
        try:
            if formstore.add_form(station.store, definition, form.source, form.file_name):
                added.append(f"{form.form_id} {form.version}")
        except formstore.FormVersionConflict as exc:
            raise ProjectImportError(str(exc)) from None
    try:
        new = projects.add_brand_project(station.store, project.id, project.name,
                                         project.encryption_public, project.station_document())
    except ValueError as exc:
        raise ProjectImportError(str(exc)) from None
    if key is not None:
        keyring.add_key(station.home, keys, projects.pseudonym_key_name(project.id), key)
    has_key = projects.pseudonym_key(keys.extra, project.id) is not None
    return ImportResult(project, new, added, has_key)
