"""Brand users and the audit log: the admin role's pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from .. import access
from .forms import ButtonForm, UserForm
from .guard import allow, current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _home():
    return current_app.extensions["amplify_central"]


@bp.get("/users")
@allow("admin")
def users():
    return render_template("central/users.html", users=access.list_users(_home().path),
                           form=UserForm(), button=ButtonForm())


@bp.post("/users")
@allow("admin")
def add_user():
    form = UserForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        access.add_user(_home().path, form.name.data.strip(), form.role.data, form.password.data)
    except access.AccessError as exc:
        flash(str(exc))
        return render_template("central/users.html", users=access.list_users(_home().path),
                               form=form, button=ButtonForm()), 422
    access.audit(_home().path, current_user().name, "user added", form.name.data.strip(),
                 form.role.data)
    return redirect(url_for("admin.users"))


@bp.post("/users/<name>/remove")
@allow("admin")
def remove_user(name: str):
    if not ButtonForm().validate_on_submit():
        abort(400)
    if name == current_user().name:
        flash("You cannot remove your own account here; another admin or the CLI can.")
        return redirect(url_for("admin.users"))
    try:
        access.remove_user(_home().path, name)
    except access.AccessError:
        abort(404)
    access.audit(_home().path, current_user().name, "user removed", name)
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@allow("admin")
def audit():
    return render_template("central/audit.html", entries=access.audit_log(_home().path))
