"""The list of interviews (by status, never answers), starting and deleting one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from xlsform.model import FormDefinition, label_in

from .. import get_station, instances
from ..i18n import current_language
from ..languages import display_name, form_languages
from ..questionnaire import first_page, local_only_warning, stays_on_this_laptop
from ..store import formstore, places, records
from ..store.records import DRAFT, FINAL, RecordMeta
from ..supplier_choice import picker, supplier_name
from . import bp
from .forms import NEW_SUPPLIER, NewInterviewForm, PostOnlyForm
from .language_status import language_table
from .pages import open_draft
from .start import start_interview


def _titles() -> dict[tuple[str, str], str]:
    return {(f.form_id, f.version): f.title for f in formstore.list_forms(get_station().store)}


def _supplier_names(metas: list[RecordMeta], records_key: bytes) -> dict[str, str]:
    station = get_station()
    return {supplier_id: supplier_name(station, records_key, supplier_id)
            for supplier_id in {m.supplier_id for m in metas if m.supplier_id}}


@bp.get("/interviews")
def list_interviews():
    """Interviews by status: questionnaire, supplier, day. No answer is shown here."""
    station = get_station()
    keys = station.keys()
    metas = [m for m in records.list_records(station.store) if m.mode == "interview"]
    groups = {DRAFT: [m for m in metas if m.status == DRAFT],
              FINAL: [m for m in metas if m.status == FINAL]}
    return render_template("interview/list.html", groups=groups, titles=_titles(),
                           supplier_names=_supplier_names(metas, keys.records),
                           details=_draft_details(groups[DRAFT], keys.records),
                           lock_form=PostOnlyForm(), delete_form=PostOnlyForm())


def _draft_details(drafts: list[RecordMeta], records_key: bytes) -> dict[str, dict[str, str]]:
    """What tells drafts apart: the respondent's language, the page reached, a short id."""
    station = get_station()
    reached = places.places(station.store, records_key, [m.id for m in drafts])
    details = {}
    for meta in drafts:
        page = ""
        if meta.id in reached:
            page = _page_title(station.form(meta.form_id, meta.form_version),
                               reached[meta.id])
        details[meta.id] = {"language": display_name(meta.language), "page": page,
                            "short": meta.id[:8]}
    return details


def _page_title(definition: FormDefinition, address: str) -> str:
    """A page's label, or an instance page's heading ("Household member 2"); "" for an
    address this form version does not have."""
    try:
        spot = instances.locate(definition, address)
    except KeyError:
        return ""
    if spot.repeat is not None:
        return instances.heading(definition, spot, current_language())
    return label_in(spot.page.label, current_language()) or spot.page.name


def _fill_new_form(form: NewInterviewForm, records_key: bytes) -> None:
    station = get_station()
    form.form_id.choices = [SelectChoice(f.form_id, f.title)
                            for f in formstore.latest_forms(station.store)]
    form.language.choices = [SelectChoice(code, name) for code, name in form_languages(station)]
    form.supplier.choices = [SelectChoice(s_id, label)
                             for s_id, label in picker(station, records_key)] + [
        SelectChoice(NEW_SUPPLIER, _("A new supplier"))]


@bp.route("/interviews/new", methods=["GET", "POST"])
def new_interview():
    station = get_station()
    keys = station.keys()
    form = NewInterviewForm()
    _fill_new_form(form, keys.records)
    status = 200
    if form.validate_on_submit():
        try:
            meta, first_page = start_interview(station, keys.records, form)
        except ValueError as exc:
            form.supplier.errors = [*form.supplier.errors, str(exc)]
            status = 400
        else:
            if stays_on_this_laptop(station, meta.project_id):
                flash(local_only_warning())
            return redirect(url_for("interview.page", record_id=meta.id, page_name=first_page))
    elif request.method == "POST":
        status = 400
    return render_template("interview/new.html", form=form, new_supplier=NEW_SUPPLIER,
                           **_language_status_context()), status


def _language_status_context() -> dict[str, list | dict]:
    """What _language_table.html needs: each respondent language against each form; and
    per form, the questions `forms add --drop-unsupported` left out."""
    station = get_station()
    definitions = [station.form(f.form_id, f.version)
                   for f in formstore.latest_forms(station.store)]
    codes = [code for code, _name in form_languages(station)]
    return {"questionnaire_titles": [label_in(d.title, current_language()) or d.form_id
                                     for d in definitions],
            "language_rows": language_table(definitions, codes),
            "left_out": {d.form_id: d.dropped for d in definitions if d.dropped}}


@bp.get("/interviews/<record_id>")
def resume(record_id: str):
    """Open a draft at the page it was left on (else its first page that applies)."""
    meta, answers, definition = open_draft(record_id)
    left_on = places.places(get_station().store, get_station().keys().records, [meta.id])
    page_name = left_on.get(meta.id, "")
    try:
        instances.locate(definition, page_name)
    except KeyError:
        page_name = first_page(definition, answers)
    return redirect(url_for("interview.page", record_id=meta.id, page_name=page_name))


@bp.get("/interviews/<record_id>/delete")
def confirm_delete(record_id: str):
    """Ask before a draft is deleted: what it is, and that it cannot be undone."""
    meta, _answers, _definition = open_draft(record_id)
    station = get_station()
    return render_template(
        "interview/confirm_delete.html", meta=meta, form=PostOnlyForm(),
        title=_titles().get((meta.form_id, meta.form_version), meta.form_id),
        supplier=supplier_name(station, station.keys().records, meta.supplier_id),
        details=_draft_details([meta], station.keys().records)[meta.id])


@bp.post("/interviews/<record_id>/delete")
def delete_interview(record_id: str):
    station = get_station()
    station.keys()  # deleting needs an unlocked station like everything else here
    try:
        records.delete_draft(station.store, record_id)
        station.store.write(lambda db: places.forget_in(db, record_id))
    except records.RecordNotFound:
        abort(404)
    except records.NotADraft:
        abort(409)
    flash(_("The draft was deleted."))
    return redirect(url_for("interview.list_interviews"))
