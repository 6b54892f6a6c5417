"""Starting an interview: questionnaire, respondent's language, supplier → a new draft."""

from __future__ import annotations

from flask_babel import gettext as _

from xlsform.model import FormDefinition

from ..questionnaire import first_page
from ..station import Station
from ..store import projects, records, scrubnames
from ..store.records import DRAFT, RecordMeta
from ..supplier_choice import choose_supplier
from .forms import NEW_SUPPLIER, NewInterviewForm

INTERVIEW = "interview"


def _check_language(definition: FormDefinition, language: str) -> None:
    offered = definition.languages or [definition.default_language]
    if language not in offered:
        raise ValueError(_("This questionnaire has no %(language)s version: choose one of "
                           "%(offered)s.", language=language, offered=", ".join(offered)))


def _supplier_id(station: Station, records_key: bytes, form: NewInterviewForm,
                 project: projects.Project) -> str:
    if form.supplier.data != NEW_SUPPLIER:
        return choose_supplier(station, records_key, form.supplier.data, project)
    typed = {"name": form.supplier_name.data or "", "country": form.supplier_country.data or "",
             "os_id": form.supplier_os_id.data or ""}
    try:
        return choose_supplier(station, records_key, typed, project)
    except ValueError as exc:
        raise ValueError(_("New supplier: %(problem)s", problem=str(exc))) from None


def start_interview(station: Station, records_key: bytes,
                    form: NewInterviewForm) -> tuple[RecordMeta, str]:
    """Create the draft (and the supplier when new); return it and its first page."""
    definition = station.form(form.form_id.data)
    _check_language(definition, form.language.data)
    project = projects.project_for_form(station.store, definition.form_id)
    supplier_id = _supplier_id(station, records_key, form, project)
    meta = RecordMeta(id=records.new_record_id(), form_id=definition.form_id,
                      form_version=definition.version, project_id=project.id, mode=INTERVIEW,
                      language=form.language.data, status=DRAFT, supplier_id=supplier_id,
                      session_id=None, day="", seq=0, revision=1)
    meta = records.create_draft(station.store, records_key, meta, {})
    scrubnames.save(station.store, records_key, meta.id, scrubnames.parse(form.scrub_names.data))
    return meta, first_page(definition, {})
