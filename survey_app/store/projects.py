"""Projects: whose public key a finalised record is sealed to.

Every station has a *local* project from ``amplify init``: its private key is wrapped
under the passphrase, so a union running its own survey can read its own results.
A brand's project, once imported (see ``sync``), takes over the forms it lists:
from then on their finalised records are sealed to the brand's key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .db import Store
from .records import today

LOCAL = "local"
BRAND = "brand"


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    kind: str
    public_key: bytes
    form_ids: tuple[str, ...]


def add_local_project(store: Store, project_id: str, public_key: bytes) -> None:
    store.write(lambda db: db["projects"].insert({
        "id": project_id, "name": "Local project", "kind": LOCAL, "public_key": public_key,
        "document": json.dumps({"forms": "*"}), "imported_day": today()}, ignore=True))


def _project(row: dict) -> Project:
    forms = json.loads(row["document"] or "{}").get("forms", "*")
    form_ids = () if forms == "*" else tuple(f["form_id"] if isinstance(f, dict) else f
                                             for f in forms)
    return Project(row["id"], row["name"], row["kind"], row["public_key"], form_ids)


def all_projects(store: Store) -> list[Project]:
    return [_project(r) for r in store.read()["projects"].rows_where(order_by="rowid")]


def get_project(store: Store, project_id: str) -> Project:
    return _project(store.read()["projects"].get(project_id))


def project_for_form(store: Store, form_id: str) -> Project:
    """The newest brand project listing this form, else the local project."""
    projects = all_projects(store)
    for project in reversed(projects):
        if project.kind == BRAND and form_id in project.form_ids:
            return project
    for project in projects:
        if project.kind == LOCAL:
            return project
    raise LookupError("this station has no local project: run `amplify init`")
