"""A station's public identity file: what ``amplify station id`` writes for the brand.

JSON with the station's Ed25519 public key and its fingerprint, nothing else: no host
name, no user name, no interpreter. The brand compares the fingerprint with the
interpreter by phone before ``amplify central trust``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from sync.crypto.fingerprint import fingerprint
from sync.safejson import load_object

FORMAT = "amplify-station-id-1"


class StationIdError(ValueError):
    pass


def station_id_for(public_key: bytes) -> str:
    """A short, stable id for a station: derived from its signing key only."""
    return "st-" + hashlib.sha256(b"amplify-station" + public_key).hexdigest()[:16]


@dataclass(frozen=True)
class StationIdentity:
    public_key: bytes

    @property
    def id(self) -> str:
        return station_id_for(self.public_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def to_bytes(self) -> bytes:
        return (json.dumps({"format": FORMAT, "station_id": self.id,
                            "public_key": base64.b64encode(self.public_key).decode("ascii"),
                            "fingerprint": self.fingerprint}, indent=1) + "\n").encode()

    @classmethod
    def parse(cls, data: bytes, where: str = "station id file") -> StationIdentity:
        try:
            document = load_object(data, "the file", max_bytes=64 * 1024)
            if document.get("format") != FORMAT:
                raise StationIdError(f"{where}: not an Amplify station id file ({FORMAT})")
            key = base64.b64decode(document["public_key"], validate=True)
        except StationIdError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise StationIdError(f"{where}: malformed station id file ({exc})") from None
        if len(key) != 32:
            raise StationIdError(f"{where}: the public key must be 32 bytes")
        return cls(key)
