"""Stopping ``amplify serve`` with a signal locks the station first, and phones do not
keep an idle interpreter's station unlocked.

A real ``amplify serve`` process: a draft saved twice over HTTP, then SIGINT, SIGTERM or
SIGHUP. Afterwards the WAL is gone or empty and the first version's ciphertext is in no
file of the database; the second version is kept.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from survey_app import sessions

from .conftest import PASSPHRASE
from .interview_client import HttpBrowser, answer, record_id_of, start_interview, unlock
from .test_collect_pages import post_page, walk_to_last


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "AMPLIFY_HOME": str(home), "AMPLIFY_PORT": str(port)}
    env.pop("AMPLIFY_PASSPHRASE", None)
    return subprocess.Popen([sys.executable, "-m", "survey_app.cli", "serve", "--no-qr"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True)


def wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("amplify serve did not listen")


def stored_payload(home: Path, record_id: str) -> bytes:
    conn = sqlite3.connect(f"file:{home / 'amplify.db'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT payload FROM records WHERE id = ?", [record_id]).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_locks_and_leaves_no_earlier_draft_in_the_wal(home: Path, signal_name: str):
    port = free_port()
    process = start_serve(home, port)
    try:
        wait_until_listening(port, process)
        browser = HttpBrowser(f"http://127.0.0.1:{port}")
        unlock(browser, PASSPHRASE)
        record_id = record_id_of(start_interview(browser, "amplify_worker", "Signal Mills").path)
        answer(browser, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
        answer(browser, record_id, "closing", {"change_wish": "first words"}, action="save")
        first = stored_payload(home, record_id)
        answer(browser, record_id, "closing", {"change_wish": "second words"}, action="save")
        second = stored_payload(home, record_id)
        assert first != second
        process.send_signal(getattr(signal, signal_name))
        output = process.communicate(timeout=30)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "Station locked and stopped." in output
    wal = home / "amplify.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    assert first not in (home / "amplify.db").read_bytes()
    assert stored_payload(home, record_id) == second


def test_phone_submissions_do_not_keep_the_station_unlocked(app, client):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(
        station, form_id="amplify_worker", supplier={"name": "Factory A", "country": "KH"},
        scrub_names=["Sokha"])  # the phone's submit reads them: it needs the keys
    idle_since = station.last_activity - 50
    station.last_activity = idle_since
    last = walk_to_last(client, token)
    response, _ = post_page(client, last.get_data(True))
    assert response.status_code == 200 and station.unlocked
    assert station.last_activity == idle_since  # the phone's keys() did not count
    client.get("/interviews")
    assert station.last_activity > idle_since  # the interpreter's request does
