"""Signing in and out. The password is checked against Argon2id, throttled per account."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import access
from .forms import ButtonForm, LoginForm
from .guard import ALL_ROLES, ANYONE, allow, current_user, sign_in, sign_out

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never another origin) may follow a login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("overview.index")


@bp.route("/login", methods=["GET", "POST"])
@allow(ANYONE)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("central/login.html", form=form), status
    home = current_app.extensions["amplify_central"]
    name = form.name.data.strip().lower()
    result = access.login(home.path, name, form.password.data, home.settings["login_attempts"])
    if result.user is None:
        known = access.get_user(home.path, name) is not None
        access.audit(home.path, name if known else "(unknown)", "login refused",
                     detail="waiting" if result.wait_seconds and known else "")
        message = (_("Too many wrong passwords for this account: try again in %(seconds)d "
                     "seconds.", seconds=result.wait_seconds) if result.wait_seconds
                   else _("Wrong user name or password."))
        flash(message)
        return render_template("central/login.html", form=form), 401
    sign_in(result.user)
    access.audit(home.path, result.user.name, "login")
    return redirect(_safe_next(form.next.data))


@bp.post("/logout")
@allow(*ALL_ROLES)
def logout():
    form = ButtonForm()
    if form.validate_on_submit():
        home = current_app.extensions["amplify_central"]
        user = current_user()
        access.audit(home.path, user.name if user else "", "logout")
        sign_out()
    return redirect(url_for("auth.login"))
