"""The one front door: every figure a brand user sees or exports comes from here.

Pages, exports and the published file call these functions and nothing else that
reads answers (``tests/test_central_door.py`` checks that no other module of the brand
app queries the ``answers`` table, except the merge that writes it). The rules, each
written once, here:

* **Only released rounds.** Figures come from closed rounds only (see ``rounds``).
* **Workers** (and any questionnaire not listed below): every count per factory needs
  ``k`` respondents (the project's ``k_brand``, 5 by default; ``k_sharing`` for files
  shared with other brands), with complementary suppression so that no hidden count can
  be worked out from totals or other cells (``suppression``).
* **Group disclosure.** A group in which every respondent gave the same answer shows
  "all the same" only when the group reaches ``k`` and the question is not marked
  ``sensitive``; for a sensitive question the answers of that group are hidden.
* **Representatives** appear in their factory's figures only when they recorded consent
  to share (``share_consent`` = yes): then their answers are shown by role, as what
  they agreed to share. Those without consent appear only across factories, in groups of
  at least ``k``.
* **Management** answers are the supplier's stated position: shown by role (never a
  name) and not hidden by ``k``, so workers' answers can be set beside them.
* **Record-level data** (one response's answers) is for the steward role only, and each
  access is written to the audit log.
* **Repeats.** Figures count respondents, never instances (household members,
  incidents): a choice question inside a repeat gives, for each answer, how many
  respondents gave it in at least one instance, each answer its own table (chose it, did
  not) under the same ``k`` as a select_multiple. Instance counts, numbers and text inside
  repeats are never figures; they are held in the dataset (``repeat_answers``) and shown
  in record-level data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from xlsform.model import FormDefinition, Question, label_in

from . import access
from .rounds import Round
from .suppression import suppress

WORKERS, REPRESENTATIVES, MANAGEMENT = "workers", "representatives", "management"
SOURCES = (WORKERS, REPRESENTATIVES, MANAGEMENT)
FORM_SOURCES = {"amplify_worker": WORKERS, "amplify_representative": REPRESENTATIVES,
                "amplify_management": MANAGEMENT}
CONSENT_QUESTION, CONSENT_YES = "share_consent", "yes"
SELECTS = frozenset({"select_one", "select_multiple"})

BELOW_K = "fewer than k"
PROTECTS = "hidden to protect another cell"
SAME_SENSITIVE = "hidden: everyone gave the same answer to a sensitive question"
ALL_SAME = "all the same"
STATED = "stated position"
CONSENTED = "shared with consent"


class NotReleased(PermissionError):
    """The round is still open: nothing of it is shown until a steward closes it."""


class NotAllowed(PermissionError):
    """The user's role does not reach record-level data."""


def source_of(form_id: str) -> str:
    return FORM_SOURCES.get(form_id, WORKERS)


@dataclass(frozen=True)
class Shown:
    """One published number: ``value`` is None when hidden, and ``why`` says why."""

    value: int | None
    why: str = ""

    @property
    def hidden(self) -> bool:
        return self.value is None

    def text(self, k: int) -> str:
        if self.value is not None:
            return str(self.value)
        return f"fewer than {k}" if self.why == BELOW_K else "hidden"


def respondents(n: int, k: int) -> Shown:
    """A group's size on its own: shown from ``k`` up (and 0), else "fewer than k"."""
    return Shown(None, BELOW_K) if 0 < n < k else Shown(n)


@dataclass(frozen=True)
class Figure:
    """The answers to one question from one source, as a brand user may see them."""

    question: str
    label: str
    source: str
    kind: str  # "counts" (k applies) or "stated" (by role: management, consenting reps)
    answers: tuple[tuple[str, str], ...]  # (choice name, label)
    cells: tuple[Shown, ...]
    total: Shown
    k: int
    note: str = ""
    multiple: bool = False


def one_way(counts: Sequence[int], k: int, *, sensitive: bool) -> tuple[list[Shown], Shown, str]:
    """Suppress a single group's answer counts (with its total); return cells, total, note."""
    total = sum(counts)
    same = total >= k and any(c == total for c in counts) and len(counts) > 1
    also = [(0, j) for j in range(len(counts))] if same and sensitive else []
    hidden = suppress([list(counts)], k, two_way=False, also_hide=also)
    note = SAME_SENSITIVE if also else (ALL_SAME if same else "")
    cells = [_shown(counts[j], (0, j) in hidden, k, also) for j in range(len(counts))]
    return cells, _shown(total, (0, len(counts)) in hidden, k, []), note


def _shown(value: int, hidden: bool, k: int, forced: Sequence[tuple[int, int]]) -> Shown:
    if not hidden:
        return Shown(value)
    if forced:
        return Shown(None, SAME_SENSITIVE)
    return Shown(None, BELOW_K if 0 < value < k else PROTECTS)


def chose_each(chosen: Sequence[int], n: int, k: int) -> list[Shown]:
    """A select_multiple: each option is its own table (chose it, did not; total n)."""
    shown = []
    for count in chosen:
        hidden = suppress([[count, n - count]], k, two_way=False)
        shown.append(_shown(count, (0, 0) in hidden, k, []))
    return shown


def two_way(counts: Sequence[Sequence[int]], k: int) -> tuple[list[list[Shown]], list[Shown],
                                                              list[Shown], Shown]:
    """Groups × answers with row, column and grand totals (e.g. factories × answers)."""
    hidden = suppress(counts, k)
    rows, columns = len(counts), len(counts[0])
    extended = [list(row) + [sum(row)] for row in counts]
    extended.append([sum(row[j] for row in extended) for j in range(columns + 1)])

    def cell(i: int, j: int) -> Shown:
        return _shown(extended[i][j], (i, j) in hidden, k, [])

    body = [[cell(i, j) for j in range(columns)] for i in range(rows)]
    return (body, [cell(i, columns) for i in range(rows)],
            [cell(rows, j) for j in range(columns)], cell(rows, columns))


# --- reading the dataset (the only place outside the merge that touches ``answers``) ---

@dataclass(frozen=True)
class Thresholds:
    k_brand: int
    k_sharing: int


def thresholds(conn: sqlite3.Connection, project_id: str) -> Thresholds:
    row = conn.execute("SELECT k_brand, k_sharing FROM projects WHERE id = ?",
                       [project_id]).fetchone()
    if row is None:
        raise LookupError(f"no project {project_id!r}")
    return Thresholds(max(int(row[0]), 2), max(int(row[1]), 2))


def brand_k(conn: sqlite3.Connection, items: Iterable[Round]) -> dict[str, int]:
    """``k_brand`` of every project these rounds belong to, one query per project."""
    return {pid: thresholds(conn, pid).k_brand for pid in {item.project_id for item in items}}


@lru_cache(maxsize=64)
def _form(definition: str) -> FormDefinition:
    return FormDefinition.from_json(json.loads(definition))


def latest_form(conn: sqlite3.Connection, form_id: str) -> FormDefinition:
    row = conn.execute("SELECT definition FROM forms WHERE form_id = ? ORDER BY rowid DESC",
                       [form_id]).fetchone()
    if row is None:
        raise LookupError(f"no form {form_id!r}")
    return _form(row[0])


def tabulated(form: FormDefinition) -> list[Question]:
    """The questions figures are made of: choices, never identifying, never free text. A
    question inside a repeat is counted by respondent, never by instance: how many gave each
    answer in at least one instance (each answer its own table, as for a select_multiple)."""
    return [q for q in form.questions.values()
            if q.type in SELECTS and q.sensitivity != "identifying"
            and q.name != CONSENT_QUESTION]


_ROUND_KEYS = """
SELECT r.key FROM responses r JOIN suppliers s ON s.id = r.supplier_id
WHERE r.project_id = ? AND s.factory_id = ? AND r.form_id = ? AND r.period = ?
"""
_CONSENTED = ("AND EXISTS (SELECT 1 FROM answers c WHERE c.response = r.key "
              f"AND c.question = '{CONSENT_QUESTION}' AND c.value = '{CONSENT_YES}')")


def _answers(conn: sqlite3.Connection, keys_sql: str, args: Sequence[object],
             question: Question) -> list[str]:
    """One value per respondent who answered; inside a repeat, every choice the respondent
    gave in any of its instances, space-separated."""
    if question.repeat is not None:
        rows = conn.execute(
            f"SELECT group_concat(i.value, ' ') FROM repeat_answers i WHERE i.repeat = ? AND "
            f"i.question = ? AND i.response IN ({keys_sql}) GROUP BY i.response",
            [question.repeat, question.name, *args]).fetchall()
    else:
        rows = conn.execute(f"SELECT a.value FROM answers a WHERE a.question = ? AND "
                            f"a.response IN ({keys_sql})", [question.name, *args]).fetchall()
    return [str(row[0]) for row in rows if row[0] is not None and row[0] != ""]


def _label(question: Question, form: FormDefinition, lang: str) -> str:
    """The question's label; inside repeats preceded by theirs ("Household member / Job")."""
    label = label_in(question.label, lang) or question.name
    chain = [label_in(form.repeats[name].label, lang) or name
             for name in form.repeat_chain(question.repeat)]
    return " / ".join([*chain, label])


NOT_ANSWERED = ("_not_answered", "not answered or not asked")


def _figure(question: Question, form: FormDefinition, values: list[str], source: str,
            kind: str, k: int, lang: str, group: int) -> Figure:
    """One question's figure for a group of ``group`` respondents, ``values`` of whom answered.

    For counts under k, those who did not answer (or were not asked) are a cell of the table
    like any answer: otherwise "respondents − answered" would be a count nobody checked.
    """
    choices = [(c.name, label_in(c.label, lang) or c.name) for c in form.choices_for(question)]
    # Inside a repeat a respondent may give several answers (one per instance).
    multiple = question.type == "select_multiple" or question.repeat is not None
    chosen = [v.split() for v in values] if multiple else [[v] for v in values]
    counts = [sum(1 for picked in chosen if name in picked) for name, _ in choices]
    label = _label(question, form, lang)
    if kind != "counts":
        note = STATED if source == MANAGEMENT else CONSENTED
        return Figure(question.name, label, source, kind, tuple(choices),
                      tuple(Shown(c) for c in counts), Shown(len(values)), k, note, multiple)
    unanswered = group - len(values)
    if multiple:  # each option: chose it, or not (not answering included), out of the group
        cells, total, note = [*chose_each(counts, group, k), *chose_each([unanswered], group, k)
                              ], respondents(group, k), ""
    else:
        cells, total, note = one_way([*counts, unanswered], k,
                                     sensitive=question.sensitivity == "sensitive")
    if total.hidden:
        cells = [Shown(None, BELOW_K)] * len(cells)
    return Figure(question.name, label, source, kind, (*choices, NOT_ANSWERED), tuple(cells),
                  total, k, note, multiple)


def _group_size(conn: sqlite3.Connection, keys_sql: str, args: Sequence[object]) -> int:
    return conn.execute(f"SELECT count(*) FROM ({keys_sql})", list(args)).fetchone()[0]


def round_figures(conn: sqlite3.Connection, item: Round, *, k: int | None = None,
                  lang: str = "en", questions: Collection[str] | None = None) -> list[Figure]:
    """Every tabulated question of a closed round (or those named in ``questions``), by
    the rules of its source."""
    if not item.closed:
        raise NotReleased(f"round {item.id} is open: close it to release its figures")
    k = k or thresholds(conn, item.project_id).k_brand
    form = latest_form(conn, item.form_id)
    source = source_of(item.form_id)
    args = [item.project_id, item.factory_id, item.form_id, item.period]
    keys_sql, kind = _ROUND_KEYS, "counts"
    if source == MANAGEMENT:
        kind = "stated"
    elif source == REPRESENTATIVES:
        keys_sql, kind = _ROUND_KEYS + _CONSENTED, "stated"
    group = _group_size(conn, keys_sql, args)
    return [_figure(q, form, _answers(conn, keys_sql, args, q), source, kind, k, lang,
                    group)
            for q in tabulated(form) if questions is None or q.name in questions]


_POOLED_KEYS = """
SELECT r.key FROM responses r JOIN suppliers s ON s.id = r.supplier_id
LEFT JOIN rounds x ON x.project_id = r.project_id AND x.factory_id = s.factory_id
     AND x.form_id = r.form_id AND x.period = r.period
WHERE r.project_id = ? AND r.form_id = ? AND r.period = ? AND x.status = 'closed'
AND NOT EXISTS (SELECT 1 FROM answers c WHERE c.response = r.key
     AND c.question = 'share_consent' AND c.value = 'yes')
"""


def pooled_representatives(conn: sqlite3.Connection, project_id: str, form_id: str,
                           period: str, *, k: int | None = None,
                           lang: str = "en") -> list[Figure]:
    """Representatives without consent to share: across all factories of closed rounds."""
    k = k or thresholds(conn, project_id).k_brand
    form = latest_form(conn, form_id)
    args = [project_id, form_id, period]
    group = _group_size(conn, _POOLED_KEYS, args)
    return [_figure(q, form, _answers(conn, _POOLED_KEYS, args, q), REPRESENTATIVES,
                    "counts", k, lang, group) for q in tabulated(form)]


def record_level(conn: sqlite3.Connection, home: Path, user: access.User,
                 response_id: str) -> dict[str, object]:
    """One response's answers, for a steward only; the access is audit-logged first."""
    if not user.may("records"):
        access.audit(home, user.name, "record access refused", response_id)
        raise NotAllowed("only a steward may open record-level data")
    row = conn.execute("SELECT key, form_id, form_version, day, period FROM responses "
                       "WHERE id = ?", [response_id]).fetchone()
    if row is None:
        raise LookupError(f"no response {response_id!r}")
    access.audit(home, user.name, "record access", response_id)
    answers = dict(conn.execute("SELECT question, value FROM answers WHERE response = ? "
                                "ORDER BY question", [row[0]]).fetchall())
    instances = [{"repeat": found[0], "instance": found[1], "question": found[2],
                  "value": found[3]} for found in conn.execute(
        "SELECT repeat, instance, question, value FROM repeat_answers WHERE response = ? "
        "ORDER BY repeat, instance, question", [row[0]])]
    return {"id": response_id, "form_id": row[1], "form_version": row[2], "day": row[3],
            "period": row[4], "answers": answers, "repeat_answers": instances}


# --- released figures: computed once when a round closes, read by every page and export ---

_RELEASED_COLUMNS = ("project_id", "factory_id", "form_id", "period", "source", "kind",
                     "question", "question_label", "position", "answer", "answer_label",
                     "count", "answered", "why", "note", "multiple", "k")


def _store(conn: sqlite3.Connection, figures: list[Figure], key: tuple[str, str, str, str]
           ) -> None:
    rows = []
    for figure in figures:
        for position, ((name, label), cell) in enumerate(
                zip(figure.answers, figure.cells, strict=True)):
            rows.append((*key, figure.source, figure.kind, figure.question, figure.label,
                         position, name, label, cell.value, figure.total.value,
                         cell.why or figure.total.why, figure.note, int(figure.multiple),
                         figure.k))
    conn.execute("DELETE FROM released_figures WHERE project_id = ? AND factory_id = ? AND "
                 "form_id = ? AND period = ?", list(key))
    conn.executemany(f"INSERT INTO released_figures ({', '.join(_RELEASED_COLUMNS)}) VALUES "
                     f"({', '.join('?' * len(_RELEASED_COLUMNS))})", rows)


def release(conn: sqlite3.Connection, item: Round, *, pooled: bool = True) -> None:
    """Freeze a closed round's figures (and, unless ``pooled`` is False, its period's
    pooled representatives: see :func:`release_pooled`)."""
    _store(conn, round_figures(conn, item),
           (item.project_id, item.factory_id, item.form_id, item.period))
    if pooled and source_of(item.form_id) == REPRESENTATIVES:
        release_pooled(conn, item.project_id, item.form_id, item.period)


def release_pooled(conn: sqlite3.Connection, project_id: str, form_id: str,
                   period: str) -> None:
    """Freeze a period's representatives without consent, pooled over its closed rounds."""
    _store(conn, pooled_representatives(conn, project_id, form_id, period),
           (project_id, "", form_id, period))


@dataclass(frozen=True)
class Released:
    """A released figure with where it belongs."""

    project_id: str
    factory_id: str  # "" for representatives pooled across suppliers
    form_id: str
    period: str
    figure: Figure


_LATEST = """(factory_id, form_id, period) IN (SELECT factory_id, form_id, period FROM (
SELECT factory_id, form_id, period, row_number() OVER (PARTITION BY factory_id, form_id
ORDER BY substr(period, 1, 4) DESC, period DESC) AS n FROM rounds WHERE status = 'closed')
WHERE n = 1)"""


def released(conn: sqlite3.Connection, *, factory_id: str | None = None,
             questions: Sequence[str] | None = None, latest: bool = False) -> list[Released]:
    """Released figures, optionally of one factory and some questions, in a stable order;
    ``latest``: only each factory's latest released period of each form (year first)."""
    clauses, args = [_LATEST] if latest else [], []
    if factory_id is not None:
        clauses.append("factory_id = ?")
        args.append(factory_id)
    if questions is not None:
        clauses.append(f"question IN ({', '.join('?' * len(questions))})")
        args.extend(questions)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = conn.execute(f"SELECT {', '.join(_RELEASED_COLUMNS)} FROM released_figures {where} "
                        "ORDER BY project_id, factory_id, form_id, period, question, position",
                        args).fetchall()
    grouped: dict[tuple, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row[:4] + (row[6],), []).append(row)
    return [Released(*key[:4], _figure_from(rows)) for key, rows in grouped.items()]


@lru_cache(maxsize=4096)
def _cell(value: int | None, why: str) -> Shown:
    """One frozen cell; cells are immutable, so equal ones are shared (the supplier list
    reads about 100,000 of them)."""
    return Shown(value, "" if value is not None else why or BELOW_K)


def _figure_from(rows: list[tuple]) -> Figure:
    first = rows[0]
    source, kind, question, label, answered, k = (first[4], first[5], first[6], first[7],
                                                  first[12], first[16])
    cells = tuple(_cell(row[11], row[13]) for row in rows)
    return Figure(question, label, source, kind, tuple((row[9], row[10]) for row in rows),
                  cells, _cell(answered, first[13]), k, first[14], bool(first[15]))


def released_round(conn: sqlite3.Connection, item: Round) -> tuple[list[Figure], list[Figure]]:
    """A closed round's frozen figures, and its period's pooled representatives (if any)."""
    if not item.closed:
        raise NotReleased(f"round {item.id} is open: close it to release its figures")
    own, pooled = [], []
    for entry in released(conn, factory_id=item.factory_id) + released(conn, factory_id=""):
        if (entry.project_id, entry.form_id, entry.period) != \
                (item.project_id, item.form_id, item.period):
            continue
        (own if entry.factory_id else pooled).append(entry.figure)
    order = {name: index for index, name in enumerate(latest_form(conn, item.form_id).questions)}
    return (sorted(own, key=lambda f: order.get(f.question, len(order))),
            sorted(pooled, key=lambda f: order.get(f.question, len(order))))
