"""Anonymisation at finalise time, before sealing, driven by each question's ``sensitivity``.

It must happen here: once sealed to a brand, a record cannot be read back on the
station, so nothing can be removed later. Rules, per answer:

* ``identifying`` → returned in ``identifying``: the station keeps it in its vault in
  interview mode and drops it for self-completion; it never enters a bundle.
* ``quasi`` → kept only when it is one of the question's choice names (a band the form
  asks for); an exact number, date or typed text is dropped.
* free text (type ``text``) → scrubbed (``sync.scrub``: phone numbers in any script,
  e-mail addresses, ID-like numbers, the names in ``context["names"]``), and kept only
  if the project allows free text (a station's local project does; a brand project
  only if its project file says ``free_text_export``).
* date-times → the day only; times of day → hours and minutes. No exact timestamp
  leaves the station, whether asked for or calculated (``now()``).
* answers to names the form does not have → dropped.
* repeats (``sync.repeats``): every rule above applies inside every instance at any
  depth. ``kept`` holds each repeat's instances in order, the same number of them, each
  with its kept answers; ``identifying`` holds, for a repeat with identifying answers
  inside, instances in the same order with only those. A question of a repeat keyed at
  the top level, or in another repeat's instance, is dropped like an unknown name.

A representative interviewed in several rounds is linked by a keyed pseudonym,
HMAC-SHA256(project pseudonym key, normalised identity), stored as ``_pseudonym``:
in interview mode only, when the form has identifying questions and the station
holds the project's pseudonym key (``context["pseudonym_key"]``). The identity is
``context["identity"]`` when given, else the first identifying answer in form order.
Self-completing workers get none: nobody asked who they are, and nobody should know.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from . import repeats
from .scrub import ascii_digits, scrub

PSEUDONYM = "_pseudonym"
SELECTS = ("select_one", "select_multiple")
DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
TIME = re.compile(r"^(\d{1,2}:\d{2})(:\d{2})?")


@dataclass
class Anonymised:
    kept: dict[str, Any] = field(default_factory=dict)
    identifying: dict[str, Any] = field(default_factory=dict)


def anonymise(form: Any, answers: dict[str, Any], project: Any, *, mode: str,
              context: dict[str, Any]) -> Anonymised:
    names = context.get("names") or ()
    # A list of names that could not be read (station locked) withholds free text.
    free_text = bool(getattr(project, "free_text_allowed", True)) and \
        not context.get("withhold_free_text")
    shape = repeats.scopes(form) if form.repeats else None
    kept, identifying = _Rules(form, shape, names, free_text).split(repeats.TOP, answers)
    result = Anonymised(kept, identifying)
    pseudonym = _pseudonym(form, answers, mode, context)
    if pseudonym:
        result.kept[PSEUDONYM] = pseudonym
    return result


@dataclass
class _Rules:
    """The rules above, applied to one scope (the top level or one repeat instance)."""

    form: Any
    shape: dict[str | None, repeats.Scope] | None  # None: the form has no repeats
    names: Any
    free_text: bool

    def split(self, scope: str | None, answers: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """(kept, identifying) of one scope's answers; repeats nested in it recursively."""
        kept: dict[str, Any] = {}
        identifying: dict[str, Any] = {}
        allowed = self.shape[scope] if self.shape is not None else None
        for name, value in answers.items():
            if allowed is not None and name in allowed.repeats:
                self._repeat(name, value, kept, identifying)
                continue
            question = self.form.questions.get(name)
            if question is None or (allowed is not None and name not in allowed.questions):
                continue
            sensitivity = self.form.sensitivity_of(name)
            if sensitivity == "identifying":
                identifying[name] = value
                continue
            value = _keep(self.form, question, sensitivity, value, self.names, self.free_text)
            if value is not None:
                kept[name] = value
        return kept, identifying

    def _repeat(self, name: str, value: Any, kept: dict[str, Any],
                identifying: dict[str, Any]) -> None:
        """Every instance keeps its place (instance numbers stay the same in both parts)."""
        found = repeats.instances(value)
        if not found:
            return
        parts = [self.split(name, item) for item in found]
        kept[name] = [part[0] for part in parts]
        if any(part[1] for part in parts):
            identifying[name] = [part[1] for part in parts]


def _keep(form: Any, question: Any, sensitivity: str, value: Any, names: Any,
          free_text: bool) -> Any:
    """The value to seal, or None to leave it out."""
    if value is None or value == "" or value == []:
        return None
    if sensitivity == "quasi":
        return _banded(form, question, value)
    if question.type == "text":
        return scrub(str(value), names) if free_text else None
    if isinstance(value, str):
        return _coarse_time(question.type, value)
    return value


def _banded(form: Any, question: Any, value: Any) -> Any:
    if question.type not in SELECTS:
        return None
    allowed = {choice.name for choice in form.choices_for(question)}
    if isinstance(value, list):
        kept = [v for v in value if v in allowed]
        return kept or None
    return value if value in allowed else None


def _coarse_time(question_type: str, value: str) -> str:
    day = DATETIME.match(value)
    if day:
        return day.group(1)
    if question_type == "time":
        match = TIME.match(value)
        return match.group(1) if match else value
    return value


def normalise_identity(value: Any) -> str:
    """The same person typed twice gives the same text: case, spacing, digits, phone form."""
    text = unicodedata.normalize("NFKC", " ".join(str(value).split())).casefold()
    text = ascii_digits(text)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 7 and not re.search(r"[^\W\d_]", text):
        return "tel:" + digits[-9:]  # +880 1711… and 01711… are the same number
    return text


def pseudonym_for(key: bytes, identity: Any) -> str:
    return hmac.new(key, normalise_identity(identity).encode("utf-8"), hashlib.sha256).hexdigest()


def _pseudonym(form: Any, answers: dict[str, Any], mode: str,
               context: dict[str, Any]) -> str | None:
    key = context.get("pseudonym_key")
    if mode != "interview" or not key:
        return None
    identity = context.get("identity")
    if not identity:
        identity = next((answers[name] for name in form.questions
                         if form.sensitivity_of(name) == "identifying"
                         and answers.get(name) not in (None, "", [])), None)
    return pseudonym_for(key, identity) if identity else None
