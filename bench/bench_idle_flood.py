"""A real request's latency beside thousands of idle connections, against no flood.

The station's own server (``create_wsgi_server``: poll, idle timeout, connection limit
under the raised open-file limit) on 127.0.0.1 serves ``GET /unlock`` to one client,
first alone, then beside ``--idle`` open sockets that send nothing (someone on the WiFi).
Prints the median latency of each and their ratio. No goal yet: the flood must not stop
the station (tests/test_server_floods.py); this shows what it costs.

    python bench/bench_idle_flood.py [--idle 5000] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")

from survey_app import create_app  # noqa: E402
from survey_app.server import raise_open_file_limit  # noqa: E402
from survey_app.setup import initialise  # noqa: E402
from survey_app.station import Station  # noqa: E402
from tests.conftest import LiveServer  # noqa: E402

PASSPHRASE = "benchmark passphrase 2026"


def median_ms(url: str, requests: int) -> float:
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - own server
            response.read()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def open_idle(port: int, count: int) -> list[socket.socket]:
    return [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if raise_open_file_limit(2 * args.idle + 500) < 2 * args.idle + 500:
        sys.exit(f"the open-file limit does not allow {args.idle} idle sockets here")
    home = Path(tempfile.mkdtemp()) / "home"
    station = Station(home)
    initialise(station, PASSPHRASE)
    station.close()
    app = create_app(home)
    with LiveServer(app, threads=8, connection_limit=args.idle + 500) as live:
        url = live.url + "/unlock"
        alone = median_ms(url, args.requests)
        idle = open_idle(live.server.effective_port, args.idle)
        while len(live.server._map) < args.idle:
            time.sleep(0.05)
        flooded = median_ms(url, args.requests)
        for sock in idle:
            sock.close()
    app.extensions["amplify"].close()
    print(f"median GET /unlock: {alone:.2f} ms alone, {flooded:.2f} ms beside "
          f"{args.idle:,} idle sockets: ratio {flooded / alone:.1f}")


if __name__ == "__main__":
    main()
