"""The encrypted store on real SQLite files: drafts, sealing, vault, durability."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from survey_app.keys import keyring
from survey_app.station import Station
from survey_app.store import records, suppliers
from survey_app.store.records import Finalisation, RecordMeta
from sync.crypto import aead

from .conftest import PASSPHRASE


@pytest.fixture
def station(home):
    station = Station(home)
    station.unlock(PASSPHRASE)
    yield station
    station.close()


def _meta(station: Station, mode: str = "interview") -> RecordMeta:
    project = station.store.read()["projects"].rows.__next__()
    return RecordMeta(id=records.new_record_id(), form_id="f", form_version="1",
                      project_id=project["id"], mode=mode, language="en", status="draft",
                      supplier_id=None, session_id=None, day="", seq=0, revision=1)


def test_draft_round_trip_and_ciphertext_bound_to_record(station):
    keys = station.keys()
    meta = records.create_draft(station.store, keys.records, _meta(station), {"q": "first"})
    records.save_draft(station.store, keys.records, meta.id, {"q": "second"})
    loaded_meta, answers = records.load_draft(station.store, keys.records, meta.id)
    assert answers == {"q": "second"} and loaded_meta.status == "draft"
    other = records.create_draft(station.store, keys.records, _meta(station), {"q": "x"})
    db = station.store.read()
    payload = db["records"].get(meta.id)["payload"]
    db.conn.execute("UPDATE records SET payload = ? WHERE id = ?", [payload, other.id])
    with pytest.raises(aead.DecryptionError):
        records.load_draft(station.store, keys.records, other.id)


def test_finalise_splits_identifying_answers_into_the_vault(station):
    keys = station.keys()
    meta = records.create_draft(station.store, keys.records, _meta(station), {})
    public = keyring.local_project_public(station.home)
    item = Finalisation(meta, {"name": "Canary Person", "q": "yes"}, frozenset({"name"}), public)
    records.finalise(station.store, station.sealer, item, keys.vault)
    sealed = records.read_sealed(station.store, keys.local_project_private, meta.id)
    assert sealed["answers"] == {"q": "yes"} and "name" not in sealed["answers"]
    assert records.read_vault(station.store, keys.vault, meta.id) == {"name": "Canary Person"}
    with pytest.raises(records.NotADraft):
        records.load_draft(station.store, keys.records, meta.id)
    with pytest.raises(records.NotADraft):
        records.finalise(station.store, station.sealer, item, keys.vault)


def test_finalise_without_vault_key_refuses_identifying_answers(station):
    meta = _meta(station, mode="self")
    public = keyring.local_project_public(station.home)
    item = Finalisation(meta, {"name": "x"}, frozenset({"name"}), public)
    with pytest.raises(PermissionError):
        records.finalise(station.store, station.sealer, item, None)
    assert station.store.read()["records"].count == 0


def test_supplier_details_encrypted_and_validated(station):
    keys = station.keys()
    with pytest.raises(ValueError, match="country"):
        suppliers.clean_details("Factory", "Cambodia")
    details = suppliers.clean_details(" Canary Garments ", "kh", "kh2020abc")
    supplier_id = suppliers.create_supplier(station.store, keys.records, details)
    assert suppliers.supplier_details(station.store, keys.records, supplier_id)["name"] == \
        "Canary Garments"
    assert b"Canary Garments" not in (station.home / "amplify.db").read_bytes()


def test_failed_job_rolls_back_alone_in_a_group(station):
    keys = station.keys()
    errors: list[BaseException] = []

    def good() -> None:
        records.create_draft(station.store, keys.records, _meta(station), {"q": "ok"})

    def bad() -> None:
        try:
            station.store.write(lambda db: (db["records"].insert({"id": "x"}),
                                            1 / 0))
        except ZeroDivisionError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=f) for f in (good, bad, good, bad, good)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 2
    ids = [r["id"] for r in station.store.read()["records"].rows]
    assert len(ids) == 3 and "x" not in ids


def test_jobs_queued_together_commit_together_and_a_failure_stays_its_own(tmp_path):
    """Hold the leader's lock so five jobs queue into one group: the duplicate key and
    the crash fail alone, on their own callers; the other three commit once."""
    import sqlite3

    from survey_app.store.db import connect
    from survey_app.store.writer import Writer

    path = tmp_path / "group.db"
    with connect(path) as conn:
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    writer = Writer(lambda: connect(path))
    outcomes: list[str] = []

    def submit(key: str) -> None:
        def job(db):
            db.conn.execute("INSERT INTO t VALUES (?)", [key])
            if key == "crash":
                raise ZeroDivisionError
            return key

        try:
            outcomes.append(writer.submit(job))
        except sqlite3.IntegrityError:
            outcomes.append("duplicate")
        except ZeroDivisionError:
            outcomes.append("crashed")

    threads = [threading.Thread(target=submit, args=(k,)) for k in ("a", "b", "a", "crash", "c")]
    with writer._commit_lock:
        for thread in threads:
            thread.start()
        while len(writer._pending) < len(threads):
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=10)
    writer.stop()
    assert sorted(outcomes) == ["a", "b", "c", "crashed", "duplicate"]
    with connect(path) as conn:
        assert sorted(k for (k,) in conn.execute("SELECT k FROM t")) == ["a", "b", "c"]


def test_acknowledged_draft_survives_a_killed_process(home, tmp_path):
    """A child process saves a draft, reports it, and is killed at once (SIGKILL)."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        from survey_app.station import Station
        from survey_app.store import records
        from survey_app.store.records import RecordMeta
        s = Station(__import__("pathlib").Path({str(home)!r}))
        s.unlock({PASSPHRASE!r})
        project = next(s.store.read()["projects"].rows)["id"]
        meta = RecordMeta(id="durable1", form_id="f", form_version="1", project_id=project,
                          mode="interview", language="en", status="draft", supplier_id=None,
                          session_id=None, day="", seq=0, revision=1)
        records.create_draft(s.store, s.keys().records, meta, {{"q": "kept"}})
        print("saved", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ}, timeout=60)
    assert result.stdout.strip() == "saved" and result.returncode == -9
    station = Station(home)
    try:
        station.unlock(PASSPHRASE)
        _, answers = records.load_draft(station.store, station.keys().records, "durable1")
        assert answers == {"q": "kept"}
    finally:
        station.close()


def test_locking_forgets_keys_and_batches(station):
    public = keyring.local_project_public(station.home)
    first = station.sealer.current(public)
    station.lock()
    assert not station.unlocked
    from survey_app.station import Locked

    with pytest.raises(Locked):
        station.keys()
    assert station.sealer.current(public) is not first


def test_idle_station_locks_itself_without_a_request(home):
    station = Station(home)
    try:
        station.settings["unlock_idle_minutes"] = 1
        station.unlock(PASSPHRASE)
        station.last_activity -= 120  # two idle minutes ago
        station.watch_idle(every_seconds=0.05)
        deadline = time.monotonic() + 5
        while station._keys is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert station._keys is None
    finally:
        station.close()


def test_a_failing_background_task_is_logged_without_its_message_and_runs_again(home, caplog):
    station = Station(home)
    runs = []

    def task() -> None:
        runs.append(1)
        raise ValueError("worker typed: my name is Dara")

    try:
        with caplog.at_level("WARNING"):
            station.every(0.02, task, "amplify-test-task")
            deadline = time.monotonic() + 5
            while len(runs) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
    finally:
        station.close()
    assert len(runs) >= 3
    assert "amplify-test-task failed: ValueError" in caplog.text
    assert "Dara" not in caplog.text
