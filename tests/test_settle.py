"""A station served with serve_wsgi is settled before its first request: templates
compiled, catalogs read, and what start built frozen out of the garbage collector's way
(a full collection over it cost 40-70 ms of one phone request)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

SERVE_AND_REPORT = """
import gc, json, socket, sys, threading, time, urllib.request
from pathlib import Path
from survey_app import create_app
from survey_app.server import serve_wsgi

app = create_app(Path(sys.argv[1]))
before = len(gc.get_objects())
with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
threading.Thread(target=serve_wsgi, args=(app, "127.0.0.1", port),
                 kwargs={"threads": 2, "connection_limit": 10}, daemon=True).start()
for _ in range(200):
    try:
        status = urllib.request.urlopen(f"http://127.0.0.1:{port}/f/bye", timeout=5).status
        break
    except OSError:
        time.sleep(0.05)
babel = app.extensions["babel"].instance.domain_instance
print(json.dumps({
    "status": status, "before": before, "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "templates": sorted(key[1] for key in app.jinja_env.cache.keys()),
    "catalogs": sorted(locale for locale, _domain in babel.cache)}))
"""


def test_a_served_station_is_settled_before_its_first_request(home: Path):
    done = subprocess.run([sys.executable, "-c", SERVE_AND_REPORT, str(home)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["status"] == 200
    # What start built is frozen; the collector tracks only what came after it.
    assert report["frozen"] > report["before"] / 2
    assert report["tracked"] < report["before"] / 10
    # Every phone page is compiled before a phone asks, every language's catalog read.
    for name in ("collect/start.html", "collect/page.html", "collect/done.html",
                 "collect/neutral.html"):
        assert name in report["templates"]
    assert {"en", "km", "my", "ar"} <= set(report["catalogs"])
