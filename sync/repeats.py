"""Repeat answers as every layer after the pages reads them (station and brand alike).

The agreed shape: a repeat's answers live under the repeat's name as a list of instance
dicts, in order; the questions directly inside a repeat are keyed inside its instance
dicts, never at the top level; a nested repeat is a list inside its parent's instance:

    {"household": [{"member_name": "A", "children": [{"child_name": "B"}]}, {...}]}

A *scope* is the top level (``None``) or a repeat: what may be keyed in it is the
questions directly in it and the repeats nested directly in it (``Scope``). An instance
is named by its 1-based numbers from the outermost repeat in, joined with "." ("2.1":
the first child of the second household), as the brand's ``repeat_answers`` table and
the sealed payload's order both have it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

TOP = None


@dataclass(frozen=True)
class Scope:
    questions: frozenset[str]
    repeats: frozenset[str]


def repeat_parents(form: Any) -> dict[str, str | None]:
    """Each repeat of the form → the repeat it is nested in (None at the top level)."""
    return {name: repeat.parent for name, repeat in form.repeats.items()}


def scopes(form: Any) -> dict[str | None, Scope]:
    """The top level and every repeat → what may be keyed directly in it."""
    parents = repeat_parents(form)
    questions: dict[str | None, set[str]] = {TOP: set(), **{name: set() for name in parents}}
    for name, question in form.questions.items():
        questions.setdefault(question.repeat, set()).add(name)
    nested: dict[str | None, set[str]] = {scope: set() for scope in questions}
    for name, parent in parents.items():
        nested.setdefault(parent, set()).add(name)
    return {scope: Scope(frozenset(questions[scope]), frozenset(nested.get(scope, ())))
            for scope in questions}


def instances(value: Any) -> list[Mapping[str, Any]] | None:
    """The instance dicts of a repeat's answer, or None when it is not a list of dicts."""
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        return None
    return value


def instance_label(outer: str, number: int) -> str:
    """"2" for the second instance at the top, "2.1" for the first inside instance "2"."""
    return f"{outer}.{number}" if outer else str(number)


@dataclass(frozen=True)
class InstanceAnswer:
    repeat: str
    instance: str  # "2", "2.1", ...
    question: str  # a question of ``repeat``, or a repeat nested in it
    value: Any


def walk(form_scopes: Mapping[str | None, Scope], answers: Mapping[str, Any],
         ) -> Iterator[InstanceAnswer]:
    """Every answer inside every instance at any depth, in order, each nested repeat first
    as its number of instances (``value`` = the count) and then its own answers.

    Names a scope does not have, and repeat answers that are not lists of dicts, are
    skipped: callers that must refuse them check with :func:`instances` first.
    """
    top = form_scopes[TOP]
    for name, value in answers.items():
        found = instances(value) if name in top.repeats else None
        if found:
            yield from _walk_instances(form_scopes, name, "", found)


def _walk_instances(form_scopes: Mapping[str | None, Scope], repeat: str, outer: str,
                    items: list[Mapping[str, Any]]) -> Iterator[InstanceAnswer]:
    scope = form_scopes[repeat]
    for number, item in enumerate(items, 1):
        label = instance_label(outer, number)
        for name, value in item.items():
            if name in scope.questions:
                yield InstanceAnswer(repeat, label, name, value)
            elif name in scope.repeats:
                found = instances(value)
                if found:
                    yield InstanceAnswer(repeat, label, name, len(found))
                    yield from _walk_instances(form_scopes, name, label, found)


def merge_instances(kept: dict[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """``kept`` with ``more`` laid over it, instance by instance (the vault's identifying
    answers put back beside the sealed ones): lists of instances merge position by
    position, any other value of ``more`` replaces."""
    merged = dict(kept)
    for name, value in more.items():
        base = instances(merged.get(name))
        extra = instances(value)
        if base is None or extra is None:
            merged[name] = value
            continue
        longer = max(len(base), len(extra))
        merged[name] = [merge_instances(dict(base[i]) if i < len(base) else {},
                                        extra[i] if i < len(extra) else {})
                        for i in range(longer)]
    return merged
