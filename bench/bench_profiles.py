"""Supplier profiles benchmark: the supplier list and one profile against a plain GROUP BY.

What it measures, in one run on this machine:

1. a central home with 500 suppliers, 3 rounds (periods) and 200,000 responses (workers,
   representatives, management; the built-in forms), written straight into the home's
   tables with sqlite (fast), then every round closed through ``release.close_rounds`` so
   the figures are frozen through the disclosure door, as a steward's close does;
2. server work for the supplier list and for one supplier's profile: the pages
   ``/suppliers`` and ``/suppliers/<id>`` through Flask's test client when the app has them,
   and the functions ``profiles.supplier_list`` / ``supplier_profile`` always;
3. the baseline, in the same run: a plain ``SELECT count(*) … GROUP BY`` of the same
   figures from the ``answers`` table: for the list, the answers to the questions it reads
   (status constructs and what the red-flag rules use) per supplier and form in the latest
   period; for the profile, one supplier's answers to every construct question in every
   period.

Prints the median of several runs in ms, the ratio to the baseline (goal ≤ 3×) and the
absolute time (goal < 300 ms).

Usage::

    python bench/bench_profiles.py             # 500 suppliers, 200,000 responses
    python bench/bench_profiles.py --quick     # 50 suppliers, 20,000 responses
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")  # key wrapping only; not what we measure

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from central import (  # noqa: E402
    access,
    admin,
    create_app,
    dataset,
    disclosure,
    keys,
    profiles,
    release,
    rounds,
)

PASSPHRASE = "benchmark brand passphrase"
USER_PASSWORD = "benchmark user password"
FORMS = {name: REPO / "forms" / f"{name}.xlsx" for name in ("worker", "representative",
                                                            "management")}
PERIODS = ("2026-Q2", "2026-Q3", "2026-Q4")
REPS, MANAGERS = 7, 1  # per supplier and period; workers make up the rest
COUNTRIES = ("BD", "KH", "MM", "IN", "VN", "ID", "TR", "PK")
RUNS = 7


def build(root: Path, suppliers: int, responses: int, seed: int = 11) -> tuple[Path, str]:
    """A real central home and project; rows written straight into its tables."""
    home = root / "central"
    admin.init_home(home, PASSPHRASE)
    created = admin.create_project(home, keys.unlock(home, PASSPHRASE), "bench",
                                   list(FORMS.values()), project_passphrase="bench-pass")
    project_id = created.project.id
    rng = random.Random(seed)
    conn = dataset.connect(dataset.dataset_path(home))
    try:
        conn.execute("BEGIN IMMEDIATE")
        questions = _construct_questions(conn)
        _write_suppliers(conn, project_id, suppliers)
        _write_responses(conn, project_id, suppliers, responses, questions, rng)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return home, project_id


def _construct_questions(conn) -> dict[str, list[tuple[str, list[str], bool]]]:
    """Per form: (question, choice names, multiple) of every construct question it has."""
    wanted = set(profiles.construct_questions()) | {disclosure.CONSENT_QUESTION}
    out = {}
    for form_id in disclosure.FORM_SOURCES:
        form = disclosure.latest_form(conn, form_id)
        out[form_id] = [(q.name, [c.name for c in form.choices_for(q)],
                         q.type == "select_multiple")
                        for q in form.questions.values()
                        if q.name in wanted and q.type in disclosure.SELECTS]
    return out


def _write_suppliers(conn, project_id: str, count: int) -> None:
    for i in range(count):
        factory, country = f"f-bench{i:06d}", COUNTRIES[i % len(COUNTRIES)]
        os_id = f"{country}2026BENCH{i:05d}" if i % 5 else None
        conn.execute("INSERT INTO factories (id, name, country, os_id, first_day) "
                     "VALUES (?, ?, ?, ?, '2026-04-01')", [factory, f"Supplier {i:03d} Ltd",
                                                           country, os_id])
        conn.execute("INSERT INTO suppliers (id, project_id, name, country, os_id, first_day, "
                     "factory_id) VALUES (?, ?, ?, ?, ?, '2026-04-01', ?)",
                     [f"s-bench{i:06d}", project_id, f"Supplier {i:03d} Ltd", country, os_id,
                      factory])


def _group_sizes(suppliers: int, responses: int, rng: random.Random) -> list[int]:
    """Workers per supplier and period: uneven (some below k), summing to the target."""
    groups = suppliers * len(PERIODS)
    workers = responses - groups * (REPS + MANAGERS)
    sizes = [max(1, int(rng.lognormvariate(0, 0.6) * workers / groups)) for _ in range(groups)]
    for i in range(0, groups, 37):
        sizes[i] = 1 + i % 4  # a few groups under k
    while sum(sizes) != workers:
        i = rng.randrange(groups)
        if sum(sizes) < workers:
            sizes[i] += 1
        elif sizes[i] > 5:
            sizes[i] -= 1
    return sizes


def _write_responses(conn, project_id: str, suppliers: int, responses: int,
                     questions: dict, rng: random.Random) -> None:
    sizes = iter(_group_sizes(suppliers, responses, rng))
    key = 0
    for i in range(suppliers):
        for period in PERIODS:
            plan = (("amplify_worker", next(sizes)), ("amplify_representative", REPS),
                    ("amplify_management", MANAGERS))
            for form_id, n in plan:
                rows, answers = [], []
                for _ in range(n):
                    key += 1
                    rows.append((key, f"rec-{key:08d}", project_id, form_id, "1", "en",
                                 "self", f"s-bench{i:06d}", f"{period[:4]}-06-01", 1,
                                 period))
                    answers += _answers(key, questions[form_id], rng)
                conn.executemany("INSERT INTO responses (key, id, project_id, form_id, "
                                 "form_version, language, mode, supplier_id, day, revision, "
                                 "period) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                conn.executemany("INSERT INTO answers (response, question, value) "
                                 "VALUES (?, ?, ?)", answers)


def _answers(key: int, questions: list, rng: random.Random) -> list[tuple[int, str, str]]:
    out = []
    for name, choices, multiple in questions:
        if name == disclosure.CONSENT_QUESTION:
            out.append((key, name, "yes" if rng.random() < 0.3 else "no"))
        elif multiple:
            out.append((key, name, " ".join(rng.sample(choices, rng.randint(1, 2)))))
        else:  # lean towards the first choices, as real answers do
            out.append((key, name, choices[min(int(rng.expovariate(0.8)), len(choices) - 1)]))
    return out


def close_all(home: Path) -> int:
    with dataset.transaction(home) as conn:
        return len(release.close_rounds(conn, rounds.list_rounds(conn), "bench"))


# ---- baseline and timing --------------------------------------------------------------

_BASELINE = """
SELECT s.factory_id, r.form_id, r.period, a.question, a.value, count(*)
FROM answers a JOIN responses r ON r.key = a.response JOIN suppliers s ON s.id = r.supplier_id
WHERE a.question IN ({marks}) AND {where}
GROUP BY s.factory_id, r.form_id, r.period, a.question, a.value
"""


def baseline_list(conn) -> int:
    questions = profiles.summary_questions()
    sql = _BASELINE.format(marks=", ".join("?" * len(questions)), where="r.period = ?")
    return len(conn.execute(sql, [*questions, PERIODS[-1]]).fetchall())


def baseline_profile(conn, factory_id: str) -> int:
    questions = profiles.construct_questions()
    sql = _BASELINE.format(marks=", ".join("?" * len(questions)), where="s.factory_id = ?")
    return len(conn.execute(sql, [*questions, factory_id]).fetchall())


def median_ms(job: Callable[[], object], runs: int = RUNS) -> float:
    job()  # warm: caches, parsed forms, page templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def signed_in_client(home: Path):
    access.add_user(home, "bench", "analyst", USER_PASSWORD)
    app = create_app(home, {"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/login", data={"name": "bench", "password": USER_PASSWORD})
    return app, client


def has_route(app, path: str) -> bool:
    return any(rule.rule == path for rule in app.url_map.iter_rules())


def get_ok(client, path: str) -> Callable[[], object]:
    def job() -> object:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status_code}")
        return response
    return job


def report(name: str, ms: float, base: float) -> bool:
    ratio = ms / base
    met = ratio <= 3 and ms < 300
    print(f"{name:<34} {ms:8.1f} ms   {ratio:5.2f}× baseline ({base:.1f} ms)   "
          f"{'met' if met else 'MISSED'} (goals ≤ 3×, < 300 ms)")
    return met


def measure(home: Path) -> bool:
    with dataset.reading(home) as conn:
        summaries = profiles.supplier_list(conn)
        busiest = max(summaries, key=lambda s: len(s.periods) * 1000
                      + (s.respondents[disclosure.WORKERS].value or 0)).factory_id
        base_list = median_ms(lambda: baseline_list(conn))
        base_one = median_ms(lambda: baseline_profile(conn, busiest))
        results = [report("supplier_list()", median_ms(lambda: profiles.supplier_list(conn)),
                          base_list),
                   report("supplier_profile()", median_ms(
                       lambda: profiles.supplier_profile(conn, home, busiest)), base_one)]
    app, client = signed_in_client(home)
    for path, name, base in (("/suppliers", "GET /suppliers", base_list),
                             (f"/suppliers/{busiest}", "GET /suppliers/<id>", base_one)):
        rule = re.sub(r"/f-bench\d+$", "/<factory_id>", path)
        if has_route(app, rule):
            results.append(report(name, median_ms(get_ok(client, path)), base))
        else:
            print(f"{name:<34} (no such page in this app: functions timed instead)")
    return all(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 suppliers, 20,000 responses")
    args = parser.parse_args()
    suppliers, responses = (50, 20_000) if args.quick else (500, 200_000)
    with tempfile.TemporaryDirectory(prefix="bench-profiles-") as folder:
        start = time.perf_counter()
        home, _ = build(Path(folder), suppliers, responses)
        built = time.perf_counter()
        closed = close_all(home)
        done = time.perf_counter()
        print(f"dataset: {suppliers} suppliers, {len(PERIODS)} rounds, {responses:,} responses "
              f"written in {built - start:.1f} s; {closed} rounds closed (figures frozen) in "
              f"{done - built:.1f} s")
        met = measure(home)
    print("all goals met" if met else "some goals MISSED")


if __name__ == "__main__":
    main()
