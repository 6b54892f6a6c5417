"""Sending a bundle to a central server over HTTP (``amplify push``).

The bundle needs no trust in the connection: it is encrypted to the brand and signed
by the station, so plain HTTP, a proxy or a hotel network learn nothing but its size.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

API_PATH = "/api/bundles"


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
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            try:
                reason = json.loads(exc.read().decode("utf-8")).get("error", exc.reason)
            except ValueError:
                reason = exc.reason
            raise PushError(f"{target} refused {path.name} (HTTP {exc.code}): {reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise PushError(f"cannot reach {target}: {getattr(exc, 'reason', exc)}") from None
