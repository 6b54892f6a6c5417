"""Hostile bundles built with the real writer: real envelope, frames, seals and signatures.

The outer envelope is encrypted to the brand, so flipping bytes of a real bundle only
ever reaches the envelope's authentication. To reach the parsers behind it, a test
writes bundles with :class:`HostileWriter` (``sync.bundle.BundleWriter`` plus what a
real station never writes: a header of its choice, raw frames, records whose sealed
content it chooses, a trailer signed by another key) to a brand whose public key it
holds, as anyone with the project file can.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from waitress import create_server

from central import admin, create_app, keys
from central.keys import CentralKeys
from survey_app.store.records import encode, sealed_payload
from sync import frames as fr
from sync.bundle import BundleWriter
from sync.crypto.seal import SealBatch
from sync.stationid import StationIdentity
from tests import synthetic
from tests.sync_kit import BRAND_PASSPHRASE, FORMS
from xlsform.model import FormDefinition


@dataclass
class Brand:
    """A central home with one project (the worker form) and one trusted station key."""

    home: Path
    keys: CentralKeys
    project_id: str
    form: FormDefinition
    station: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.keys.encryption.public_key().public_bytes_raw()


def make_brand(home: Path) -> Brand:
    admin.init_home(home, BRAND_PASSPHRASE)
    central_keys = keys.unlock(home, BRAND_PASSPHRASE)
    created = admin.create_project(home, central_keys, "hostile", [FORMS / "worker.xlsx"],
                                   project_passphrase="1111-2222-3333-4444")
    station = Ed25519PrivateKey.generate()
    admin.trust_station(home, StationIdentity(station.public_key().public_bytes_raw()))
    form = admin.load_form_files([FORMS / "worker.xlsx"])[0][1]
    return Brand(home, central_keys, created.project.id, form, station)


def header(brand: Brand, **changes: Any) -> dict[str, Any]:
    values = {"bundle_id": uuid.uuid4().hex, "project_id": brand.project_id,
              "day": date.today().isoformat()}
    values.update(changes)
    return values


def document(brand: Brand, record_id: str, seed: int = 1) -> dict[str, Any]:
    """The sealed document a real station writes for one record of the worker form."""
    meta, answers = next(synthetic.records_for(brand.form, brand.project_id, 1, seed=seed,
                                               ids=[record_id]))
    return sealed_payload(meta, answers)


class HostileWriter(BundleWriter):
    """The real writer, plus a chosen header payload, raw frames and a chosen signer."""

    def __init__(self, out: BinaryIO, brand: Brand, header_fields: dict[str, Any],
                 header_payload: bytes | None = None) -> None:
        self._header_payload = header_payload
        self._brand = brand
        self._seal: SealBatch | None = None
        super().__init__(out, brand.public, brand.station, header_fields)

    def _emit(self, kind: bytes, payload: bytes) -> None:
        if kind == fr.HEADER and self._header_payload is not None:
            payload, self._header_payload = self._header_payload, None
        super()._emit(kind, payload)

    def raw(self, data: bytes) -> None:
        """Bytes into the frame stream as they are, inside the signed transcript."""
        self._transcript.add(data)
        self._envelope.write(data)

    def sealed_record(self, record_id: str, plaintext: bytes, revision: int = 1) -> None:
        """A record whose sealed content is ``plaintext``, sealed as a station seals."""
        self._open_seal()
        self.record(record_id, revision, self._seal.batch_id,
                    self._seal.seal(record_id, plaintext))

    def sealed_supplier(self, supplier_id: str, plaintext: bytes) -> None:
        """A supplier whose sealed details are ``plaintext``."""
        self._open_seal()
        self.supplier(supplier_id, self._seal.batch_id,
                      self._seal.seal(f"supplier:{supplier_id}", plaintext))

    def _open_seal(self) -> None:
        if self._seal is None:
            self._seal = SealBatch.new(self._brand.public)
            self.batch(self._seal.batch_id, self._seal.ephemeral_public)

    def finish(self, signer: Ed25519PrivateKey | None = None,
               body: bytes | None = None) -> None:
        """Sign the trailer (with ``signer`` instead of the station's key), pad, close."""
        body = body if body is not None else fr.json_payload(
            {"counts": self.counts, "transcript": self._transcript.hexdigest()})
        self._signing_key = signer or self._signing_key
        self._emit(fr.TRAILER, self._signing_key.sign(fr.SIGNATURE_DOMAIN + body) + body)
        self._pad()
        self._envelope.close()


def write(path: Path, brand: Brand, build: Callable[[HostileWriter], object], *,
          header_fields: dict[str, Any] | None = None, header_payload: bytes | None = None,
          signer: Ed25519PrivateKey | None = None, trailer_body: bytes | None = None) -> Path:
    """Write a bundle: ``build(writer)`` adds its frames, then the trailer is signed."""
    with open(path, "wb") as out:
        writer = HostileWriter(out, brand, header_fields or header(brand), header_payload)
        build(writer)
        writer.finish(signer, trailer_body)
    return path


def good_records(brand: Brand, count: int = 2, seed: int = 1
                 ) -> Callable[[HostileWriter], None]:
    """A ``build`` that adds ``count`` valid records."""

    def build(writer: HostileWriter) -> None:
        for index in range(count):
            record_id = uuid.UUID(int=seed * 1000 + index + 1).hex
            writer.sealed_record(record_id, encode(document(brand, record_id, seed + index)))

    return build


def deep_json(depth: int) -> bytes:
    return b'{"x":' + b"[" * depth + b"]" * depth + b"}"


@contextmanager
def inbox(brand: Brand) -> Iterator[str]:
    """``amplify central serve``'s app for the brand on 127.0.0.1; yields its base URL."""
    app = create_app(brand.home, {"MAX_CONTENT_LENGTH": 4 * 1024 * 1024},
                     central_keys=brand.keys)
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


def post(url: str, path: Path) -> tuple[int, dict[str, Any]]:
    """POST a bundle file to the inbox; (status, JSON body)."""
    request = urllib.request.Request(f"{url}/api/bundles", data=path.read_bytes(),
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
