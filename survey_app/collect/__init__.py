"""Workers' phone pages (blueprint ``bp``, /f) and the interpreter's session screens
(blueprint ``sessions_bp``, /sessions, this laptop only).

Worker pages set no cookie at all: the CSRF token is derived from the session and the
response (see ``guard``), so the blueprint is exempt from CSRFProtect.
"""

from flask import Blueprint, Flask

bp = Blueprint("collect", __name__, url_prefix="/f")


def init_app(app: Flask) -> None:
    from ..csrf import csrf
    from . import assets, views  # noqa: F401 - register routes
    from .interpreter import sessions_bp

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(sessions_bp)
