"""``amplify central publish``: the SQLite file analysts open in Datasette.

It holds only what the disclosure rules allow — counts per factory, round, form,
question and answer from closed rounds, with every hidden count stored as NULL and the
reason beside it — and a ``_disclosure`` table that states the thresholds and how many
counts were hidden and why. ``central.db`` (record-level) stays with the steward.

Tables:

* ``_disclosure`` (name, value, meaning): thresholds, rules, hidden-cell tallies;
* ``factories`` (id, name, country, os_id): factories with at least one released round;
* ``rounds`` (id, project_id, factory_id, form_id, period, source, respondents, note);
* ``figures`` (round_id → rounds, question, question_label, answer, answer_label, count,
  out_of, note, kind): ``out_of`` is the group the count is out of (everyone in the round for
  counts, with "not answered or not asked" as an answer of its own; those who answered for a
  stated position);
* ``pooled_figures`` (project_id, form_id, period, question, answer, count, out_of,
  note): representatives without consent to share, across factories;
* ``repeats`` (form_id, repeat, label, parent, questions, note): the repeats of the forms
  of released rounds and what of them is published. Figures count respondents, never
  instances (see ``disclosure``): a choice question inside a repeat is in ``figures`` as
  how many respondents gave each answer in at least one instance (its label starts with
  the repeat's); the instances themselves stay in ``central.db`` (``repeat_answers``).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlite_utils

from xlsform.model import label_in

from . import dataset, disclosure, rounds
from .disclosure import Figure


@dataclass
class Published:
    path: Path
    rounds: int
    figures: int
    hidden: Counter


def _figure_rows(figure: Figure, key: dict[str, str]) -> list[dict]:
    rows = []
    for (name, label), cell in zip(figure.answers, figure.cells, strict=True):
        rows.append({**key, "question": figure.question, "question_label": figure.label,
                     "answer": name, "answer_label": label, "count": cell.value,
                     "out_of": figure.total.value,
                     "note": cell.why or figure.note, "kind": figure.kind})
    return rows


def _tally(rows: list[dict], hidden: Counter) -> None:
    for row in rows:
        if row["count"] is None:
            hidden[row["note"]] += 1


def publish(home: Path, out: Path) -> Published:
    """Write the disclosure-controlled file to ``out`` (atomically: a temp file, then rename).

    Figures are the ones frozen when each round was closed (``disclosure.released``): the
    same cells hidden here as on every page.
    """
    hidden: Counter = Counter()
    figures: list[dict] = []
    round_rows: list[dict] = []
    pooled: list[dict] = []
    factories: dict[str, dict] = {}
    with dataset.reading(home) as conn:
        released = [i for i in rounds.list_rounds(conn) if i.closed]
        thresholds = {pid: disclosure.thresholds(conn, pid)
                      for pid in {i.project_id for i in released}}
        for item in released:
            size = disclosure.respondents(item.respondents, thresholds[item.project_id].k_brand)
            round_rows.append({"id": item.id, "project_id": item.project_id,
                               "factory_id": item.factory_id, "form_id": item.form_id,
                               "period": item.period, "source": disclosure.source_of(item.form_id),
                               "respondents": size.value, "note": size.why})
            factories[item.factory_id] = {"id": item.factory_id, "name": item.factory_name,
                                          "country": item.country}
        for entry in disclosure.released(conn):
            if entry.factory_id:
                key = {"round_id": rounds.round_id(entry.project_id, entry.factory_id,
                                                   entry.form_id, entry.period)}
                figures += _figure_rows(entry.figure, key)
            else:
                pooled += _figure_rows(entry.figure, {"project_id": entry.project_id,
                                                      "form_id": entry.form_id,
                                                      "period": entry.period})
        os_ids = dict(conn.execute("SELECT id, os_id FROM factories").fetchall())
        repeat_rows = _repeat_rows(conn, sorted({i.form_id for i in released}))
    for factory in factories.values():
        factory["os_id"] = os_ids.get(factory["id"])
    _tally(figures, hidden)
    _tally(pooled, hidden)
    _write(out, thresholds, hidden, list(factories.values()), round_rows, figures, pooled,
           repeat_rows)
    return Published(out, len(round_rows), len(figures) + len(pooled), hidden)


def _repeat_rows(conn: sqlite3.Connection, form_ids: list[str]) -> list[dict]:
    rows = []
    for form_id in form_ids:
        form = disclosure.latest_form(conn, form_id)
        for name, repeat in form.repeats.items():
            rows.append({"form_id": form_id, "repeat": name,
                         "label": label_in(repeat.label, "en") or name,
                         "parent": repeat.parent, "questions": len(repeat.question_names),
                         "note": REPEAT_NOTE})
    return rows


REPEAT_NOTE = ("instances are not published: choice questions inside count respondents who "
               "gave each answer in at least one instance")


def _write(out: Path, thresholds: dict[str, disclosure.Thresholds], hidden: Counter,
           factories: list[dict], round_rows: list[dict], figures: list[dict],
           pooled: list[dict], repeat_rows: list[dict]) -> None:
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        db = sqlite_utils.Database(tmp)
        db["_disclosure"].insert_all(_disclosure_rows(thresholds, hidden), pk="name")
        db["factories"].insert_all(factories, pk="id",
                                   columns={"id": str, "name": str, "country": str, "os_id": str})
        db["rounds"].insert_all(round_rows, pk="id", foreign_keys=[("factory_id", "factories")],
                                columns={"respondents": int, "note": str})
        db["figures"].insert_all(figures, foreign_keys=[("round_id", "rounds")],
                                 columns=_FIGURE_COLUMNS | {"round_id": str})
        db["pooled_figures"].insert_all(pooled, columns=_FIGURE_COLUMNS | {
            "project_id": str, "form_id": str, "period": str})
        db["repeats"].create({"form_id": str, "repeat": str, "label": str, "parent": str,
                              "questions": int, "note": str}, pk=("form_id", "repeat"))
        db["repeats"].insert_all(repeat_rows)
        db.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


_FIGURE_COLUMNS = {"question": str, "question_label": str, "answer": str, "answer_label": str,
                   "count": int, "out_of": int, "note": str, "kind": str}


def _disclosure_rows(thresholds: dict[str, disclosure.Thresholds],
                     hidden: Counter) -> list[dict]:
    rows = [{"name": "generated_day", "value": date.today().isoformat(),
             "meaning": "the day this file was written"},
            {"name": "released", "value": "closed rounds only",
             "meaning": "figures of open rounds are never published"},
            {"name": "rules", "value": "primary and complementary suppression",
             "meaning": "a count below k is NULL, and so is any count that would let it be "
                        "worked out from totals or other counts; management answers are "
                        "stated positions and representatives with consent are shown by role"},
            {"name": "repeats", "value": "counted by respondent",
             "meaning": "every count here is of respondents, never of repeat instances "
                        "(household members, incidents...): a choice question inside a "
                        "repeat counts the respondents who gave each answer in at least one "
                        "instance, each answer its own table; table repeats lists them"}]
    for project_id, limits in sorted(thresholds.items()):
        rows.append({"name": f"k_brand:{project_id}", "value": str(limits.k_brand),
                     "meaning": "fewest respondents behind any published count"})
    for reason, count in sorted(hidden.items()):
        rows.append({"name": f"hidden:{reason}", "value": str(count),
                     "meaning": "published counts left NULL for this reason"})
    return rows
