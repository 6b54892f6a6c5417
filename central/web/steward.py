"""What only a steward does: release rounds, join suppliers, open record-level data.

Every record-level view is written to the audit log before it is shown.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from .. import access, dataset, disclosure, factories, release, rounds
from .forms import ButtonForm, DecisionForm
from .guard import allow, current_user

bp = Blueprint("steward", __name__)


def _home():
    return current_app.extensions["amplify_central"]


@bp.post("/rounds/<round_id>/close")
@allow("steward")
def close_round(round_id: str):
    if not ButtonForm().validate_on_submit():
        abort(400)
    with dataset.transaction(_home().path) as conn:
        try:
            item = rounds.find(conn, round_id)
        except LookupError:
            abort(404)
        held = release.waiting(conn, [item])
        closed = release.close_rounds(conn, [item], current_user().name)
    if closed:
        access.audit(_home().path, current_user().name, "round closed", round_id)
        flash(f"Round {round_id} closed: its figures are released.")
    elif held:
        flash("Too few respondents arrived since this round was last released to release it "
              "again: the two versions side by side would give them away. It waits for more.")
    return redirect(url_for("overview.round_page", round_id=round_id))


@bp.post("/rounds/close-all")
@allow("steward")
def close_all():
    if not ButtonForm().validate_on_submit():
        abort(400)
    with dataset.transaction(_home().path) as conn:
        closed = release.close_rounds(conn, rounds.list_rounds(conn), current_user().name)
    for item in closed:
        access.audit(_home().path, current_user().name, "round closed", item.id)
    flash(f"{len(closed)} rounds closed.")
    return redirect(url_for("overview.round_list"))


@bp.get("/suppliers/matches")
@allow("steward")
def matches():
    with dataset.reading(_home().path) as conn:
        waiting = factories.proposals(conn)
    return render_template("central/matches.html", proposals=waiting, form=DecisionForm())


@bp.post("/suppliers/matches")
@allow("steward")
def decide():
    form = DecisionForm()
    if not form.validate_on_submit() or form.decision.data not in {"confirm", "reject"}:
        abort(400)
    confirm = form.decision.data == "confirm"
    with dataset.transaction(_home().path) as conn:
        try:
            factories.decide(conn, form.supplier_id.data, form.factory_id.data, confirm,
                             current_user().name)
        except LookupError:
            abort(404)
    access.audit(_home().path, current_user().name,
                 "supplier joined" if confirm else "supplier kept apart",
                 form.supplier_id.data, form.factory_id.data)
    return redirect(url_for("steward.matches"))


@bp.get("/rounds/<round_id>/records")
@allow("steward")
def round_records(round_id: str):
    with dataset.reading(_home().path) as conn:
        try:
            item = rounds.find(conn, round_id)
        except LookupError:
            abort(404)
        ids = [row[0] for row in conn.execute(
            "SELECT r.id FROM responses r JOIN suppliers s ON s.id = r.supplier_id "
            "WHERE r.project_id = ? AND s.factory_id = ? AND r.form_id = ? AND r.period = ? "
            "ORDER BY r.id", [item.project_id, item.factory_id, item.form_id, item.period])]
    access.audit(_home().path, current_user().name, "record list", round_id)
    return render_template("central/records.html", item=item, ids=ids)


@bp.get("/records/<response_id>")
@allow("steward")
def record(response_id: str):
    with dataset.reading(_home().path) as conn:
        try:
            data = disclosure.record_level(conn, _home().path, current_user(), response_id)
        except LookupError:
            abort(404)
    return render_template("central/record.html", record=data)
