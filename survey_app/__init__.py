"""Amplify: an offline-first survey station for freedom-of-association interviews.

``create_app()`` builds the Flask app for one home folder. Where things live:

* a request: ``interview/`` (the interpreter's screens) and ``collect/`` (workers' phones);
* an answer: ``store/records.py`` (drafts, sealing, the vault);
* a key: ``keys/`` (passphrase → KEK → data keys; sealing; the station's signing key);
* a form: ``xlsform/`` (XLSForm → form model, expressions, WTForms);
* a bundle: the top-level ``sync`` package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app

from .home import SECRET_KEY_NAME, default_home, secret_file
from .station import Station


def create_app(home: Path | str | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    station = Station(Path(home) if home else default_home())
    app.config.from_mapping(
        SECRET_KEY=secret_file(station.home, SECRET_KEY_NAME),
        MAX_CONTENT_LENGTH=station.settings["max_request_kb"] * 1024,
        # A worker who takes 90 minutes must still be able to submit.
        WTF_CSRF_TIME_LIMIT=None,
        # "~" cannot start a question name: no answer can stand in for the token.
        WTF_CSRF_FIELD_NAME="~csrf",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        AMPLIFY_HOME=str(station.home),
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["amplify"] = station

    from . import csrf, i18n, security
    from .collect import init_app as init_collect
    from .interview import init_app as init_interview

    security.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    init_interview(app)
    init_collect(app)
    return app


def get_station() -> Station:
    """The station of the app handling this request."""
    return current_app.extensions["amplify"]
