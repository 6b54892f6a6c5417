"""The brand's own application: a central home, brand users, and one door for every figure.

``create_app(home)`` builds the Flask app for one central home. Where things live:

* the home: ``home.py`` (folder, settings, secret), ``settings.py`` (settings as data),
  ``migrations.py`` and ``dataset.py`` (``central.db``), ``access.py`` (users, audit);
* a bundle: ``merge.py`` (verify → decrypt → validate → upsert), ``validate.py``,
  ``mergelock.py`` (one merge at a time across processes), ``ledger.py`` (refusals);
* suppliers and rounds: ``factories.py`` (copies of one factory), ``rounds.py`` (release);
* a figure: ``disclosure.py`` (the one front door) over ``suppression.py``;
  ``publish.py`` writes the Datasette file from it;
* a request: ``web/`` (one blueprint per concern; ``web/guard.py`` declares roles);
* a command: ``cli/`` (``amplify central …``).

Imports ``sync`` (the protocol) and ``xlsform`` (the form model), never the station.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(home: Path | str, test_config: dict[str, Any] | None = None,
               central_keys: Any = None) -> Flask:
    """The brand app for one central home; ``central_keys`` opens the bundle inbox."""
    from flask_wtf.csrf import CSRFProtect
    from werkzeug.exceptions import RequestEntityTooLarge

    from . import i18n
    from .home import CentralHome
    from .web import admin, auth, exports, guard, inbox, overview, profiles, security, steward

    central = CentralHome.open(Path(home), central_keys)
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=central.secret(),
        MAX_CONTENT_LENGTH=central.settings["max_bundle_mb"] * 1024 * 1024,
        SESSION_COOKIE_NAME="amplify_central",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["amplify_central"] = central
    security.init_app(app)
    guard.init_app(app)  # before CSRF: who may use a route is decided first
    csrf = CSRFProtect(app)
    csrf.exempt(inbox.bp)
    i18n.init_app(app, central.path)
    for blueprint in (auth.bp, inbox.bp, overview.bp, profiles.bp, exports.bp, steward.bp,
                      admin.bp):
        app.register_blueprint(blueprint)
    app.register_error_handler(RequestEntityTooLarge, inbox.too_large)
    app.view_functions["static"].allowed_roles = frozenset({guard.ANYONE})
    app.jinja_env.globals["zip"] = zip
    return app
