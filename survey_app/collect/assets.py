"""The worker pages' script and fonts, served under /f/static with no-store, gzipped.

Why not Flask's /static with long caching: a cached file is a trace on the phone that it
visited the station. Everything a worker page loads lives under /f and is never stored.
The cost is small: the script loads once per tab (pages are swapped in place), and the
CSS is inlined in each page.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from flask import Response, abort, request, send_from_directory

from . import bp

STATIC = Path(__file__).resolve().parent.parent / "static"
FONT_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.woff2$")
COMPRESS_TYPES = ("text/html", "application/javascript", "text/css", "application/json")


def _strip(source: str) -> str:
    """Drop block comments and indentation (the file keeps its readable form)."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return "\n".join(line.strip() for line in source.splitlines() if line.strip())


@cache
def script_bundle() -> bytes:
    """logic.js (relevance mirror), collect.js and quick.js in one file: one request on
    first load.

    logic.js exports its evaluator to a local ``module`` instead of starting itself, so
    collect.js can re-run relevance on every page it swaps in.
    """
    logic_path = STATIC / "logic.js"
    logic = logic_path.read_text(encoding="utf-8") if logic_path.exists() else ""
    collect = (STATIC / "collect.js").read_text(encoding="utf-8")
    quick = (STATIC / "quick.js").read_text(encoding="utf-8")  # appearance "quick"
    bundle = ("(function(){var module={exports:{}};\n" + _strip(logic) +
              "\nvar amplifyLogic=module.exports.evaluate?module.exports:null;\n" +
              _strip(collect) + "\n" + _strip(quick) + "\n})();\n")
    return bundle.encode("utf-8")


@bp.get("/static/collect.js")
def script() -> Response:
    response = Response(script_bundle(), mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/static/fonts/<name>")
def font(name: str) -> Response:
    if not FONT_FILE.match(name):
        abort(404)
    response = send_from_directory(STATIC / "fonts", name, max_age=0, conditional=False,
                                   etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.after_request
def compress(response: Response) -> Response:
    """gzip text responses for phones on a weak signal (waitress does not compress)."""
    accepts = request.headers.get("Accept-Encoding", "")
    if ("gzip" not in accepts or response.direct_passthrough or response.status_code < 200
            or "Content-Encoding" in response.headers
            or not response.mimetype.startswith(COMPRESS_TYPES)):
        return response
    body = response.get_data()
    if len(body) < 512:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response
