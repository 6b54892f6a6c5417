"""The station's signing identity (Ed25519) and fingerprints people can compare.

The signing key is stored owner-only but *not* under the passphrase, because a
locked station must still be able to sign an export bundle. A seized laptop lets
someone sign bundles as this station (the brand then revokes its trust) but opens
no answer: signing is about where a bundle came from, not about secrecy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..home import ensure_home, write_private

SIGNING_KEY_NAME = "station_signing.key"


def station_signing_key(home: Path) -> Ed25519PrivateKey:
    """The station's signing key, generated on first use."""
    path = home / SIGNING_KEY_NAME
    if not path.exists():
        ensure_home(home)
        write_private(path, Ed25519PrivateKey.generate().private_bytes_raw())
    return Ed25519PrivateKey.from_private_bytes(path.read_bytes())


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
