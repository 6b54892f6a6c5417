"""Passphrase → key-encryption key, with scrypt (memory-hard).

The parameters travel with the wrapped keys, so raising the cost for new homes
never locks an old home out.
"""

from __future__ import annotations

import base64
import os
from dataclasses import asdict, dataclass

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


@dataclass(frozen=True)
class KdfParams:
    log2_n: int
    r: int
    p: int
    salt: str  # base64

    @classmethod
    def fresh(cls, log2_n: int) -> KdfParams:
        return cls(log2_n=log2_n, r=8, p=1, salt=base64.b64encode(os.urandom(16)).decode())

    def to_json(self) -> dict:
        return {"name": "scrypt", **asdict(self)}

    @classmethod
    def from_json(cls, data: dict) -> KdfParams:
        if data.get("name") != "scrypt":
            raise ValueError(f"unknown key-derivation function {data.get('name')!r}")
        return cls(log2_n=data["log2_n"], r=data["r"], p=data["p"], salt=data["salt"])


def derive_kek(passphrase: str, params: KdfParams) -> bytes:
    kdf = Scrypt(salt=base64.b64decode(params.salt), length=32,
                 n=2**params.log2_n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))
