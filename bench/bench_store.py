"""Records saved per second through the encrypted store, against plain sqlite-utils.

Both sides write the same ~2 KB answer payload to a real SQLite file with the same
pragmas (WAL, synchronous=FULL) and acknowledge only after commit. The plain side
is `table.insert(row)` per record; the store side is `records.create_draft`
(AES-GCM) and `records.finalise` (batch sealing), the latter also with one
identifying answer, which adds a vault row (representative interviews only). Each is run
from one thread and from 8 threads (8 waitress threads is the station's default).

    python bench/bench_store.py [--records N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "14")

import sqlite_utils  # noqa: E402

from survey_app.keys import keyring  # noqa: E402
from survey_app.station import Station  # noqa: E402
from survey_app.store import records  # noqa: E402
from survey_app.store.db import connect  # noqa: E402
from survey_app.store.records import Finalisation, RecordMeta  # noqa: E402

PASSPHRASE = "benchmark passphrase"


def payload() -> dict[str, str]:
    return {f"q{i:02d}": "answer text " * 4 for i in range(40)}  # about 2 KB as JSON


def run_threads(total: int, threads: int, work: Callable[[int], None]) -> float:
    per = total // threads
    barrier = threading.Barrier(threads + 1)

    def loop(offset: int) -> None:
        barrier.wait()
        for i in range(per):
            work(offset * per + i)

    pool = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in pool:
        t.join()
    return per * threads / (time.perf_counter() - start)


def plain_rate(folder: Path, total: int, threads: int) -> float:
    folder.mkdir(exist_ok=True)
    path = folder / f"plain-{threads}.db"
    with connect(path) as conn:
        sqlite_utils.Database(conn)["records"].create(
            {"id": str, "form_id": str, "status": str, "payload": bytes}, pk="id")
    local = threading.local()
    body = records.encode(payload())

    def work(i: int) -> None:
        db = getattr(local, "db", None)
        if db is None:
            db = local.db = sqlite_utils.Database(connect(path))
        db["records"].insert({"id": f"r{i}", "form_id": "f", "status": "draft", "payload": body})

    return run_threads(total, threads, work)


def station_for(folder: Path, name: str) -> tuple[Station, str]:
    from survey_app.setup import initialise

    station = Station(folder / name)
    initialise(station, PASSPHRASE)
    return station, next(station.store.read()["projects"].rows)["id"]


def meta(project: str, i: int) -> RecordMeta:
    return RecordMeta(id=f"r{i}", form_id="f", form_version="1", project_id=project,
                      mode="interview", language="en", status="draft", supplier_id=None,
                      session_id=None, day="", seq=0, revision=1)


def draft_rate(folder: Path, total: int, threads: int) -> float:
    station, project = station_for(folder, f"drafts-{threads}")
    key, answers = station.keys().records, payload()
    try:
        return run_threads(total, threads, lambda i: records.create_draft(
            station.store, key, meta(project, i), answers))
    finally:
        station.close()


def final_rate(folder: Path, total: int, threads: int, with_vault: bool = False) -> float:
    """Finalise: seal to the project key; ``with_vault`` adds an identifying answer."""
    station, project = station_for(folder, f"final-{threads}-{with_vault}")
    public = keyring.local_project_public(station.home)
    vault, answers = station.keys().vault, payload()
    if with_vault:
        answers["name"] = "identifying answer"
    try:
        return run_threads(total, threads, lambda i: records.finalise(
            station.store, station.sealer,
            Finalisation(meta(project, i), answers, frozenset({"name"}), public), vault))
    finally:
        station.close()


def final_with_vault_rate(folder: Path, total: int, threads: int) -> float:
    return final_rate(folder, total, threads, with_vault=True)


MEASURES = (plain_rate, draft_rate, final_rate, final_with_vault_rate)


def median_rates(folder: Path, records: int, threads: int, rounds: int) -> list[float]:
    """Interleave the runs ``rounds`` times (disk timing drifts) and take medians."""
    runs: list[list[float]] = [[] for _ in MEASURES]
    for r in range(rounds):
        for i, measure in enumerate(MEASURES):
            runs[i].append(measure(folder / f"round{r}", records, threads))
    return [statistics.median(rates) for rates in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"records per run: {args.records}; rounds: {args.rounds} (median); "
              f"machine: {os.cpu_count()} cores")
        for threads in (1, 8):
            plain, drafts, final, vaulted = median_rates(folder, args.records, threads,
                                                         args.rounds)
            print(f"{threads} thread(s): plain sqlite-utils insert {plain:8.0f}/s (baseline)")
            for label, rate in (("encrypted drafts", drafts), ("sealed finalise", final),
                                ("finalise + vault", vaulted)):
                print(f"  {label:18} {rate:8.0f}/s  ratio {rate / plain:5.2f}  (goal >= 0.80)")


if __name__ == "__main__":
    main()
