"""Sending a bundle to a central server over HTTP (``amplify push``).

The bundle needs no trust in the connection: it is encrypted to the brand and signed
by the station, so plain HTTP, a proxy or a hotel network learn nothing but its size.
The answer, though, may come from anyone on that network: it is read with bounds
(``sync.safejson``), its counts must be numbers, and a reason is shown as plain text.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .safejson import JsonRefused, load_object

API_PATH = "/api/bundles"
ANSWER_BYTES = 64 * 1024
COUNTS = ("records", "new", "replaced", "unchanged")


class PushError(Exception):
    pass


def bundle_url(url: str) -> str:
    """``http://host:port`` → ``http://host:port/api/bundles``; a full URL is kept."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"{url!r} is not an http(s) URL, for example http://brand.example:8765")
    path = parts.path if parts.path not in ("", "/") else API_PATH
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def push(path: Path, url: str, timeout: float = 600) -> dict:
    """POST the bundle; return the server's JSON answer or raise PushError with its reason."""
    target = bundle_url(url)
    size = path.stat().st_size
    with open(path, "rb") as body:
        request = urllib.request.Request(
            target, data=body, method="POST",
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return _merged(response.read(ANSWER_BYTES + 1), target)
        except urllib.error.HTTPError as exc:
            raise PushError(f"{target} refused {path.name} (HTTP {exc.code}): "
                            f"{_reason(exc.read(ANSWER_BYTES + 1), exc.reason)}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise PushError(f"cannot reach {target}: {getattr(exc, 'reason', exc)}") from None


def _merged(raw: bytes, target: str) -> dict:
    """The server's "merged" answer, with its counts as numbers (0 where missing)."""
    try:
        answer = load_object(raw, "the answer", max_bytes=ANSWER_BYTES)
    except JsonRefused as exc:
        raise PushError(f"{target} did not answer as an Amplify inbox: {exc}") from None
    counts = {name: answer.get(name, 0) for name in COUNTS}
    if not all(value.__class__ is int for value in counts.values()):
        raise PushError(f"{target} did not answer as an Amplify inbox: counts are not numbers")
    return {**counts, "bundle_id": printable(answer.get("bundle_id", ""))}


def _reason(raw: bytes, fallback: object) -> str:
    try:
        return printable(load_object(raw, "the answer", max_bytes=ANSWER_BYTES)
                         .get("error", fallback))
    except JsonRefused:
        return printable(fallback)


def printable(value: object, limit: int = 300) -> str:
    """Text from the network, safe for a terminal: no control characters, cut to ``limit``."""
    text = "".join(c if c.isprintable() else " " for c in str(value)[:limit])
    return text + ("…" if len(str(value)) > limit else "")
