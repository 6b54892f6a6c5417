"""The unlock belongs to the browser that typed the passphrase, not to the laptop.

Unlocking puts a grant (``Station.admit``) in that browser's Flask session: a signed,
HttpOnly, SameSite=Strict cookie. Every request then acts for someone
(``station.acting_for``): a worker's phone (``/f/...``), the interpreter (a session
holding a current grant), or a stranger (anyone else: another browser profile, a
page of another origin, a local process with curl). To a stranger an unlocked station
looks locked, so it gets the unlock page and nothing behind it. Locking, by hand or
when idle, revokes every grant.
"""

from __future__ import annotations

from contextvars import Token

from flask import Flask, g, request, session

from .station import INTERPRETER, PHONE, STRANGER, Station, acting_for

GRANT = "unlock_grant"
PHONE_PREFIX = "/f/"


def admit_this_browser(station: Station) -> None:
    """After a right passphrase: this browser may now see what the keys open."""
    session[GRANT] = station.admit()


def role_of_request(station: Station) -> str:
    if request.path.startswith(PHONE_PREFIX):
        return PHONE  # phones have no session (collect.NoPhoneSessions): never a grant
    return INTERPRETER if station.admits(session.get(GRANT)) else STRANGER


def init_app(app: Flask) -> None:
    station: Station = app.extensions["amplify"]

    @app.before_request
    def act_for_the_requester() -> None:
        g.amplify_acting_for = acting_for.set(role_of_request(station))

    @app.teardown_request
    def stop_acting(_exc: BaseException | None) -> None:
        token: Token[str] | None = g.pop("amplify_acting_for", None)
        if token is not None:
            acting_for.reset(token)
