"""`amplify session new/list/close` in real processes against a real home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE


def amplify(*args: str, home: Path, passphrase: str | None = PASSPHRASE):
    environ = {k: v for k, v in os.environ.items() if k != "AMPLIFY_PASSPHRASE"}
    environ["AMPLIFY_HOME"] = str(home)
    if passphrase is not None:
        environ["AMPLIFY_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-c", "from survey_app.cli import main; main()", *args],
        capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=120)


def test_new_list_close(home: Path):
    made = amplify("session", "new", "--form", "amplify_worker", "--supplier", "Golden Thread",
                   "--country", "kh", "--languages", "en,es", "--max-responses", "30",
                   "--expires", "6", "--base-url", "http://10.0.0.1:5000", "--json", home=home)
    assert made.returncode == 0, made.stderr
    data = json.loads(made.stdout)
    assert data["url"].startswith("http://10.0.0.1:5000/f/")
    token = data["url"].rsplit("/", 1)[1]
    assert "Golden" not in data["url"] and "worker" not in token
    assert data["languages"] == ["en", "es"] and data["max_responses"] == 30

    text = amplify("session", "new", "--form", "amplify_worker", "--supplier", "Other",
                   home=home)
    assert text.returncode == 0, text.stderr
    assert "/f/" in text.stdout and "█" in text.stdout  # URL and a terminal QR

    listed = amplify("session", "list", "--json", home=home, passphrase=None)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert {r["id"] for r in rows} >= {data["id"]}
    assert all(set(r) >= {"started", "completed", "status"} for r in rows)
    assert "Golden" not in listed.stdout

    closed = amplify("session", "close", data["id"], home=home, passphrase=None)
    assert closed.returncode == 0, closed.stderr
    listed = json.loads(amplify("session", "list", "--json", home=home).stdout)
    assert next(r for r in listed if r["id"] == data["id"])["status"] == "closed"
    plain = amplify("session", "list", home=home)
    assert data["id"] in plain.stdout and "closed" in plain.stdout


def test_errors_are_clear(home: Path):
    wrong = amplify("session", "new", "--form", "nope", "--supplier", "A", home=home)
    assert wrong.returncode != 0 and "no form 'nope'" in wrong.stderr
    language = amplify("session", "new", "--form", "amplify_worker", "--supplier", "A",
                       "--languages", "en,xx", home=home)
    assert language.returncode != 0 and "has no xx" in language.stderr
    country = amplify("session", "new", "--form", "amplify_worker", "--supplier", "A",
                      "--country", "Cambodia", home=home)
    assert country.returncode != 0 and "country" in country.stderr
    passphrase = amplify("session", "new", "--form", "amplify_worker", "--supplier", "A",
                         home=home, passphrase="wrong passphrase here")
    assert passphrase.returncode != 0
    missing = amplify("session", "close", "0" * 32, home=home)
    assert missing.returncode != 0 and "session list" in missing.stderr
    helped = amplify("session", "new", "--help", home=home)
    assert "Example:" in helped.stdout
