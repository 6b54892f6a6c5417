"""The brand app's settings, declared once as data.

`amplify central settings` lists them; README's table is checked against this tuple;
a brand overrides them in ``C/settings.json`` or with ``AMPLIFY_CENTRAL_<NAME>``.
Secrets are never settings: they are generated into the home on first run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync import settings_file
from sync.settings_file import Setting

ENV_PREFIX = "AMPLIFY_CENTRAL_"


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

def load_settings(home: Path) -> dict[str, Any]:
    """Defaults, then ``C/settings.json``, then ``AMPLIFY_CENTRAL_<NAME>`` variables."""
    return settings_file.load(home, SETTINGS, ENV_PREFIX)


def save_setting(home: Path, name: str, raw: str) -> Any:
    """Store one setting in ``C/settings.json``; KeyError for an unknown name."""
    return settings_file.save(home, SETTINGS, name, raw)
