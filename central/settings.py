"""The brand app's settings, declared once as data.

`amplify central settings` lists them; README's table is checked against this tuple;
a brand overrides them in ``C/settings.json`` or with ``AMPLIFY_CENTRAL_<NAME>``.
Secrets are never settings: they are generated into the home on first run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SETTINGS_FILE = "settings.json"
ENV_PREFIX = "AMPLIFY_CENTRAL_"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "Interface to listen on. 0.0.0.0 lets every device on the "
            "networks this computer joins reach the login page and the bundle inbox."),
    Setting("port", 8765, "TCP port of the brand app and its bundle inbox."),
    Setting("threads", 4, "Worker threads of the WSGI server (waitress)."),
    Setting("max_bundle_mb", 512, "Largest bundle accepted over HTTP, in MB (HTTP 413 above)."),
    Setting("idle_minutes", 30, "Sign a brand user out after this many idle minutes."),
    Setting("login_attempts", 5, "Wrong passwords in a row before an account must wait; each "
            "further wrong one doubles the wait (from 30 seconds up to 15 minutes)."),
    Setting("kdf_log2_n", 17, "scrypt cost for the brand passphrase: N = 2**value."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def load_settings(home: Path) -> dict[str, Any]:
    """Defaults, then ``C/settings.json``, then ``AMPLIFY_CENTRAL_<NAME>`` variables."""
    values = {s.name: s.default for s in SETTINGS}
    path = home / SETTINGS_FILE
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        unknown = sorted(set(stored) - set(_BY_NAME))
        if unknown:
            raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}")
        values.update(stored)
    for setting in SETTINGS:
        raw = os.environ.get(ENV_PREFIX + setting.name.upper())
        if raw is not None:
            values[setting.name] = coerce(setting, raw)
    return values


def coerce(setting: Setting, raw: str) -> Any:
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"setting {setting.name} needs a whole number, not {raw!r}") from None
    return raw


def save_setting(home: Path, name: str, raw: str) -> Any:
    """Store one setting in ``C/settings.json``; KeyError for an unknown name."""
    setting = _BY_NAME[name]
    path = home / SETTINGS_FILE
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    stored[name] = coerce(setting, raw)
    path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return stored[name]
