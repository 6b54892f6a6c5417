"""The interpreter's session screens: open a session, show its two QR codes, print a poster.

Only this laptop may use them (127.0.0.1 / ::1): a phone on the WiFi gets 404. They show
counts, never answers. The WiFi password is typed for the QR code and never stored.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .. import get_station, held, qr, questionnaire, serving, sessions
from ..languages import form_languages, language_info
from ..network import lan_addresses
from ..station import Locked
from ..store import formstore, scrubnames, suppliers
from ..supplier_choice import picker
from . import LOOPBACK

sessions_bp = Blueprint("sessions", __name__, url_prefix="/sessions")

POSTER_SIZES = ("A4", "A5")


@sessions_bp.before_request
def only_this_laptop() -> None:
    if request.remote_addr not in LOOPBACK:
        abort(404)


class NewSessionForm(FlaskForm):
    form_id = SelectField(_l("Form"), choices=[])
    supplier = RadioField(_l("Supplier"), choices=[], validators=[Optional()],
                          validate_choice=False)
    supplier_name = StringField(_l("Supplier name"))
    supplier_country = StringField(_l("Country (two letters, e.g. KH)"))
    supplier_os_id = StringField(_l("Open Supply Hub ID"))
    languages = SelectMultipleField(_l("Languages offered to workers"), choices=[],
                                    widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput(), validate_choice=False)
    max_responses = IntegerField(_l("Most completed responses"),
                                 validators=[NumberRange(1, 100000)])
    hours = FloatField(_l("Open for (hours)"), validators=[NumberRange(0.1, sessions.MAX_HOURS)])
    scrub_names = TextAreaField(_l("Names to remove from free text (optional, one per line)"))


def _new_session_form(station: Any) -> NewSessionForm:
    form = NewSessionForm(max_responses=station.settings["max_responses"],
                          hours=station.settings["session_hours"])
    form.form_id.choices = [(f.form_id, f.title) for f in formstore.latest_forms(station.store)]
    form.supplier.choices = picker(station, station.keys().records)
    form.languages.choices = form_languages(station)
    return form


@sessions_bp.get("")
def index() -> str:
    station = get_station()
    form = _new_session_form(station) if station.unlocked else None
    return _render_index(form)


def _render_index(form: NewSessionForm | None, status: int = 200) -> Any:
    station = get_station()
    found = sessions.list_sessions(station.store)
    titles = {f.form_id: f.title for f in formstore.list_forms(station.store)}
    return render_template("sessions/index.html", sessions=found, form=form, titles=titles,
                           has_bar=_has_bar(), held=held.waiting(station)), status


@sessions_bp.post("")
def create() -> Any:
    station = get_station()
    if not station.unlocked:
        flash(_("The station is locked: unlock it to open a session."))
        return redirect(url_for("sessions.index"))
    form = _new_session_form(station)
    if not form.validate_on_submit():
        return _render_index(form, 400)
    supplier: dict[str, str] | str = form.supplier.data or {
        "name": form.supplier_name.data or "", "country": form.supplier_country.data or "",
        "os_id": form.supplier_os_id.data or ""}
    try:
        session, _token = sessions.create_session(
            station, form_id=form.form_id.data, supplier=supplier,
            languages=form.languages.data or None, max_responses=form.max_responses.data,
            hours=form.hours.data, scrub_names=scrubnames.parse(form.scrub_names.data))
    except (ValueError, suppliers.SupplierNotFound) as exc:
        form.supplier_name.errors = [str(exc)]
        return _render_index(form, 400)
    if questionnaire.stays_on_this_laptop(station, session.project_id):
        flash(questionnaire.local_only_warning())
    return redirect(url_for("sessions.show", session_id=session.id))


def _session_or_404(session_id: str) -> sessions.CollectionSession:
    try:
        return sessions.get_session(get_station().store, session_id)
    except sessions.SessionNotFound:
        abort(404)


def phone_bases() -> list[str]:
    """URLs a phone can open: each LAN address on the port this page was served on."""
    port = request.host.rsplit(":", 1)[-1] if ":" in request.host else "80"
    bases = [f"http://{address}:{port}" for address in lan_addresses()]
    return bases or [request.host_url.rstrip("/")]


def _form_url(session_id: str) -> str:
    bases = phone_bases()
    chosen = request.values.get("base")
    base = chosen if chosen in bases else bases[0]
    token = sessions.session_token(get_station(), session_id)
    return f"{base}/f/{token}"


def qr_svg(data: str, label: str) -> str:
    svg = qr.svg(data)
    svg = svg[svg.index("<svg"):]
    return svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{label}" ', 1)


@sessions_bp.route("/<session_id>", methods=["GET", "POST"])
def show(session_id: str) -> Any:
    """The session page; a POST carries the WiFi name and password for the join code."""
    session = _session_or_404(session_id)
    if not get_station().unlocked:
        return _locked()
    url = _form_url(session.id)
    wifi = _wifi_code()
    left_out = questionnaire.left_out_on_phones(get_station(), session.form_id,
                                                session.form_version)
    address = serving.published(get_station().home)
    return render_template("sessions/show.html", session=session, url=url,
                           url_qr=qr_svg(url, _("Form")), wifi=wifi, bases=phone_bases(),
                           title=_form_title(session), has_bar=_has_bar(),
                           sizes=POSTER_SIZES, left_out=left_out,
                           unreachable=address is not None and not address.phones_can_reach)


def _wifi_code() -> dict[str, str] | None:
    """The WiFi join code from what was just typed (never stored), or None."""
    ssid = (request.form.get("ssid") or "").strip()
    if request.method != "POST" or not ssid:
        return None
    password = request.form.get("wifi_password") or ""
    try:
        payload = qr.wifi_payload(ssid, password)
    except ValueError as exc:
        flash(str(exc))
        return None
    return {"ssid": ssid, "qr": qr_svg(payload, _("WiFi")), "open": "" if password else "1"}


@sessions_bp.route("/<session_id>/poster", methods=["GET", "POST"])
def poster(session_id: str) -> Any:
    session = _session_or_404(session_id)
    if not get_station().unlocked:
        return _locked()
    size = request.values.get("size", "A4")
    size = size if size in POSTER_SIZES else "A4"
    url = _form_url(session.id)
    return render_template("sessions/poster.html", session=session, url=url, size=size,
                           url_qr=qr_svg(url, _("Form")), wifi=_wifi_code(),
                           instructions=_instructions(session.languages))


def _instructions(languages: tuple[str, ...]) -> list[dict[str, str]]:
    """Short steps in each of the session's languages (duplicates of English dropped)."""
    seen: set[tuple[str, ...]] = set()
    found = []
    for code in languages:
        info = language_info(code)
        with force_locale(info["locale"]):
            steps = (_("1. Scan the first code to join the WiFi."),
                     _("2. Scan the second code to open the questions."),
                     _("Your answers are private: nobody here can see them."))
        if steps in seen:
            continue
        seen.add(steps)
        found.append({"lang": info["html_lang"], "dir": info["direction"],
                      "name": info["native_name"], "steps": steps})
    return found


@sessions_bp.get("/poster-<size>.css")
def poster_css(size: str) -> Any:
    if size not in POSTER_SIZES:
        abort(404)
    return current_app.response_class(render_template("sessions/poster.css", size=size),
                                      mimetype="text/css")


@sessions_bp.get("/screen.css")
def screen_css() -> Any:
    return current_app.response_class(render_template("sessions/screen.css"),
                                      mimetype="text/css")


@sessions_bp.get("/<session_id>/counts")
def counts(session_id: str) -> Any:
    """Counts only, polled by the session page (never any content)."""
    return jsonify(_session_or_404(session_id).counts())


@sessions_bp.get("/counts")
def all_counts() -> Any:
    return jsonify([s.counts() for s in sessions.list_sessions(get_station().store)])


@sessions_bp.post("/<session_id>/close")
def close(session_id: str) -> Any:
    _session_or_404(session_id)
    sessions.close_session(get_station().store, session_id)
    flash(_("Session closed. Its QR code now leads to a neutral page."))
    return redirect(url_for("sessions.index"))


def _form_title(session: sessions.CollectionSession) -> str:
    for stored in formstore.list_forms(get_station().store):
        if stored.form_id == session.form_id:
            return stored.title
    return session.form_id


def _locked() -> Any:
    flash(_("The station is locked: unlock it to show the session's codes."))
    return redirect(url_for("sessions.index"))


def _has_bar() -> bool:
    return "interview.lock" in current_app.view_functions


@sessions_bp.errorhandler(Locked)
def locked_now(_exc: Locked) -> Any:
    return _locked()
