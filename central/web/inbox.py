"""``POST /api/bundles``: interpreters push bundles here (what `amplify push` sends).

No login and no CSRF token: the bundle authenticates itself (encrypted to this brand,
signed by a trusted station) and the merge refuses anything else. Bodies above the
size limit are refused before they are read; merges run one at a time (``mergelock``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access
from ..merge import BundleRefused, NotEnoughDisk, merge_bundle
from .guard import ANYONE, allow

bp = Blueprint("inbox", __name__, url_prefix="/api")


@bp.get("")
@allow(ANYONE)
def about():
    return jsonify({"service": "amplify central", "post_bundles_to": "/api/bundles"})


@bp.post("/bundles")
@allow(ANYONE)
def receive():
    home = current_app.extensions["amplify_central"]
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if home.keys is None:
        return jsonify({"error": "the inbox is closed: start it with `amplify central serve`"}), 503
    if request.content_length is None:
        return jsonify({"error": "send the bundle with a Content-Length"}), 411
    if request.content_length > limit:
        raise RequestEntityTooLarge()
    inbox = home.path / "inbox"
    inbox.mkdir(mode=0o700, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=inbox, suffix=".bundle")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            for block in iter(lambda: request.stream.read(1 << 20), b""):
                handle.write(block)
        result = merge_bundle(home.path, home.keys, path)
    except BundleRefused as exc:
        return jsonify({"error": exc.reason}), 422
    except NotEnoughDisk as exc:
        return jsonify({"error": str(exc)}), 507
    finally:
        path.unlink(missing_ok=True)
    access.audit(home.path, "inbox", "bundle merged", result.bundle_id,
                 f"{result.records} records")
    return jsonify({"status": "merged", "bundle_id": result.bundle_id,
                    "records": result.records, "new": result.new,
                    "replaced": result.replaced, "unchanged": result.unchanged})


def too_large(_exc: Exception):
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return jsonify({"error": f"bundle larger than {limit} MB"}), 413
