"""The `amplify` command line, run as a new user would: real processes, real homes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO, SHARED_XLSFORMS


def amplify(*args: str, home: Path, passphrase: str | None = PASSPHRASE, **env: str):
    environ = {k: v for k, v in os.environ.items() if k != "AMPLIFY_PASSPHRASE"}
    environ.update(AMPLIFY_HOME=str(home), **env)
    if passphrase is not None:
        environ["AMPLIFY_PASSPHRASE"] = passphrase
    return subprocess.run([sys.executable, "-m", "survey_app.cli", *args], capture_output=True,
                          text=True, env=environ, stdin=subprocess.DEVNULL, timeout=120)


@pytest.fixture
def cli_home(tmp_path: Path) -> Path:
    home = tmp_path / "station"
    result = amplify("init", home=home)
    assert result.returncode == 0, result.stderr
    return home


def test_help_lists_commands_and_every_help_has_an_example():
    result = amplify("--help", home=Path("/nonexistent"))
    assert result.returncode == 0
    for name in ("init", "serve", "forms", "passphrase", "settings"):
        assert name in result.stdout


def test_init_creates_home_with_keys_database_and_builtin_forms(cli_home: Path):
    assert (cli_home / "keys.json").exists() and (cli_home / "amplify.db").exists()
    assert (cli_home / "keys.json").stat().st_mode & 0o077 == 0
    listed = amplify("forms", "list", home=cli_home)
    assert listed.returncode == 0
    for form_id in ("amplify_worker", "amplify_representative", "amplify_management"):
        assert form_id in listed.stdout
    again = amplify("init", home=cli_home)
    assert again.returncode != 0 and "already set up" in again.stderr


def test_wrong_passphrase_gives_clear_message_and_changes_nothing(cli_home: Path):
    before = (cli_home / "keys.json").read_bytes()
    result = amplify("passphrase", home=cli_home, passphrase="not the passphrase",
                     AMPLIFY_NEW_PASSPHRASE="whatever new words 123")
    assert result.returncode != 0 and "wrong passphrase" in result.stderr
    assert (cli_home / "keys.json").read_bytes() == before
    changed = amplify("passphrase", home=cli_home, AMPLIFY_NEW_PASSPHRASE="a new passphrase")
    assert changed.returncode == 0 and (cli_home / "keys.json").read_bytes() != before


def test_forms_add_loads_outside_forms_and_refuses_broken_ones(cli_home: Path):
    if not SHARED_XLSFORMS.exists():
        pytest.skip(f"external XLSForm corpus not found at {SHARED_XLSFORMS}")
    good = SHARED_XLSFORMS / "pyxform_example_xls" / "group.xlsx"
    added = amplify("forms", "add", str(good), home=cli_home)
    assert added.returncode == 0, added.stderr
    db_before = (cli_home / "amplify.db").read_bytes()
    bad = SHARED_XLSFORMS / "pyxform_bug_example_xls" / "duplicate_columns.xlsx"
    refused = amplify("forms", "add", str(bad), home=cli_home)
    assert refused.returncode != 0
    assert "duplicate_columns.xlsx" in refused.stderr and "sheet" in refused.stderr
    assert "row" in refused.stderr or "column" in refused.stderr
    listed = amplify("forms", "list", home=cli_home).stdout
    assert "duplicate_columns" not in listed and len(listed.splitlines()) == 4
    assert (cli_home / "amplify.db").read_bytes() == db_before


def test_forms_add_refuses_a_file_that_is_not_a_form(cli_home: Path, tmp_path: Path):
    junk = tmp_path / "notes.xlsx"
    junk.write_bytes(b"this is not a spreadsheet")
    result = amplify("forms", "add", str(junk), home=cli_home)
    assert result.returncode != 0 and "notes.xlsx" in result.stderr


def test_settings_lists_every_setting_and_refuses_unknown(cli_home: Path):
    listed = amplify("settings", home=cli_home)
    assert "connection_limit" in listed.stdout and "0.0.0.0" in listed.stdout
    assert amplify("settings", "port", "8123", home=cli_home).returncode == 0
    assert "port = 8123" in amplify("settings", "port", home=cli_home).stdout
    bad = amplify("settings", "nonsense", "1", home=cli_home)
    assert bad.returncode != 0 and "unknown setting" in bad.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.parametrize("entry", ["run.py", "amplify serve"])
def test_server_answers_on_its_port_and_prints_url_and_qr(tmp_path: Path, entry: str):
    port = _free_port()
    home = tmp_path / "fresh"
    command = [sys.executable, str(REPO / "run.py")] if entry == "run.py" else \
        [sys.executable, "-m", "survey_app.cli", "serve"]
    env = {**os.environ, "AMPLIFY_HOME": str(home), "AMPLIFY_PORT": str(port)}
    env.pop("AMPLIFY_PASSPHRASE", None)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, stdin=subprocess.DEVNULL, cwd=tmp_path)
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/", process)
        assert status in (200, 302)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/setup", timeout=5) as response:
            page = response.read().decode()
            assert "passphrase" in page.lower()
            assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
            assert response.headers.get("Server") is None, "the server names itself"
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "█" in output or "▀" in output or "▄" in output, "no QR code drawn"


def test_serve_shows_no_screen_to_a_process_that_did_not_unlock_itself(cli_home: Path):
    # AMPLIFY_PASSPHRASE opens the keys in the server, not the screens for any client.
    for passphrase, expected in ((PASSPHRASE, 302), (None, 302)):
        port = _free_port()
        env = {**os.environ, "AMPLIFY_HOME": str(cli_home), "AMPLIFY_PORT": str(port)}
        env.pop("AMPLIFY_PASSPHRASE", None)
        if passphrase:
            env["AMPLIFY_PASSPHRASE"] = passphrase
        process = subprocess.Popen([sys.executable, "-m", "survey_app.cli", "serve", "--no-qr"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, stdin=subprocess.DEVNULL)
        try:
            _wait_for(f"http://127.0.0.1:{port}/", process)
            opener = urllib.request.build_opener(_NoRedirect)
            try:
                status = opener.open(f"http://127.0.0.1:{port}/interviews", timeout=5).status
            except urllib.error.HTTPError as exc:
                status = exc.code
            assert status == expected, (passphrase is not None, status)
        finally:
            process.terminate()
            process.communicate(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_lan_listing_names_every_interface_address():
    from survey_app.network import lan_addresses, station_urls

    urls = station_urls("0.0.0.0", 8080)
    assert urls[0] == "http://127.0.0.1:8080/"
    assert urls[1:] == [f"http://{a}:8080/" for a in lan_addresses()]
    assert station_urls("127.0.0.1", 8080) == ["http://127.0.0.1:8080/"]
