"""The page path both screens walk: the interpreter's interview and the worker's phone.

One place answers "which form does this screen show", "which page comes next", "is this
the last page" and "may these answers be sealed"; the rules themselves are
``xlsform.logic``'s. A self-completed form never contains its identifying questions (nor
the questions that depend on them): they are not rendered, accepted or stored on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from xlsform import logic, repeat_logic
from xlsform.expressions import references
from xlsform.model import FormDefinition, Page, Question
from xlsform.scope import instance_at

from . import answer_messages
from .instances import Spot
from .station import Station
from .store import projects
from .webforms import page_items

INTERVIEW, SELF = "interview", "self"


@dataclass(frozen=True)
class PagePlace:
    """Where a page stands in the path for the answers known now."""

    number: int
    total: int
    has_back: bool
    is_last: bool


@dataclass(frozen=True)
class Blocked:
    """A page that applies and still has answers to fix before sealing."""

    page: str
    errors: dict[str, str]


_self_forms: dict[tuple[str, str, int], tuple[FormDefinition, list[str]]] = {}


def form_for(station: Station, form_id: str, version: str | None, mode: str
             ) -> FormDefinition:
    """The form as ``mode`` shows it: whole for an interview, without identifying
    questions and their dependants for self-completion."""
    form = station.form(form_id, version)
    return form if mode == INTERVIEW else _self_completion(form)[0]


def left_out_on_phones(station: Station, form_id: str, version: str | None) -> list[str]:
    """The questions a self-completing worker is never asked (identifying and dependants)."""
    return _self_completion(station.form(form_id, version))[1]


def _self_completion(form: FormDefinition) -> tuple[FormDefinition, list[str]]:
    key = (form.form_id, form.version, id(form))
    found = _self_forms.get(key)
    if found is None:
        found = _self_forms[key] = logic.without_identifying(form)
    return found


def stays_on_this_laptop(station: Station, project_id: str) -> bool:
    """True when records of this project are sealed to the laptop's own (local) project,
    so they never reach a brand unless moved later (``amplify project adopt``)."""
    return projects.get_project(station.store, project_id).kind == projects.LOCAL


def local_only_warning() -> str:
    return _("This questionnaire is in no brand project on this laptop: its answers are "
             "sealed to this laptop's own project and do not go to a brand. If a brand "
             "should get them, import its project; `amplify project adopt` then moves what "
             "was already sealed.")


def first_page(form: FormDefinition, answers: dict[str, Any]) -> str:
    return logic.first_page(form, answers)


def place(form: FormDefinition, address: str, answers: dict[str, Any]) -> PagePlace:
    """Where the page at ``address`` (a page name in a flat form) stands now."""
    number, total = logic.position_at(form, address, answers)
    return PagePlace(number=number, total=total,
                     has_back=logic.previous_page(form, answers, address) is not None,
                     is_last=logic.is_last_address(form, address, answers))


def page_after(form: FormDefinition, answers: dict[str, Any], page_name: str) -> str | None:
    """The page that follows, or None when the path ends here."""
    return logic.next_page(form, answers, page_name)


def page_before(form: FormDefinition, answers: dict[str, Any], page_name: str) -> str:
    """The page Back leads to (the same page when there is none before it)."""
    return logic.previous_page(form, answers, page_name) or page_name


def blocked(form: FormDefinition, answers: dict[str, Any], lang: str,
            checked: str | None = None) -> Blocked | None:
    """The first page (an address) keeping these answers from being sealed, with its messages
    in ``lang`` (as page_errors gives them), or None when all are valid. ``checked``: the
    address of a page already checked with these answers."""
    skip: Page | str | None = checked
    if checked is not None and not form.repeats:
        skip = form.page(checked)
    found = logic.first_page_with_errors(form, answers, lang, skip=skip)
    if found is None:
        return None
    address, errors = found
    return Blocked(address, answer_messages.in_language(errors, lang))


def is_shown(form: FormDefinition, address: str, answers: dict[str, Any]) -> bool:
    """The page at ``address`` is on the path for these answers."""
    if not form.repeats:
        return form.page(address) in logic.shown_pages(form, answers)
    return any(stop.shown and stop.address == address
               for stop in repeat_logic.sequence(form, answers))


def page_errors(form: FormDefinition, spot: Spot, answers: dict[str, Any], lang: str
                ) -> dict[str, str]:
    """question key -> message for the page at ``spot`` (none at an "add another?" place),
    each in ``lang``: the form's own message in that language, else the interface's
    default message from the catalogs (both screens)."""
    if spot.page is None:
        return {}
    if not form.repeats:
        errors = logic.page_errors(form, spot.page, answers, lang)
    else:
        errors = repeat_logic.page_errors_at(form, spot.address, answers, lang)
    return answer_messages.in_language(errors, lang)


def client_logic(form: FormDefinition, spot: Spot, answers: dict[str, Any]) -> dict[str, Any]:
    """What static/logic.js needs on the page at ``spot`` ({} at an "add another?" place)."""
    if spot.page is None:
        return {}
    if spot.path:
        return logic.client_logic_at(form, spot.address, answers)
    return logic.client_logic(form, spot.page, answers)


def page_questions(form: FormDefinition, spot: Spot, lang: str, answers: dict[str, Any],
                   second_lang: str | None = None) -> list[dict[str, Any]]:
    """What the page at ``spot`` shows of each question, for the one question macro
    (``_question.html``) on both screens: ``webforms.page_items`` plus ``value`` (the
    answer in this page's instance, else the form's default) and ``hidden``.

    A question that does not apply is left out, unless its relevance reads an answer on
    this very page: then an input stays visible (a page without scripts can answer it;
    the server decides on Next) and a note starts hidden; static/logic.js shows and hides
    both as answers change. An "add another?" place has no questions.
    """
    if spot.page is None:
        return []
    relevant = logic.relevant_questions(form, answers)
    end = repeat_logic.suffix(spot.path)
    values = repeat_logic.scope_at(form, answers, spot.address) if spot.path else None
    own: dict[str, Any] = answers
    for repeat, number in spot.path:
        own = instance_at(own, repeat, number)
    on_page = set(spot.page.question_names)
    shown = []
    for item in page_items(form, spot.page, lang, second_lang=second_lang, answers=answers,
                           values=values):
        applies = item["name"] + end in relevant
        if not applies and not (item["relevant"] and references(item["relevant"]) & on_page):
            continue
        item["hidden"] = not applies and item["type"] == "note"
        item["value"] = shown_value(form.questions[item["name"]], own.get(item["name"]))
        shown.append(item)
    return shown


def shown_value(question: Question, answer: Any) -> Any:
    """The value an input shows: the answer as checked and stored, else the form's default."""
    if logic.is_empty(answer):
        answer = question.default or None
    return logic.normalise_answer(question, answer)
