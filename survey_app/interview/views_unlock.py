"""First run, unlock and lock."""

from __future__ import annotations

import math

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import get_station
from ..browser_unlock import admit_this_browser
from ..keys.keyring import WrongPassphrase
from ..setup import initialise
from . import bp
from .forms import PostOnlyForm, SetupForm, UnlockForm
from .ratelimit import unlock_limiter


def safe_next(default: str) -> str:
    """Where to go after unlocking: a path on this site only (no open redirect)."""
    target = request.args.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@bp.get("/")
def home():
    station = get_station()
    if not station.initialised:
        return redirect(url_for("interview.setup"))
    if not station.unlocked:
        return redirect(url_for("interview.unlock"))
    return redirect(url_for("interview.list_interviews"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    station = get_station()
    if station.initialised:
        return redirect(url_for("interview.home"))
    form = SetupForm()
    status = 200
    if form.validate_on_submit():
        try:
            initialise(station, form.passphrase.data)
        except (ValueError, FileExistsError) as exc:
            form.passphrase.errors = [str(exc)]
            status = 400
        else:
            admit_this_browser(station)
            return redirect(url_for("interview.list_interviews"))
    elif request.method == "POST":
        status = 400
    return render_template("interview/setup.html", form=form), status


@bp.route("/unlock", methods=["GET", "POST"])
def unlock():
    station = get_station()
    if not station.initialised:
        return redirect(url_for("interview.setup"))
    if station.unlocked and request.method == "GET":
        return redirect(safe_next(url_for("interview.list_interviews")))
    form = UnlockForm()
    limiter = unlock_limiter()
    status = 200
    carried, target = carried_fields(), safe_next(url_for("interview.list_interviews"))
    if form.validate_on_submit():
        wait = limiter.begin()
        if wait:
            form.passphrase.errors = [_("Too many wrong passphrases. Wait %(seconds)d seconds, "
                                        "then try again.", seconds=math.ceil(wait))]
            return unlock_page(form, carried, target, 429)
        try:
            station.unlock(form.passphrase.data)
        except WrongPassphrase:
            form.passphrase.errors = [_("Wrong passphrase: the station is still locked. "
                                        "Check the keyboard language and Caps Lock.")]
            status = 401
        else:
            limiter.succeeded()
            admit_this_browser(station)
            if carried:
                return render_template("interview/continue.html", form=PostOnlyForm(),
                                       action=target, carried=carried)
            return redirect(target)
    elif request.method == "POST":
        status = 400
    return unlock_page(form, carried, target, status)


# A page posted while the station was locked travels through the unlock form under this
# prefix (so no answer can take the passphrase field's place) and back to its page after.
CARRIED = "keep-"


def carried_fields() -> list[tuple[str, str]]:
    """The answers of a page posted while locked, carried through the unlock form."""
    if request.method != "POST":
        return []
    return [(name[len(CARRIED):], value) for name, value in request.form.items(multi=True)
            if name.startswith(CARRIED)]


def unlock_page(form: UnlockForm, carried: list[tuple[str, str]], next_path: str,
                status: int = 200):
    """The unlock form; ``carried`` answers ride along in hidden fields, kept only by the
    browser (the station cannot store them while locked)."""
    action = url_for("interview.unlock", next=next_path) if carried else None
    return render_template("interview/unlock.html", form=form, carried=carried,
                           prefix=CARRIED, action=action), status


def unlock_to_continue():
    """A page posted while locked: ask for the passphrase, then let the page go through."""
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if name != current_app.config["WTF_CSRF_FIELD_NAME"]]
    return unlock_page(UnlockForm(formdata=None), carried, request.path)


@bp.post("/lock")
def lock():
    form = PostOnlyForm()
    if form.validate_on_submit():
        get_station().lock()
    return redirect(url_for("interview.unlock"))
