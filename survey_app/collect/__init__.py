"""Workers' phone pages (blueprint ``bp``, /f). The interpreter's session screens that
open them are with the other interpreter screens (``interview.views_sessions``).

Worker pages set no cookie at all: the CSRF token is derived from the session and the
response (see ``guard``), so the blueprint is exempt from CSRFProtect.
"""

from flask import Blueprint, Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

PHONE_PREFIX = "/f"
bp = Blueprint("collect", __name__, url_prefix=PHONE_PREFIX)


class NoPhoneSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions for the interpreter's screens; none for worker phones.

    A phone request gets Flask's null session: nothing is read from a cookie or
    written to one (and the signing work is skipped on the phones' busiest path); a
    write to it raises, so a phone page can never start setting a cookie by accident.
    """

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith(PHONE_PREFIX + "/"):
            return self.null_session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    from ..csrf import csrf
    from . import assets, views  # noqa: F401 - register routes

    csrf.exempt(bp)
    app.session_interface = NoPhoneSessions()
    app.register_blueprint(bp)
