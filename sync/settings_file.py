"""Settings declared once as data, for either side: defaults, a JSON file, the environment.

Each app declares a tuple of :class:`Setting` (name, default, help) and reads it with
:func:`load`: the defaults, then ``HOME/settings.json``, then ``<PREFIX><NAME>`` variables
in the environment. :func:`save` stores one value typed like its default. Secrets are never
settings: they are generated into the home folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE_NAME = "settings.json"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


def _by_name(settings: Sequence[Setting]) -> dict[str, Setting]:
    return {s.name: s for s in settings}


def load(home: Path, settings: Sequence[Setting], env_prefix: str) -> dict[str, Any]:
    """Defaults, then ``HOME/settings.json``, then ``<env_prefix><NAME>`` variables."""
    values = {s.name: s.default for s in settings}
    path = home / FILE_NAME
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        unknown = sorted(set(stored) - set(_by_name(settings)))
        if unknown:
            raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}")
        values.update(stored)
    for setting in settings:
        raw = os.environ.get(env_prefix + setting.name.upper())
        if raw is not None:
            values[setting.name] = coerce(setting, raw)
    return values


def coerce(setting: Setting, raw: str) -> Any:
    """Turn a string from the environment or the command line into the setting's type."""
    if isinstance(setting.default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(setting.default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"setting {setting.name} needs a whole number, not {raw!r}") from None
    return raw


def save(home: Path, settings: Sequence[Setting], name: str, raw: str) -> Any:
    """Store one setting in ``HOME/settings.json``; KeyError for an unknown name."""
    setting = _by_name(settings)[name]
    path = home / FILE_NAME
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    stored[name] = coerce(setting, raw)
    path.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return stored[name]
