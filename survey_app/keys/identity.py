"""The station's signing identity (Ed25519); fingerprints come from ``sync.crypto``.

The signing key is stored owner-only but *not* under the passphrase, because a
locked station must still be able to sign an export bundle. A seized laptop lets
someone sign bundles as this station (the brand then revokes its trust) but opens
no answer: signing is about where a bundle came from, not about secrecy.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.files import write_private

from ..home import ensure_home

SIGNING_KEY_NAME = "station_signing.key"


def station_signing_key(home: Path) -> Ed25519PrivateKey:
    """The station's signing key, generated on first use."""
    path = home / SIGNING_KEY_NAME
    if not path.exists():
        ensure_home(home)
        write_private(path, Ed25519PrivateKey.generate().private_bytes_raw())
    return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
