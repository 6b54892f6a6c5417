"""One page of an interview: show it, and Back / Save draft / Next / Finalise.

Every button saves what was typed on the page (nothing typed is lost); the answers are
cleaned first, so a question that does not apply is never stored. Next and Finalise
also check the page; Finalise checks every page that applies and only then seals.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from xlsform.logic import clean_answers, client_logic, page_errors
from xlsform.model import FormDefinition, Page, label_in

from .. import get_station, questionnaire
from ..finalise import finalise_record
from ..i18n import current_language
from ..store import places, records
from ..store.records import RecordMeta
from ..supplier_choice import supplier_name
from ..webforms import PageForm, build_page_form
from . import bp
from .bilingual import UNNAMED, page_columns, second_language, second_language_errors
from .language_status import language_status
from .pages import RecordClosed, find_page, open_draft

BACK, SAVE, NEXT, FINALISE = "back", "save", "next", "finalise"


@bp.errorhandler(RecordClosed)
def record_closed(_error: RecordClosed):
    return render_template("interview/closed.html"), 409


def _render(meta: RecordMeta, definition: FormDefinition, page: Page, answers: dict[str, Any],
            page_form: PageForm, status: int = 200):
    station = get_station()
    place = questionnaire.place(definition, page, answers)
    columns = page_columns(definition, meta.language, current_language())
    context = {
        "meta": meta, "page": page, "form": page_form, "columns": columns,
        "form_title": label_in(definition.title, meta.language) or definition.form_id,
        "page_title": label_in(page.label, meta.language),
        "heading": {"label" + column.suffix: label_in(page.label, column.code)
                    for column in columns},
        "items": questionnaire.page_questions(definition, page, columns[-1].code, answers,
                                              second_language(columns)),
        "errors": {name: messages[0] for name, messages in page_form.errors.items()
                   if name != page_form.meta.csrf_field_name and messages},
        "second_errors": second_language_errors(definition, page, answers, page_form, columns),
        "language_status": language_status(meta.language, definition),
        "logic": client_logic(definition, page, answers),
        "position": (place.number, place.total),
        "is_first": not place.has_back,
        "is_last": place.is_last,
        "supplier_name": supplier_name(station, station.keys().records, meta.supplier_id),
        "content_lang": "" if meta.language == UNNAMED else meta.language,
    }
    return render_template("interview/page.html", **context), status


@bp.get("/interviews/<record_id>/page/<page_name>")
def page(record_id: str, page_name: str):
    meta, answers, definition = open_draft(record_id)
    current = find_page(definition, page_name)
    if not questionnaire.is_shown(definition, current, answers):
        target = questionnaire.page_after(definition, answers, page_name) or \
            questionnaire.page_before(definition, answers, page_name)
        if target and target != page_name:
            return redirect(url_for("interview.page", record_id=record_id, page_name=target))
    places.save_place(get_station().store, get_station().keys().records, record_id, page_name)
    page_form = build_page_form(definition, current, meta.language, answers)
    if request.args.get("check"):
        errors = page_errors(definition, current, answers, meta.language)
        for name, message in errors.items():
            page_form[name].errors = [message]
    return _render(meta, definition, current, answers, page_form)


@bp.post("/interviews/<record_id>/page/<page_name>")
def answer_page(record_id: str, page_name: str):
    station = get_station()
    meta, answers, definition = open_draft(record_id)
    current = find_page(definition, page_name)
    page_form = build_page_form(definition, current, meta.language, answers,
                                formdata=request.form)
    action = request.form.get("action", SAVE)
    page_is_valid = page_form.validate()
    answers = clean_answers(definition, {**answers, **page_form.answers()})
    records.save_draft(station.store, station.keys().records, record_id, answers)
    if action in (NEXT, FINALISE) and not page_is_valid:
        return _render(meta, definition, current, answers, page_form, status=422)
    following = questionnaire.page_after(definition, answers, page_name)
    if action == BACK:
        target = questionnaire.page_before(definition, answers, page_name)
    elif action == FINALISE and following is None:
        return _finalise(meta, definition, answers)
    elif action in (NEXT, FINALISE):
        # After Finalise: the answers on this page opened more pages, it is not the last.
        target = following or page_name
    else:
        flash(_("Draft saved."))
        target = page_name
    return redirect(url_for("interview.page", record_id=record_id, page_name=target))


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
