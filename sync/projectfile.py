"""The project file a brand hands to interpreters: signed, self-describing, no secrets in clear.

JSON: ``{"format": FORMAT, "project": {...}, "signature": base64}``. The signature is the
brand's Ed25519 signature over the canonical JSON of ``project``, which holds the brand's
public encryption and signing keys, the XLSForm files (base64), the disclosure thresholds,
the free-text policy, and the project's pseudonym key wrapped under a *project passphrase*
(scrypt + AES-GCM). The passphrase travels apart from the file (by phone, in person), so a
project file forwarded by e-mail does not give away the key that links representatives
across rounds. The brand's central home never stores the pseudonym key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.crypto import aead
from sync.crypto.fingerprint import fingerprint
from sync.crypto.kdf import KdfParams, derive_kek
from sync.safejson import load_object

FORMAT = "amplify-project-1"
DEFAULT_THRESHOLDS = {"k_brand": 5, "k_sharing": 10}
MAX_BYTES = 64 * 1024 * 1024  # forms travel inside, base64: generous, but not unbounded


class ProjectFileError(ValueError):
    """The project file is malformed, or its signature does not check."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_project_passphrase() -> str:
    """24 random digits in groups of four (~80 bits): easy to read out over a phone."""
    digits = "".join(secrets.choice("0123456789") for _ in range(24))
    return "-".join(digits[i:i + 4] for i in range(0, 24, 4))


def _normalise_passphrase(passphrase: str) -> str:
    return "".join(passphrase.split())


def wrap_pseudonym_key(key: bytes, passphrase: str, log2_n: int) -> dict[str, Any]:
    params = KdfParams.fresh(log2_n)
    kek = derive_kek(_normalise_passphrase(passphrase), params)
    return {"kdf": params.to_json(), "wrapped": b64(aead.encrypt(kek, key, b"pseudonym-key"))}


def unwrap_pseudonym_key(wrapped: dict[str, Any], passphrase: str) -> bytes:
    """Raise aead.DecryptionError when the project passphrase is wrong."""
    kek = derive_kek(_normalise_passphrase(passphrase), KdfParams.from_json(wrapped["kdf"]))
    return aead.decrypt(kek, unb64(wrapped["wrapped"]), b"pseudonym-key")


@dataclass(frozen=True)
class FormFile:
    form_id: str
    version: str
    file_name: str
    source: bytes
    # The CSV files the form reads (choices from a file, search(), pulldata()), by name;
    # the brand's signature over the document covers them.
    attachments: dict[str, bytes] = field(default_factory=dict)
    # Loaded leaving out what a phone must not collect (``--drop-unsupported``), on both
    # sides: the brand signed the form that way, so every station loads it the same way.
    drop_unsupported: bool = False


@dataclass(frozen=True)
class ProjectFile:
    """A verified project file."""

    document: dict[str, Any]

    @property
    def id(self) -> str:
        return self.document["id"]

    @property
    def name(self) -> str:
        return self.document["name"]

    @property
    def encryption_public(self) -> bytes:
        return unb64(self.document["brand_encryption_public"])

    @property
    def signing_public(self) -> bytes:
        return unb64(self.document["brand_signing_public"])

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.encryption_public)

    @property
    def free_text_export(self) -> bool:
        return bool(self.document.get("free_text_export", False))

    def forms(self) -> list[FormFile]:
        return [FormFile(f["form_id"], f["version"], f["file_name"], unb64(f["xlsform"]),
                         {name: unb64(data) for name, data in f.get("attachments", {}).items()},
                         f.get("drop_unsupported") is True)
                for f in self.document["forms"]]

    def station_document(self) -> dict[str, Any]:
        """What a station keeps in its projects table: everything but the form files."""
        keep = {k: v for k, v in self.document.items() if k not in ("forms", "pseudonym_key")}
        keep["forms"] = [{"form_id": f["form_id"], "version": f["version"]}
                         for f in self.document["forms"]]
        keep["brand_fingerprint"] = self.fingerprint
        return keep


def build(*, project_id: str, name: str, created_day: str, encryption_public: bytes,
          signing_key: Ed25519PrivateKey, forms: list[FormFile], pseudonym_wrapped: dict,
          thresholds: dict[str, int] | None = None, free_text_export: bool = False) -> bytes:
    """The signed project file, as bytes to write."""
    document = {
        "id": project_id, "name": name, "created_day": created_day,
        "brand_encryption_public": b64(encryption_public),
        "brand_signing_public": b64(signing_key.public_key().public_bytes_raw()),
        "forms": [{"form_id": f.form_id, "version": f.version, "file_name": f.file_name,
                   "sha256": hashlib.sha256(f.source).hexdigest(), "xlsform": b64(f.source),
                   **({"attachments": {name: b64(data) for name, data in f.attachments.items()}}
                      if f.attachments else {}),
                   **({"drop_unsupported": True} if f.drop_unsupported else {})}
                  for f in forms],
        "thresholds": dict(thresholds or DEFAULT_THRESHOLDS),
        "free_text_export": free_text_export,
        "pseudonym_key": pseudonym_wrapped,
    }
    signature = signing_key.sign(FORMAT.encode() + b"\x00" + canonical(document))
    return json.dumps({"format": FORMAT, "project": document, "signature": b64(signature)},
                      indent=1, ensure_ascii=False).encode() + b"\n"


def parse(data: bytes, where: str = "project file") -> ProjectFile:
    """Parse and verify a project file (its own signature, and every form's hash)."""
    try:
        outer = load_object(data, "the file", max_bytes=MAX_BYTES)
        if outer.get("format") != FORMAT:
            raise ProjectFileError(f"{where}: not an Amplify project file ({FORMAT})")
        document = outer["project"]
        public = Ed25519PublicKey.from_public_bytes(unb64(document["brand_signing_public"]))
        public.verify(unb64(outer["signature"]), FORMAT.encode() + b"\x00" + canonical(document))
        project = ProjectFile(document)
        for form in project.forms():
            expected = next(f["sha256"] for f in document["forms"]
                            if f["form_id"] == form.form_id and f["version"] == form.version)
            if hashlib.sha256(form.source).hexdigest() != expected:
                raise ProjectFileError(f"{where}: form {form.form_id} does not match its hash")
        return project
    except InvalidSignature:
        raise ProjectFileError(f"{where}: the brand's signature does not match: the file "
                               "was changed after the brand signed it") from None
    except ProjectFileError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProjectFileError(f"{where}: malformed project file ({exc})") from None
