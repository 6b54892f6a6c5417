"""Writing a bundle: frames (``sync.frames``) inside an envelope to the brand (``sync.envelope``).

The writer streams: it never holds more than one record, so a million-record bundle
needs no more memory than a small one. The station signs the trailer with its Ed25519
key; the trailer carries the transcript hash of every frame before it, so the one
signature binds the header, every seal batch key and every ciphertext.
"""

from __future__ import annotations

import base64
import re
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import frames as fr
from .envelope import EnvelopeWriter, padded_length

BUNDLE_FORMAT = "amplify-bundle-1"
PAD_FRAME = 1 << 20

# A collection round's name as a station's export gives it (``amplify export --round``).
ROUND_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$")

class BundleWriter:
    """Header on creation; then batches, suppliers, records; ``close()`` signs and pads."""

    def __init__(self, out: BinaryIO, brand_public: bytes, signing_key: Ed25519PrivateKey,
                 header: dict[str, Any]) -> None:
        self._envelope = EnvelopeWriter(out, brand_public)
        self._signing_key = signing_key
        self._transcript = fr.Transcript()
        self._batch_index: dict[str, int] = {}
        self.counts = {"batches": 0, "suppliers": 0, "records": 0}
        station_public = signing_key.public_key().public_bytes_raw()
        self._emit(fr.HEADER, fr.json_payload({
            **header, "format": BUNDLE_FORMAT,
            "station_public": base64.b64encode(station_public).decode("ascii")}))

    def _emit(self, kind: bytes, payload: bytes) -> None:
        data = fr.frame(kind, payload)
        if kind not in (fr.TRAILER, fr.PADDING):
            self._transcript.add(data)
        self._envelope.write(data)

    def batch(self, batch_id: str, ephemeral_public: bytes) -> None:
        if batch_id in self._batch_index:
            return
        self._batch_index[batch_id] = len(self._batch_index)
        self._emit(fr.BATCH, fr.json_payload({
            "id": batch_id, "ephemeral_public": base64.b64encode(ephemeral_public).decode()}))
        self.counts["batches"] += 1

    def supplier(self, supplier_id: str, batch_id: str, blob: bytes) -> None:
        self._emit(fr.SUPPLIER, fr.entry_payload(supplier_id, 0, self._batch_index[batch_id],
                                                 blob))
        self.counts["suppliers"] += 1

    def record(self, record_id: str, revision: int, batch_id: str, blob: bytes) -> None:
        self._emit(fr.RECORD, fr.entry_payload(record_id, revision,
                                               self._batch_index[batch_id], blob))
        self.counts["records"] += 1

    def close(self) -> None:
        body = fr.json_payload({"counts": self.counts,
                                "transcript": self._transcript.hexdigest()})
        self._emit(fr.TRAILER, self._signing_key.sign(fr.SIGNATURE_DOMAIN + body) + body)
        self._pad()
        self._envelope.close()

    def _pad(self) -> None:
        """Zeros after the trailer, so the file size hides how many records it holds."""
        written = self._envelope.plaintext_bytes
        missing = padded_length(written + 5) - written
        while missing > 5:
            size = min(missing - 5, PAD_FRAME)
            self._emit(fr.PADDING, bytes(size))
            missing -= size + 5
