"""The brand's commands on real homes: users, rounds, publish for Datasette, serve, merges.

Also: the brand package imports without the station, merges wait for each other across
processes, and readers are not held up by a long merge.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central import access, admin, dataset, disclosure, keys, rounds
from central.mergelock import merge_lock
from sync.projectfile import parse
from sync.stationid import StationIdentity

from . import synthetic
from .central_kit import ROUND, K, build
from .sync_kit import BRAND_PASSPHRASE, FORMS, central, env


@pytest.fixture(scope="module")
def brand(tmp_path_factory):
    return build(tmp_path_factory.mktemp("brand_cli"))


def run_central(*args, password: str | None = None, check: bool = False):
    extra = {"AMPLIFY_USER_PASSWORD": password} if password else {}
    return subprocess.run([sys.executable, "-m", "survey_app.cli", "central", *map(str, args)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env=env(BRAND_PASSPHRASE, **extra), check=check)


def test_the_brand_package_imports_without_the_station():
    code = ("import pkgutil, importlib, sys, central\n"
            "for m in pkgutil.walk_packages(central.__path__, 'central.'):\n"
            "    importlib.import_module(m.name)\n"
            "central.create_app\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'survey_app')\n"
            "print(len([m for m in sys.modules if m.startswith('central')]), bad)\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[0]) > 15  # it did import the whole brand side


def test_user_commands_and_their_errors(tmp_path):
    home = tmp_path / "c"
    central("init", "--home", home)
    short = run_central("user", "add", "--home", home, "amina", "--role", "steward",
                        password="short")
    assert short.returncode == 1 and "12 characters" in short.stderr
    bad_role = run_central("user", "add", "--home", home, "amina", "--role", "boss",
                           password="a good long password")
    assert bad_role.returncode == 2 and "boss" in bad_role.stderr
    assert run_central("user", "add", "--home", home, "amina", "--role", "steward",
                       password="a good long password").returncode == 0
    twice = run_central("user", "add", "--home", home, "amina", "--role", "viewer",
                        password="a good long password")
    assert twice.returncode == 1 and "exists already" in twice.stderr
    assert "amina" in run_central("user", "list", "--home", home).stdout
    assert run_central("user", "passphrase", "--home", home, "amina",
                       password="another good password").returncode == 0
    assert access.login(home, "amina", "another good password", 5).user is not None
    stored = b"".join(p.read_bytes() for p in home.glob(access.ACCESS_NAME + "*"))
    assert b"another good password" not in stored and b"$argon2id$" in stored
    missing = run_central("user", "remove", "--home", home, "nobody")
    assert missing.returncode == 1 and "no user" in missing.stderr
    assert run_central("user", "remove", "--home", home, "amina").returncode == 0
    assert access.list_users(home) == []


def test_serve_refuses_to_start_without_users(tmp_path):
    home = tmp_path / "c"
    central("init", "--home", home)
    result = run_central("serve", "--home", home, "--port", "0")
    assert result.returncode == 1
    assert "no brand users yet" in result.stderr and "user add" in result.stderr


def test_settings_are_listed_and_stored_and_unknown_ones_refused(tmp_path):
    home = tmp_path / "c"
    central("init", "--home", home)
    listed = run_central("settings", "--home", home).stdout
    assert "idle_minutes = 30" in listed and "login_attempts" in listed
    assert run_central("settings", "--home", home, "idle_minutes", "15").returncode == 0
    assert "idle_minutes = 15" in run_central("settings", "--home", home).stdout
    unknown = run_central("settings", "--home", home, "colour", "red")
    assert unknown.returncode == 1 and "unknown setting 'colour'" in unknown.stderr
    wrong = run_central("settings", "--home", home, "port", "eighty")
    assert wrong.returncode == 1 and "whole number" in wrong.stderr


def test_home_and_dataset_are_owner_only(brand):
    assert stat.S_IMODE(os.stat(brand.home).st_mode) == 0o700
    for name in ("central.db", "access.db", "central_keys.json"):
        assert stat.S_IMODE(os.stat(brand.home / name).st_mode) == 0o600, name


def test_round_commands_list_close_and_refuse_unknown_ids(brand):
    listed = run_central("round", "list", "--home", brand.home).stdout
    assert ROUND in listed and "Under Ltd" in listed
    unknown = run_central("round", "close", "--home", brand.home, "r-000000000000")
    assert unknown.returncode == 1 and "no round" in unknown.stderr
    neither = run_central("round", "close", "--home", brand.home)
    assert neither.returncode == 1 and "--all" in neither.stderr
    closed = run_central("round", "close", "--home", brand.home, "--all")
    assert closed.returncode == 0 and "rounds closed" in closed.stdout
    listed = run_central("round", "list", "--home", brand.home).stdout
    assert "open" not in listed.replace("opens", "")
    assert f"respondents: fewer than {K}" in listed


def test_publish_writes_only_disclosure_controlled_tables_and_datasette_opens_it(brand, tmp_path):
    run_central("round", "close", "--home", brand.home, "--all", check=True)
    out = tmp_path / "figures.db"
    result = run_central("publish", "--home", brand.home, "--out", out)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(out)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"_disclosure", "factories", "rounds", "figures", "pooled_figures",
                      "repeats"}
    small = conn.execute("SELECT count(*) FROM figures WHERE kind = 'counts' AND count > 0 "
                         "AND count < ?", [K]).fetchone()[0]
    assert small == 0
    assert conn.execute("SELECT count(*) FROM figures WHERE count IS NULL").fetchone()[0] > 0
    assert conn.execute("SELECT value FROM _disclosure WHERE name LIKE 'k_brand:%'"
                        ).fetchone()[0] == str(K)
    sizes = [row[0] for row in conn.execute("SELECT respondents FROM rounds")]
    assert None in sizes and not any(v and 0 < v < K for v in sizes)
    conn.close()
    assert any(e["action"] == "export" for e in access.audit_log(brand.home))

    from datasette.app import Datasette

    async def read() -> dict:
        response = await Datasette([str(out)]).client.get(
            "/figures/_disclosure.json?_shape=objects")
        return response.json()

    # In a thread: Playwright's sync API may already run an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        rows = pool.submit(asyncio.run, read()).result()["rows"]
    assert any(row["name"] == "rules" for row in rows)


def test_a_misspelt_bundle_path_is_an_error_not_a_refusal(brand):
    result = run_central("merge", "--home", brand.home, brand.home / "no-such.bundle")
    assert result.returncode == 1 and "no such file" in result.stderr
    refused = sqlite3.connect(brand.home / "refused.db") if (brand.home / "refused.db").exists() \
        else None
    if refused is not None:
        names = [r[0] for r in refused.execute("SELECT file_name FROM refused_bundles")]
        assert "no-such.bundle" not in names


def test_late_records_reopen_a_closed_round(brand):
    run_central("round", "close", "--home", brand.home, "--all", check=True)
    conn = sqlite3.connect(dataset.dataset_path(brand.home))
    conn.execute("UPDATE responses SET revision = revision - 1 WHERE key = (SELECT min(key) "
                 "FROM responses WHERE form_id = 'amplify_worker')")
    conn.commit()
    conn.close()
    # The same bundle again: its record now counts as a newer revision, i.e. late data.
    result = run_central("merge", "--home", brand.home, brand.bundle)
    assert result.returncode == 0, result.stderr
    with dataset.reading(brand.home) as conn:
        reopened = [r for r in rounds.list_rounds(conn) if not r.closed]
    assert len(reopened) == 1 and reopened[0].note.startswith("late records")
    # One changed record since the last release: releasing again would give it away.
    again = run_central("round", "close", "--home", brand.home, "--all")
    assert again.returncode == 0 and f"Still open {reopened[0].id}" in again.stdout
    with dataset.reading(brand.home) as conn:
        still = [r for r in rounds.list_rounds(conn) if not r.closed]
        assert [r.id for r in still] == [reopened[0].id] and still[0].late == 1
        assert not [e for e in disclosure.released(conn, factory_id=still[0].factory_id)
                    if (e.form_id, e.period) == (still[0].form_id, still[0].period)]


def _synthetic_bundle(root, world_home, count: int):
    brand_keys = keys.unlock(world_home, BRAND_PASSPHRASE)
    signing = Ed25519PrivateKey.generate()
    admin.trust_station(world_home, StationIdentity(signing.public_key().public_bytes_raw()))
    project = parse((root / "project.json").read_bytes())
    form = admin.load_form_files([FORMS / "worker.xlsx"])[0][1]
    path = root / f"synthetic-{count}.bundle"
    synthetic.write_bundle(path, brand_public=brand_keys.encryption.public_key()
                           .public_bytes_raw(), signing_key=signing, project_id=project.id,
                           items=synthetic.records_for(form, project.id, count, seed=count))
    return path


def _start_merge(home, bundle) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "survey_app.cli", "central", "merge",
                             "--home", str(home), str(bundle)], env=env(BRAND_PASSPHRASE),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_a_second_merge_waits_for_the_first_across_processes(brand):
    bundle = _synthetic_bundle(brand.world.root, brand.home, 50)
    before = brand.world.count("SELECT count(*) FROM responses")
    with merge_lock(brand.home):  # this process is "the other merge"
        process = _start_merge(brand.home, bundle)
        time.sleep(3)
        assert process.poll() is None, "the merge did not wait for the lock"
        assert brand.world.count("SELECT count(*) FROM responses") == before
    assert process.wait(timeout=120) == 0, process.stderr.read()
    assert brand.world.count("SELECT count(*) FROM responses") == before + 50


def test_readers_go_on_while_a_long_merge_runs(brand):
    bundle = _synthetic_bundle(brand.world.root, brand.home, 30000)
    wal = dataset.dataset_path(brand.home).with_name("central.db-wal")
    start_size = wal.stat().st_size if wal.exists() else 0
    process = _start_merge(brand.home, bundle)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline and \
            (not wal.exists() or wal.stat().st_size < start_size + (4 << 20)):
        time.sleep(0.01)
    assert process.poll() is None, "the merge ended before the reader could try"
    with dataset.reading(brand.home) as conn:
        items = rounds.list_rounds(conn)  # the dashboard's own query, mid-merge
        responses = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    still_merging = process.poll() is None
    assert process.wait(timeout=300) == 0, process.stderr.read()
    assert items and still_merging, "the read waited for the merge to finish"
    assert responses < brand.world.count("SELECT count(*) FROM responses")


def test_a_bundle_too_big_for_the_free_disk_is_not_merged_nor_called_refused(brand, tmp_path):
    huge = tmp_path / "huge.bundle"
    with open(huge, "wb") as handle:
        handle.truncate(8 * 2**40)  # sparse: 8 TiB of size, no blocks
    before = brand.world.digest()
    result = run_central("merge", "--home", brand.home, huge)
    assert result.returncode == 1 and "merging needs about" in result.stderr
    assert brand.world.digest() == before
    if (brand.home / "refused.db").exists():
        names = [r[0] for r in sqlite3.connect(brand.home / "refused.db").execute(
            "SELECT file_name FROM refused_bundles")]
        assert "huge.bundle" not in names


def test_a_bundle_whose_name_is_not_utf8_merges_from_the_command_line(brand, tmp_path):
    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.bundle")
    shutil.copyfile(brand.bundle, odd)
    result = run_central("merge", "--home", brand.home, odd)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "caf\\xe9.bundle" in result.stdout


def test_a_released_round_waits_only_while_fewer_than_k_records_changed():
    first = rounds.Round("p", "P", "f", "F", "BD", "amplify_worker", "2026-Q4", 12, "open",
                         None, None, None)
    assert rounds.too_few_new(first, 5) == 0  # never released: nothing to compare with
    late = replace(first, released_n=10, late=4)
    assert rounds.too_few_new(late, 5) == 4  # 4 changed records would show by subtraction
    assert rounds.too_few_new(replace(late, late=5), 5) == 0
    assert rounds.too_few_new(replace(late, late=0), 5) == 0
