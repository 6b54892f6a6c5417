"""The one way both screens pick a supplier (factory) for an interview or a session.

The interpreter picks a known supplier, or types one. A typed supplier that is already
known (the same Open Supply Hub ID, or the same name and country when either lacks an
ID) is reused, so one factory stays one supplier here and one row at the brand. Whatever
is picked is sealed to the form's project, so phone submissions and exports carry it
without the passphrase.
"""

from __future__ import annotations

import unicodedata

from .station import Station
from .store import projects, suppliers


def choose_supplier(station: Station, records_key: bytes, choice: str | dict[str, str],
                    project: projects.Project) -> str:
    """The supplier id for ``choice`` (an id, or typed details), sealed to ``project``.

    Raises ValueError naming the field for bad details, SupplierNotFound for an unknown id.
    """
    if isinstance(choice, str):
        details = suppliers.supplier_details(station.store, records_key, choice)
        supplier_id = choice
    else:
        details = suppliers.clean_details(**choice)
        supplier_id = same_supplier(station, records_key, details) or \
            suppliers.create_supplier(station.store, records_key, details)
    suppliers.seal_for_project(station.store, station.sealer, supplier_id, project.id,
                               project.public_key, details)
    return supplier_id


def same_supplier(station: Station, records_key: bytes, details: dict[str, str]) -> str | None:
    """The id of a known supplier that is the factory ``details`` describe, or None."""
    for known in suppliers.all_suppliers(station.store, records_key):
        if _same(known, details):
            return known["id"]
    return None


def _same(known: dict[str, str], typed: dict[str, str]) -> bool:
    if known.get("os_id") and typed.get("os_id"):
        return known["os_id"] == typed["os_id"]
    return (_folded(known.get("name", "")) == _folded(typed.get("name", ""))
            and known.get("country", "") == typed.get("country", ""))


def _folded(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def picker(station: Station, records_key: bytes) -> list[tuple[str, str]]:
    """Known suppliers as (id, label), newest first, for a picker."""
    return [(s["id"], supplier_label(s))
            for s in suppliers.all_suppliers(station.store, records_key)]


def supplier_label(details: dict[str, str]) -> str:
    """"Sunrise Garments (KH · KH2021ABC)": name, then country and Open Supply Hub ID."""
    extra = " · ".join(v for v in (details.get("country"), details.get("os_id")) if v)
    return f"{details['name']} ({extra})" if extra else details["name"]


def supplier_name(station: Station, records_key: bytes, supplier_id: str | None) -> str:
    """The supplier's name, or "" when there is none (or it is not on this laptop)."""
    if not supplier_id:
        return ""
    try:
        return suppliers.supplier_details(station.store, records_key, supplier_id)["name"]
    except suppliers.SupplierNotFound:
        return ""
