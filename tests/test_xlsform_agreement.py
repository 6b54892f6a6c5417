"""Every expression of every form in ../shared/xlsforms that loads, evaluated on generated
answers by the server (xlsform.expressions) and by static/logic.js in Chromium: they agree.

Answers are drawn per question type from a seeded generator (numbers at the edges, dates,
choices of the question's own list, text in several scripts), several sets per form; in a
form with repeats they are nested (0 to 2 instances of each repeat) and an expression of a
question in a repeat is evaluated in one of its instances (xlsform/scope.py on both sides).
Functions whose value changes from call to call (random, uuid) are left out.
"""

from __future__ import annotations

import math
import random
import warnings
from pathlib import Path
from typing import Any

from xlsform import FormDefinition, FormError, load_xlsform
from xlsform.expressions import evaluate, to_string
from xlsform.functions import UNSTABLE
from xlsform.repeat_logic import plan_of
from xlsform.scope import Scope

from .test_xlsform_corpus import CORPUS, FILES, needs_corpus

LOGIC_JS = Path(__file__).resolve().parents[1] / "survey_app" / "static" / "logic.js"
SETS_PER_FORM = 6
TEXTS = ["", "Dara Sok", "ស្រី", "  spaced  out ", "a@b.org", "007", "मजदूर"]
NUMBERS = ["", "0", "-3", "7", "18", "2.5", "120", "-0.25"]
DATES = ["", "2000-02-29", "2024-12-31", "1969-07-20", "2026-01-15"]
COLUMNS = ("relevant", "constraint", "calculation", "required_if", "choice_filter",
           "trigger_value")


def loaded_forms() -> list[FormDefinition]:
    forms = []
    for path in FILES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                forms.append(load_xlsform(path, drop_unsupported=True))
        except FormError:
            continue
    return forms


def _unstable(node: Any) -> bool:
    if not isinstance(node, list) or not node or node[0] == "lit":
        return False
    return (node[0] == "fn" and node[1] in UNSTABLE) or any(_unstable(c) for c in node[1:])


def _answer(form: FormDefinition, name: str, pick: random.Random) -> Any:
    question = form.questions[name]
    names = [choice.name for choice in form.choices_for(question)] or ["a", "b"]
    kind = question.type
    if kind == "select_multiple":
        return pick.sample(names, pick.randint(0, min(3, len(names))))
    if kind == "select_one":
        return pick.choice([*names, ""])
    if kind in ("integer", "decimal"):
        return pick.choice(NUMBERS)
    if kind == "date":
        return pick.choice(DATES)
    if kind == "datetime":
        return pick.choice(["", "2024-02-29T23:59", "2001-01-01T00:00:30"])
    return pick.choice(TEXTS + NUMBERS[1:4] + DATES[1:2])


def cases() -> list[dict[str, Any]]:
    pick = random.Random(14)
    table = []
    for form in loaded_forms():
        nodes = [(f"{form.form_id}: {q.name} {column}", q, getattr(q, column))
                 for q in form.questions.values() for column in COLUMNS]
        nodes = [item for item in nodes if item[2] and not _unstable(item[2])]
        for _ in range(SETS_PER_FORM):
            answers = _nested(form, None, pick)
            for label, question, node in nodes:
                choices = form.choices_for(question)
                chosen = pick.choice(choices) if choices else None
                row = ({**chosen.extra, "name": chosen.name}
                       if label.endswith("choice_filter") and choices else None)
                scope = _scope(form, question, pick)
                current = _where(answers, scope).get(question.name)
                table.append({"label": label, "ast": node, "answers": answers,
                              "current": current, "row": row, "scope": scope})
    return table


def _nested(form: FormDefinition, level: str | None, pick: random.Random) -> dict[str, Any]:
    """Generated answers of one level (the form, or an instance of a repeat): its own
    questions, and 0 to 2 instances of each repeat directly inside it."""
    answers: dict[str, Any] = {name: _answer(form, name, pick)
                               for name, q in form.questions.items() if q.repeat == level}
    for name, repeat in form.repeats.items():
        if repeat.parent == level:
            answers[name] = [_nested(form, name, pick) for _ in range(pick.randint(0, 2))]
    return answers


def _scope(form: FormDefinition, question: Any, pick: random.Random) -> dict | None:
    """Where a question of a repeat is evaluated: an instance of each repeat around it."""
    if not form.repeats:
        return None
    plan = plan_of(form)
    return {"path": [[repeat, pick.randint(1, 2)] for repeat in plan.chains[question.name]],
            "chains": {name: list(chain) for name, chain in plan.chains.items()},
            "repeats": sorted(plan.repeat_names)}


def _where(answers: dict[str, Any], scope: dict | None) -> Any:
    if scope is None:
        return answers
    return Scope(answers, tuple(map(tuple, scope["path"])), scope["chains"],
                 frozenset(scope["repeats"]))


def python_result(case: dict[str, Any]) -> list[str]:
    value = evaluate(case["ast"], _where(case["answers"], case["scope"]), case["current"],
                     case["row"])
    kind = "bool" if isinstance(value, bool) else "num" if isinstance(value, (int, float)) \
        else "str"
    return [kind, to_string(value)]


def same(python: list[str], js: list[str]) -> bool:
    if python == js:
        return True
    if python[0] != "num" or js[0] != "num":
        return False
    try:  # sin, cos, atan ... may differ in the last bit between libm and V8
        return math.isclose(float(python[1]), float(js[1]), rel_tol=1e-12)
    except ValueError:
        return False


RUN = """cases => cases.map(c => {
  const m = module.exports, s = c.scope,
    where = s ? new m.Scope(c.answers, s.path, s.chains, s.repeats) : c.answers;
  const v = m.evaluate(c.ast, where, c.current, c.row);
  const kind = typeof v === "boolean" ? "bool" : typeof v === "number" ? "num" : "str";
  return [kind, module.exports.str(v)];
})"""


@needs_corpus
def test_server_and_logic_js_in_chromium_agree_on_every_corpus_expression(browser):
    table = cases()
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><title>logic</title>")
        page.add_script_tag(content="var module = {exports: {}};")
        page.add_script_tag(content=LOGIC_JS.read_text(encoding="utf-8"))
        from_js = page.evaluate(RUN, table)
    finally:
        page.close()
    mismatches = [(case["label"], case["answers"], python_result(case), js)
                  for case, js in zip(table, from_js, strict=True)
                  if not same(python_result(case), js)]
    expressions = {case["label"] for case in table}
    print(f"\n{len(expressions)} corpus expressions, {len(table)} evaluations in both")
    assert not mismatches[:5], f"{len(mismatches)} disagreements"
    assert len(expressions) > 50, CORPUS
