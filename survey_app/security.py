"""Security headers on every response, and logs that hold no IP address or answer.

``init_app`` also installs the Host check (``hosts``) and the per-browser unlock
(``browser_unlock``) ahead of every other request hook.

The Content-Security-Policy allows no inline script or style and nothing from any
other origin: the station works offline and a page can only run our own files.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, Response

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b")
# Paths that carry a session token or id (waitress logs "Client disconnected while
# serving /f/<token>/page"): a seized laptop's log must not hand out live tokens.
_TOKEN_PATH = re.compile(r"/(f|sessions|interviews)/[A-Za-z0-9_\-]{6,}")


def redact(message: str) -> str:
    """Remove IP addresses and tokens in URL paths from a log message."""
    message = _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/[token]", message)
    return _IPV6.sub("[address]", _IPV4.sub("[address]", message))


# Every page may show something personal: never let a browser or proxy keep it.
_DEFAULTS = [(name.lower(), name, value)
             for name, value in [*HEADERS.items(), ("Cache-Control", "no-store")]]


def add_headers(response: Response) -> Response:
    """The strict headers, except where the view set its own (a page's CSP hashes)."""
    present = {name.lower() for name, _value in response.headers}
    for lower, name, value in _DEFAULTS:
        if lower not in present:
            response.headers.add(name, value)
    return response


class RedactAddresses(logging.Filter):
    """Replace anything that looks like an IP address or a URL token in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class NoValuesFormatter(logging.Formatter):
    """Tracebacks keep their frames but lose the exception's message.

    An exception message can quote what a person typed (``invalid literal for int():
    'my name'``); the log needs where it failed, not the value.
    """

    def formatException(self, ei) -> str:  # noqa: N802 - logging's API name
        import traceback

        exc_type, _, tb = ei
        frames = "".join(traceback.format_tb(tb))
        return f"Traceback (message withheld):\n{frames}{exc_type.__name__ if exc_type else ''}"


def configure_logging(log_file: str | None = None) -> None:
    """Station logging: events only, never request addresses or answers."""
    root = logging.getLogger()
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.addFilter(RedactAddresses())
        handler.setFormatter(NoValuesFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    # waitress logs the peer address of failed requests; keep it out of the log.
    logging.getLogger("waitress").addFilter(RedactAddresses())


def init_app(app: Flask) -> None:
    """Headers on every response; before any other check, the Host (``hosts``), then whom
    the request acts for (``browser_unlock``)."""
    from . import browser_unlock, hosts

    hosts.init_app(app)
    browser_unlock.init_app(app)
    app.after_request(add_headers)
