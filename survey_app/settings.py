"""Settings, declared once as data.

Every setting has a name, a default and a help text. `amplify settings` lists them,
the README documents them (tests/test_docs.py fails when one is missing), and a
station overrides them in ``HOME/settings.json`` or with ``AMPLIFY_<NAME>`` in the
environment. Secrets are never settings: they are generated into the home folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync import settings_file
from sync.settings_file import Setting

ENV_PREFIX = "AMPLIFY_"

SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "Interface to listen on. 0.0.0.0 exposes the station to every "
            "device on every network this laptop joins; use the laptop's own WiFi only "
            "(see --lan)."),
    Setting("port", 8080, "TCP port for the web app."),
    Setting("threads", 8, "Worker threads of the WSGI server (waitress). Its default of 4 "
            "collapses at 100 phones on 2 cores."),
    Setting("connection_limit", 10000, "Most open connections the server accepts at once; keep "
            "it far above the number of phones, so idle or slow connections from someone on "
            "the WiFi cannot fill it. Lowered at start to fit the open-file limit."),
    Setting("max_request_kb", 256, "Largest request body accepted, in KiB (HTTP 413 above)."),
    Setting("session_hours", 12, "Default lifetime of a collection session, in hours."),
    Setting("max_responses", 200, "Default cap on completed responses per collection session."),
    Setting("rate_limit_per_minute", 120, "Requests per minute one phone's tab may make before "
            "HTTP 429 (the tab is a random token its first page gets, never an address)."),
    Setting("unfinished_idle_minutes", 45, "Unfinished phone responses untouched for this many "
            "minutes are erased and stop counting as started; a tab holds at most 3 at once."),
    Setting("unlock_idle_minutes", 30, "Lock the interpreter screens after this many idle "
            "minutes (0 = never). Open collection sessions keep accepting answers."),
    Setting("kdf_log2_n", 17, "scrypt cost for new passphrases: N = 2^value (128 MiB at 17). "
            "Stored with the keys, so old homes keep their own."),
    Setting("seal_batch_records", 500, "Finalised records sealed under one batch key before "
            "a fresh ephemeral key is drawn (public-key work once per batch)."),
)

def load_settings(home: Path) -> dict[str, Any]:
    """Defaults, then ``HOME/settings.json``, then ``AMPLIFY_<NAME>`` variables."""
    return settings_file.load(home, SETTINGS, ENV_PREFIX)


def coerce(setting: Setting, raw: str) -> Any:
    """Turn a string from the environment or the CLI into the setting's type."""
    return settings_file.coerce(setting, raw)


def save_setting(home: Path, name: str, raw: str) -> Any:
    """Store one setting in ``HOME/settings.json`` and return its typed value."""
    return settings_file.save(home, SETTINGS, name, raw)
