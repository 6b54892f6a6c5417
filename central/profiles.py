"""Supplier FoA profiles: the supplier map and one supplier's picture, from released figures.

Everything here is built from :func:`central.disclosure.released` (figures frozen when a
steward closed each round, already through the disclosure rules) and round sizes through
:func:`central.disclosure.respondents`: this module counts no answer itself.

* :func:`supplier_list` — every supplier with a released round: country, Open Supply Hub
  ID, periods, respondents per source (from ``k`` up), the status of union, worker
  committee, collective agreement and grievance mechanism as each source reports it, and
  the red flags of its latest period.
* :func:`supplier_profile` — one supplier: per shared construct, each source's answers in
  the latest released period; red flags (:mod:`central.redflags`) with the rule, the
  respondents and the action route; a trend per construct across periods; the country
  context; the notes-and-actions log.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from . import country, disclosure, notes, redflags, rounds
from .disclosure import MANAGEMENT, REPRESENTATIVES, WORKERS, Figure, Shown

# The disclosure module's source names and the rules file's, in display order.
SOURCES = ((WORKERS, "worker"), (REPRESENTATIVES, "representative"), (MANAGEMENT, "management"))
SOURCE_LABELS = {WORKERS: "Workers", REPRESENTATIVES: "Representatives",
                 MANAGEMENT: "Management"}
STATUS_CONSTRUCTS = ("union", "committee", "cba", "grievance")
YES = "yes"


@cache
def constructs() -> dict[str, redflags.Construct]:
    return redflags.load_constructs()


@cache
def rules() -> tuple[redflags.Rule, ...]:
    return tuple(redflags.load_rules())


def construct_questions() -> list[str]:
    return sorted({q for c in constructs().values() for q in c.questions.values() if q})


@cache
def summary_questions() -> list[str]:
    """The questions the supplier list needs: status constructs and what the rules read."""
    wanted = set(STATUS_CONSTRUCTS) | {c.construct for rule in rules() for c in rule.clauses}
    return sorted({q for c in wanted for q in constructs()[c].questions.values() if q})


@dataclass(frozen=True)
class Status:
    """What one source reports about one construct, in words, and whether it says yes."""

    text: str
    says_yes: bool | None  # None: not known from what is shown


def status_of(figure: Figure | None) -> Status:
    if figure is None:
        return Status("—", None)
    if figure.total.hidden:
        return Status(f"fewer than {figure.k} answered", None)
    if not figure.total.value:
        return Status("no answer", None)
    shown = {name: cell.value for (name, _), cell in zip(figure.answers, figure.cells,
                                                         strict=True) if cell.value is not None}
    if figure.kind == "stated":
        given = [name for name, value in shown.items() if value]
        return Status(", ".join(given) or "no answer", YES in given if given else None)
    for name, value in shown.items():
        if value * 2 > figure.total.value:  # a shown majority stays a majority
            return Status(f"most: {name}", name == YES)
    return Status("no majority shown", None)


@dataclass
class SupplierSummary:
    factory_id: str
    name: str
    country: str
    os_id: str | None
    periods: list[str]
    latest: str
    respondents: dict[str, Shown]
    status: dict[str, dict[str, Status]]
    flags: list[redflags.Flag]
    k: int

    @property
    def has_union_or_committee(self) -> bool | None:
        """True when some source says yes to either; False when every source that
        answered says no to both; None when nothing shown decides it."""
        said = {s.says_yes for c in ("union", "committee") for s in self.status[c].values()}
        if True in said:
            return True
        return False if False in said else None


@dataclass
class Evidence:
    """One supplier's released figures, by period, form and question."""

    figures: dict[tuple[str, str], dict[str, Figure]] = field(default_factory=dict)

    def add(self, form_id: str, period: str, figure: Figure) -> None:
        self.figures.setdefault((form_id, period), {})[figure.question] = figure

    def periods(self) -> list[str]:
        return sorted({period for _, period in self.figures}, key=_period_key)

    def figure(self, source: str, construct: str, period: str) -> Figure | None:
        question = constructs()[construct].questions.get(dict(SOURCES)[source])
        form_id = {v: k for k, v in disclosure.FORM_SOURCES.items()}[source]
        return self.figures.get((form_id, period), {}).get(question or "")

    def latest_with(self, source: str) -> str | None:
        form_id = {v: k for k, v in disclosure.FORM_SOURCES.items()}[source]
        periods = [p for f, p in self.figures if f == form_id]
        return max(periods, key=_period_key) if periods else None


def _period_key(period: str) -> tuple[str, str]:
    """Sort "2026-Q4" and "2026-11" by year first; within a year as written."""
    return (period[:4], period)


def _evidence_by_factory(conn: sqlite3.Connection, factory_id: str | None = None,
                         questions: list[str] | None = None,
                         latest: bool = False) -> dict[str, Evidence]:
    by_factory: dict[str, Evidence] = defaultdict(Evidence)
    for entry in disclosure.released(conn, factory_id=factory_id, questions=questions,
                                     latest=latest):
        if entry.factory_id:
            by_factory[entry.factory_id].add(entry.form_id, entry.period, entry.figure)
    return by_factory


def _distribution(figure: Figure | None) -> redflags.Distribution | None:
    if figure is None:
        return None
    counts = {name: cell.value for (name, _), cell in zip(figure.answers, figure.cells,
                                                          strict=True)}
    return redflags.Distribution(counts, figure.total.value, figure.k)


def flags_for(evidence: Evidence) -> list[redflags.Flag]:
    """Red flags over each source's latest released period."""
    by_construct: dict[str, dict[str, redflags.Distribution]] = {}
    latest = {source: evidence.latest_with(source) for source, _ in SOURCES}
    for construct in constructs():
        for source, rules_name in SOURCES:
            period = latest[source]
            dist = _distribution(evidence.figure(source, construct, period)) if period else None
            if dist is not None:
                by_construct.setdefault(construct, {})[rules_name] = dist
    return redflags.evaluate(by_construct, rules())


@dataclass(frozen=True)
class RoundSizes:
    periods: dict[str, list[str]]
    respondents: dict[str, dict[str, Shown]]
    factories: dict[str, tuple[str, str, str | None]]
    k: dict[str, int]


def _round_sizes(conn: sqlite3.Connection, factory_id: str | None = None) -> RoundSizes:
    """Per factory: released periods, and respondents per source in its latest period."""
    periods: dict[str, set[str]] = defaultdict(set)
    latest: dict[tuple[str, str], tuple[str, int, int]] = {}
    names: dict[str, tuple[str, str, str | None]] = {}
    os_ids = dict(conn.execute("SELECT id, os_id FROM factories").fetchall())
    released = [item for item in rounds.list_rounds(conn, factory_id=factory_id) if item.closed]
    ks = disclosure.brand_k(conn, released)
    for item in released:
        k = ks[item.project_id]
        periods[item.factory_id].add(item.period)
        names[item.factory_id] = (item.factory_name, item.country, os_ids.get(item.factory_id))
        key = (item.factory_id, disclosure.source_of(item.form_id))
        if key not in latest or _period_key(item.period) > _period_key(latest[key][0]):
            latest[key] = (item.period, item.respondents, k)
    respondents: dict[str, dict[str, Shown]] = defaultdict(dict)
    k_of: dict[str, int] = {}
    for (factory_id, source), (_, n, k) in latest.items():
        respondents[factory_id][source] = disclosure.respondents(n, k)
        k_of[factory_id] = max(k, k_of.get(factory_id, 0))
    return RoundSizes({f: sorted(p, key=_period_key) for f, p in periods.items()},
                      respondents, names, k_of)


def summarise(conn: sqlite3.Connection, factory_id: str | None = None
              ) -> list[SupplierSummary]:
    """Work out the supplier map's lines from released figures (all, or one supplier's)."""
    sizes = _round_sizes(conn, factory_id)
    evidence = _evidence_by_factory(conn, factory_id, summary_questions(), latest=True)
    summaries = []
    for factory_id, periods in sizes.periods.items():
        found = evidence.get(factory_id, Evidence())
        status = {c: {source: status_of(found.figure(source, c, found.latest_with(source) or ""))
                      for source, _ in SOURCES} for c in STATUS_CONSTRUCTS}
        name, iso2, os_id = sizes.factories[factory_id]
        summaries.append(SupplierSummary(factory_id, name, iso2, os_id, periods, periods[-1],
                                         sizes.respondents[factory_id], status,
                                         flags_for(found), sizes.k[factory_id]))
    return _ordered(summaries)


def _ordered(summaries: list[SupplierSummary]) -> list[SupplierSummary]:
    return sorted(summaries, key=lambda s: (s.country or "", s.name.casefold(), s.factory_id))


def store_summaries(conn: sqlite3.Connection, factory_ids: set[str]) -> None:
    """Work out and keep the map's lines of these suppliers (after their rounds closed)."""
    if len(factory_ids) > 20:  # many rounds closed at once: one pass over all suppliers
        fresh = [s for s in summarise(conn) if s.factory_id in factory_ids]
    else:
        fresh = [s for factory_id in sorted(factory_ids) for s in summarise(conn, factory_id)]
    for factory_id in sorted(factory_ids):
        conn.execute("DELETE FROM supplier_summaries WHERE factory_id = ?", [factory_id])
    conn.executemany("INSERT INTO supplier_summaries (factory_id, summary) VALUES (?, ?)",
                     [(s.factory_id, json.dumps(_to_json(s))) for s in fresh])


def supplier_list(conn: sqlite3.Connection, factory_id: str | None = None
                  ) -> list[SupplierSummary]:
    """Every supplier with a released round (or just ``factory_id``), by country then name.

    Reads the lines kept at release; a supplier whose line was dropped (a round reopened,
    suppliers joined) but still has released rounds is worked out afresh.
    """
    where, args = ("WHERE factory_id = ?", [factory_id]) if factory_id else ("", [])
    kept = {row[0]: _from_json(json.loads(row[1])) for row in conn.execute(
        f"SELECT factory_id, summary FROM supplier_summaries {where}", args)}  # noqa: S608
    released = {row[0] for row in conn.execute(
        f"SELECT DISTINCT factory_id FROM rounds WHERE status = 'closed' "  # noqa: S608
        f"{'AND factory_id = ?' if factory_id else ''}", args)}
    missing = released - set(kept)
    for factory in sorted(missing):
        kept.update((s.factory_id, s) for s in summarise(conn, factory))
    return _ordered([summary for key, summary in kept.items() if key in released])


def _to_json(summary: SupplierSummary) -> dict:
    return {"factory_id": summary.factory_id, "name": summary.name,
            "country": summary.country, "os_id": summary.os_id, "periods": summary.periods,
            "latest": summary.latest, "k": summary.k,
            "respondents": {s: [v.value, v.why] for s, v in summary.respondents.items()},
            "status": {c: {s: [v.text, v.says_yes] for s, v in by.items()}
                       for c, by in summary.status.items()},
            "flags": [asdict(flag) for flag in summary.flags]}


def _from_json(data: dict) -> SupplierSummary:
    return SupplierSummary(
        data["factory_id"], data["name"], data["country"], data["os_id"], data["periods"],
        data["latest"], {s: Shown(*v) for s, v in data["respondents"].items()},
        {c: {s: Status(*v) for s, v in by.items()} for c, by in data["status"].items()},
        [redflags.Flag(**flag) for flag in data["flags"]], data["k"])


@dataclass
class ConstructView:
    id: str
    label: str
    figures: dict[str, Figure | None]  # per source, latest released period of that source
    periods: dict[str, str | None]
    trend: dict[str, list[tuple[str, float | None]]]  # per source: (period, % yes or None)


@dataclass
class Profile:
    summary: SupplierSummary
    constructs: list[ConstructView]
    flags: list[redflags.Flag]
    context: country.CountryContext | None
    notes: list[notes.Note]
    k: int


def _share_yes(figure: Figure | None) -> float | None:
    if figure is None or figure.total.value in (None, 0):
        return None
    for (name, _), cell in zip(figure.answers, figure.cells, strict=True):
        if name == YES:
            return None if cell.value is None else round(100 * cell.value / figure.total.value)
    return None


def supplier_profile(conn: sqlite3.Connection, home: Path, factory_id: str) -> Profile:
    """One supplier's picture; LookupError when it has no released round."""
    summary = next(iter(supplier_list(conn, factory_id)), None)
    if summary is None:
        raise LookupError(f"no released figures for supplier {factory_id!r}")
    evidence = _evidence_by_factory(conn, factory_id).get(factory_id, Evidence())
    views = []
    for construct in constructs().values():
        figures, latest, trend = {}, {}, {}
        for source, _ in SOURCES:
            latest[source] = evidence.latest_with(source)
            figure = evidence.figure(source, construct.id, latest[source] or "")
            answered = figure is not None and (figure.total.hidden or figure.total.value)
            figures[source] = figure if answered else None  # nobody answered: nothing to show
            trend[source] = [(p, _share_yes(evidence.figure(source, construct.id, p)))
                             for p in evidence.periods()]
        if any(figures.values()):
            views.append(ConstructView(construct.id, construct.label, figures, latest, trend))
    k = summary.k
    context = country.load(home=home).get((summary.country or "").upper())
    return Profile(summary, views, summary.flags, context, notes.list_notes(conn, factory_id), k)
