"""The brand's keys: ``C/central_keys.json``.

An X25519 pair (bundles and sealed records are encrypted to its public half) and an
Ed25519 pair (project files are signed with it). The private halves are wrapped with
AES-GCM under a key derived from the brand passphrase with scrypt, exactly as a
station wraps its data keys (``survey_app.keys``); the public halves are in clear.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.crypto import aead
from sync.crypto.fingerprint import fingerprint
from sync.crypto.kdf import KdfParams, derive_kek
from sync.crypto.passphrase import WrongPassphrase, check_passphrase_strength
from sync.files import write_private

FORMAT = "amplify-central-keys-1"
KEYS_NAME = "central_keys.json"
DEFAULT_LOG2_N = 17


class NotACentralHome(Exception):
    """The folder has no central keys yet."""


@dataclass
class CentralKeys:
    encryption: X25519PrivateKey
    signing: Ed25519PrivateKey


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def keys_path(home: Path) -> Path:
    return home / KEYS_NAME


def kdf_cost() -> int:
    return int(os.environ.get("AMPLIFY_KDF_LOG2_N", DEFAULT_LOG2_N))


def create(home: Path, passphrase: str) -> CentralKeys:
    if keys_path(home).exists():
        raise FileExistsError(f"{home} is already a central home")
    check_passphrase_strength(passphrase)
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    keys = CentralKeys(X25519PrivateKey.generate(), Ed25519PrivateKey.generate())
    params = KdfParams.fresh(kdf_cost())
    kek = derive_kek(passphrase, params)
    document = {
        "format": FORMAT, "kdf": params.to_json(),
        "wrapped": {
            "encryption": _b64(aead.encrypt(kek, keys.encryption.private_bytes_raw(),
                                            b"wrap:encryption")),
            "signing": _b64(aead.encrypt(kek, keys.signing.private_bytes_raw(), b"wrap:signing")),
        },
        "encryption_public": _b64(keys.encryption.public_key().public_bytes_raw()),
        "signing_public": _b64(keys.signing.public_key().public_bytes_raw()),
    }
    write_private(keys_path(home), (json.dumps(document, indent=2) + "\n").encode())
    return keys


def _read(home: Path) -> dict:
    path = keys_path(home)
    if not path.exists():
        raise NotACentralHome(f"{home} is not a central home: run "
                              f"`amplify central init --home {home}`")
    return json.loads(path.read_text(encoding="utf-8"))


def public_keys(home: Path) -> tuple[bytes, bytes]:
    """(encryption public, signing public)."""
    document = _read(home)
    return (base64.b64decode(document["encryption_public"]),
            base64.b64decode(document["signing_public"]))


def brand_fingerprint(home: Path) -> str:
    encryption, signing = public_keys(home)
    return fingerprint(signing, encryption)


def unlock(home: Path, passphrase: str) -> CentralKeys:
    document = _read(home)
    kek = derive_kek(passphrase, KdfParams.from_json(document["kdf"]))
    wrapped = document["wrapped"]
    try:
        encryption = aead.decrypt(kek, base64.b64decode(wrapped["encryption"]), b"wrap:encryption")
        signing = aead.decrypt(kek, base64.b64decode(wrapped["signing"]), b"wrap:signing")
    except aead.DecryptionError:
        raise WrongPassphrase("wrong passphrase: the brand keys did not open") from None
    return CentralKeys(X25519PrivateKey.from_private_bytes(encryption),
                       Ed25519PrivateKey.from_private_bytes(signing))
