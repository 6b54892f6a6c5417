"""The brand's home folder: keys, dataset, access database, settings, secrets.

``C/`` is owner-only (0700) and every file in it 0600: ``central.db`` holds every
record that reached the brand, ``access.db`` the users and the audit log,
``central_keys.json`` the brand keys wrapped under the passphrase, ``flask_secret``
the app's session secret. Who should hold the folder: the brand's data steward, on a
machine only they administer (README, "Who holds what").
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.files import write_private

from . import dataset, keys
from .keys import CentralKeys
from .settings import load_settings

SECRET_NAME = "flask_secret"


def default_home() -> Path | None:
    value = os.environ.get("AMPLIFY_CENTRAL_HOME")
    return Path(value).expanduser() if value else None


@dataclass
class CentralHome:
    """One brand home, as the app and the commands use it."""

    path: Path
    keys: CentralKeys | None = None  # unlocked by `serve` so the inbox can merge
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path, central_keys: CentralKeys | None = None) -> CentralHome:
        if not keys.keys_path(path).exists():
            raise keys.NotACentralHome(f"{path} is not a central home: run "
                                       f"`amplify central init --home {path}`")
        os.chmod(path, 0o700)
        dataset.create(path)  # applies pending migrations
        return cls(path, central_keys, load_settings(path))

    def secret(self) -> bytes:
        """The session secret, random, made on first use and kept owner-only."""
        target = self.path / SECRET_NAME
        if not target.exists():
            write_private(target, secrets.token_bytes(32))
        return target.read_bytes()
