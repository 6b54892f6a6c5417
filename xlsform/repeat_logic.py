"""Relevance, values, errors and the page path of a form with repeats.

logic.py calls in here only when ``form.repeats`` is not empty, so flat forms keep their
own (faster) path. Answers are nested as agreed: a repeat's answers are a list of instance
dicts under its name in the enclosing instance (or the form). A page of an instance is
addressed "page~2" (nested "page~2~1", numbers from 1, outermost first); the question
"add another instance of R?" is "R~add" (nested "R~2~add"). See scope.py for how an
expression reads its instance.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import logic
from .expressions import evaluate, references, to_bool, to_number
from .model import FormDefinition, Page, Question
from .scope import Path, Scope, instance_at, instances

MAX_INSTANCES = 100  # a repeat_count from an answer is held to this many instances
ADD = "add"


class Address(NamedTuple):
    """A place on the page path: a page of one instance, or the "add another?" question
    of ``repeat`` (``adding``) inside the instance ``path`` leads to."""

    page: Page | None
    repeat: str | None
    path: Path
    adding: bool


class Stop(NamedTuple):
    address: str
    place: Address
    shown: bool


# --------------------------------------------------------------------------- the plan


class TreePlan:
    """What resolving a repeat form needs, worked out once per form: for each level (None:
    the form; else a repeat) its items in form order (question names and repeats), the
    pages likewise, and every name's chain of repeats."""

    def __init__(self, form: FormDefinition) -> None:
        self.signature = (id(form.questions), id(form.pages), id(form.repeats))
        self.chains: dict[str, tuple[str, ...]] = {}
        for name, question in form.questions.items():
            self.chains[name] = tuple(form.repeat_chain(question.repeat))
        for name, repeat in form.repeats.items():
            self.chains[name] = tuple(form.repeat_chain(repeat.parent))
        self.repeat_names = frozenset(form.repeats)
        self.items = _levels(form, [(q.name, q.repeat) for q in form.questions.values()])
        self.pages = _levels(form, [(p.name, p.repeat) for p in form.pages])
        self.passes = len(form.questions) + 1

    def scope(self, tree: Mapping[str, Any], path: Path) -> Scope:
        return Scope(tree, path, self.chains, self.repeat_names)


def _levels(form: FormDefinition, named: list[tuple[str, str | None]]
            ) -> dict[str | None, list[tuple[str, bool]]]:
    """level -> [(name, is_repeat)] in form order: what sits directly in each level."""
    levels: dict[str | None, list[tuple[str, bool]]] = {None: []}
    levels.update({name: [] for name in form.repeats})
    for name, repeat in named:
        chain = [None, *form.repeat_chain(repeat)]
        for outer, inner in zip(chain, chain[1:], strict=False):
            if (inner, True) not in levels[outer]:
                levels[outer].append((inner, True))
        levels[repeat].append((name, False))
    return levels


def plan_of(form: FormDefinition) -> TreePlan:
    plan = form.__dict__.get("_tree_plan")
    if plan is None or plan.signature != (id(form.questions), id(form.pages), id(form.repeats)):
        plan = TreePlan(form)
        form.__dict__["_tree_plan"] = plan
    return plan


def numbers_of(path: Path) -> tuple[int, ...]:
    return tuple(number for _repeat, number in path)


def suffix(path: Path) -> str:
    return "".join(f"~{number}" for _repeat, number in path)


# --------------------------------------------------------------------------- resolving


def resolve_tree(form: FormDefinition, answers: Mapping[str, Any]) -> tuple[set[str], dict]:
    """(relevant, values) at the fixpoint. ``relevant`` holds "q" for a question at the top,
    "q~2~1" for q in instance (2, 1), and a repeat's name (with its parent's numbers) when
    the repeat applies there; ``values`` is nested like the answers, every instance kept."""
    plan = plan_of(form)
    relevant: set[str] = set()
    tree: dict[str, Any] = {}
    for _ in range(plan.passes):
        if not _pass(form, plan, None, answers, tree, (), relevant, tree):
            break
    return relevant, tree


def _pass(form: FormDefinition, plan: TreePlan, level: str | None, answers: Mapping,
          node: dict, path: Path, relevant: set[str], tree: dict) -> bool:
    changed = False
    for name, is_repeat in plan.items[level]:
        if is_repeat:
            changed = _repeat_pass(form, plan, name, answers, node, path, relevant, tree) \
                or changed
            continue
        question = form.questions[name]
        scope = plan.scope(tree, path)
        address = name + suffix(path)
        now_relevant = logic._is_relevant(question, scope)
        value = logic._own_value(question, answers, scope) if now_relevant else None
        if now_relevant != (address in relevant) or node.get(name) != value:
            changed = True
        (relevant.add if now_relevant else relevant.discard)(address)
        if logic.is_empty(value):
            node.pop(name, None)
        else:
            node[name] = value
    return changed


def _repeat_pass(form: FormDefinition, plan: TreePlan, name: str, answers: Mapping,
                 node: dict, path: Path, relevant: set[str], tree: dict) -> bool:
    repeat = form.repeats[name]
    scope = plan.scope(tree, path)
    applies = _applies(form, plan, name, tree, path)
    if not applies:
        count = 0  # a repeat that does not apply has no instances (count() gives 0)
    elif repeat.count is not None:
        count = _count(evaluate(repeat.count, scope))
    else:
        count = min(len(instances(answers, name)), MAX_INSTANCES)
    listed = node.setdefault(name, [])
    changed = len(listed) != count
    del listed[count:]
    listed.extend({} for _ in range(count - len(listed)))
    address = name + suffix(path)
    changed = changed or applies != (address in relevant)
    (relevant.add if applies else relevant.discard)(address)
    for number in range(1, count + 1):
        inner = (*path, (name, number))
        changed = _pass(form, plan, name, instance_at(answers, name, number),
                        listed[number - 1], inner, relevant, tree) or changed
    return changed


def _count(value: Any) -> int:
    number = to_number(value)
    return 0 if not math.isfinite(number) else max(0, min(MAX_INSTANCES, int(number)))


def _applies(form: FormDefinition, plan: TreePlan, name: str, tree: dict, path: Path
             ) -> bool:
    """The repeat's relevance, read in an empty instance (ODK reads it in each instance; a
    relevance on a repeat reads the answers around it)."""
    node = form.repeats[name].relevant
    if node is None:
        return True
    return to_bool(evaluate(node, plan.scope(tree, (*path, (name, MAX_INSTANCES + 1)))))


def pruned(form: FormDefinition, relevant: set[str], tree: Mapping[str, Any],
           path: Path = ()) -> dict[str, Any]:
    """A copy of the values without the repeats that do not apply and without empty
    repeats; every instance of a repeat that applies is kept, in order (even empty)."""
    result: dict[str, Any] = {}
    for key, value in tree.items():
        if key not in form.repeats:
            result[key] = copy.deepcopy(value)
            continue
        if key + suffix(path) not in relevant or not value:
            continue
        result[key] = [pruned(form, relevant, each, (*path, (key, number)))
                       for number, each in enumerate(value, start=1)]
    return result


# --------------------------------------------------------------------------- addresses


def parse_address(form: FormDefinition, address: str) -> Address:
    """The place ``address`` names (KeyError when it names none of this form)."""
    name, *rest = str(address).split("~")
    adding = bool(rest) and rest[-1] == ADD
    if adding:
        rest = rest[:-1]
    if not all(part.isdigit() and part.isascii() and int(part) > 0 for part in rest):
        raise KeyError(address)
    numbers = [int(part) for part in rest]
    if adding:
        if name not in form.repeats:
            raise KeyError(address)
        chain = form.repeat_chain(form.repeats[name].parent)
        page, repeat = None, name
    else:
        page = form.page(name)
        chain = form.repeat_chain(page.repeat)
        repeat = page.repeat
    if len(chain) != len(numbers):
        raise KeyError(address)
    return Address(page, repeat, tuple(zip(chain, numbers, strict=True)), adding)


def address_of(name: str, path: Path, adding: bool = False) -> str:
    return name + suffix(path) + (f"~{ADD}" if adding else "")


def _shown(form: FormDefinition, page: Page, path: Path, relevant: set[str]) -> bool:
    end = suffix(path)
    return any(name + end in relevant and form.questions[name].type not in logic.NOT_SHOWN
               for name in page.question_names)


def sequence(form: FormDefinition, answers: Mapping[str, Any]) -> list[Stop]:
    """Every place of the page path for these answers, in order, shown or not."""
    plan = plan_of(form)
    relevant, tree = logic.resolved_tree(form, answers)
    stops: list[Stop] = []
    _stops(form, plan, None, tree, (), relevant, stops)
    return stops


def _stops(form: FormDefinition, plan: TreePlan, level: str | None, node: Mapping,
           path: Path, relevant: set[str], stops: list[Stop]) -> None:
    for name, is_repeat in plan.pages[level]:
        if not is_repeat:
            page = form.page(name)
            place = Address(page, level, path, False)
            stops.append(Stop(address_of(name, path), place,
                              _shown(form, page, path, relevant)))
            continue
        applies = name + suffix(path) in relevant
        listed = instances(node, name)
        for number, each in enumerate(listed, start=1):
            _stops(form, plan, name, each, (*path, (name, number)), relevant, stops)
        if form.repeats[name].count is None:
            place = Address(None, name, path, True)
            stops.append(Stop(address_of(name, path, adding=True), place, applies))


def step(form: FormDefinition, answers: Mapping[str, Any], current: str | None,
         direction: int) -> str | None:
    stops = sequence(form, answers)
    addresses = [stop.address for stop in stops]
    start = -1 if direction > 0 else len(stops)
    # ValueError for a place not on the path now, as for an unknown page
    index = (start if current is None else addresses.index(current)) + direction
    while 0 <= index < len(stops):
        if stops[index].shown:
            return stops[index].address
        index += direction
    return None


def waiting(form: FormDefinition, address: str, answers: Mapping[str, Any]) -> list[str]:
    """The later places not shown now that an answer on the page at ``address`` may still
    open: none once the page has answers in its instance (then they decide)."""
    place = parse_address(form, address)
    if place.page is None:
        return []
    node: Mapping[str, Any] = answers
    for repeat, number in place.path:
        node = instance_at(node, repeat, number)
    if any(not logic.is_empty(node.get(name)) for name in place.page.question_names):
        return []
    stops = sequence(form, answers)
    later = stops[[stop.address for stop in stops].index(address) + 1:]
    on_page = set(place.page.question_names)
    return [stop.address for stop in later if not stop.shown and (
        logic.waits_on(form, stop.place.page, place.page) if stop.place.page is not None
        else bool(references(form.repeats[stop.place.repeat].relevant or ["lit", ""])
                  & on_page))]


def first_errors(form: FormDefinition, answers: Mapping[str, Any], lang: str,
                 skip: Page | str | None = None) -> tuple[str, dict[str, str]] | None:
    """The first shown page (an address) with an answer to fix, and its errors."""
    skipped = skip.name if isinstance(skip, Page) else skip
    for stop in sequence(form, answers):
        if not stop.shown or stop.place.page is None or stop.address == skipped:
            continue
        errors = page_errors_at(form, stop.address, answers, lang)
        if errors:
            return stop.address, errors
    return None


def only(form: FormDefinition, tree: Mapping[str, Any], names: set[str]) -> dict[str, Any]:
    """A copy of the nested values holding only ``names`` (repeats among them keep the
    instances, each holding only ``names`` in turn)."""
    result: dict[str, Any] = {}
    for key, value in tree.items():
        if key not in names:
            continue
        if key in form.repeats:
            result[key] = [only(form, each, names) for each in value]
        else:
            result[key] = copy.deepcopy(value)
    return result


# --------------------------------------------------------------------------- one place


def scope_at(form: FormDefinition, answers: Mapping[str, Any], address: str) -> Scope:
    """Where an expression of a question at ``address`` is evaluated (resolved values)."""
    place = parse_address(form, address)
    return plan_of(form).scope(logic.resolved_tree(form, answers)[1], place.path)


def instance_values(form: FormDefinition, answers: Mapping[str, Any], address: str
                    ) -> dict[str, Any]:
    """The resolved values of the instance ``address`` is in (its own questions only)."""
    place = parse_address(form, address)
    node: Mapping[str, Any] = logic.resolved_tree(form, answers)[1]
    for repeat, number in place.path:
        node = instance_at(node, repeat, number)
    return {key: copy.deepcopy(value) for key, value in node.items()
            if key not in form.repeats}


def page_errors_at(form: FormDefinition, address: str, answers: Mapping[str, Any],
                   lang: str = "en") -> dict[str, str]:
    """question key -> message for the page at ``address`` ({} for an "add" place)."""
    if not form.repeats:
        return logic.page_errors(form, form.page(address), answers, lang)
    place = parse_address(form, address)
    if place.page is None:
        return {}
    relevant, tree = logic.resolved_tree(form, answers)
    scope = plan_of(form).scope(tree, place.path)
    end = suffix(place.path)
    errors = {}
    for name in place.page.question_names:
        question = form.questions[name]
        if name + end not in relevant or not question.has_input or question.read_only:
            continue
        message = logic._question_error(form, question, scope, lang)
        if message:
            errors[name] = message
    return errors


# --------------------------------------------------------------------------- changes


def _instance_list(form: FormDefinition, answers: dict, repeat: str, path: Path) -> list:
    """The list of ``repeat``'s instances inside ``path`` in ``answers`` (made as needed)."""
    node = answers
    for outer, number in path:
        node = _made_instance(node, outer, number)
    listed = node.get(repeat)
    if not isinstance(listed, list):
        listed = node[repeat] = []
    return listed


def _made_instance(node: dict, repeat: str, number: int) -> dict:
    listed = node.get(repeat)
    if not isinstance(listed, list):
        listed = node[repeat] = []
    while len(listed) < number:
        listed.append({})
    if not isinstance(listed[number - 1], dict):
        listed[number - 1] = {}
    return listed[number - 1]


def _uncounted(form: FormDefinition, repeat: str) -> None:
    if form.repeats[repeat].count is not None:
        raise ValueError(f"the repeat '{repeat}' has a count: its instances are not "
                         "added or removed by hand")


def add_instance(form: FormDefinition, answers: Mapping[str, Any], adding: str
                 ) -> tuple[dict[str, Any], str]:
    """The answers with a new, empty instance at ``adding`` ("R~add"), and the first place
    to show in it (the next shown place when nothing in it is shown)."""
    place = parse_address(form, adding)
    if not place.adding or place.repeat is None:
        raise ValueError(f"'{adding}' is not a place to add an instance at")
    _uncounted(form, place.repeat)
    changed = copy.deepcopy(dict(answers))
    listed = _instance_list(form, changed, place.repeat, place.path)
    if len(listed) >= MAX_INSTANCES:
        raise ValueError(f"a repeat holds at most {MAX_INSTANCES} instances")
    listed.append({})
    inside = (*place.path, (place.repeat, len(listed)))
    stops = sequence(form, changed)
    for index, stop in enumerate(stops):
        if stop.place.path[:len(inside)] == inside:
            following = [s for s in stops[index:] if s.shown]
            return changed, following[0].address if following else stop.address
    raise ValueError(f"the repeat '{place.repeat}' has no page here")


def remove_instance(form: FormDefinition, answers: Mapping[str, Any], repeat: str,
                    numbers: tuple[int, ...]) -> dict[str, Any]:
    """The answers without instance ``numbers`` of ``repeat`` (the numbers of the
    repeats around it first, then its own); later instances move up one."""
    _uncounted(form, repeat)
    chain = form.repeat_chain(repeat)
    if len(numbers) != len(chain) or any(n < 1 for n in numbers):
        raise ValueError(f"{repeat} needs {len(chain)} instance numbers")
    changed = copy.deepcopy(dict(answers))
    path = tuple(zip(chain, numbers, strict=True))
    listed = _instance_list(form, changed, repeat, path[:-1])
    if numbers[-1] > len(listed):
        raise ValueError(f"{repeat} has no instance {numbers[-1]} there")
    del listed[numbers[-1] - 1]
    return changed


def merge_posted(form: FormDefinition, answers: Mapping[str, Any], address: str,
                 posted: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with the posted answers of the page at ``address`` put into its
    instance (made, with any before it, when missing). Keys are the page's question keys;
    a question of the page that was not posted is emptied (an unticked box posts nothing);
    nothing else changes."""
    place = parse_address(form, address)
    if place.page is None:
        raise ValueError(f"'{address}' is not a page")
    changed = copy.deepcopy(dict(answers))
    node = changed
    for repeat, number in place.path:
        node = _made_instance(node, repeat, number)
    for name in place.page.question_names:
        question: Question = form.questions[name]
        if not question.has_input or question.read_only:
            continue
        value = logic.normalise_answer(question, posted.get(name))
        if logic.is_empty(value):
            node.pop(name, None)
        else:
            node[name] = value
    return changed


def instance_count(form: FormDefinition, answers: Mapping[str, Any], repeat: str,
                   outer: tuple[int, ...] = ()) -> int:
    """How many instances ``repeat`` has inside the outer instances ``outer``: its count
    when it has one, else how many the answers hold."""
    node: Mapping[str, Any] = logic.resolved_tree(form, answers)[1]
    chain = form.repeat_chain(form.repeats[repeat].parent)
    for outer_repeat, number in zip(chain, outer, strict=True):
        node = instance_at(node, outer_repeat, number)
    return len(instances(node, repeat))
