"""Who may use each route: every view declares its roles, and undeclared views are refused.

``@allow("viewer", "analyst", ...)`` on a view names the roles that may use it;
``@allow(ANYONE)`` marks the few routes that need no login (the login page, static
files, the bundle inbox, which a bundle's own signature authenticates). A request to a
view that declares nothing gets 403 — a forgotten declaration fails closed, and
``tests/test_central_routes.py`` walks every route as every role to keep it so.

Sessions: Flask's signed cookie holds the user name, the account's epoch (a password
change or removal ends every session) and the time of the last request (idle timeout).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from .. import access

ANYONE = "anyone"
ALL_ROLES = access.ROLES
F = TypeVar("F", bound=Callable[..., Any])


def allow(*roles: str) -> Callable[[F], F]:
    unknown = set(roles) - {ANYONE, *ALL_ROLES}
    if unknown or not roles:
        raise ValueError(f"allow(): unknown roles {sorted(unknown)}")

    def mark(view: F) -> F:
        view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def allowed_roles(app: Flask, endpoint: str | None) -> frozenset[str] | None:
    view = app.view_functions.get(endpoint or "")
    return getattr(view, "allowed_roles", None)


def current_user() -> access.User | None:
    return g.get("user")


def sign_in(user: access.User) -> None:
    session.clear()
    session["user"], session["epoch"], session["seen"] = user.name, user.epoch, time.time()
    session.permanent = False


def sign_out() -> None:
    session.clear()


def _load_user() -> access.User | None:
    name = session.get("user")
    if not name:
        return None
    home = current_app.extensions["amplify_central"]
    idle = home.settings["idle_minutes"] * 60
    user = access.get_user(home.path, name)
    if user is None or user.epoch != session.get("epoch") or \
            time.time() - float(session.get("seen", 0)) > idle:
        session.clear()
        return None
    session["seen"] = time.time()
    return user


def check_access() -> Any:
    """Before every request: find the view's declaration and the signed-in user."""
    roles = allowed_roles(current_app, request.endpoint)
    if request.endpoint is None:
        return None  # 404 follows
    if roles is None:
        current_app.logger.error("route %s declares no roles: refused", request.endpoint)
        abort(403)
    if ANYONE in roles:
        g.user = _load_user() if "user" in session else None
        return None
    g.user = _load_user()
    if g.user is None:
        if request.method == "GET":
            return redirect(url_for("auth.login", next=request.path))
        abort(401)
    if g.user.role not in roles:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(check_access)

    @app.context_processor
    def user_context() -> dict[str, Any]:
        return {"user": current_user()}
