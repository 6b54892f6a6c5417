"""What every brand user sees: projects, stations, the ledger, rounds and released figures.

Nothing here is record-level: rounds show their size only once closed and only from
``k`` respondents up, and a round's figures come from :mod:`central.disclosure`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from .. import dataset, disclosure, ledger, rounds
from .forms import ButtonForm
from .guard import ALL_ROLES, allow

bp = Blueprint("overview", __name__)


def _home():
    return current_app.extensions["amplify_central"]


@bp.get("/")
@allow(*ALL_ROLES)
def index():
    with dataset.reading(_home().path) as conn:
        items = rounds.list_rounds(conn)
        counts = {
            "projects": conn.execute("SELECT count(*) FROM projects").fetchone()[0],
            "stations": conn.execute("SELECT count(*) FROM stations WHERE revoked_day IS NULL"
                                     ).fetchone()[0],
            "bundles": conn.execute("SELECT count(*) FROM bundles").fetchone()[0],
            "factories": conn.execute("SELECT count(DISTINCT factory_id) FROM suppliers"
                                      ).fetchone()[0],
        }
    closed = sum(1 for item in items if item.closed)
    return render_template("central/index.html", counts=counts, closed=closed,
                           open=len(items) - closed)


@bp.get("/rounds")
@allow(*ALL_ROLES)
def round_list():
    with dataset.reading(_home().path) as conn:
        items = rounds.list_rounds(conn)
        ks = disclosure.brand_k(conn, items)
    sizes = {item.id: disclosure.respondents(item.respondents, ks[item.project_id])
             for item in items if item.closed}
    return render_template("central/rounds.html", rounds=items, sizes=sizes, ks=ks,
                           form=ButtonForm())


@bp.get("/rounds/<round_id>")
@allow(*ALL_ROLES)
def round_page(round_id: str):
    with dataset.reading(_home().path) as conn:
        try:
            item = rounds.find(conn, round_id)
        except LookupError:
            abort(404)
        if not item.closed:
            return render_template("central/round_open.html", item=item, form=ButtonForm())
        k = disclosure.thresholds(conn, item.project_id).k_brand
        figures, pooled = disclosure.released_round(conn, item)
    return render_template("central/round.html", item=item, figures=figures, pooled=pooled,
                           k=k, size=disclosure.respondents(item.respondents, k))


@bp.get("/stations")
@allow(*ALL_ROLES)
def stations():
    with dataset.reading(_home().path) as conn:
        rows = conn.execute("SELECT id, fingerprint, label, trusted_day, revoked_day "
                            "FROM stations ORDER BY trusted_day, id").fetchall()
    return render_template("central/stations.html", rows=rows)


@bp.get("/projects")
@allow(*ALL_ROLES)
def projects():
    with dataset.reading(_home().path) as conn:
        rows = conn.execute("SELECT p.id, p.name, p.created_day, p.k_brand, p.k_sharing, "
                            "p.free_text_export, group_concat(DISTINCT f.form_id) FROM projects p "
                            "LEFT JOIN forms f ON f.project_id = p.id GROUP BY p.id "
                            "ORDER BY p.created_day").fetchall()
    return render_template("central/projects.html", rows=rows)


@bp.get("/ledger")
@allow(*ALL_ROLES)
def ledger_page():
    with dataset.reading(_home().path) as conn:
        merged = conn.execute("SELECT id, station_id, day, merged_day, new, replaced, unchanged "
                              "FROM bundles ORDER BY merged_day DESC, rowid DESC").fetchall()
    return render_template("central/ledger.html", merged=merged,
                           refused=ledger.refused(_home().path))
