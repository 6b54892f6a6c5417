"""One page of an interview: show it, and Back / Save draft / Next / Finalise.

Every button saves what was typed on the page (nothing typed is lost); the answers are
cleaned first, so a question that does not apply is never stored. Next and Finalise
also check the page; Finalise checks every page that applies and only then seals.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from xlsform.logic import clean_answers
from xlsform.model import FormDefinition, label_in

from .. import get_station, instances, questionnaire
from ..finalise import finalise_record
from ..i18n import current_language
from ..instances import Spot
from ..posted import posted_answers
from ..store import places, records
from ..store.records import RecordMeta
from ..supplier_choice import supplier_name
from . import bp
from .bilingual import UNNAMED, page_columns, second_language, second_language_errors
from .language_status import language_status
from .pages import RecordClosed, find_spot, open_draft

BACK, SAVE, NEXT, FINALISE = "back", "save", "next", "finalise"


@bp.errorhandler(RecordClosed)
def record_closed(_error: RecordClosed):
    return render_template("interview/closed.html"), 409


def _title(definition: FormDefinition, spot: Spot, lang: str) -> str:
    """A page's label; an instance page's says which instance ("Household member 2")."""
    if spot.repeat is not None:
        return instances.heading(definition, spot, lang)
    return label_in(spot.page.label, lang) if spot.page is not None else ""


def _render(meta: RecordMeta, definition: FormDefinition, spot: Spot, answers: dict[str, Any],
            errors: dict[str, str], status: int = 200, asking_to_remove: bool = False):
    station = get_station()
    place = questionnaire.place(definition, spot.address, answers)
    columns = page_columns(definition, meta.language, current_language())
    context = {
        "meta": meta, "address": spot.address, "columns": columns,
        "form_title": label_in(definition.title, meta.language) or definition.form_id,
        "page_title": _title(definition, spot, meta.language),
        "heading": {"label" + column.suffix: _title(definition, spot, column.code)
                    for column in columns},
        "items": questionnaire.page_questions(definition, spot, columns[-1].code, answers,
                                              second_language(columns)),
        "errors": errors,
        "second_errors": second_language_errors(definition, spot, answers, errors, columns),
        "language_status": language_status(meta.language, definition),
        "logic": questionnaire.client_logic(definition, spot, answers),
        "position": (place.number, place.total),
        "is_first": not place.has_back,
        "is_last": place.is_last,
        "adding": spot.adding and instances.by_hand(definition, spot),
        "removable": instances.removable(definition, spot),
        "asking_to_remove": asking_to_remove,
        "supplier_name": supplier_name(station, station.keys().records, meta.supplier_id),
        "content_lang": "" if meta.language == UNNAMED else meta.language,
    }
    return render_template("interview/page.html", **context), status


@bp.get("/interviews/<record_id>/page/<page_name>")
def page(record_id: str, page_name: str):
    """A page of the draft; ``page_name`` is its address ("household~2" in a repeat)."""
    meta, answers, definition = open_draft(record_id)
    spot = find_spot(definition, page_name)
    if not questionnaire.is_shown(definition, page_name, answers):
        try:
            target = questionnaire.page_after(definition, answers, page_name) or \
                questionnaire.page_before(definition, answers, page_name)
        except ValueError:  # an instance no longer there
            target = questionnaire.first_page(definition, answers)
        if target and target != page_name:
            return redirect(url_for("interview.page", record_id=record_id, page_name=target))
    places.save_place(get_station().store, get_station().keys().records, record_id, page_name)
    errors = {}
    if request.args.get("check"):
        errors = questionnaire.page_errors(definition, spot, answers, meta.language)
    return _render(meta, definition, spot, answers, errors)


@bp.post("/interviews/<record_id>/page/<page_name>")
def answer_page(record_id: str, page_name: str):
    station = get_station()
    meta, answers, definition = open_draft(record_id)
    spot = find_spot(definition, page_name)
    action = request.form.get("~action", SAVE)
    posted = posted_answers(definition, spot.page, request.form) if spot.page else {}
    answers = clean_answers(definition, instances.merged(definition, spot, answers, posted))
    if action == instances.ASK_REMOVE and instances.removable(definition, spot):
        records.save_draft(station.store, station.keys().records, record_id, answers)
        return _render(meta, definition, spot, answers, {}, asking_to_remove=True)
    if action in (instances.ADD, instances.REMOVE):
        answers, target = _instance_change(definition, spot, answers, action)
        records.save_draft(station.store, station.keys().records, record_id, answers)
        return redirect(url_for("interview.page", record_id=record_id, page_name=target))
    records.save_draft(station.store, station.keys().records, record_id, answers)
    errors = questionnaire.page_errors(definition, spot, answers, meta.language)
    if action in (NEXT, FINALISE) and errors:
        return _render(meta, definition, spot, answers, errors, status=422)
    try:
        following = questionnaire.page_after(definition, answers, page_name)
        previous = questionnaire.page_before(definition, answers, page_name)
    except ValueError:  # an instance no longer there
        following = previous = questionnaire.first_page(definition, answers)
    if action == BACK:
        target = previous
    elif action == FINALISE and following is None:
        return _finalise(meta, definition, answers)
    elif action in (NEXT, FINALISE):
        # After Finalise: the answers on this page opened more pages, it is not the last.
        target = following or page_name
    else:
        flash(_("Draft saved."))
        target = page_name
    return redirect(url_for("interview.page", record_id=record_id, page_name=target))


def _instance_change(definition: FormDefinition, spot: Spot, answers: dict[str, Any],
                     action: str) -> tuple[dict[str, Any], str]:
    """"Add another" at an "add another?" place, "Remove this one" on an instance's page:
    the answers changed and the address to show next (this page where neither applies, or
    where the repeat holds as many instances as it may)."""
    try:
        found = instances.changed(definition, spot, answers, action)
    except ValueError:
        found = None
    if found is None:
        return answers, spot.address
    changed, target = found
    return clean_answers(definition, changed), target


def _finalise(meta: RecordMeta, definition: FormDefinition, answers: dict[str, Any]):
    broken = questionnaire.blocked(definition, answers, meta.language)
    if broken is not None:
        flash(_("Some answers need attention before the interview can be finalised."))
        return redirect(url_for("interview.page", record_id=meta.id, page_name=broken.page,
                                check=1))
    finalise_record(get_station(), meta, definition, answers,
                    then=lambda db: places.forget_in(db, meta.id))
    flash(_("The interview is finalised and sealed. It can no longer be opened on this "
            "laptop."))
    if questionnaire.stays_on_this_laptop(get_station(), meta.project_id):
        flash(questionnaire.local_only_warning())
    return redirect(url_for("interview.list_interviews"))
