"""Reading a bundle: the header checked for shape, the station's signature before any use.

The header is the one frame read before the signature is known to hold (it names the
station whose key checks the signature): it is parsed with bounds and every field is
checked for type and form. :func:`verify_signed` then reads every following frame to
the end without acting on any of them: it checks their order and size, counts them,
and verifies the trailer's Ed25519 signature over the transcript of every frame. The
brand's merge calls both before it parses a single record, then reads the bundle a
second time and checks the same trailer again at the end of that read.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import frames as fr
from .bundle import BUNDLE_FORMAT, ROUND_LABEL
from .safejson import load_object

HEADER_BYTES = 64 * 1024
TRAILER_BYTES = 64 * 1024
SIGNATURE_BYTES = 64
BUNDLE_ID = re.compile(r"[0-9a-f]{32}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
COUNTED = {fr.BATCH: "batches", fr.SUPPLIER: "suppliers", fr.RECORD: "records"}


class BundleFormatError(fr.FrameError):
    """The bundle's frames, header or trailer are not what the format allows."""


@dataclass(frozen=True)
class Header:
    bundle_id: str
    project_id: str
    day: str
    round: str
    station_public: bytes


def show(value: Any, limit: int = 60) -> str:
    """A value from a bundle, safe to put in a message: repr, cut to ``limit``."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_header(payload: bytes) -> Header:
    data = load_object(payload, "the bundle header", max_bytes=HEADER_BYTES)
    if data.get("format") != BUNDLE_FORMAT:
        raise BundleFormatError(f"unknown bundle format {show(data.get('format'))}")
    round_label = data.get("round") or ""
    if round_label and not (isinstance(round_label, str) and ROUND_LABEL.fullmatch(round_label)):
        raise BundleFormatError("the bundle header names a malformed round")
    return Header(_field(data, "bundle_id", BUNDLE_ID), _field(data, "project_id", fr.ITEM_ID),
                  _field(data, "day", DAY), round_label,
                  key_field(data.get("station_public"), "the bundle header's station_public"))


def _field(data: dict[str, Any], name: str, form: re.Pattern[str]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not form.fullmatch(value):
        raise BundleFormatError(f"the bundle header is malformed ({name} {show(value)})")
    return value


def key_field(value: Any, what: str) -> bytes:
    """A 32-byte public key given as base64 text, or BundleFormatError naming ``what``."""
    try:
        key = base64.b64decode(value.encode("ascii"), validate=True)
    except (AttributeError, UnicodeEncodeError, binascii.Error):
        key = b""
    if len(key) != 32:
        raise BundleFormatError(f"{what} is not a 32-byte key in base64")
    return key


def check_trailer(payload: bytes, station_public: bytes, transcript: str,
                  counts: dict[str, int]) -> None:
    """Verify the signature first, then the signed transcript and counts."""
    signature, body = payload[:SIGNATURE_BYTES], payload[SIGNATURE_BYTES:]
    try:
        Ed25519PublicKey.from_public_bytes(station_public).verify(
            signature, fr.SIGNATURE_DOMAIN + body)
    except (InvalidSignature, ValueError):
        raise BundleFormatError("the station's signature does not match the bundle") from None
    trailer = load_object(body, "the signed trailer", max_bytes=TRAILER_BYTES)
    if trailer.get("transcript") != transcript:
        raise BundleFormatError("the bundle's content does not match its signed manifest")
    if trailer.get("counts") != counts:
        raise BundleFormatError(f"the manifest counts {show(trailer.get('counts'), 120)} but "
                                f"the bundle holds {counts}")


def verify_signed(frames: fr.FrameReader, station_public: bytes) -> dict[str, int]:
    """Read every frame after the header; return the counts once the signature holds."""
    counts = {"batches": 0, "suppliers": 0, "records": 0}
    signed = False
    for kind, payload in iter(frames.next, None):
        if signed:
            if kind != fr.PADDING:
                raise BundleFormatError("data after the signed trailer")
        elif kind == fr.TRAILER:
            check_trailer(payload, station_public, frames.transcript.hexdigest(), counts)
            signed = True
        elif kind in COUNTED:
            counts[COUNTED[kind]] += 1
        else:
            raise BundleFormatError(f"unexpected frame {kind!r} before the signed trailer")
    if not signed:
        raise BundleFormatError("the bundle is cut short: no signed trailer")
    return counts
