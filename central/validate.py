"""Checking a decrypted record against the form version it names, before it is stored.

A record that does not fit its form (unknown question, a choice the list does not
have, an identifying answer, free text the project does not export, a quasi-identifier
that is not a band) refuses the whole bundle: a station that sends it is out of date
or out of order, and the brand should hear about it rather than store it.

Repeats (``sync.repeats``): a repeat's answer must be a list of instance dicts, and each
instance is checked by the same rules, holding only its own repeat's questions and the
repeats nested in it. Its answers become rows of ``repeat_answers`` (repeat, instance
"2.1", question, value); each repeat's number of instances is a row of its parent's scope
(``answers`` for a top-level repeat).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass
from typing import Any, NamedTuple

from sync import repeats
from xlsform.model import FormDefinition
from xlsform.values import is_empty

PSEUDONYM = "_pseudonym"
MODES = frozenset({"interview", "self"})
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
NUMERIC = frozenset({"integer", "decimal"})
SELECTS = frozenset({"select_one", "select_multiple"})
CHOSEN = SELECTS | {"rank"}  # answers that are choice names (a rank: every one, in order)
SQLITE_INTEGERS = range(-(2 ** 63), 2 ** 63)


# The order of :meth:`FormRules.response_row`; the merge prepends ``key``.
RESPONSE_COLUMNS = ("id", "project_id", "form_id", "form_version", "language", "mode",
                    "supplier_id", "day", "revision", "station_id", "bundle_id", "pseudonym",
                    "period")


class Refusal(ValueError):
    """Why a bundle is refused, in words for the brand's staff."""


@dataclass(frozen=True)
class QuestionRule:
    type: str
    choices: frozenset[str] | None
    sensitivity: str
    repeat: str | None = None  # the repeat whose instances hold it


class Checked(NamedTuple):
    """A record's answers as stored: ``answers`` rows (question, value), ``repeat_answers``
    rows (repeat, instance, question, value), and the pseudonym."""

    rows: list[tuple]
    instances: list[tuple]
    pseudonym: str | None


class FormRules:
    """What a record of one form version may contain."""

    def __init__(self, form: FormDefinition, free_text: bool) -> None:
        self.form_id, self.version, self.free_text = form.form_id, form.version, free_text
        self.questions = {
            name: QuestionRule(q.type, frozenset(c.name for c in form.choices_for(q))
                               if q.type in CHOSEN else None, q.sensitivity, q.repeat)
            for name, q in form.questions.items() if q.type != "note"}
        # The common case, checked first and cheaply: one allowed choice of a select_one.
        self.single_choice = {name: rule.choices for name, rule in self.questions.items()
                              if rule.type == "select_one" and rule.choices
                              and rule.sensitivity != "identifying" and rule.repeat is None}
        self.scopes = repeats.scopes(form) if form.repeats else None

    def answers(self, record_id: str, answers: Any) -> Checked:
        if not isinstance(answers, dict):
            raise Refusal(f"record {record_id}: answers are missing")
        rows: list[tuple] = []
        instances: list[tuple] = []
        pseudonym = None
        single_choice = self.single_choice
        top_repeats = self.scopes[repeats.TOP].repeats if self.scopes else ()
        for name, value in answers.items():
            allowed = single_choice.get(name)
            if allowed is not None and value.__class__ is str and value in allowed:
                rows.append((name, value))
                continue
            if name == PSEUDONYM:
                if not isinstance(value, str) or not HEX64.match(value):
                    raise Refusal(f"record {record_id}: malformed pseudonym")
                pseudonym = value
                continue
            if name in top_repeats:
                count = self._instances(record_id, name, "", value, instances)
                if count:
                    rows.append((name, count))
                continue
            if is_empty(value):
                continue
            rows.append((name, self._value(record_id, name, value)))
        return Checked(rows, instances, pseudonym)

    def _instances(self, record_id: str, repeat: str, outer: str, value: Any,
                   out: list[tuple]) -> int:
        """Check one repeat's instances into ``out``; returns how many there are."""
        found = repeats.instances(value)
        if found is None:
            raise Refusal(f"record {record_id}, repeat {repeat!r} (form {self.form_id} "
                          f"{self.version}): a list of instances was expected")
        nested = self.scopes[repeat].repeats
        for number, item in enumerate(found, 1):
            label = repeats.instance_label(outer, number)
            for name, answer in item.items():
                if name in nested:
                    count = self._instances(record_id, name, label, answer, out)
                    if count:
                        out.append((repeat, label, name, count))
                elif not (answer is None or answer == "" or answer == []):
                    out.append((repeat, label, name,
                                self._value(record_id, name, answer, repeat, label)))
        return len(found)

    def _value(self, record_id: str, name: str, value: Any, repeat: str | None = None,
               instance: str = "") -> Any:
        rule = self.questions.get(name)
        inside = f" in {repeat} {instance}" if repeat else ""
        where = (f"record {record_id}, question {name!r}{inside} "
                 f"(form {self.form_id} {self.version})")
        if rule is None:
            raise Refusal(f"{where}: the form has no such question")
        if rule.repeat != repeat:
            place = f"inside repeat {rule.repeat!r}" if rule.repeat else "at the top level"
            raise Refusal(f"{where}: the form has this question {place}")
        if rule.sensitivity == "identifying":
            raise Refusal(f"{where}: an identifying answer must never leave the station")
        if rule.type in CHOSEN:
            return _choices(value, rule, where)
        if rule.sensitivity == "quasi":
            raise Refusal(f"{where}: a quasi-identifier must arrive as a band (a choice)")
        if rule.type == "text" and not self.free_text:
            raise Refusal(f"{where}: free text, but this project does not export free text")
        if rule.type in NUMERIC:
            return _number(value, rule.type, where)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, (int, float)):
            return _storable(value, where)
        if not isinstance(value, str):
            raise Refusal(f"{where}: unexpected value type")
        return value

    def response_row(self, record_id: str, document: dict[str, Any], result: Any,
                     pseudonym: str | None) -> tuple:
        language, mode, day = document.get("language"), document.get("mode"), document.get("day")
        supplier = document.get("supplier_id")
        if mode not in MODES or not isinstance(day, str) or not DAY.match(day) \
                or not isinstance(language, str) or len(language) > 35 \
                or not (supplier is None or (isinstance(supplier, str) and len(supplier) <= 64)):
            raise Refusal(f"record {record_id}: malformed metadata (mode, day, language or "
                          "supplier)")
        revision = int(document.get("revision") or 0)
        period = result.round or day[:7]
        return (record_id, result.project_id, self.form_id, self.version, language, mode,
                supplier, day, revision, result.station_id, result.bundle_id, pseudonym, period)


def _choices(value: Any, rule: QuestionRule, where: str) -> str:
    """A select's answer as stored: choice names, space-separated, each one once."""
    values = value.split() if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise Refusal(f"{where}: choice names (text) were expected")
    if rule.type == "select_one" and len(values) != 1:
        raise Refusal(f"{where}: one choice expected")
    if len(set(values)) != len(values):
        raise Refusal(f"{where}: a choice is listed twice")
    unknown = [v for v in values if v not in (rule.choices or ())]
    if unknown:
        raise Refusal(f"{where}: {unknown[0][:40]!r} is not a choice of this question")
    return " ".join(values)


def _number(value: Any, question_type: str, where: str) -> int | float:
    """Numbers arrive as the form posted them (text); store them as numbers."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Refusal(f"{where}: a number was expected")
    number = _parse_number(value, where) if isinstance(value, str) else value
    if question_type == "integer" and isinstance(number, float) and number.is_integer():
        number = int(number)
    number = _storable(number, where)
    return float(number) if question_type == "decimal" else number


def _parse_number(text: str, where: str) -> int | float:
    """An integer exactly (a float would round 2**63 + 1 into range), else a float."""
    for parse in (int, float):
        try:
            return parse(text)
        except ValueError:
            continue
    raise Refusal(f"{where}: a number was expected")


def _storable(number: int | float, where: str) -> int | float:
    """A number SQLite stores as it is: a finite float, or an integer of 64 bits."""
    if isinstance(number, float) and not math.isfinite(number):
        raise Refusal(f"{where}: a number was expected, not {number}")
    if isinstance(number, int) and number not in SQLITE_INTEGERS:
        raise Refusal(f"{where}: the number is out of range")
    return number


def load_rules(conn: sqlite3.Connection, project_document: dict[str, Any]
               ) -> dict[tuple[str, str], FormRules]:
    """Rules for every form version the project lists."""
    free_text = bool(project_document.get("free_text_export", False))
    rules: dict[tuple[str, str], FormRules] = {}
    for form in project_document.get("forms", []):
        row = conn.execute("SELECT definition FROM forms WHERE form_id = ? AND version = ?",
                           [form["form_id"], form["version"]]).fetchone()
        if row is not None:
            definition = FormDefinition.from_json(json.loads(row[0]))
            rules[(form["form_id"], form["version"])] = FormRules(definition, free_text)
    return rules
