"""First run: create the keyring, the local project and the built-in questionnaires.

Shared by ``amplify init`` and the browser's first-run page, so both make the same home.
"""

from __future__ import annotations

from pathlib import Path

from amplify_resources import FORMS
from sync.crypto.seal import batch_id_for
from xlsform.loader import load_xlsform

from .keys import keyring
from .keys.identity import station_signing_key
from .keys.keyring import UnlockedKeys
from .station import Station
from .store import formstore, projects

BUILTIN_FORMS = FORMS  # forms/ in a checkout, amplify_resources/forms/ in a wheel


def builtin_form_files() -> list[Path]:
    return sorted(p for p in BUILTIN_FORMS.glob("*.xlsx") if not p.name.startswith("~$"))


def initialise(station: Station, passphrase: str) -> UnlockedKeys:
    """Make a new home ready: keys, local project, signing key, built-in forms."""
    keys = keyring.create(station.home, passphrase, station.settings["kdf_log2_n"])
    public = keyring.local_project_public(station.home)
    projects.add_local_project(station.store, "local-" + batch_id_for(public)[:12], public)
    station_signing_key(station.home)
    formstore.add_forms(station.store, [(load_xlsform(path), path.read_bytes(), path.name)
                                        for path in builtin_form_files()])
    station.unlock(passphrase)
    return keys
