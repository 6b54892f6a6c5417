"""What reading a bundle defensively costs, against baselines measured in the same run.

1. The merge's first read (decrypt, split frames, verify the station's signature; no
   record parsed) against the whole merge of the same bundle: the share of the merge
   it adds (goal <= 0.05). CPU seconds, so other work on the machine matters less.
2. ``FrameReader`` on one 16 MiB frame against the same bytes as 900-byte frames:
   ratio about 1 means a huge frame costs what its bytes cost (linear, not quadratic).

Usage::

    python bench/bench_bundle_read.py [--records 20000]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")  # key wrapping only; not what we measure

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_merge import Setup  # noqa: E402

from central.merge import merge_bundle  # noqa: E402
from sync import bundleread  # noqa: E402
from sync import frames as fr  # noqa: E402
from sync.envelope import decrypt_chunks  # noqa: E402


def cpu(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def first_read(setup: Setup, bundle: Path) -> None:
    with open(bundle, "rb") as handle:
        frames = fr.FrameReader(decrypt_chunks(handle, setup.keys.encryption))
        header = bundleread.parse_header(frames.next()[1])
        bundleread.verify_signed(frames, header.station_public)


def read_all(stream: bytes) -> int:
    chunks = iter([stream[i:i + 65536] for i in range(0, len(stream), 65536)])
    reader, count = fr.FrameReader(chunks), 0
    while reader.next() is not None:
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="amplify-bench-") as tmp:
        setup = Setup(Path(tmp))
        bundle = Path(tmp) / "b.bundle"
        setup.bundle(bundle, args.records, seed=3)
        verify = min(cpu(lambda: first_read(setup, bundle)) for _ in range(3))
        merge = cpu(lambda: merge_bundle(setup.home, setup.keys, bundle))
        size = bundle.stat().st_size / 1024 / 1024
    print(f"{args.records:,} records, {size:.1f} MB: first read {verify:.3f} s CPU, "
          f"whole merge {merge:.3f} s CPU")
    print(f"RATIO first read / whole merge: {verify / merge:.3f}  (goal <= 0.05)")
    payload = 16 * 1024 * 1024 - 5
    big = b"P" + struct.pack(">I", payload) + bytes(payload)
    small = b"".join(b"R" + struct.pack(">I", 895) + bytes(895) for _ in range(len(big) // 900))
    huge = min(cpu(lambda: read_all(big)) for _ in range(3))
    many = min(cpu(lambda: read_all(small)) for _ in range(3))
    print(f"one 16 MiB frame {huge:.3f} s, the same bytes as 900-byte frames {many:.3f} s")
    print(f"RATIO one huge frame / many small: {huge / many:.2f}  (goal <= 1.5: linear)")


if __name__ == "__main__":
    main()
