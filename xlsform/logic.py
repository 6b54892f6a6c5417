"""Server-side truth about a set of answers: relevance, calculations, errors, navigation.

Answers are a dict name -> value as a form posts them: strings, and lists for
select_multiple. Answers of irrelevant questions are treated as empty everywhere, so they
never influence other questions and ``clean_answers`` never returns them.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any

from . import ranges, ranks, repeat_logic
from .expressions import evaluate, references, to_bool, to_string
from .model import Choice, FormDefinition, Page, Question
from .values import is_empty

REQUIRED = "This answer is required."
NOT_ALLOWED = "This answer is not allowed."
TYPE_MESSAGES = {
    "integer": "Enter a whole number.",
    "decimal": "Enter a number.",
    "date": "Enter a date as YYYY-MM-DD.",
    "time": "Enter a time as HH:MM.",
    "datetime": "Enter a date and time as YYYY-MM-DDTHH:MM.",
    "select_one": "Choose one of the options.",
    "select_multiple": "Choose only from the options.",
    "acknowledge": "Tick the box to continue.",
}
INTEGER_RE = re.compile(r"^[+-]?\d+$", re.ASCII)
DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2})?$", re.ASCII)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
NOT_SHOWN = frozenset({"calculate", "hidden"})


# --------------------------------------------------------------------------- values


def _ascii_digits(text: str) -> str:
    """Khmer, Burmese, Bengali, Arabic-Indic ... digits as 0-9, so numbers parse."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def normalise_answer(question: Question, value: Any) -> Any:
    """An answer in the form it is checked and stored in (lists for select_multiple)."""
    if value is None:
        return None
    if question.type == "select_multiple":
        items = value.split() if isinstance(value, str) else [str(v) for v in value]
        return [item for item in items if item]
    if question.type == "rank":
        return ranks.normalised(value)
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else " ".join(str(v) for v in value)
    text = str(value)
    if question.type in ("integer", "decimal"):
        return _ascii_digits(text.strip())
    if question.type in ("date", "time", "datetime", "select_one", "acknowledge"):
        return text.strip()
    return text


def _own_value(question: Question, answers: Mapping[str, Any], values: dict) -> Any:
    if question.type == "calculate":
        if question.calculation is None:  # set by its trigger (kept), else nothing
            return answers.get(question.name, "") if question.trigger else ""
        kept = answers.get(question.name)
        if question.calculation[:2] == ["fn", "once"] and not is_empty(kept):
            return kept  # once(): the value worked out first stays
        return to_string(evaluate(question.calculation, values))
    if question.type == "hidden":
        return answers.get(question.name) or question.default
    if question.type == "note":
        return None
    return normalise_answer(question, answers.get(question.name))


def _is_relevant(question: Question, values: dict) -> bool:
    if question.relevant is None:
        return True
    return to_bool(evaluate(question.relevant, values, current=values.get(question.name)))


def resolve(form: FormDefinition, answers: Mapping[str, Any]) -> tuple[set[str], dict]:
    """(relevant names, values of relevant questions) at the fixpoint, in form order.

    Inside ``reusing_resolutions()`` the last result is reused while the answers stay the
    same; a copy is returned either way.
    """
    if form.repeats:
        relevant, tree = resolved_tree(form, answers)
        return set(relevant), repeat_logic.pruned(form, relevant, tree)
    plan = _plan(form)
    memo = _memo.get()
    if memo is None:
        return _resolve(plan, answers)
    snapshot = (plan, date.today(), _snapshot(answers))
    if memo.get("key") != snapshot:
        memo["key"], memo["value"] = snapshot, _resolve(plan, answers)
    relevant, values = memo["value"]
    return set(relevant), {k: list(v) if isinstance(v, list) else v for k, v in values.items()}


_memo: ContextVar[dict | None] = ContextVar("amplify_logic_memo", default=None)


def resolved_tree(form: FormDefinition, answers: Mapping[str, Any]) -> tuple[set[str], dict]:
    """A form with repeats: (relevant places, nested values with every instance), see
    repeat_logic.resolve_tree; reused inside ``reusing_resolutions()`` like resolve.
    The result is shared: do not change it."""
    memo = _memo.get()
    if memo is None:
        return repeat_logic.resolve_tree(form, answers)
    snapshot = (repeat_logic.plan_of(form), date.today(), copy.deepcopy(dict(answers)))
    if memo.get("tree_key") != snapshot:
        memo["tree_key"], memo["tree"] = snapshot, repeat_logic.resolve_tree(form, answers)
    return memo["tree"]


@contextmanager
def reusing_resolutions() -> Iterator[None]:
    """Within the block, resolving the same answers again costs nothing.

    One request asks about the same answers many times (errors, next page, what to show,
    what to keep); wrap the request in this. Nothing is kept after the block.
    """
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _snapshot(answers: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the answers that later changes to their lists cannot alter."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in answers.items()}


class _Plan:
    """What resolve needs from a form, worked out once per form.

    ``one_pass``: no relevance or calculation looks at its own question (``.``) or at a
    later one, so one pass in form order reaches the fixpoint (the built-in forms; the
    general loop is kept for the rest). A FormDefinition is read-only once built: the
    plan is kept on it, and rebuilt only if its questions are replaced.
    """

    def __init__(self, form: FormDefinition) -> None:
        self.questions = tuple(form.questions.values())
        self.signature = _signature(form)
        position = {q.name: i for i, q in enumerate(self.questions)}
        self.one_pass = True
        for index, question in enumerate(self.questions):
            for node in (question.relevant, question.calculation):
                if node is None:
                    continue
                if _uses_current(node) or any(position.get(name, -1) >= index
                                              for name in references(node)):
                    self.one_pass = False


def _signature(form: FormDefinition) -> tuple[int, ...]:
    return (id(form.questions), *map(id, form.questions.values()))


def _plan(form: FormDefinition) -> _Plan:
    plan = form.__dict__.get("_logic_plan")
    if plan is None or plan.signature != _signature(form):
        plan = _Plan(form)
        form.__dict__["_logic_plan"] = plan
    return plan


def _uses_current(node: Any) -> bool:
    if not isinstance(node, list) or not node:
        return False
    if node[0] == "cur":
        return True
    return node[0] != "lit" and any(_uses_current(child) for child in node[1:])


def _resolve(plan: _Plan, answers: Mapping[str, Any]) -> tuple[set[str], dict]:
    relevant: set[str] = set()
    values: dict[str, Any] = {}
    for _ in range(len(plan.questions) + 1):
        changed = False
        for question in plan.questions:
            name = question.name
            now_relevant = _is_relevant(question, values)
            value = _own_value(question, answers, values) if now_relevant else None
            if now_relevant != (name in relevant) or values.get(name) != value:
                changed = True
            if now_relevant:
                relevant.add(name)
            else:
                relevant.discard(name)
            if is_empty(value):
                values.pop(name, None)
            else:
                values[name] = value
        if not changed or plan.one_pass:
            break
    return relevant, values


def relevant_questions(form: FormDefinition, answers: Mapping[str, Any]) -> set[str]:
    """Names of the questions (calculates included) that are relevant for these answers."""
    return resolve(form, answers)[0]


def compute_calculations(form: FormDefinition, answers: Mapping[str, Any]) -> dict[str, str]:
    """Values of every calculate question ("" when it is not relevant)."""
    _relevant, values = resolve(form, answers)
    return {
        name: values.get(name, "")
        for name, question in form.questions.items()
        if question.type == "calculate"
    }


def clean_answers(form: FormDefinition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only relevant, known, non-empty answers, normalised, with calculations recomputed."""
    return dict(resolve(form, answers)[1])


def filtered_choices(
    form: FormDefinition, question: Question, answers: Mapping[str, Any]
) -> list[Choice]:
    """The choices of a select after its choice_filter (all of them when it has none)."""
    return filter_choices(form, question, resolve(form, answers)[1])


def filter_choices(form: FormDefinition, question: Question, values: dict) -> list[Choice]:
    choices = form.choices_for(question)
    if question.choice_filter is None:
        return choices
    return [
        choice
        for choice in choices
        if to_bool(evaluate(question.choice_filter, values, row=_choice_row(choice)))
    ]


def _choice_row(choice: Choice) -> dict[str, str]:
    return {**choice.extra, "name": choice.name}


def filter_waits_on_page(form: FormDefinition, question: Question, page: Page) -> bool:
    """The question's choice filter reads an answer given on ``page`` itself (a cascade
    such as state → county on one page), so which choices fit changes while the page is
    filled in: the page lists them all, static/logic.js filters them as answers change,
    and the server checks the choice against the filter on Next."""
    if question.choice_filter is None:
        return False
    on_page = set(page.question_names)
    return bool(references(question.choice_filter) & (on_page | _live_calculations(form, on_page)))


# --------------------------------------------------------------------------- errors


def page_errors(
    form: FormDefinition, page: Page, answers: Mapping[str, Any], lang: str = "en"
) -> dict[str, str]:
    """name -> message for every relevant question on ``page`` whose answer is not OK.
    (A page inside a repeat: see page_errors_at.)"""
    if form.repeats:
        return repeat_logic.page_errors_at(form, page.name, answers, lang)
    relevant, values = resolve(form, answers)
    errors = {}
    for name in page.question_names:
        question = form.questions[name]
        if name not in relevant or not question.has_input or question.read_only:
            continue
        message = _question_error(form, question, values, lang)
        if message:
            errors[name] = message
    return errors


def _question_error(form: FormDefinition, question: Question, values: dict, lang: str):
    value = values.get(question.name)
    if is_empty(value):
        if _required(question, values):
            return _message(question.required_message, lang) or REQUIRED
        return None
    if question.type == "rank":
        problem = ranks.error(value, filter_choices(form, question, values))
        if problem:
            return problem
    elif not _type_ok(form, question, value, values):
        return TYPE_MESSAGES[question.type]
    if question.bounds and not ranges.within(question.bounds, value):
        return ranges.message(question.bounds)
    constraint = question.constraint
    if constraint is not None and not to_bool(evaluate(constraint, values, current=value)):
        return _message(question.constraint_message, lang) or NOT_ALLOWED
    return None


def _message(texts: dict[str, str], lang: str) -> str:
    """The author's message in ``lang``, English or the unnamed language, else ""; a
    message in a language the reader did not choose is worse than our English default."""
    return next((texts[code] for code in (lang, "en", "default") if texts.get(code)), "")


def _required(question: Question, values: dict) -> bool:
    if question.required_if is not None:
        return to_bool(evaluate(question.required_if, values))
    return question.required


def _parses(parser, text: str) -> bool:
    try:
        parser(text)
    except ValueError:
        return False
    return True


def _type_ok(form: FormDefinition, question: Question, value: Any, values: dict) -> bool:
    kind = question.type
    if kind == "integer":
        return bool(INTEGER_RE.match(value))
    if kind == "decimal":
        return bool(DECIMAL_RE.match(value))
    if kind == "date":
        return bool(DATE_RE.match(value)) and _parses(date.fromisoformat, value)
    if kind == "time":
        return bool(TIME_RE.match(value)) and _parses(time.fromisoformat, value)
    if kind == "datetime":
        return _parses(datetime.fromisoformat, value)
    if kind == "acknowledge":
        return value == "OK"
    if kind in ("select_one", "select_multiple"):
        allowed = {choice.name for choice in filter_choices(form, question, values)}
        chosen = value if isinstance(value, list) else [value]
        return set(chosen) <= allowed and len(set(chosen)) == len(chosen)
    return True


# --------------------------------------------------------------------------- navigation


def page_is_shown(form: FormDefinition, page: Page, relevant: set[str]) -> bool:
    """A page is shown when at least one relevant question on it is displayed."""
    return any(
        name in relevant and form.questions[name].type not in NOT_SHOWN
        for name in page.question_names
    )


def _step(
    form: FormDefinition, answers: Mapping[str, Any], current: str | None, step: int
) -> str | None:
    relevant = relevant_questions(form, answers)
    names = [page.name for page in form.pages]
    index = (-1 if step > 0 else len(names)) if current is None else names.index(current)
    index += step
    while 0 <= index < len(names):
        if page_is_shown(form, form.pages[index], relevant):
            return names[index]
        index += step
    return None


def next_page(
    form: FormDefinition, answers: Mapping[str, Any], current_page_name: str | None
) -> str | None:
    """The next page to show after ``current_page_name`` (None: the first), or None at the
    end. In a form with repeats, pages are addresses ("page~2", "repeat~add")."""
    if form.repeats:
        return repeat_logic.step(form, answers, current_page_name, 1)
    return _step(form, answers, current_page_name, 1)


def previous_page(
    form: FormDefinition, answers: Mapping[str, Any], current_page_name: str | None
) -> str | None:
    """The page before ``current_page_name`` (None: the last shown page), or None."""
    if form.repeats:
        return repeat_logic.step(form, answers, current_page_name, -1)
    return _step(form, answers, current_page_name, -1)


def first_page(form: FormDefinition, answers: Mapping[str, Any]) -> str:
    """The first page to show for these answers (the form's first when none applies)."""
    found = next_page(form, answers, None)
    if found is None and form.repeats:
        return repeat_logic.sequence(form, answers)[0].address
    return found or form.pages[0].name


def shown_pages(form: FormDefinition, answers: Mapping[str, Any]) -> list[Page]:
    """The pages that apply to these answers, in order."""
    relevant = relevant_questions(form, answers)
    return [page for page in form.pages if page_is_shown(form, page, relevant)]


def waits_on(form: FormDefinition, later: Page, page: Page) -> bool:
    """True when a question on ``later`` is shown or not by an answer on ``page``."""
    on_page = set(page.question_names)
    for name in later.question_names:
        node = form.questions[name].relevant
        if node is not None and references(node) & on_page:
            return True
    return False


def _pages_waiting(form: FormDefinition, page: Page, answers: Mapping[str, Any]) -> list[Page]:
    """The later pages that an answer on ``page`` may still open: none once the page has
    answers (then they decide), every page relevant on it while it has none."""
    if any(not is_empty(answers.get(name)) for name in page.question_names):
        return []
    later = form.pages[[p.name for p in form.pages].index(page.name) + 1:]
    return [each for each in later if waits_on(form, each, page)]


def is_last_page(form: FormDefinition, page: Page, answers: Mapping[str, Any]) -> bool:
    """No page can follow ``page``: none is shown now, and none waits on an answer on it
    (an unanswered page does not end the path because nothing shows after it yet)."""
    if form.repeats:
        return is_last_address(form, page.name, answers)
    return next_page(form, answers, page.name) is None and \
        not _pages_waiting(form, page, answers)


def page_position(form: FormDefinition, page: Page, answers: Mapping[str, Any]
                  ) -> tuple[int, int]:
    """(number of ``page``, pages in all) among the pages that apply or wait on ``page``."""
    if form.repeats:
        return position_at(form, page.name, answers)
    counted = {p.name for p in shown_pages(form, answers)} | {page.name} | {
        p.name for p in _pages_waiting(form, page, answers)}
    names = [p.name for p in form.pages if p.name in counted]
    return names.index(page.name) + 1, len(names)


def is_last_address(form: FormDefinition, address: str, answers: Mapping[str, Any]) -> bool:
    """is_last_page for an address (any form): nothing is shown after it and nothing waits
    on an unanswered question of it; an "add another?" place is last when nothing follows."""
    if not form.repeats:
        return is_last_page(form, form.page(address), answers)
    if repeat_logic.step(form, answers, address, 1) is not None:
        return False
    return not repeat_logic.waiting(form, address, answers)


def position_at(form: FormDefinition, address: str, answers: Mapping[str, Any]
                ) -> tuple[int, int]:
    """page_position for an address (any form): (its number, places in all) among the
    places shown, itself and those waiting on it."""
    if not form.repeats:
        return page_position(form, form.page(address), answers)
    waiting = set(repeat_logic.waiting(form, address, answers))
    counted = [stop.address for stop in repeat_logic.sequence(form, answers)
               if stop.shown or stop.address == address or stop.address in waiting]
    return counted.index(address) + 1, len(counted)


def first_page_with_errors(form: FormDefinition, answers: Mapping[str, Any], lang: str,
                           skip: Page | None = None) -> tuple[str, dict[str, str]] | None:
    """The first page that applies and has an answer to fix, with its errors; None when
    every page is valid. ``skip``: a page already checked with these very answers (in a
    form with repeats, its address may be given instead; the result names an address)."""
    if form.repeats:
        return repeat_logic.first_errors(form, answers, lang, skip)
    for page in shown_pages(form, answers):
        if page is skip:
            continue
        errors = page_errors(form, page, answers, lang)
        if errors:
            return page.name, errors
    return None


def without_identifying(form: FormDefinition) -> tuple[FormDefinition, list[str]]:
    """The form minus its ``identifying`` questions and every question that depends on one
    (relevance, calculation, constraint, choice filter, required-if), transitively; pages
    left empty go too. Returns the smaller form and the names left out, in form order."""
    removed = {name for name, q in form.questions.items() if q.sensitivity == "identifying"}
    grew = bool(removed)
    while grew:
        grew = False
        for name, question in form.questions.items():
            if name not in removed and (_depends_on(question, removed)
                                        or _count_depends_on(form, question, removed)):
                removed.add(name)
                grew = True
    if not removed:
        return form, []
    questions = {n: q for n, q in form.questions.items() if n not in removed}
    pages = [replace(page, question_names=[n for n in page.question_names if n in questions])
             for page in form.pages]
    pages = [page for page in pages if page.question_names]
    left_out = [name for name in form.questions if name in removed]
    kept_pages = {page.name for page in pages}
    repeats = {name: replace(repeat,
                             question_names=[n for n in repeat.question_names if n in questions],
                             page_names=[n for n in repeat.page_names if n in kept_pages])
               for name, repeat in form.repeats.items()}
    return replace(form, questions=questions, pages=pages, repeats=repeats), left_out


def _count_depends_on(form: FormDefinition, question: Question, names: set[str]) -> bool:
    """The question is in a repeat whose number of instances is read from ``names``."""
    counts = (form.repeats[r].count for r in form.repeat_chain(question.repeat))
    return any(count is not None and references(count) & names for count in counts)


def _depends_on(question: Question, names: set[str]) -> bool:
    nodes = (question.relevant, question.calculation, question.constraint,
             question.choice_filter, question.required_if, question.trigger_value)
    return any(node is not None and references(node) & names for node in nodes) or \
        question.other_of in names or bool(names.intersection(question.trigger))


# --------------------------------------------------------------------------- browser


def client_logic(form: FormDefinition, page: Page, answers: Mapping[str, Any]) -> dict[str, Any]:
    """What static/logic.js needs to show and hide questions on ``page``.

    {"page": name, "relevant": {name: AST}, "calculate": {name: AST} (calculations that
    depend on this page's inputs, in form order), "values": {name: value} (other answers the
    expressions use, as the server knows them), and on a page with a cascade "choices":
    {name: {"filter": AST, "rows": {choice name: its row}}} (see filter_waits_on_page)}.
    (A page of a repeat instance: client_logic_at.)
    """
    if form.repeats:
        return client_logic_at(form, page.name, answers)
    logic, needed = _page_logic(form, page, _live_calculations(form, set(page.question_names)))
    _relevant, values = resolve(form, answers)
    logic["values"] = {name: values[name] for name in needed if name in values}
    return logic


def _page_logic(form: FormDefinition, page: Page, live_calculations: set[str]
                ) -> tuple[dict[str, Any], list[str]]:
    """client_logic without values, and the names whose values it needs, sorted."""
    on_page = set(page.question_names)
    relevant_asts = {
        name: form.questions[name].relevant
        for name in page.question_names
        if form.questions[name].relevant is not None
    }
    live_filters = {
        name: form.questions[name]
        for name in page.question_names
        if filter_waits_on_page(form, form.questions[name], page)
    }
    needed = set().union(*(references(node) for node in relevant_asts.values()),
                         *(references(q.choice_filter) for q in live_filters.values()))
    seen: set[str] = set()
    while needed - seen:
        name = (needed - seen).pop()
        seen.add(name)
        if name in live_calculations:
            needed |= references(form.questions[name].calculation or ["lit", ""])
    logic: dict[str, Any] = {
        "page": page.name,
        "relevant": relevant_asts,
        "calculate": {
            name: form.questions[name].calculation
            for name in form.questions
            if name in seen and name in live_calculations
        },
    }
    if live_filters:  # only pages with a cascade pay for the choices' rows
        logic["choices"] = {
            name: {"filter": question.choice_filter,
                   "rows": {c.name: _choice_row(c) for c in form.choices_for(question)}}
            for name, question in live_filters.items()
        }
    return logic, sorted(seen - on_page - live_calculations)


def client_logic_at(form: FormDefinition, address: str, answers: Mapping[str, Any]
                    ) -> dict[str, Any]:
    """client_logic for the page at ``address`` of a form with repeats: "values" is empty
    and "scope" {"path": [[repeat, number], ...], "chains": {name: [repeats around it]},
    "repeats": [names], "tree": the nested values the expressions read} lets logic.js read
    ``${sibling}``, outer questions, position(), count(), sum(), indexed-repeat() as the
    server does. Calculations of other levels stay as the server worked them out."""
    place = repeat_logic.parse_address(form, address)
    if place.page is None:
        raise KeyError(address)
    plan = repeat_logic.plan_of(form)
    live = {name for name in _live_calculations(form, set(place.page.question_names))
            if form.questions[name].repeat == place.page.repeat}
    logic, needed = _page_logic(form, place.page, live)
    _relevant, tree = resolved_tree(form, answers)
    kept = set(needed) | {level for name in needed for level in plan.chains[name]}
    names = kept | set(place.page.question_names) | live
    logic.update(page=address, values={}, scope={
        "path": [list(step) for step in place.path],
        "chains": {name: list(plan.chains[name]) for name in sorted(names)},
        "repeats": sorted(name for name in names if name in form.repeats),
        "tree": repeat_logic.only(form, tree, kept),
    })
    return logic


def _live_calculations(form: FormDefinition, on_page: set[str]) -> set[str]:
    """Calculations whose value can change while this page is being filled in."""
    live: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, question in form.questions.items():
            if question.type != "calculate" or name in live or question.calculation is None:
                continue
            if references(question.calculation) & (on_page | live):
                live.add(name)
                changed = True
    return live


# The repeat API lives in repeat_logic (see its docstrings); these are its public names.
# Functions, not aliases: repeat_logic imports this module, and may be imported first.


def parse_address(form: FormDefinition, address: str) -> repeat_logic.Address:
    return repeat_logic.parse_address(form, address)


def page_errors_at(form: FormDefinition, address: str, answers: Mapping[str, Any],
                   lang: str = "en") -> dict[str, str]:
    return repeat_logic.page_errors_at(form, address, answers, lang)


def scope_at(form: FormDefinition, answers: Mapping[str, Any], address: str) -> Any:
    return repeat_logic.scope_at(form, answers, address)


def instance_values(form: FormDefinition, answers: Mapping[str, Any], address: str
                    ) -> dict[str, Any]:
    return repeat_logic.instance_values(form, answers, address)


def instance_count(form: FormDefinition, answers: Mapping[str, Any], repeat: str,
                   outer: tuple[int, ...] = ()) -> int:
    return repeat_logic.instance_count(form, answers, repeat, outer)


def add_instance(form: FormDefinition, answers: Mapping[str, Any], adding: str
                 ) -> tuple[dict[str, Any], str]:
    return repeat_logic.add_instance(form, answers, adding)


def remove_instance(form: FormDefinition, answers: Mapping[str, Any], repeat: str,
                    numbers: tuple[int, ...]) -> dict[str, Any]:
    return repeat_logic.remove_instance(form, answers, repeat, numbers)


def merge_posted(form: FormDefinition, answers: Mapping[str, Any], address: str,
                 posted: Mapping[str, Any]) -> dict[str, Any]:
    return repeat_logic.merge_posted(form, answers, address, posted)
