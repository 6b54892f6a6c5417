"""The supplier map and supplier profiles: what a CSR officer opens first.

Every number comes from :mod:`central.profiles`, which reads only the figures the
disclosure door released. Notes and agreed actions are written by analysts and stewards
and audit-logged.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from .. import access, charts, country, dataset, factories, notes, profiles
from ..disclosure import SAME_SENSITIVE, Figure
from .forms import NoteForm, NoteStatusForm
from .guard import ALL_ROLES, allow, current_user

bp = Blueprint("profiles", __name__)
SORTS = {"name": lambda s: (s.name.casefold(), s.factory_id),
         "country": lambda s: (s.country or "", s.name.casefold()),
         "flags": lambda s: (-len(s.flags), s.name.casefold())}


def _home():
    return current_app.extensions["amplify_central"]


def _matches(summary: profiles.SupplierSummary, args) -> bool:
    if args.get("country") and summary.country != args["country"]:
        return False
    if args.get("flag") == "1" and not summary.flags:
        return False
    organised = {"yes": True, "no": False, "unknown": None}.get(args.get("organised", ""), "any")
    return organised == "any" or summary.has_union_or_committee is organised


@bp.get("/suppliers")
@allow(*ALL_ROLES)
def supplier_list():
    with dataset.reading(_home().path) as conn:
        everyone = profiles.supplier_list(conn)
        waiting = len(factories.proposals(conn))
    shown = [s for s in everyone if _matches(s, request.args)]
    shown.sort(key=SORTS.get(request.args.get("sort", "country"), SORTS["country"]))
    tally = {"with": sum(s.has_union_or_committee is True for s in everyone),
             "without": sum(s.has_union_or_committee is False for s in everyone),
             "unknown": sum(s.has_union_or_committee is None for s in everyone)}
    countries = sorted({s.country for s in everyone if s.country})
    return render_template("central/suppliers.html", suppliers=shown, total=len(everyone),
                           tally=tally, countries=countries, args=request.args,
                           labels=profiles.SOURCE_LABELS, statuses=profiles.STATUS_CONSTRUCTS,
                           waiting=waiting)


def _bars(view: profiles.ConstructView, k: int):
    rows = []
    for source, label in profiles.SOURCE_LABELS.items():
        figure: Figure | None = view.figures.get(source)
        if figure is None or figure.note == SAME_SENSITIVE:
            continue  # the table says why; a hatched bar would read "fewer than k"
        cells = None if figure.total.hidden else [
            (answer_label, cell.value) for (_, answer_label), cell in
            zip(figure.answers, figure.cells, strict=True)]
        rows.append((label, cells))
    return charts.stacked_bars(rows, title=view.label, k=k) if rows else None


def _trend(view: profiles.ConstructView, k: int):
    series = [(profiles.SOURCE_LABELS[source], points) for source, points in view.trend.items()
              if any(value is not None for _, value in points)]
    periods = {p for _, points in series for p, _ in points}
    if len(periods) < 2:
        return None
    return charts.trend_lines(series, title=f"{view.label}: % answering yes", k=k,
                              y_label="% yes")


@bp.get("/suppliers/<factory_id>")
@allow(*ALL_ROLES)
def supplier_page(factory_id: str):
    with dataset.reading(_home().path) as conn:
        try:
            profile = profiles.supplier_profile(conn, _home().path, factory_id)
        except LookupError:
            abort(404)
        copies = conn.execute("SELECT station_id, name FROM suppliers WHERE factory_id = ? "
                              "ORDER BY station_id", [factory_id]).fetchall()
    visuals = {view.id: (_bars(view, profile.k), _trend(view, profile.k))
               for view in profile.constructs}
    user = current_user()
    return render_template("central/profile.html", profile=profile, visuals=visuals,
                           copies=copies, labels=profiles.SOURCE_LABELS, country=country,
                           note_form=NoteForm() if user.may("export") else None,
                           status_form=NoteStatusForm(), statuses=notes.STATUSES)


@bp.post("/suppliers/<factory_id>/notes")
@allow("analyst", "steward")
def add_note(factory_id: str):
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    with dataset.transaction(_home().path) as conn:
        try:
            note_id = notes.add_note(conn, factory_id, current_user().name, form.text.data,
                                     form.route.data, form.due.data or None)
        except notes.NoteError as exc:
            flash(str(exc))
            return redirect(url_for("profiles.supplier_page", factory_id=factory_id))
    access.audit(_home().path, current_user().name, "note added", factory_id,
                 f"note {note_id}, route {form.route.data}")
    return redirect(url_for("profiles.supplier_page", factory_id=factory_id) + "#notes")


@bp.post("/suppliers/<factory_id>/notes/<int:note_id>")
@allow("analyst", "steward")
def note_status(factory_id: str, note_id: int):
    form = NoteStatusForm()
    if not form.validate_on_submit():
        abort(400)
    with dataset.transaction(_home().path) as conn:
        try:
            notes.set_status(conn, note_id, form.status.data)
        except notes.NoteError:
            abort(404)
    access.audit(_home().path, current_user().name, "note status", factory_id,
                 f"note {note_id}: {form.status.data}")
    return redirect(url_for("profiles.supplier_page", factory_id=factory_id) + "#notes")
