"""Starting an interview: questionnaire, respondent's language, supplier → a new draft."""

from __future__ import annotations

from flask_babel import gettext as _

from xlsform.model import FormDefinition

from ..i18n import find_language
from ..station import Station
from ..store import formstore, projects, records, scrubnames, suppliers
from ..store.records import DRAFT, RecordMeta
from .forms import NEW_SUPPLIER, NewInterviewForm
from .pages import first_page_name

INTERVIEW = "interview"


def language_choices(station: Station) -> list[tuple[str, str]]:
    """Every language of the current questionnaires, as (code, native name)."""
    seen: dict[str, str] = {}
    for stored in formstore.latest_forms(station.store):
        definition = station.form(stored.form_id, stored.version)
        for code in definition.languages or [definition.default_language]:
            seen.setdefault(code, _display_name(code, definition.language_names.get(code)))
    return list(seen.items())


def _display_name(code: str, form_name: str | None) -> str:
    """"ខ្មែរ (Khmer)": the native name first, so a respondent can point at it."""
    known = find_language(code)
    if known is None:
        return form_name or code
    if known.native_name == known.english_name:
        return known.native_name
    return f"{known.native_name} ({known.english_name})"


def _check_language(definition: FormDefinition, language: str) -> None:
    offered = definition.languages or [definition.default_language]
    if language not in offered:
        raise ValueError(_("This questionnaire has no %(language)s version: choose one of "
                           "%(offered)s.", language=language, offered=", ".join(offered)))


def _supplier_id(station: Station, records_key: bytes, form: NewInterviewForm) -> str:
    if form.supplier.data != NEW_SUPPLIER:
        suppliers.supplier_details(station.store, records_key, form.supplier.data)
        return form.supplier.data
    try:
        details = suppliers.clean_details(form.supplier_name.data or "",
                                          form.supplier_country.data or "",
                                          form.supplier_os_id.data or "")
    except ValueError as exc:
        raise ValueError(_("New supplier: %(problem)s", problem=str(exc))) from None
    return suppliers.create_supplier(station.store, records_key, details)


def start_interview(station: Station, records_key: bytes,
                    form: NewInterviewForm) -> tuple[RecordMeta, str]:
    """Create the draft (and the supplier when new); return it and its first page."""
    definition = station.form(form.form_id.data)
    _check_language(definition, form.language.data)
    supplier_id = _supplier_id(station, records_key, form)
    project = projects.project_for_form(station.store, definition.form_id)
    details = suppliers.supplier_details(station.store, records_key, supplier_id)
    suppliers.seal_for_project(station.store, station.sealer, supplier_id, project.id,
                               project.public_key, details)
    meta = RecordMeta(id=records.new_record_id(), form_id=definition.form_id,
                      form_version=definition.version, project_id=project.id, mode=INTERVIEW,
                      language=form.language.data, status=DRAFT, supplier_id=supplier_id,
                      session_id=None, day="", seq=0, revision=1)
    meta = records.create_draft(station.store, records_key, meta, {})
    scrubnames.save(station.store, records_key, meta.id, scrubnames.parse(form.scrub_names.data))
    return meta, first_page_name(definition, {})
