"""The outer envelope of a bundle: a chunked AES-GCM stream encrypted to the brand.

File layout::

    MAGIC (8 bytes) | ephemeral X25519 public key (32 bytes) | chunk | chunk | ...

Each chunk is AES-256-GCM of up to ``CHUNK`` plaintext bytes under a key agreed
between the ephemeral key and the brand's encryption key (HKDF-SHA256). The nonce is
the chunk counter plus a "last chunk" flag, so chunks cannot be reordered, dropped,
or cut off at a chunk boundary without the reader noticing. The clear prefix is the
associated data of every chunk. A carrier sees only that this is an Amplify bundle
and its (padded, see ``padded_length``) size: not the project, the station, the day,
or how many records are inside.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"AMPLBND1"
PREFIX_BYTES = len(MAGIC) + 32
CHUNK = 64 * 1024
TAG = 16
INFO = b"amplify bundle envelope v1"


class EnvelopeError(ValueError):
    """The file is not a bundle for this key, or it was changed or cut short."""


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public,
                info=INFO).derive(shared)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def padded_length(length: int) -> int:
    """Padmé padding: round up so the size leaks O(log log n) bits; overhead ≤ 12 %."""
    if length < 2:
        return length
    exponent = math.floor(math.log2(length))
    size_bits = math.floor(math.log2(exponent)) + 1
    mask = (1 << (exponent - size_bits)) - 1
    return (length + mask) & ~mask


class EnvelopeWriter:
    """Write plaintext in; AES-GCM chunks come out on ``out``. Call ``close()`` once."""

    def __init__(self, out: BinaryIO, recipient_public: bytes) -> None:
        ephemeral = X25519PrivateKey.generate()
        eph_pub = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
        self._aead = AESGCM(_derive(shared, eph_pub, recipient_public))
        self._prefix = MAGIC + eph_pub
        self._out = out
        self._buffer = bytearray()
        self._counter = 0
        self.plaintext_bytes = 0
        out.write(self._prefix)

    def write(self, data: bytes) -> None:
        self._buffer += data
        self.plaintext_bytes += len(data)
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]

    def _emit(self, chunk: bytes, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), chunk, self._prefix))
        self._counter += 1

    def close(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()


def read_prefix(source: BinaryIO) -> bytes:
    prefix = source.read(PREFIX_BYTES)
    if len(prefix) < PREFIX_BYTES or not prefix.startswith(MAGIC):
        raise EnvelopeError("not an Amplify bundle (the file does not start with the bundle "
                            "header, or is cut short)")
    return prefix


def decrypt_chunks(source: BinaryIO, recipient_private: X25519PrivateKey) -> Iterator[bytes]:
    """Yield plaintext chunks; raise EnvelopeError on any change, reorder or truncation."""
    prefix = read_prefix(source)
    eph_pub = prefix[len(MAGIC):]
    try:
        shared = recipient_private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    except ValueError:
        raise EnvelopeError("the bundle's key exchange is invalid") from None
    recipient_public = recipient_private.public_key().public_bytes_raw()
    aead = AESGCM(_derive(shared, eph_pub, recipient_public))
    counter = 0
    current = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(counter, last), current, prefix)
        except (InvalidTag, ValueError):
            raise EnvelopeError(
                f"encrypted block {counter} failed authentication: the bundle was changed, "
                "cut short, or is not meant for this brand's key") from None
        if last:
            return
        counter += 1
        current = following
