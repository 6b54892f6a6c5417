"""The inside of a bundle: typed, length-prefixed frames bound by one running hash.

Every frame is ``type (1 byte) | length (4 bytes, big-endian) | payload``. In order:

* ``H`` header (JSON): format, bundle id, project id, station public key, day;
* ``B`` seal batch (JSON): batch id and its ephemeral public key, before any record in it;
* ``S`` sealed supplier: id, batch index, ciphertext;
* ``R`` sealed record: id, revision, batch index, ciphertext;
* ``T`` trailer: Ed25519 signature + JSON body (counts and the SHA-256 of every frame
  before it, the *transcript*);
* ``P`` padding (zeros), only after ``T``.

The manifest is streamed: the header comes first (so a reader refuses an unknown
station or project before doing any work), one entry per record sits beside its
ciphertext, and the signed trailer binds all of it through the transcript hash.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HEADER, BATCH, SUPPLIER, RECORD, TRAILER, PADDING = b"H", b"B", b"S", b"R", b"T", b"P"
KNOWN = {HEADER, BATCH, SUPPLIER, RECORD, TRAILER, PADDING}
MAX_FRAME = 16 * 1024 * 1024
SIGNATURE_DOMAIN = b"amplify bundle trailer v1\x00"
_LENGTH = struct.Struct(">I")
_ENTRY = struct.Struct(">II")  # revision or 0, batch index
ITEM_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class FrameError(ValueError):
    """The decrypted bundle is not well formed."""


def frame(kind: bytes, payload: bytes) -> bytes:
    return kind + _LENGTH.pack(len(payload)) + payload


def json_payload(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_payload(item_id: str, revision: int, batch_index: int, blob: bytes) -> bytes:
    raw_id = item_id.encode("ascii")
    return bytes([len(raw_id)]) + raw_id + _ENTRY.pack(revision, batch_index) + blob


@dataclass(frozen=True)
class Entry:
    """A sealed record or supplier as it travels: the ciphertext and where it belongs."""

    item_id: str
    revision: int
    batch_index: int
    blob: bytes


def parse_entry(payload: bytes) -> Entry:
    try:
        size = payload[0]
        item_id = payload[1:1 + size].decode("ascii")
        revision, batch_index = _ENTRY.unpack_from(payload, 1 + size)
    except (IndexError, UnicodeDecodeError, struct.error):
        raise FrameError("a record entry is malformed") from None
    if not ITEM_ID.fullmatch(item_id):  # ids end up in messages: no control characters
        raise FrameError("a record entry's id is malformed (letters, digits, '-', '_')")
    return Entry(item_id, revision, batch_index, payload[1 + size + _ENTRY.size:])


class Transcript:
    """SHA-256 over every frame written or read so far."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class FrameReader:
    """Split a stream of plaintext chunks into frames, hashing all before the trailer."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self._offset = 0
        self.transcript = Transcript()

    def _take(self, size: int) -> bytes | None:
        """``size`` bytes, or None at the end; joins chunks once (a 16 MiB frame is linear)."""
        available = len(self._buffer) - self._offset
        if available < size:
            pieces = [self._buffer[self._offset:]]
            while available < size:
                more = next(self._chunks, None)
                if more is None:
                    self._buffer, self._offset = b"".join(pieces), 0
                    return None
                pieces.append(more)
                available += len(more)
            self._buffer, self._offset = b"".join(pieces), 0
        data = self._buffer[self._offset:self._offset + size]
        self._offset += size
        return data

    def next(self) -> tuple[bytes, bytes] | None:
        """The next (kind, payload), or None at the clean end of the stream."""
        head = self._take(5)
        if head is None:
            if len(self._buffer) - self._offset:
                raise FrameError("the bundle ends inside a frame")
            return None
        kind, length = head[:1], _LENGTH.unpack_from(head, 1)[0]
        if kind not in KNOWN or length > MAX_FRAME:
            raise FrameError(f"unknown frame type {kind!r} or oversized frame")
        payload = self._take(length)
        if payload is None:
            raise FrameError("the bundle ends inside a frame")
        if kind != TRAILER and kind != PADDING:
            self.transcript.add(head)
            self.transcript.add(payload)
        return kind, payload
