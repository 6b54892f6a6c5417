"""Projects: whose public key a finalised record is sealed to.

Every station has a *local* project from ``amplify init``: its private key is wrapped
under the passphrase, so a union running its own survey can read its own results.
A brand's project, once imported (see ``sync``), takes over the forms it lists:
from then on their finalised records are sealed to the brand's key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

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
    # May free-text answers be sealed for this project? A local project: yes (the union
    # reads its own data). A brand project: only if its project file says so.
    free_text_allowed: bool = True
    document: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def add_local_project(store: Store, project_id: str, public_key: bytes) -> None:
    store.write(lambda db: db["projects"].insert({
        "id": project_id, "name": "Local project", "kind": LOCAL, "public_key": public_key,
        "document": json.dumps({"forms": "*"}), "imported_day": today()}, ignore=True))


def _project(row: dict) -> Project:
    document = json.loads(row["document"] or "{}")
    forms = document.get("forms", "*")
    form_ids = () if forms == "*" else tuple(f["form_id"] if isinstance(f, dict) else f
                                             for f in forms)
    free_text = row["kind"] == LOCAL or bool(document.get("free_text_export", False))
    return Project(row["id"], row["name"], row["kind"], row["public_key"], form_ids,
                   free_text, document)


def add_brand_project(store: Store, project_id: str, name: str, public_key: bytes,
                      document: dict[str, Any]) -> bool:
    """Insert an imported brand project; False when it was already imported (unchanged).

    ``document`` is the verified project file without the XLSForm files: the forms it
    lists (``form_id``/``version``), thresholds, free-text policy, brand keys.
    """
    def job(db) -> bool:
        existing = next(db["projects"].rows_where("id = ?", [project_id]), None)
        if existing is not None:
            if existing["public_key"] != public_key:
                raise ValueError(f"project {project_id} is already imported with another "
                                 "brand key: refusing to replace it")
            return False
        db["projects"].insert({"id": project_id, "name": name, "kind": BRAND,
                               "public_key": public_key, "document": json.dumps(document),
                               "imported_day": today()})
        return True

    return store.write(job)


def pseudonym_key_name(project_id: str) -> str:
    """The keyring entry holding an imported project's pseudonym key."""
    return f"projects/{project_id}"


def pseudonym_key(extra_keys: dict[str, bytes], project_id: str) -> bytes | None:
    """The project's pseudonym key from an unlocked keyring's ``extra``, if imported."""
    return extra_keys.get(pseudonym_key_name(project_id))


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
