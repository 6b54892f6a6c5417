"""The trigger column (pyxform 1.9 and later): a question with ``trigger: ${q}`` gets its
calculation's value, worked out at that moment, when a page post changes q's value, and
keeps it on later posts until q changes again; without a calculation it is cleared. A
respondent may still type over a triggered text answer: a post that changes the
triggered answer itself keeps what was typed. Triggers inside repeats are refused by the
loader (assemble.py), so only answers at the form's top level are set here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .expressions import evaluate, to_string
from .logic import is_empty, resolve
from .model import FormDefinition


def fired(form: FormDefinition, before: Mapping[str, Any], after: Mapping[str, Any]
          ) -> dict[str, Any]:
    """``after`` (the answers with a page post in place) with every question whose
    trigger's value differs from ``before`` set to its calculation (or cleared)."""
    triggered = [question for question in form.questions.values() if question.trigger]
    result = dict(after)
    if not triggered:
        return result
    old, new = resolve(form, before)[1], resolve(form, after)[1]
    for question in triggered:
        if all(old.get(name) == new.get(name) for name in question.trigger):
            continue
        if question.has_input and after.get(question.name) != before.get(question.name):
            continue  # typed in this very post: the respondent's text stays
        node = question.trigger_value
        value = "" if node is None else to_string(evaluate(node, new))
        if is_empty(value):
            result.pop(question.name, None)
        else:
            result[question.name] = value
    return result
