"""Exports of the supplier list, one supplier's profile and the sharing file, as tables.

Every figure comes through the disclosure door: the supplier list and a profile from
:mod:`central.profiles` (figures frozen at round close with ``k_brand``); the sharing file
from :func:`central.disclosure.round_figures` with the project's ``k_sharing``, never from
``k_brand`` figures. Each table carries a preamble (thresholds, what was withheld) and is
written through :mod:`central.spreadsheet`, which makes formula-like text inert.

The **sharing file** is for another brand that buys from the same factory. It is keyed by
the Open Supply Hub ID and holds, per supplier, the latest released period's answers to the
shared constructs: workers' counts at ``k_sharing``, management's stated position and the
answers of representatives who consented to share. It never holds free text, a supplier
name, representatives without consent (pooled or not), or a supplier whose workers in that
period number fewer than ``k_sharing``; its header counts what was left out.
"""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import country, disclosure, profiles, redflags, rounds
from .disclosure import MANAGEMENT, REPRESENTATIVES, WORKERS, Figure
from .spreadsheet import PreambleLine, Sheet, write_csv, write_xlsx

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class NothingReleased(LookupError):
    """No closed round yet: there is nothing an export may show."""


@dataclass
class Table:
    """One exported table: a sheet in XLSX, a block in CSV."""

    name: str
    columns: Sequence[str]
    rows: list[Sequence[object]]
    preamble: list[PreambleLine] = field(default_factory=list)


# ---- thresholds ------------------------------------------------------------------------

def _released_projects(conn: sqlite3.Connection) -> dict[str, disclosure.Thresholds]:
    closed = {item.project_id for item in rounds.list_rounds(conn) if item.closed}
    return {pid: disclosure.thresholds(conn, pid) for pid in sorted(closed)}


def _k_brand(conn: sqlite3.Connection) -> tuple[int, list[PreambleLine]]:
    limits = _released_projects(conn)
    if not limits:
        raise NothingReleased("nothing is released yet: a steward closes rounds first "
                              "(`amplify central round close`)")
    lines: list[PreambleLine] = [
        ("Threshold k_brand", t.k_brand, f"project {pid}: no count of workers (or of "
         "representatives without consent) rests on fewer respondents; management's answers "
         "are its stated position and consenting representatives are shown by role")
        for pid, t in limits.items()]
    return max(t.k_brand for t in limits.values()), lines


def _shown(cell: disclosure.Shown, k: int) -> tuple[object, str]:
    """A cell's number (or blank) and, when withheld, why."""
    if not cell.hidden:
        return cell.value, ""
    return "", cell.text(k) if cell.why == disclosure.BELOW_K else (cell.why or "hidden")


# ---- the supplier list -----------------------------------------------------------------

STATUS_COLUMNS = tuple(f"{construct} ({label.lower()})"
                       for construct in profiles.STATUS_CONSTRUCTS
                       for label in profiles.SOURCE_LABELS.values())
LIST_COLUMNS = ("factory_id", "supplier", "country", "open_supply_hub_id", "periods",
                "latest_period", "workers", "representatives", "management",
                *STATUS_COLUMNS, "union_or_committee", "red_flags")


def _respondents_cell(summary: profiles.SupplierSummary, source: str, k: int) -> object:
    shown = summary.respondents.get(source)
    if shown is None:
        return ""
    return shown.value if not shown.hidden else shown.text(k)


def _list_row(summary: profiles.SupplierSummary, k: int) -> list[object]:
    statuses = [summary.status[c][s].text for c in profiles.STATUS_CONSTRUCTS
                for s in profiles.SOURCE_LABELS]
    either = {True: "yes", False: "no", None: "not known"}[summary.has_union_or_committee]
    flags = "; ".join(f"{flag.rule_id} (route {flag.route})" for flag in summary.flags)
    return [summary.factory_id, summary.name, summary.country, summary.os_id or "",
            "; ".join(summary.periods), summary.latest,
            *(_respondents_cell(summary, s, k) for s in (WORKERS, REPRESENTATIVES, MANAGEMENT)),
            *statuses, either, flags]


def supplier_list_table(conn: sqlite3.Connection) -> Table:
    """The supplier map: one row per supplier with a released round."""
    k, lines = _k_brand(conn)
    summaries = profiles.supplier_list(conn)
    hidden = sum(1 for s in summaries for shown in s.respondents.values() if shown.hidden)
    with_either = sum(1 for s in summaries if s.has_union_or_committee)
    preamble = [("Supplier list", f"{len(summaries)} suppliers with released rounds"), *lines,
                ("Withheld", hidden, f"respondent counts below k shown as 'fewer than {k}'"),
                ("Union or worker committee", with_either,
                 "suppliers where a source reports one (latest released period)")]
    rows = [_list_row(s, s.k) for s in summaries]  # each supplier's project's k_brand
    return Table("Suppliers", LIST_COLUMNS, rows, preamble)


# ---- one supplier's profile ------------------------------------------------------------

FIGURE_COLUMNS = ("construct", "construct_label", "source", "period", "question", "answer",
                  "answer_label", "count", "answered", "withheld", "note")
TREND_COLUMNS = ("construct", "source", "period", "percent_yes", "note")
FLAG_COLUMNS = ("rule", "construct", "wording", "respondents", "route", "route_meaning",
                "next_step")
NOTE_COLUMNS = ("at", "user", "note", "route", "route_meaning", "due", "status")


def _figure_rows(view: profiles.ConstructView, k: int) -> list[list[object]]:
    rows = []
    for source, label in profiles.SOURCE_LABELS.items():
        figure = view.figures.get(source)
        if figure is None:
            continue
        answered, total_why = _shown(figure.total, k)
        for (name, answer_label), cell in zip(figure.answers, figure.cells, strict=True):
            count, why = _shown(cell, k)
            rows.append([view.id, view.label, label, view.periods.get(source) or "",
                         figure.question, name, answer_label, count, answered,
                         why or total_why, figure.note])
    return rows


def _trend_rows(view: profiles.ConstructView) -> list[list[object]]:
    return [[view.id, profiles.SOURCE_LABELS[source], period,
             "" if share is None else share, "" if share is not None else "not shown"]
            for source, points in view.trend.items() for period, share in points]


def _context_lines(ctx: country.CountryContext | None) -> list[PreambleLine]:
    if ctx is None:
        return [("Country context", "none on file")]
    partly = " (partly verified)" if country.is_partly_verified(ctx) else ""
    return [("Country context", f"{ctx.country}{partly}", country.ituc_text(ctx),
             country.ilo_text(ctx, "C087"), country.ilo_text(ctx, "C098"))]


def profile_tables(conn: sqlite3.Connection, home: Path, factory_id: str) -> list[Table]:
    """A supplier's figures per construct and source, trend, red flags and notes log.

    Raises LookupError for a supplier without released rounds (or none at all).
    """
    _, lines = _k_brand(conn)
    profile = profiles.supplier_profile(conn, home, factory_id)
    summary, k = profile.summary, profile.k
    figures = [row for view in profile.constructs for row in _figure_rows(view, k)]
    withheld = Counter(row[9] for row in figures if row[9])
    preamble: list[PreambleLine] = [
        ("Supplier", summary.name, summary.country, summary.os_id or "no Open Supply Hub ID",
         f"periods: {', '.join(summary.periods)}"), *lines,
        *[("Withheld", count, why) for why, count in sorted(withheld.items())],
        *_context_lines(profile.context)]
    flags = [[f.rule_id, f.construct, f.wording, f.respondents_text, f.route, f.route_meaning,
              f.next_step] for f in profile.flags]
    notes = [[n.at, n.user, n.text, n.route, n.route_meaning, n.due or "", n.status]
             for n in profile.notes]
    trend = [row for view in profile.constructs for row in _trend_rows(view)]
    return [Table("Figures", FIGURE_COLUMNS, figures, preamble),
            Table("Trend", TREND_COLUMNS, trend, [("Trend", "percent answering yes, by period")]),
            Table("Red flags", FLAG_COLUMNS, flags, [("Red flags", "where sources disagree")]),
            Table("Notes", NOTE_COLUMNS, notes, [("Notes and actions", summary.name)])]


# ---- the sharing file ------------------------------------------------------------------

SHARING_COLUMNS = ("open_supply_hub_id", "country", "period", "workers_answered", "construct",
                   "source", "question", "answer", "count", "answered", "withheld", "basis")
BASIS = {WORKERS: "workers, counted at k_sharing", MANAGEMENT: "management's stated position",
         REPRESENTATIVES: "representatives who consented to share, by role"}


@dataclass
class _Left:
    no_os_id: int = 0
    below_k: int = 0
    withheld: int = 0


def _latest_closed(conn: sqlite3.Connection) -> dict[str, list[rounds.Round]]:
    """Per factory: its closed rounds of built-in forms in its latest workers' period."""
    closed = [item for item in rounds.list_rounds(conn) if item.closed
              and redflags.source_of(item.form_id) is not None]
    latest: dict[str, str] = {}
    for item in closed:
        if disclosure.source_of(item.form_id) == WORKERS:
            current = latest.get(item.factory_id)
            if current is None or profiles._period_key(item.period) > \
                    profiles._period_key(current):
                latest[item.factory_id] = item.period
    chosen: dict[str, list[rounds.Round]] = {}
    for item in closed:
        if latest.get(item.factory_id) == item.period:
            chosen.setdefault(item.factory_id, []).append(item)
    return chosen


def _sharing_rows(conn: sqlite3.Connection, item: rounds.Round, os_id: str, k: int,
                  workers: int, left: _Left) -> list[list[object]]:
    source = disclosure.source_of(item.form_id)
    wanted = {question: construct for construct, question in
              redflags.construct_questions(item.form_id).items()}
    rows = []
    for figure in disclosure.round_figures(conn, item, k=k, questions=wanted):
        if figure.total.value == 0:
            continue
        rows += _figure_share_rows(figure, (os_id, item.country, item.period, workers,
                                            wanted[figure.question], source), k, left)
    return rows


def _figure_share_rows(figure: Figure, key: tuple, k: int, left: _Left) -> list[list[object]]:
    answered, total_why = _shown(figure.total, k)
    rows = []
    for (name, _), cell in zip(figure.answers, figure.cells, strict=True):
        count, why = _shown(cell, k)
        left.withheld += bool(why or total_why)
        rows.append([*key, figure.question, name, count, answered, why or total_why,
                     BASIS[key[-1]]])
    return rows


def sharing_table(conn: sqlite3.Connection) -> Table:
    """The file for a partner brand: keyed by Open Supply Hub ID, counted at k_sharing."""
    if not _released_projects(conn):
        raise NothingReleased("nothing is released yet: a steward closes rounds first "
                              "(`amplify central round close`)")
    os_ids = dict(conn.execute("SELECT id, os_id FROM factories").fetchall())
    left, rows, ks = _Left(), [], {}
    shared = 0
    for factory_id, items in sorted(_latest_closed(conn).items()):
        if items[0].project_id not in ks:
            ks[items[0].project_id] = disclosure.thresholds(conn, items[0].project_id).k_sharing
        k = ks[items[0].project_id]
        workers = next(i.respondents for i in items if disclosure.source_of(i.form_id) == WORKERS)
        if not os_ids.get(factory_id):
            left.no_os_id += 1
        elif workers < k:
            left.below_k += 1
        else:
            shared += 1
            for item in sorted(items, key=lambda i: i.form_id):
                rows += _sharing_rows(conn, item, os_ids[factory_id], k, workers, left)
    return Table("Shared", SHARING_COLUMNS, rows, _sharing_preamble(ks, shared, left))


def _sharing_preamble(ks: dict[str, int], shared: int, left: _Left) -> list[PreambleLine]:
    k_text = ", ".join(str(k) for k in sorted(set(ks.values()))) or "-"
    return [
        ("Sharing file", f"{shared} suppliers, keyed by Open Supply Hub ID; the latest "
         "released period of each; shared constructs of the built-in questionnaires only"),
        ("Threshold k_sharing", k_text, "no count of workers rests on fewer respondents; "
         "a supplier with fewer workers answering is left out"),
        ("Left out", left.no_os_id, "suppliers without an Open Supply Hub ID"),
        ("Left out", left.below_k, "suppliers whose workers answering are fewer than k_sharing"),
        ("Withheld", left.withheld, "counts below k_sharing or that would reveal one"),
        ("Never included", "free text, supplier names, notes, representatives without "
         "consent to share (not even pooled across suppliers)")]


# ---- writing ---------------------------------------------------------------------------

def to_bytes(tables: Sequence[Table], fmt: str) -> bytes:
    """The export as a file's bytes: CSV (tables one after another) or XLSX (a sheet each)."""
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx(out, [Sheet(t.name, t.columns, t.rows, t.preamble) for t in tables])
        return out.getvalue()
    if fmt != "csv":
        raise ValueError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    text = io.StringIO(newline="")
    for index, table in enumerate(tables):
        if index:
            text.write("\r\n")
        write_csv(text, [("Table", table.name), *table.preamble], table.columns, table.rows,
                  bom=index == 0)
    return text.getvalue().encode("utf-8")


def write_file(tables: Sequence[Table], fmt: str, out: Path) -> None:
    """Write the export to ``out`` atomically: a refused export leaves an old file as it was."""
    data = to_bytes(tables, fmt)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
