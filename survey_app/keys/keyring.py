"""The station keyring: ``HOME/keys.json``.

A passphrase derives a key-encryption key (KEK, scrypt). The KEK wraps random data
keys with AES-GCM, each wrap bound to the key's name. Changing the passphrase
re-wraps those few keys; no record is re-encrypted.

Data keys held here:

* ``records``  encrypts interview drafts, supplier names and session details;
* ``vault``    encrypts answers to ``identifying`` questions (never exported);
* ``local_project`` the private X25519 key of the station's own project, so a
  union running its own survey can read its own finalised results;
* ``projects/<id>`` pseudonym keys of imported brand projects.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.crypto import aead
from sync.crypto.kdf import KdfParams, derive_kek
from sync.crypto.passphrase import (  # noqa: F401 (callers catch them here)
    MIN_PASSPHRASE,
    WrongPassphrase,
    check_passphrase_strength,
)
from sync.files import write_private

from ..home import KEYS_NAME, ensure_home

FORMAT = "amplify-keyring-1"


class NotInitialised(Exception):
    """The home has no keyring yet (run ``amplify init``)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


@dataclass
class UnlockedKeys:
    """Data keys in memory after an unlock. Drop the object to lock."""

    kek: bytes
    records: bytes
    vault: bytes
    local_project_private: bytes
    extra: dict[str, bytes] = field(default_factory=dict)


def keyring_path(home: Path) -> Path:
    return home / KEYS_NAME


def exists(home: Path) -> bool:
    return keyring_path(home).exists()


def _read(home: Path) -> dict:
    path = keyring_path(home)
    if not path.exists():
        raise NotInitialised(f"{home} has no keys yet: run `amplify init --home {home}`")
    return json.loads(path.read_text(encoding="utf-8"))


def _wrap_all(kek: bytes, keys: dict[str, bytes]) -> dict[str, str]:
    return {name: _b64(aead.encrypt(kek, key, f"wrap:{name}".encode()))
            for name, key in keys.items()}


def _unwrap_all(kek: bytes, wrapped: dict[str, str]) -> dict[str, bytes]:
    try:
        return {name: aead.decrypt(kek, _unb64(blob), f"wrap:{name}".encode())
                for name, blob in wrapped.items()}
    except aead.DecryptionError:
        raise WrongPassphrase(
            "wrong passphrase: the keys did not open; nothing was changed") from None


def create(home: Path, passphrase: str, log2_n: int) -> UnlockedKeys:
    """Generate every data key and wrap it under a KEK from ``passphrase``."""
    if exists(home):
        raise FileExistsError(f"{keyring_path(home)} already exists")
    check_passphrase_strength(passphrase)
    ensure_home(home)
    project_private = X25519PrivateKey.generate()
    keys = {
        "records": aead.new_key(),
        "vault": aead.new_key(),
        "local_project": project_private.private_bytes_raw(),
    }
    params = KdfParams.fresh(log2_n)
    kek = derive_kek(passphrase, params)
    document = {
        "format": FORMAT,
        "kdf": params.to_json(),
        "wrapped": _wrap_all(kek, keys),
        "local_project_public": _b64(project_private.public_key().public_bytes_raw()),
    }
    write_private(keyring_path(home), (json.dumps(document, indent=2) + "\n").encode())
    return _unlocked(kek, keys)


def unlock(home: Path, passphrase: str) -> UnlockedKeys:
    document = _read(home)
    kek = derive_kek(passphrase, KdfParams.from_json(document["kdf"]))
    return _unlocked(kek, _unwrap_all(kek, document["wrapped"]))


def _unlocked(kek: bytes, keys: dict[str, bytes]) -> UnlockedKeys:
    named = {"records", "vault", "local_project"}
    return UnlockedKeys(
        kek=kek,
        records=keys["records"],
        vault=keys["vault"],
        local_project_private=keys["local_project"],
        extra={k: v for k, v in keys.items() if k not in named},
    )


def _all_keys(unlocked: UnlockedKeys) -> dict[str, bytes]:
    return {"records": unlocked.records, "vault": unlocked.vault,
            "local_project": unlocked.local_project_private, **unlocked.extra}


def change_passphrase(home: Path, old: str, new: str, log2_n: int) -> None:
    """Re-wrap the data keys under a new passphrase; data stays as it is."""
    check_passphrase_strength(new)
    unlocked = unlock(home, old)
    _rewrite(home, new, _all_keys(unlocked), log2_n)


def add_key(home: Path, unlocked: UnlockedKeys, name: str, key: bytes) -> None:
    """Wrap one more data key (for instance an imported project's pseudonym key)."""
    unlocked.extra[name] = key
    document = _read(home)
    document["wrapped"] = _wrap_all(unlocked.kek, _all_keys(unlocked))
    write_private(keyring_path(home), (json.dumps(document, indent=2) + "\n").encode())


def refresh(home: Path, unlocked: UnlockedKeys) -> bool:
    """Take in keys another process wrapped since this unlock (a project imported with
    the CLI while the station runs). False when the keyring no longer opens with this
    unlock's key (the passphrase changed since): the next unlock reads it."""
    try:
        found = _unwrap_all(unlocked.kek, _read(home)["wrapped"])
    except WrongPassphrase:
        return False
    named = {"records", "vault", "local_project"}
    unlocked.extra.update({k: v for k, v in found.items() if k not in named})
    return True


def _rewrite(home: Path, passphrase: str, keys: dict[str, bytes], log2_n: int) -> None:
    document = _read(home)
    params = KdfParams.fresh(log2_n)
    document["kdf"] = params.to_json()
    document["wrapped"] = _wrap_all(derive_kek(passphrase, params), keys)
    write_private(keyring_path(home), (json.dumps(document, indent=2) + "\n").encode())


def local_project_public(home: Path) -> bytes:
    """The station's own project public key: sealing needs no passphrase."""
    return _unb64(_read(home)["local_project_public"])
