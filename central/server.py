"""``amplify central serve``: a small HTTP inbox for bundles, separate from the station app.

``POST /api/bundles`` with the bundle file as the body. There is no login and no CSRF
token: the bundle authenticates itself (encrypted to this brand, signed by a trusted
station) and the merge refuses anything else. Bodies above the size limit are refused
before they are read. Merges run one at a time; the answer is JSON.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from flask import Flask, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from .keys import CentralKeys
from .merge import BundleRefused, merge_bundle

DEFAULT_MAX_MB = 512


def create_central_app(home: Path, central_keys: CentralKeys,
                       max_mb: int = DEFAULT_MAX_MB) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_mb * 1024 * 1024
    inbox = home / "inbox"
    inbox.mkdir(mode=0o700, exist_ok=True)
    lock = threading.Lock()

    @app.after_request
    def headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/")
    def index():
        return jsonify({"service": "amplify central", "post_bundles_to": "/api/bundles"})

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_exc):
        return jsonify({"error": f"bundle larger than {max_mb} MB"}), 413

    @app.post("/api/bundles")
    def receive():
        if request.content_length is None:
            return jsonify({"error": "send the bundle with a Content-Length"}), 411
        if request.content_length > app.config["MAX_CONTENT_LENGTH"]:
            raise RequestEntityTooLarge()
        fd, name = tempfile.mkstemp(dir=inbox, suffix=".bundle")
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                for block in iter(lambda: request.stream.read(1 << 20), b""):
                    handle.write(block)
            with lock:
                result = merge_bundle(home, central_keys, path)
        except BundleRefused as exc:
            return jsonify({"error": exc.reason}), 422
        finally:
            path.unlink(missing_ok=True)
        return jsonify({"status": "merged", "bundle_id": result.bundle_id,
                        "records": result.records, "new": result.new,
                        "replaced": result.replaced, "unchanged": result.unchanged})

    return app
