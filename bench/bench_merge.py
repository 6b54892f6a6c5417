"""Merge benchmark: verify → decrypt → parse → upsert, against raw sqlite-utils insert_all.

What it measures, in one run on this machine:

1. merge of N records in B bundles (default 100,000 in 10) into an empty central dataset;
2. sqlite-utils ``insert_all`` of exactly the rows the merge wrote, into the same schema,
   one transaction per bundle: the ratio merge / insert_all (goal ≥ 0.80);
3. re-merge of the same bundles (goal: at least as fast, zero duplicates);
4. a single bundle of M records (default 1,000,000) merged in a child process: peak
   memory (ru_maxrss) against a bundle a tenth of the size (flat = streaming), and peak
   database + journal size on disk against the final size (goal ≤ 1.2×).

Usage::

    python bench/bench_merge.py            # the full run (several minutes)
    python bench/bench_merge.py --quick    # 20,000 records in 10 bundles, 100,000 big
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")  # key wrapping only; not what we measure

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlite_utils  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from central import admin, dataset, keys  # noqa: E402
from central.merge import merge_bundle  # noqa: E402
from sync.stationid import StationIdentity  # noqa: E402
from tests import synthetic  # noqa: E402

PASSPHRASE = "benchmark brand passphrase"
FORM = REPO / "forms" / "worker.xlsx"


class Setup:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "central"
        admin.init_home(self.home, PASSPHRASE)
        self.keys = keys.unlock(self.home, PASSPHRASE)
        created = admin.create_project(self.home, self.keys, "bench", [FORM],
                                       project_passphrase="bench-pass")
        self.project_id = created.project.id
        self.form = admin.load_form_files([FORM])[0][1]
        self.signing = Ed25519PrivateKey.generate()
        admin.trust_station(self.home, StationIdentity(
            self.signing.public_key().public_bytes_raw()))

    def bundle(self, path: Path, count: int, seed: int) -> None:
        synthetic.write_bundle(
            path, brand_public=self.keys.encryption.public_key().public_bytes_raw(),
            signing_key=self.signing, project_id=self.project_id,
            items=synthetic.records_for(self.form, self.project_id, count, seed=seed))


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def merge_all(setup: Setup, bundles: list[Path]) -> float:
    return timed(lambda: [merge_bundle(setup.home, setup.keys, b) for b in bundles])


def insert_all_baseline(setup: Setup, bundles: list[Path], root: Path) -> float:
    """insert_all of the same rows, read back from the merged dataset per bundle."""
    source = sqlite_utils.Database(dataset.dataset_path(setup.home))
    target_home = root / "baseline"
    target_home.mkdir()
    dataset.create(target_home)
    target = sqlite_utils.Database(dataset.connect(dataset.dataset_path(target_home)))
    total = 0.0
    for (bundle_id,) in source.execute("SELECT id FROM bundles ORDER BY rowid").fetchall():
        responses = list(source["responses"].rows_where("bundle_id = ?", [bundle_id]))
        answers = list(source.query(
            "SELECT a.* FROM answers a JOIN responses r ON r.key = a.response "
            "WHERE r.bundle_id = ?", [bundle_id]))

        def insert(responses=responses, answers=answers) -> None:
            with target.atomic():
                target["responses"].insert_all(responses)
                target["answers"].insert_all(answers)

        total += timed(insert)
    source.close()
    target.close()
    return total


def count_rows(setup: Setup) -> tuple[int, int, int]:
    db = sqlite_utils.Database(dataset.dataset_path(setup.home))
    try:
        responses = db.execute("SELECT count(*), count(DISTINCT id) FROM responses").fetchone()
        answers = db.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        db.close()
    return responses[0], responses[1], answers


def disk_size(home: Path) -> int:
    return sum(p.stat().st_size for p in home.glob(f"{dataset.DATASET_NAME}*") if p.exists())


def merge_in_child(setup: Setup, bundle: Path) -> tuple[float, int, int, int]:
    """(seconds, peak RSS bytes of the child, peak db+journal bytes, final db bytes)."""
    peak_disk = [0]
    running = threading.Event()
    running.set()

    def watch() -> None:
        while running.is_set():
            with contextlib.suppress(FileNotFoundError):
                peak_disk[0] = max(peak_disk[0], disk_size(setup.home))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = ("import sys; from pathlib import Path; from central import keys; "
            "from central.merge import merge_bundle; home = Path(sys.argv[1]); "
            "r = merge_bundle(home, keys.unlock(home, sys.argv[3]), Path(sys.argv[2])); "
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
            "print(r.new, hwm.split()[1])")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, str(setup.home), str(bundle),
                             PASSPHRASE], capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - start
    running.clear()
    watcher.join()
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    _new, max_rss_kb = map(int, result.stdout.split())
    return seconds, max_rss_kb * 1024, peak_disk[0], disk_size(setup.home)


def mb(value: float) -> str:
    return f"{value / 1024 / 1024:.1f} MB"


def throughput(args: argparse.Namespace, root: Path) -> None:
    setup = Setup(root / "throughput")
    per_bundle = args.records // args.bundles
    bundles = [root / f"b{i}.bundle" for i in range(args.bundles)]
    generate = timed(lambda: [setup.bundle(b, per_bundle, i + 1) for i, b in enumerate(bundles)])
    size = sum(b.stat().st_size for b in bundles)
    print(f"generated {args.bundles} bundles x {per_bundle} records ({mb(size)}) "
          f"in {generate:.1f} s ({args.records / generate:,.0f} records/s sealed and written)")
    first = merge_all(setup, bundles)
    responses, distinct, answers = count_rows(setup)
    print(f"merge:      {first:7.2f} s  {responses / first:10,.0f} records/s  "
          f"{(responses + answers) / first:12,.0f} rows/s  ({responses} responses, "
          f"{answers} answers)")
    baseline = insert_all_baseline(setup, bundles, root)
    print(f"insert_all: {baseline:7.2f} s  {responses / baseline:10,.0f} records/s  "
          f"{(responses + answers) / baseline:12,.0f} rows/s  (same rows, same schema)")
    again = merge_all(setup, bundles)
    after = count_rows(setup)
    changed = after != (responses, distinct, answers)
    print(f"re-merge:   {again:7.2f} s  {responses / again:10,.0f} records/s  "
          f"duplicates: {after[0] - after[1]}, rows changed: {changed}")
    print(f"RATIO merge / insert_all throughput: {baseline / first:.2f}  (goal >= 0.80)")
    print(f"RATIO re-merge / merge speed:        {first / again:.2f}  (goal >= 1.00)")


def big_bundle(args: argparse.Namespace, root: Path) -> None:
    results = []
    for count in (args.big // 10, args.big):
        setup = Setup(root / f"big{count}")
        bundle = root / f"big-{count}.bundle"
        generate = timed(lambda setup=setup, bundle=bundle, count=count:
                         setup.bundle(bundle, count, 7))
        seconds, rss, peak, final = merge_in_child(setup, bundle)
        results.append((count, rss))
        print(f"{count:>9,} records: bundle {mb(bundle.stat().st_size)} written in "
              f"{generate:.1f} s; merged in {seconds:.1f} s ({count / seconds:,.0f} records/s); "
              f"peak RSS {mb(rss)}; disk peak {mb(peak)} / final {mb(final)} = "
              f"{peak / final:.2f}x")
        bundle.unlink()
        shutil.rmtree(setup.home)
    (small, small_rss), (large, large_rss) = results
    print(f"RATIO peak memory {large:,} / {small:,} records: {large_rss / small_rss:.2f}  "
          f"(flat = streaming; goal: {mb(large_rss)} <= 256 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A smaller run (about a minute).")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--bundles", type=int, default=10)
    parser.add_argument("--big", type=int, default=None)
    args = parser.parse_args()
    args.records = args.records or (20_000 if args.quick else 100_000)
    args.big = args.big or (100_000 if args.quick else 1_000_000)
    version = sqlite_utils.Database(":memory:").execute("select sqlite_version()").fetchone()[0]
    print(f"python {sys.version.split()[0]}, sqlite {version}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="amplify-bench-") as tmp:
        root = Path(tmp)
        throughput(args, root)
        big_bundle(args, root)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"bench process peak RSS: {mb(peak)}")


if __name__ == "__main__":
    main()
