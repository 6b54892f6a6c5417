"""Downloads for analysts and stewards: the supplier list, a profile, the sharing file.

Each download is built by :mod:`central.exports` (through the disclosure door), written to
the audit log, and sent as an attachment. Viewers and admins get 403 (``guard.allow``).
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app

from .. import access, dataset, exports
from .guard import allow, current_user

bp = Blueprint("exports", __name__)
EXPORTERS = ("analyst", "steward")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _home():
    return current_app.extensions["amplify_central"]


def _download(what: str, fmt: str, filename: str, supplier: str | None = None,
              share: bool = False) -> Response:
    home = _home().path
    with dataset.reading(home) as conn:
        try:
            if share:
                tables = [exports.sharing_table(conn)]
            elif supplier is not None:
                tables = exports.profile_tables(conn, home, supplier)
            else:
                tables = [exports.supplier_list_table(conn)]
        except LookupError:  # nothing released, or no such supplier
            abort(404)
    data = exports.to_bytes(tables, fmt)
    name = _UNSAFE_NAME.sub("-", filename)
    access.audit(home, current_user().name, "export", name, f"{what} ({fmt}), web")
    return Response(data, content_type=exports.CONTENT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/suppliers.csv")
@allow(*EXPORTERS)
def suppliers_csv():
    return _download("supplier list", "csv", "suppliers.csv")


@bp.get("/suppliers.xlsx")
@allow(*EXPORTERS)
def suppliers_xlsx():
    return _download("supplier list", "xlsx", "suppliers.xlsx")


@bp.get("/suppliers/<factory_id>/profile.csv")
@allow(*EXPORTERS)
def profile_csv(factory_id: str):
    return _download(f"profile {factory_id}", "csv", f"profile-{factory_id}.csv", factory_id)


@bp.get("/suppliers/<factory_id>/profile.xlsx")
@allow(*EXPORTERS)
def profile_xlsx(factory_id: str):
    return _download(f"profile {factory_id}", "xlsx", f"profile-{factory_id}.xlsx", factory_id)


@bp.get("/share.csv")
@allow(*EXPORTERS)
def share_csv():
    return _download("sharing file", "csv", "share.csv", share=True)


@bp.get("/share.xlsx")
@allow(*EXPORTERS)
def share_xlsx():
    return _download("sharing file", "xlsx", "share.xlsx", share=True)
