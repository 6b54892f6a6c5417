"""Headers on every response of the brand app, and logs without addresses.

The same strict policy as the station's screens: no inline script or style, nothing
from another origin, no caching of pages that may show figures, no referrer.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, Response, request

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # Same-origin only: Flask-WTF checks the Referer of forms posted over HTTPS, and
    # nothing leaves for another origin.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}
_ADDRESS = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b")


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class NoAddresses(logging.Filter):
    """Replace anything that looks like an IP address in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _ADDRESS.sub("[address]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def secure_cookie_when_https(app: Flask) -> None:
    """``Secure`` on the session cookie whenever the request came over HTTPS."""
    interface = app.session_interface

    class PerRequest(type(interface)):  # type: ignore[misc]
        def get_cookie_secure(self, app: Flask) -> bool:
            return bool(request.is_secure) or super().get_cookie_secure(app)

    app.session_interface = PerRequest()


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
    secure_cookie_when_https(app)
    for name in ("waitress", app.logger.name):
        logging.getLogger(name).addFilter(NoAddresses())
