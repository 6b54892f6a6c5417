"""The running station: home folder, settings, database, and the lock.

One ``Station`` per process. The web app keeps it in ``app.extensions["amplify"]``;
the CLI opens one per command. Unlocking derives the KEK from the passphrase and
holds the data keys in memory; locking drops them and every seal batch key.
Collection sessions for phones never need these keys (see ``collect``), so locking
the interpreter's screen does not stop workers from answering.

The keys are held once per process, but a web request sees them only when it acts for
a browser that typed the passphrase itself (``acting_for``, set per request by
``survey_app/browser_unlock.py``): any other browser or local process finds the station
locked and must unlock for itself. Only that interpreter's requests count as activity
for the idle lock; phones' do not.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from sync.crypto.seal import BatchSealer
from xlsform.model import FormDefinition

from .home import DB_NAME, ensure_home
from .keys import keyring
from .keys.keyring import UnlockedKeys
from .settings import load_settings
from .store import Store, formstore

log = logging.getLogger(__name__)


# Whom the code now running acts for. Outside a web request (the CLI, background
# threads, tests) it is the process, which unlocked the keys itself.
PROCESS, INTERPRETER, STRANGER, PHONE = "process", "interpreter", "stranger", "phone"
acting_for: ContextVar[str] = ContextVar("amplify_acting_for", default=PROCESS)


class Locked(Exception):
    """The station is locked: the interpreter must unlock it with the passphrase."""


class Station:
    def __init__(self, home: Path) -> None:
        self.home = ensure_home(home)
        self.settings: dict[str, Any] = load_settings(self.home)
        self.store = Store(self.home / DB_NAME)
        self.sealer = BatchSealer(self.settings["seal_batch_records"])
        self._keys: UnlockedKeys | None = None
        self._grants: set[str] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.last_activity = time.monotonic()
        self._forms = lru_cache(maxsize=64)(self._load_form)

    @property
    def initialised(self) -> bool:
        return keyring.exists(self.home)

    @property
    def unlocked(self) -> bool:
        self._expire_if_idle()
        return self._keys is not None and acting_for.get() != STRANGER

    def unlock(self, passphrase: str) -> None:
        """Raise ``keyring.WrongPassphrase`` (and change nothing) on a wrong passphrase."""
        keys = keyring.unlock(self.home, passphrase)
        with self._lock:
            self._keys = keys
            self.touch()

    def admit(self) -> str:
        """A new grant for one browser that just typed the passphrase (see ``admits``)."""
        grant = secrets.token_urlsafe(32)
        with self._lock:
            if self._keys is None:
                raise Locked("the station is locked")
            self._grants.add(grant)
        return grant

    def admits(self, grant: object) -> bool:
        """Whether ``grant`` (from a browser's session) was given since the last lock."""
        return isinstance(grant, str) and grant in self._grants

    def lock(self) -> None:
        with self._lock:
            self._keys = None
            self._grants.clear()
            self.sealer.forget()
        self.store.checkpoint()

    def keys(self) -> UnlockedKeys:
        """The data keys, or ``Locked``. Counts as activity for the idle lock, except for
        a phone's request: workers answering must not keep the interpreter's screens open."""
        if not self.unlocked:
            raise Locked("the station is locked")
        keys = self._keys
        if keys is None:  # locked by another thread a moment ago
            raise Locked("the station is locked")
        if acting_for.get() != PHONE:
            self.touch()
        return keys

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    def watch_idle(self, every_seconds: float = 15) -> threading.Thread:
        """Lock on time even when no request comes to notice the idle interpreter."""
        return self.every(every_seconds, self._expire_if_idle, "amplify-idle-lock")

    def every(self, seconds: float, task: Callable[[], object], name: str) -> threading.Thread:
        """Run ``task`` every ``seconds`` in a background thread until the station closes.

        A failing run is logged (its exception type, never its message: it could quote
        data) and the next one still comes.
        """

        def loop() -> None:
            while not self._closed.wait(seconds):
                try:
                    task()
                except Exception as exc:  # noqa: BLE001 - housekeeping must go on
                    log.warning("%s failed: %s", name, type(exc).__name__)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        return thread

    def _expire_if_idle(self) -> None:
        minutes = self.settings["unlock_idle_minutes"]
        if self._keys is not None and minutes and \
                time.monotonic() - self.last_activity > minutes * 60:
            self.lock()

    def form(self, form_id: str, version: str | None = None) -> FormDefinition:
        """A stored form definition; versions are immutable, so they are cached."""
        if version is None:
            return formstore.get_form(self.store, form_id)
        return self._forms(form_id, version)

    def _load_form(self, form_id: str, version: str) -> FormDefinition:
        return formstore.get_form(self.store, form_id, version)

    def close(self) -> None:
        self._closed.set()
        self.lock()
        self.store.close()
