"""Workers' phones: page weight, submissions per second, and time to a usable form on Slow 3G.

(a) bytes: first load of the worker page (language picker HTML with inlined CSS, plus the
    one script) and the heaviest question page, raw and gzip, per built-in form and
    language.
(b) load: completed submissions per second and p50/p99 latency with 32 and 100 concurrent
    clients on 127.0.0.1, against a bare Flask + SQLite POST endpoint (WAL,
    synchronous=NORMAL, one insert per request) served by the same server (waitress,
    8 threads, connection limit 1000) in the same run, alternating, three rounds each
    (median kept). An Amplify submission is the final
    POST of a started response: decrypt the draft, validate, seal to the project key,
    durable group commit (synchronous=FULL), drop the draft, render the thank-you page.
    The station is LOCKED while it runs (workers never need the passphrase). A third
    row, for reference, is the bare endpoint made durable and sealed (AES-GCM, the
    station's group-committing writer) and nothing more: it separates what the
    durability promise costs from what a submission's own work costs.
(c) slow3g: Chromium with DevTools' "Slow 3G" (400 kbit/s, 2 s per request): time from
    navigation to a usable language picker, and from the tap to the first question page.
(d) open: an open-loop room of workers. 300 phones hold a connection; 200 of them answer the
    built-in worker form page by page (picker, start, every page, the final submit), with
    think time between pages, realistic free text (digits, names, Khmer and Bengali) and
    gzip, again and again for the run's length. A request's latency counts from the moment
    the worker meant to send it. The bare endpoint gets the same 200 workers and think
    time in the same run. Goals: p99 <= 100 ms, 0 errors, no request above 5 ms of server
    CPU (each request's own thread CPU, measured in the server, with the part spent in
    garbage collection; the worst is reported, the first walk after start apart),
    >= 50 complete questionnaires per second. Also printed: the cores the load generator,
    the server and waitress's socket loop used, and the load average (a shared machine).
    --threads sets waitress's threads; --unsettled serves without survey_app.settle.

    python bench/bench_phone.py [--part bytes|load|slow3g|open|all] [--quick] [--think S]
        [--threads N] [--unsettled]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")

PASSPHRASE = "benchmark passphrase"
BENCH_FORM_ID = "bench_one_page"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


# --------------------------------------------------------------------------- setup


def bench_form(path: Path) -> Path:
    """A one-page form of ten questions (so one POST is one completed submission)."""
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)"])
    survey.append(["begin group", "page1", "Questions"])
    for i in range(9):
        survey.append(["select_one yn", f"q{i}", f"Question {i}?"])
    survey.append(["text", "comment", "Anything else?"])
    survey.append(["end group", "", ""])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)"])
    for name in ("yes", "no", "dont_know", "prefer_not"):
        choices.append(["yn", name, name.replace("_", " ").capitalize()])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "default_language"])
    settings.append([BENCH_FORM_ID, "1", "English (en)"])
    book.save(path)
    return path


def make_home(root: Path) -> tuple[Path, dict[str, str]]:
    """An initialised home with the bench form; sessions for it and each built-in form."""
    from survey_app import sessions
    from survey_app.setup import initialise
    from survey_app.station import Station
    from survey_app.store import formstore
    from xlsform import load_xlsform

    home = root / "home"
    station = Station(home)
    try:
        initialise(station, PASSPHRASE)
        source = bench_form(root / "bench.xlsx")
        formstore.add_form(station.store, load_xlsform(source), source.read_bytes(), source.name)
        tokens = {}
        for stored in formstore.latest_forms(station.store):
            _session, token = sessions.create_session(
                station, form_id=stored.form_id, supplier={"name": "Bench factory"},
                max_responses=1_000_000, hours=6)
            tokens[stored.form_id] = token
    finally:
        station.close()
    return home, tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(kind: str, target: str, port: int) -> None:
    """Run in a child process: one WSGI app on waitress, as `amplify serve` runs it."""
    from survey_app.server import serve_wsgi

    if kind in ("amplify", "amplify-timed"):
        from survey_app import create_app

        app = create_app(Path(target))  # locked: workers never need the passphrase
        if kind == "amplify-timed":
            app.wsgi_app = ThreadCpu(app.wsgi_app)
    elif kind == "durable":
        app = durable_app(Path(target))
    else:
        app = bare_app(Path(target))
    print("ready", flush=True)
    threads = int(os.environ.get("AMPLIFY_BENCH_THREADS", "8"))  # --threads
    if os.environ.get("AMPLIFY_BENCH_UNSETTLED"):  # --unsettled: as before survey_app.settle
        from survey_app.server import create_wsgi_server

        create_wsgi_server(app, "127.0.0.1", port, threads=threads, connection_limit=1000).run()
        return
    serve_wsgi(app, "127.0.0.1", port, threads=threads, connection_limit=1000)


def bare_app(path: Path):
    """The baseline: Flask, one POST endpoint, one SQLite insert per request."""
    import sqlite3

    from flask import Flask, request

    app = Flask("bare")
    local = threading.local()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS submissions (id INTEGER PRIMARY KEY, body TEXT)")

    def db() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(path, timeout=30)
            local.conn.execute("PRAGMA synchronous=NORMAL")
        return local.conn

    @app.post("/submit")
    def submit():
        conn = db()
        with conn:
            conn.execute("INSERT INTO submissions (body) VALUES (?)",
                         [json.dumps(request.form.to_dict(flat=False))])
        return "<!doctype html><p>Thank you.</p>"

    return app


def durable_app(path: Path):
    """A reference between the two: the bare endpoint plus what durability and sealing
    cost alone. AES-GCM per submission, then the station's own group-committing writer
    (synchronous=FULL). None of a submission's other work: no session, draft,
    validation, anonymising or receipt. How far Amplify falls below this row is the
    price of that work, not of the durability promise.
    """
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from flask import Flask, request

    from survey_app.store.db import connect
    from survey_app.store.writer import Writer

    with connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS submissions (id INTEGER PRIMARY KEY, body BLOB)")
    writer = Writer(lambda: connect(path))
    key = AESGCM(AESGCM.generate_key(bit_length=256))
    app = Flask("durable")

    @app.post("/submit")
    def submit():
        body = json.dumps(request.form.to_dict(flat=False)).encode()
        sealed = key.encrypt(os.urandom(12), body, b"submission")
        writer.submit(lambda db: db.execute("INSERT INTO submissions (body) VALUES (?)",
                                            [sealed]))
        return "<!doctype html><p>Thank you.</p>"

    return app


class ThreadCpu:
    """WSGI middleware (bench only): each request's CPU time on its own thread, and how
    much of it went to garbage collections that thread ran, the worst kept with its kind
    of path; ``GET /__bench_cpu`` answers them as JSON."""

    def __init__(self, app) -> None:
        self.app, self.lock = app, threading.Lock()
        self.samples: list[tuple[float, str, float]] = []
        self.local = threading.local()
        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self.local.gc_began = time.thread_time()
        elif getattr(self.local, "gc_began", None) is not None:
            self.local.gc_spent = getattr(self.local, "gc_spent", 0.0) + \
                time.thread_time() - self.local.gc_began
            self.local.gc_began = None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/__bench_cpu":
            return self._answer(start_response, "reset" in environ.get("QUERY_STRING", ""))
        self.local.gc_spent = 0.0
        began = time.thread_time()
        chunks = list(self.app(environ, start_response))
        spent = (time.thread_time() - began) * 1000
        kind = path.rsplit("/", 1)[-1] if path.count("/") > 2 else "picker"
        with self.lock:
            self.samples.append((spent, kind, self.local.gc_spent * 1000))
        return chunks

    def _answer(self, start_response, reset: bool):
        with self.lock:
            found = sorted(self.samples)
            if reset:
                self.samples = []
        without_gc = sorted(ms - gc_ms for ms, _kind, gc_ms in found)
        body = json.dumps({"count": len(found), "worst": found[-5:],
                           "p99_ms": found[int(len(found) * 0.99) - 1][0] if found else 0,
                           "mean_ms": statistics.fmean(ms for ms, *_ in found) if found else 0,
                           "gc_ms": sum(gc_ms for *_, gc_ms in found),
                           "over_5_ms": sum(ms > 5.0 for ms, *_ in found),
                           "worst_without_gc_ms": without_gc[-1] if found else 0})
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body.encode()]


class Server:
    def __init__(self, kind: str, target: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "AMPLIFY_RATE_LIMIT_PER_MINUTE": "100000000"}
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", kind, str(target), str(self.port)],
            stdout=subprocess.PIPE, env=env, text=True)
        assert self.process.stdout.readline().strip() == "ready"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# --------------------------------------------------------------------------- HTTP


def post(conn: http.client.HTTPConnection, path: str, fields: list[tuple[str, str]],
         gzip_ok: bool = False) -> tuple[int, bytes]:
    body = urllib.parse.urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if gzip_ok:
        headers["Accept-Encoding"] = "gzip"
    conn.request("POST", path, body, headers)
    response = conn.getresponse()
    return response.status, response.read()


def get(port: int, path: str, gzip_ok: bool = False) -> tuple[int, bytes, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data, dict(response.getheaders())


def hidden_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    start = html.index(f'id="{form_id}"')
    end = html.index("</form>", start)
    return HIDDEN.findall(html[start:end])


def answers() -> list[tuple[str, str]]:
    return [(f"q{i}", "yes") for i in range(9)] + [("comment", "fine"), ("~go", "next")]


# --------------------------------------------------------------------------- (a) bytes


def page_bytes(port: int, tokens: dict[str, str]) -> list[dict]:
    """Per form and language: first load and the heaviest question page, raw and gzip."""
    from survey_app.setup import builtin_form_files
    from xlsform import load_xlsform

    _status, script, _h = get(port, "/f/static/collect.js")
    rows = []
    for path in builtin_form_files():
        form = load_xlsform(path)
        token = tokens[form.form_id]
        _status, picker, _h = get(port, f"/f/{token}")
        for lang in form.languages:
            pages = walk_pages(port, token, lang)
            heaviest = max(pages, key=len)
            rows.append({
                "form": form.form_id, "lang": lang,
                "first_raw": len(picker) + len(script),
                "first_gzip": gz(picker) + gz(script),
                "with_first_page_gzip": gz(picker) + gz(script) + gz(pages[0]),
                "heaviest_page_raw": len(heaviest), "heaviest_page_gzip": gz(heaviest),
                "pages": len(pages)})
    return rows


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def walk_pages(port: int, token: str, lang: str) -> list[bytes]:
    """Every question page a worker answering the first choice everywhere sees."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _s, picker, _h = get(port, f"/f/{token}")
    fields = hidden_fields(picker.decode(), "s") + [("lang", lang)]
    status, html = post(conn, f"/f/{token}/start", fields)
    pages = []
    for _ in range(40):
        text = html.decode()
        if 'id="f"' not in text:
            break
        pages.append(html)
        status, html = post(conn, f"/f/{token}/page", first_choices(text))
        assert status in (200, 422), status
    conn.close()
    return pages


def first_choices(html: str) -> list[tuple[str, str]]:
    fields = hidden_fields(html, "f")
    seen: set[str] = set()
    for name, value in re.findall(r'<input type="(?:radio|checkbox)" name="([^"]+)" '
                                  r'value="([^"]*)"(?![^>]*disabled)', html):
        if name not in seen:
            seen.add(name)
            fields.append((name, value))
    for name in re.findall(r'<input id="i-[^"]+" name="([^"]+)" type="number"', html):
        fields.append((name, "2"))
    return fields + [("~go", "next")]


# --------------------------------------------------------------------------- (b) load


def start_responses(port: int, token: str, count: int, clients: int) -> list[list]:
    """Started responses, ready for their final POST (not timed)."""
    results: list[list] = [None] * count  # type: ignore[list-item]

    def work(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for i in range(worker, count, clients):
            _s, picker, _h = get(port, f"/f/{token}")  # a tab per worker, as phones do
            start_fields = hidden_fields(picker.decode(), "s") + [("lang", "en")]
            status, html = post(conn, f"/f/{token}/start", start_fields)
            assert status == 200, status
            results[i] = hidden_fields(html.decode(), "f") + answers()
        conn.close()

    run_clients(clients, work)
    return results


def run_clients(clients: int, work) -> float:
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def load_run(port: int, path: str, bodies: list[list], clients: int, check: bytes,
             server_pid: int | None = None) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def work(worker: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        barrier.wait()
        for i in range(worker, len(bodies), clients):
            began = time.perf_counter()
            try:
                status, body = post(conn, path, bodies[i])
                ok = status == 200 and check in body
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            mine.append(time.perf_counter() - began)
            if not ok:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    cpu_before = cpu_seconds(server_pid)
    elapsed = run_clients(clients, work)
    cpu_after = cpu_seconds(server_pid)
    latencies.sort()
    result = {"clients": clients, "requests": len(bodies), "errors": errors[0],
              "per_second": len(bodies) / elapsed,
              "p50_ms": statistics.median(latencies) * 1000,
              "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000}
    if cpu_before is not None and cpu_after is not None:
        result["server_cpu_ms"] = (cpu_after - cpu_before) / len(bodies) * 1000
    return result


def cpu_seconds(pid: int | None, thread: int | None = None) -> float | None:
    """User + system CPU of a process (or of one of its threads) so far (Linux /proc;
    None elsewhere)."""
    where = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
    try:
        fields = Path(where).read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median_run(runs: list[dict]) -> dict:
    """The run with the median rate (its latencies stay those of one real run)."""
    return sorted(runs, key=lambda run: run["per_second"])[len(runs) // 2]


def load(root: Path, tokens: dict[str, str], per_client: int, rounds: int) -> list[dict]:
    """Alternate bare and Amplify runs ``rounds`` times per client count; keep medians.

    Both servers get a warm-up run first (templates compiled, connections and the
    sealing batch made), so neither side's first requests count against it.
    """
    amplify = Server("amplify", root / "home")
    bare = Server("bare", root / "bare.db")
    durable = Server("durable", root / "durable.db")
    rows = []
    try:
        token = tokens[BENCH_FORM_ID]
        path = f"/f/{token}/page"
        for clients in (32, 100):
            total = clients * per_client
            warm = start_responses(amplify.port, token, clients * 2, min(clients, 32))
            load_run(amplify.port, path, warm, clients, b"data-receipt")
            for reference in (bare, durable):
                load_run(reference.port, "/submit", [answers()] * clients * 2, clients, b"Thank")
            runs: dict[str, list[dict]] = {"bare": [], "durable": [], "amplify": []}
            for _ in range(rounds):
                bodies = start_responses(amplify.port, token, total, min(clients, 32))
                for name, reference in (("bare", bare), ("durable", durable)):
                    runs[name].append(load_run(reference.port, "/submit", [answers()] * total,
                                               clients, b"Thank", reference.process.pid))
                runs["amplify"].append(load_run(amplify.port, path, bodies, clients,
                                                b"data-receipt", amplify.process.pid))
            base, ours, safe = (median_run(runs[n]) for n in ("bare", "amplify", "durable"))
            rows.append({"clients": clients, "bare": base, "durable": safe, "amplify": ours,
                         "throughput_ratio": ours["per_second"] / base["per_second"],
                         "p99_ratio": ours["p99_ms"] / base["p99_ms"],
                         "durable_reference_ratio": safe["per_second"] / base["per_second"]})
    finally:
        for server in (amplify, bare, durable):
            server.stop()
    return rows


def load_verdicts(rows: list[dict]) -> list[str]:
    """Each goal of issue 3 (b), with the figure measured and whether it is met."""
    at32, at100 = rows[0], rows[1]
    held = at100["amplify"]["per_second"] / at32["amplify"]["per_second"]
    errors = sum(row[side]["errors"] for row in rows for side in ("bare", "amplify"))
    goals = [("throughput at 32 clients, Amplify / bare", at32["throughput_ratio"], ">=", 0.75),
             ("p99 at 32 clients, Amplify / bare", at32["p99_ratio"], "<=", 1.5),
             ("Amplify at 100 clients / at 32 clients", held, ">=", 0.8),
             ("errors", float(errors), "<=", 0.0)]
    lines = [f"(reference, not a goal) durable minimal endpoint / bare at 32 clients: "
             f"{at32['durable_reference_ratio']:.2f}"]
    for name, value, sense, goal in goals:
        met = value >= goal if sense == ">=" else value <= goal
        lines.append(f"{name}: {value:.2f} (goal {sense} {goal}) {'met' if met else 'MISSED'}")
    return lines


# --------------------------------------------------------------------------- (c) slow 3G


SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1000 / 8 * 0.8,
           "uploadThroughput": 500 * 1000 / 8 * 0.8}


def slow3g(root: Path, tokens: dict[str, str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    server = Server("amplify", root / "home")
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("AMPLIFY_CHROMIUM", "/usr/bin/chromium"),
                headless=True, args=["--no-sandbox", "--disable-gpu"])
            for form_id in ("amplify_worker", "amplify_representative"):
                rows.append(slow_visit(browser, f"http://127.0.0.1:{server.port}/f/"
                                                f"{tokens[form_id]}", form_id))
            browser.close()
    finally:
        server.stop()
    return rows


def slow_visit(browser, url: str, form_id: str) -> dict:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    began = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("button[name=lang]", state="visible")
    usable = time.perf_counter() - began
    page.wait_for_load_state("load")
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    page.click("button[name=lang]")
    page.wait_for_selector("#f", state="visible")
    first_page = time.perf_counter() - began
    context.close()
    return {"form": form_id, "picker_usable_s": usable, "all_loaded_s": loaded,
            "tap_to_first_page_s": first_page}


# --------------------------------------------------------------------------- (d) open loop


FREE_TEXT = ["since 2019 we meet 3 times a year", "8000 taka a month, 2400 for rent",
             "Supervisor Rahima Begum shouts at the line", "ការប្រជុំ ២ ដង ក្នុងមួយឆ្នាំ",
             "মাসে ৮০০০ টাকা, ২০১৯ থেকে", "call me 01711 483927 after work", "fine",
             "the committee (12 members) met in March 2024", "EMP-20431 was sent home"]


def answer_fields(html: str, turn: int) -> list[tuple[str, str]]:
    """The first choice everywhere, and free text from FREE_TEXT in every text box."""
    fields = first_choices(html)
    names = re.findall(r'<input id="i-[^"]+" name="([^"]+)" type="text"', html)
    names += re.findall(r'<textarea id="i-[^"]+" name="([^"]+)"', html)
    return fields + [(name, FREE_TEXT[(turn + i) % len(FREE_TEXT)])
                     for i, name in enumerate(names)]


class Room:
    """What the workers of one run saw: latencies, errors, completed questionnaires."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.completed = 0

    def record(self, latency: float, ok: bool, done: bool = False) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.errors += not ok
            self.completed += done


def open_worker(port: int, token: str, until: float, think: float, room: Room,
                seed: int) -> None:
    import random

    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    due = time.perf_counter() + rng.uniform(0, think * 4)  # arrivals spread over the start
    turn = 0

    def send(path: str, fields: list[tuple[str, str]] | None) -> tuple[int, str]:
        nonlocal conn, due
        time.sleep(max(0.0, due - time.perf_counter()))
        try:
            if fields is None:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                status, raw = response.status, response.read()
            else:
                status, raw = post(conn, path, fields, gzip_ok=True)
            text = gzip.decompress(raw).decode() if raw[:2] == b"\x1f\x8b" else raw.decode()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, text = 0, ""
        done_at = time.perf_counter()
        room.record(done_at - due, status in (200, 422), "data-receipt" in text)
        due = done_at + rng.uniform(think / 2, think * 1.5)
        return status, text

    while time.perf_counter() < until:
        status, picker = send(f"/f/{token}", None)
        if status != 200:
            continue
        status, html = send(f"/f/{token}/start",
                            hidden_fields(picker, "s") + [("lang", "en")])
        for _ in range(40):
            if status not in (200, 422) or 'id="f"' not in html:
                break
            turn += 1
            status, html = send(f"/f/{token}/page", answer_fields(html, turn))
    conn.close()


def bare_worker(port: int, until: float, think: float, room: Room, seed: int) -> None:
    import random

    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    due = time.perf_counter() + rng.uniform(0, think * 4)
    while time.perf_counter() < until:
        time.sleep(max(0.0, due - time.perf_counter()))
        try:
            status, body = post(conn, "/submit", answers(), gzip_ok=True)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = False
        done_at = time.perf_counter()
        room.record(done_at - due, ok, ok)
        due = done_at + rng.uniform(think / 2, think * 1.5)
    conn.close()


def idle_phones(port: int, token: str, count: int, stop: threading.Event) -> None:
    """Phones that opened the picker and keep their connection, answering nothing."""
    conns = []
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", f"/f/{token}", headers={"Accept-Encoding": "gzip"})
        conn.getresponse().read()
        conns.append(conn)
    stop.wait()
    for conn in conns:
        conn.close()


def summary(room: Room, seconds: float) -> dict:
    found = sorted(room.latencies)
    return {"requests": len(found), "errors": room.errors,
            "p50_ms": statistics.median(found) * 1000 if found else 0.0,
            "p99_ms": found[int(len(found) * 0.99) - 1] * 1000 if found else 0.0,
            "completed_per_s": room.completed / seconds}


def one_side(server: Server, token: str | None, seconds: float, think: float, idle: int,
             active: int) -> dict:
    """One run: ``active`` workers (the worker form, or the bare endpoint when ``token`` is
    None) and ``idle`` phones holding a connection."""
    room, stop = Room(), threading.Event()
    holder = threading.Thread(target=idle_phones, args=(server.port, token, idle, stop))
    if token and idle:
        holder.start()
    until = time.perf_counter() + seconds

    def work(i: int) -> None:
        if token:
            open_worker(server.port, token, until, think, room, i)
        else:
            bare_worker(server.port, until, think, room, i)

    pid = server.process.pid
    client_cpu, server_cpu = time.process_time(), cpu_seconds(pid) or 0.0
    loop_cpu = cpu_seconds(pid, pid) or 0.0  # the main thread: waitress's socket loop
    run_clients(active, work)
    stop.set()
    if holder.is_alive():
        holder.join()
    # Where the two cores went: this load generator's own CPU, the server process's, and
    # of that the part waitress's socket loop took (not the app's threads).
    used = {"client_cores": (time.process_time() - client_cpu) / seconds,
            "server_cores": ((cpu_seconds(pid) or 0.0) - server_cpu) / seconds,
            "loop_cores": ((cpu_seconds(pid, pid) or 0.0) - loop_cpu) / seconds}
    return {**summary(room, seconds), **used}


def open_loop(root: Path, tokens: dict[str, str], seconds: float, think: float,
              phones: int = 300, active: int = 200) -> dict:
    amplify = Server("amplify-timed", root / "home")
    bare = Server("bare", root / "bare.db")
    token = tokens["amplify_worker"]
    try:
        walk_pages(amplify.port, token, "en")  # the first walk after start: forms, batch
        _s, first, _h = get(amplify.port, "/__bench_cpu?reset")
        results = {"first_walk_cpu": json.loads(first),
                   "bare": one_side(bare, None, seconds, think, 0, active),
                   "amplify": one_side(amplify, token, seconds, think, phones - active, active)}
        _s, cpu, _h = get(amplify.port, "/__bench_cpu")
        results["server_cpu"] = json.loads(cpu)
    finally:
        amplify.stop()
        bare.stop()
    return results


def open_verdicts(results: dict) -> list[str]:
    ours, cpu, first = results["amplify"], results["server_cpu"], results["first_walk_cpu"]
    worst_ms, worst_kind, _gc_ms = cpu["worst"][-1] if cpu["worst"] else (0.0, "", 0.0)
    goals = [("p99 per request, ms", ours["p99_ms"], "<=", 100.0),
             ("errors", float(ours["errors"]), "<=", 0.0),
             (f"worst server CPU of one request, ms ({worst_kind})", worst_ms, "<=", 5.0),
             ("complete questionnaires per second", ours["completed_per_s"], ">=", 50.0)]
    lines = [f"server CPU per request: mean {cpu['mean_ms']:.2f} ms, p99 {cpu['p99_ms']:.2f} ms "
             f"over {cpu['count']}, {cpu['over_5_ms']} above 5 ms; garbage collection "
             f"{cpu['gc_ms']:.0f} ms in all; worst "
             f"five (ms, path, of which GC): "
             f"{[(round(ms, 2), kind, round(gc_ms, 2)) for ms, kind, gc_ms in cpu['worst']]}; "
             f"worst without its GC: {cpu['worst_without_gc_ms']:.2f} ms",
             f"(not counted above) the first walk after start, one worker alone: worst "
             f"{[(round(ms, 2), kind, round(gc, 2)) for ms, kind, gc in first['worst'][-2:]]}"]
    for name, value, sense, goal in goals:
        met = value >= goal if sense == ">=" else value <= goal
        lines.append(f"{name}: {value:.2f} (goal {sense} {goal}) {'met' if met else 'MISSED'}")
    return lines


# --------------------------------------------------------------------------- main


def table(rows: list[dict]) -> str:
    if not rows:
        return ""
    keys = list(rows[0])
    lines = [" | ".join(keys), " | ".join("---" for _ in keys)]
    for row in rows:
        lines.append(" | ".join(f"{row[k]:.2f}" if isinstance(row[k], float) else str(row[k])
                                for k in keys))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("bytes", "load", "slow3g", "open", "all"),
                        default="all")
    parser.add_argument("--think", type=float, default=2.0,
                        help="(d) mean think time between a worker's pages, seconds")
    parser.add_argument("--quick", action="store_true", help="fewer submissions per client")
    parser.add_argument("--threads", type=int, default=8,
                        help="waitress threads of every server (the station's default: 8)")
    parser.add_argument("--unsettled", action="store_true",
                        help="serve without survey_app.settle (templates compiled and the "
                             "heap frozen before the first request), to compare")
    parser.add_argument("--serve", nargs=3, metavar=("KIND", "TARGET", "PORT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    os.environ["AMPLIFY_BENCH_THREADS"] = str(args.threads)
    if args.unsettled:
        os.environ["AMPLIFY_BENCH_UNSETTLED"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _home, tokens = make_home(root)
        if args.part in ("bytes", "all"):
            server = Server("amplify", root / "home")
            try:
                print("(a) first load, bytes (goal: <= 30 KB gzip, aim 10 KB)")
                print(table(page_bytes(server.port, tokens)))
            finally:
                server.stop()
        if args.part in ("load", "all"):
            print("\n(b) completed submissions, Amplify vs bare Flask + SQLite")
            rows = load(root, tokens, *((20, 1) if args.quick else (100, 3)))
            for row in rows:
                print(f"{row['clients']} clients: " + json.dumps(
                    {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()
                     if k.endswith("ratio")}))
                print(table([{"side": side, **row[side]}
                             for side in ("bare", "durable", "amplify")]))
            print("\n".join(load_verdicts(rows)))
        if args.part in ("slow3g", "all"):
            print("\n(c) Slow 3G (goal: usable <= 3 s)")
            print(table(slow3g(root, tokens)))
        if args.part in ("open", "all"):
            seconds = 20.0 if args.quick else 60.0
            print(f"\n(d) open loop: 300 phones, 200 answering the worker form, think "
                  f"{args.think} s, {seconds:.0f} s per side, waitress threads "
                  f"{args.threads}; load average before: {os.getloadavg()[0]:.2f}")
            results = open_loop(root, tokens, seconds, args.think)
            print(table([{"side": side, **results[side]} for side in ("bare", "amplify")]))
            print(f"p99 Amplify / bare: "
                  f"{results['amplify']['p99_ms'] / max(results['bare']['p99_ms'], 1e-9):.2f}")
            print("\n".join(open_verdicts(results)))
            print(f"load average after: {os.getloadavg()[0]:.2f} (this run's own threads "
                  f"count in it)")


if __name__ == "__main__":
    main()
