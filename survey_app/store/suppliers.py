"""Suppliers (factories): details encrypted at rest, sealed per project for export.

The interpreter types a supplier's name, country and Open Supply Hub ID; that is
"something they typed", so it is stored encrypted under the ``records`` key. A copy
is also sealed to each project that records for this supplier belong to, so worker
submissions (which arrive while the interpreter screen may be locked) and exports
never need the passphrase to carry the supplier along.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlite_utils

from sync.crypto import aead
from sync.crypto.seal import BatchSealer

from .db import Store
from .records import decode, encode, today


class SupplierNotFound(LookupError):
    pass


def _aad(supplier_id: str) -> bytes:
    return f"supplier:{supplier_id}".encode()


def clean_details(name: str, country: str = "", os_id: str = "") -> dict[str, str]:
    """Validate what the interpreter typed; raise ValueError naming the field."""
    name, country, os_id = name.strip(), country.strip().upper(), os_id.strip().upper()
    if not name:
        raise ValueError("supplier name: required")
    if len(name) > 200:
        raise ValueError("supplier name: at most 200 characters")
    if country and (len(country) != 2 or not country.isalpha() or not country.isascii()):
        raise ValueError("country: use the two-letter ISO code, for example KH or BD")
    if os_id and (len(os_id) > 32 or not os_id.isalnum() or not os_id.isascii()):
        raise ValueError("Open Supply Hub ID: letters and digits only, for example BD2019123ABC456")
    return {"name": name, "country": country, "os_id": os_id}


def create_supplier(store: Store, records_key: bytes, details: dict[str, str]) -> str:
    supplier_id = uuid.uuid4().hex
    blob = aead.encrypt(records_key, encode(details), _aad(supplier_id))
    store.write(lambda db: db["suppliers"].insert(
        {"id": supplier_id, "details": blob, "created_day": today()}))
    return supplier_id


def supplier_details(store: Store, records_key: bytes, supplier_id: str) -> dict[str, str]:
    try:
        row = store.read()["suppliers"].get(supplier_id)
    except sqlite_utils.db.NotFoundError:
        raise SupplierNotFound(supplier_id) from None
    return decode(aead.decrypt(records_key, row["details"], _aad(supplier_id)))


def all_suppliers(store: Store, records_key: bytes) -> list[dict[str, Any]]:
    rows = store.read()["suppliers"].rows_where(order_by="created_day desc")
    return [{"id": r["id"], **supplier_details(store, records_key, r["id"])} for r in rows]


def seal_for_project(store: Store, sealer: BatchSealer, supplier_id: str, project_id: str,
                     project_public: bytes, details: dict[str, str]) -> None:
    """Store a copy of the supplier's details sealed to a project (idempotent)."""
    batch = sealer.current(project_public)
    payload = batch.seal(f"supplier:{supplier_id}", encode({"id": supplier_id, **details}))

    def job(db: sqlite_utils.Database) -> None:
        db["seal_batches"].insert({"id": batch.batch_id, "project_id": project_id,
                                   "ephemeral_public": batch.ephemeral_public, "day": today()},
                                  ignore=True)
        db["supplier_seals"].upsert({"supplier_id": supplier_id, "project_id": project_id,
                                     "batch_id": batch.batch_id, "payload": payload},
                                    pk=("supplier_id", "project_id"))

    store.write(job)

