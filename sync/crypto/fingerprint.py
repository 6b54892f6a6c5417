"""Fingerprints people can compare by reading digits aloud, for any public keys."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes_raw()


def fingerprint(*public_keys: bytes) -> str:
    """Twenty decimal digits in groups of four: easy to read aloud over a phone line.

    Digits, not hex, so they read the same in any language; 66 bits is ample for a
    human comparison of keys exchanged by hand.
    """
    digest = hashlib.sha256(b"amplify-fingerprint" + b"".join(public_keys)).digest()
    number = int.from_bytes(digest[:9], "big") % 10**20
    digits = f"{number:020d}"
    return " ".join(digits[i:i + 4] for i in range(0, 20, 4))
