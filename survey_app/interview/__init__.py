"""The interpreter's screens: first run, unlock, the interview list, interviews.

Only the laptop itself may open these screens. Phones share the laptop's WiFi (the
server listens on every interface with ``--lan``), so every request to this
blueprint whose peer address is not loopback (``LOOPBACK``) gets a plain 404, as if
the screens did not exist. The check is a constant, not a setting: there is no
configuration under which a phone should reach the interpreter's screens.

The same ``before_request`` then checks the CSRF token of every POST (the blueprint is
exempted from the app-wide check, which would otherwise run first and answer a phone's
POST with 400 instead of 404). The Flask-WTF forms of these screens check it as well.

The interpreter's interface language is their own choice, kept in the session (see
``bilingual``); an explicit ``?lang=`` still wins for one request.

Screens that need the data keys raise ``station.Locked`` when the station is locked;
the blueprint turns that into a redirect to the unlock page. Locking never touches
collection sessions (``collect``), so workers keep answering.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, redirect, request, url_for

from ..csrf import csrf
from ..i18n import set_language
from ..station import Locked
from .bilingual import interpreter_language

LOOPBACK = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})

bp = Blueprint("interview", __name__)


@bp.before_request
def only_from_this_laptop() -> None:
    """404 for any request that does not come from the laptop itself; then CSRF."""
    if request.remote_addr not in LOOPBACK:
        abort(404)
    csrf.protect()


@bp.before_request
def interpreter_interface_language() -> None:
    """Render in the language the interpreter chose (after the loopback check)."""
    chosen = interpreter_language()
    if chosen and "lang" not in request.args:
        set_language(chosen)


@bp.errorhandler(Locked)
def station_locked(_error: Locked):
    if request.method == "POST" and request.endpoint == "interview.answer_page":
        from .views_unlock import unlock_to_continue

        return unlock_to_continue()  # what was typed on the page goes through the unlock
    return redirect(url_for("interview.unlock", next=request.path))


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401 - register routes
        held_release,
        views_interview,
        views_language,
        views_list,
        views_unlock,
    )
    from .views_sessions import sessions_bp

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(sessions_bp)
