"""Shared fixtures: real home folders, a real server on 127.0.0.1, a real browser.

Fixture names follow Flask's tutorial: ``app``, ``client``, ``runner``. Homes are
real folders with real SQLite files and real keys; only the scrypt cost is lowered
(``AMPLIFY_KDF_LOG2_N``) so the suite stays fast. Production homes use the default.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")

from survey_app import create_app  # noqa: E402
from survey_app.station import Station  # noqa: E402

PASSPHRASE = "correct horse battery staple"
REPO = Path(__file__).resolve().parent.parent
SHARED_XLSFORMS = REPO.parent / "shared" / "xlsforms"
CHROMIUM = os.environ.get("AMPLIFY_CHROMIUM", "/usr/bin/chromium")


def initialised_home(path: Path) -> Path:
    """``path`` made a new, initialised station home (keys, local project, built-in forms)."""
    from survey_app.setup import initialise

    station = Station(path)
    try:
        initialise(station, PASSPHRASE)
    finally:
        station.close()
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A new, initialised station home (keys, local project, built-in forms)."""
    return initialised_home(tmp_path / "home")


@pytest.fixture
def app(home: Path):
    app = create_app(home, {"TESTING": True})
    app.extensions["amplify"].unlock(PASSPHRASE)
    yield app
    app.extensions["amplify"].close()


def admit(client, app) -> None:
    """Give a test client the unlock grant a browser gets by typing the passphrase
    (``survey_app.browser_unlock``); the station must be unlocked."""
    from survey_app.browser_unlock import GRANT

    with client.session_transaction() as session:
        session[GRANT] = app.extensions["amplify"].admit()


@pytest.fixture
def client(app):
    """A browser on this laptop that unlocked the station (``app``) itself."""
    client = app.test_client()
    admit(client, app)
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class LiveServer:
    """The station's own waitress server on 127.0.0.1, in a background thread."""

    def __init__(self, app, threads: int = 8, connection_limit: int = 500,
                 **adjustments) -> None:
        from survey_app.server import create_wsgi_server

        self.app = app
        self.server = create_wsgi_server(app, "127.0.0.1", 0, threads=threads,
                                         connection_limit=connection_limit, **adjustments)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # Empty the loop's map and wake it: the loop ends by itself, then sockets close.
        # (Closing sockets under a running select() fails with EBADF in the thread.)
        channels = dict(self.server._map)
        self.server._map.clear()
        self.server.pull_trigger()
        self.thread.join(timeout=10)
        for channel in channels.values():
            channel.close()
        self.server.task_dispatcher.shutdown()


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


def browser_required() -> bool:
    return os.environ.get("AMPLIFY_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Missing browser: skip locally, fail in CI."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if browser_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized browser context (360×740, touch), no storage shared."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()
