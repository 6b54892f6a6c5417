"""Power loss, simulated: copies of the database files taken at random moments under load.

Writer threads commit drafts through the station's own group-committing writer
(``synchronous=FULL``, WAL) and note each one once ``store.write`` has returned, i.e.
once the station would have acknowledged it; now and then they checkpoint, as sealing
and locking do. Meanwhile the test copies ``amplify.db`` and then ``amplify.db-wal`` (no
``-shm``: like after a power cut, SQLite rebuilds it). Each copy, opened, must pass
``PRAGMA integrity_check`` and hold every draft acknowledged before the copy began,
readable with the records key.

A copy of two files is not one instant, as a power cut is: during each copy the test
holds a read transaction, which keeps SQLite from restarting the WAL between the two
copies. Commits and checkpoints keep running while the files are copied, so a copy
can end in the middle of a commit's frames or a checkpoint's pages.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import threading
import time
from pathlib import Path

from survey_app.station import Station
from survey_app.store import Store, records
from survey_app.store.records import RecordMeta

from .conftest import PASSPHRASE

WRITERS = 3
COPIES = 12


def new_meta(project_id: str) -> RecordMeta:
    return RecordMeta(id=records.new_record_id(), form_id="f", form_version="1",
                      project_id=project_id, mode="interview", language="en", status="draft",
                      supplier_id=None, session_id=None, day="", seq=0, revision=1)


class Load:
    """Writer threads committing drafts; ``acknowledged`` grows after each durable commit."""

    def __init__(self, station: Station) -> None:
        self.station, self.acknowledged = station, []
        self.project = next(station.store.read()["projects"].rows)["id"]
        self.key = station.keys().records
        self.stop, self.lock = threading.Event(), threading.Lock()
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(WRITERS)]

    def write(self, number: int) -> None:
        rng, done = random.Random(number), 0
        while not self.stop.is_set():
            meta = records.create_draft(self.station.store, self.key, new_meta(self.project),
                                        {"note": rng.randbytes(700).hex(), "n": done})
            with self.lock:
                self.acknowledged.append(meta.id)
            done += 1
            if done % 40 == number:
                self.station.store.checkpoint()

    def snapshot(self) -> list[str]:
        with self.lock:
            return list(self.acknowledged)


def copy_database(home: Path, target: Path) -> None:
    target.mkdir()
    holder = sqlite3.connect(home / "amplify.db", isolation_level=None)
    try:
        holder.execute("BEGIN")
        holder.execute("SELECT count(*) FROM records").fetchone()
        shutil.copyfile(home / "amplify.db", target / "amplify.db")
        wal = home / "amplify.db-wal"
        if wal.exists():
            shutil.copyfile(wal, target / "amplify.db-wal")
        holder.execute("ROLLBACK")
    finally:
        holder.close()


def check_copy(copy: Path, expected: list[str], key: bytes) -> None:
    conn = sqlite3.connect(copy / "amplify.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", copy
        found = {row[0] for row in conn.execute("SELECT id FROM records")}
    finally:
        conn.close()
    missing = [record_id for record_id in expected if record_id not in found]
    assert not missing, f"{copy.name}: {len(missing)} acknowledged drafts lost"
    if expected:
        store = Store(copy / "amplify.db")
        try:
            _meta, answers = records.load_draft(store, key, expected[-1])
            assert len(answers["note"]) == 1400
        finally:
            store.close()


def test_copies_taken_under_load_keep_every_acknowledged_draft(home: Path, tmp_path: Path):
    station = Station(home)
    station.unlock(PASSPHRASE)
    load, copies = Load(station), []
    rng = random.Random()
    try:
        for thread in load.threads:
            thread.start()
        for number in range(COPIES):
            time.sleep(rng.uniform(0.01, 0.15))
            before = load.snapshot()
            copy = tmp_path / f"copy{number}"
            copy_database(home, copy)
            copies.append((copy, before))
    finally:
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=30)
        key = station.keys().records
        station.close()
    assert len(load.acknowledged) > 100, "the load was too light to mean anything"
    assert sum(1 for _copy, before in copies if before) >= COPIES - 1
    for copy, before in copies:
        check_copy(copy, before, key)
