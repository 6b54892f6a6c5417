"""The home folder: where a station keeps its database, keys, settings and logs.

Resolved from ``--home``, then ``AMPLIFY_HOME``, then a per-user default
(``$XDG_DATA_HOME/amplify`` or ``~/.local/share/amplify``). Everything secret is
generated here on first use with owner-only permissions; nothing secret lives in code.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sync.files import write_private

DB_NAME = "amplify.db"
KEYS_NAME = "keys.json"
SECRET_KEY_NAME = "flask_secret"
LOG_DIR = "logs"


def default_home() -> Path:
    env = os.environ.get("AMPLIFY_HOME")
    if env:
        return Path(env).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "amplify"


def ensure_home(home: Path) -> Path:
    """Create the home folder (owner-only) and its log folder."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / LOG_DIR).mkdir(mode=0o700, exist_ok=True)
    return home


def secret_file(home: Path, name: str, nbytes: int = 32) -> bytes:
    """Return a random secret stored in ``HOME/name``, generating it on first use."""
    path = home / name
    if not path.exists():
        ensure_home(home)
        write_private(path, secrets.token_bytes(nbytes))
    return path.read_bytes()
