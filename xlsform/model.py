"""The form model: what the rest of the app renders, validates and stores against.

Plain dataclasses that survive ``to_json()`` / ``from_json()`` unchanged, with no pyxform
objects inside. Expressions are kept as parsed ASTs (nested JSON lists, see expressions.py).

Texts (labels, hints, messages) are ``dict[language_code, str]``. The code is what an
XLSForm column puts in parentheses (``label::English (en)`` gives ``en``); a plain
``label`` column gives ``default``; see loader.language_code for the rest.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MODEL_VERSION = 1

QUESTION_TYPES = frozenset(
    {
        "note",
        "text",
        "integer",
        "decimal",
        "date",
        "time",
        "datetime",
        "select_one",
        "select_multiple",
        "calculate",
        "hidden",
        "acknowledge",
        "rank",
    }
)
# Types that have no input of their own on a page.
NO_INPUT_TYPES = frozenset({"note", "calculate", "hidden"})
SENSITIVITY_LEVELS = ("", "identifying", "quasi", "sensitive")
PAGE_KINDS = ("page", "repeat")  # "repeat": a page inside a repeat (see Page.repeat)

# The controls the pages post beside the answers, on the phone's page form and the interview
# page. Each starts with "~", which cannot occur in an XLSForm name, so no question can take a
# control's place and every question loads under its own name (page, action, __version__).
# tests/test_xlsform_reserved.py checks the templates post no other control.
CONTROL_PREFIX = "~"
PAGE_CONTROLS = frozenset(
    CONTROL_PREFIX + name for name in ("action", "csrf", "delete", "go", "instance", "lang",
                                       "page", "r")
)

Node = list  # an expression AST, see expressions.py
Texts = dict[str, str]


def label_in(texts: Texts | None, lang: str | None, fallback: str = "en") -> str:
    """The text in ``lang``, else ``fallback`` (English), else "default", else any language.

    Never blank when any language has a non-blank text.
    """
    if not texts:
        return ""
    for code in (lang, fallback, "default"):
        if code and texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


@dataclass
class Choice:
    name: str
    label: Texts = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # other columns, for choice_filter

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Choice:
        return cls(**data)


@dataclass
class Question:
    name: str
    type: str
    page: str
    label: Texts = field(default_factory=dict)
    hint: Texts = field(default_factory=dict)
    required: bool = False
    # When "required" is an expression rather than yes/no: required only while it is true.
    required_if: Node | None = None
    required_message: Texts = field(default_factory=dict)
    constraint: Node | None = None
    constraint_message: Texts = field(default_factory=dict)
    # Effective relevance: the question's own AND every enclosing group's.
    relevant: Node | None = None
    calculation: Node | None = None
    choice_list: str | None = None
    choice_filter: Node | None = None
    or_other: bool = False
    # For the generated "<name>_other" text question: the select it belongs to.
    other_of: str | None = None
    sensitivity: str = ""
    appearance: str = ""
    default: str = ""
    read_only: bool = False
    row: int | None = None  # survey sheet row, for messages
    repeat: str | None = None  # the innermost repeat it is in (answers: see Repeat)
    # A range row (an integer or decimal question): [start, end, step] as written.
    bounds: list[str] | None = None
    # The trigger column: the questions whose change sets this one to ``trigger_value``
    # (its calculation, worked out then; None: cleared). See triggers.py.
    trigger: list[str] = field(default_factory=list)
    trigger_value: Node | None = None

    @property
    def has_input(self) -> bool:
        return self.type not in NO_INPUT_TYPES

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        return cls(**data)


@dataclass
class Page:
    name: str
    label: Texts = field(default_factory=dict)
    relevant: Node | None = None
    question_names: list[str] = field(default_factory=list)
    kind: str = "page"
    appearance: str = ""
    repeat: str | None = None  # the innermost repeat it is in: shown once per instance

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        return cls(**data)


@dataclass
class Repeat:
    """A ``begin repeat`` block. Its answers are a list of instance dicts kept under its
    name in the answers of its parent (the form, or the parent repeat's instance):
    ``answers["household"] = [{"member_name": "A", "children": [{...}]}, ...]``."""

    name: str
    label: Texts = field(default_factory=dict)
    parent: str | None = None  # the enclosing repeat
    # repeat_count / jr:count (a number or an expression), read in the parent's instance.
    count: Node | None = None
    # The repeat's own relevance AND every enclosing group's.
    relevant: Node | None = None
    appearance: str = ""
    row: int | None = None
    question_names: list[str] = field(default_factory=list)  # directly inside, in order
    page_names: list[str] = field(default_factory=list)  # pages whose innermost repeat it is

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Repeat:
        return cls(**data)


@dataclass
class FormDefinition:
    form_id: str
    version: str
    title: Texts = field(default_factory=dict)
    default_language: str = "default"
    languages: list[str] = field(default_factory=list)
    language_names: dict[str, str] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    choice_lists: dict[str, list[Choice]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Rows left out with --drop-unsupported, e.g. "where (row 5, geopoint)".
    dropped: list[str] = field(default_factory=list)
    # The CSV files the form reads (choices from a file, search(), pulldata()): name -> text.
    attachments: dict[str, str] = field(default_factory=dict)
    # The repeats, in form order (empty for a form without any).
    repeats: dict[str, Repeat] = field(default_factory=dict)

    def repeat_chain(self, repeat: str | None) -> list[str]:
        """``repeat`` and the repeats around it, outermost first ([] for None)."""
        chain: list[str] = []
        while repeat is not None:
            chain.insert(0, repeat)
            repeat = self.repeats[repeat].parent
        return chain

    def sensitivity_of(self, name: str) -> str:
        """The declared sensitivity of a question ("" when none or unknown name)."""
        question = self.questions.get(name)
        return question.sensitivity if question else ""

    def page(self, name: str) -> Page:
        """The page called ``name`` (KeyError when there is none)."""
        for page in self.pages:
            if page.name == name:
                return page
        raise KeyError(name)

    def choices_for(self, question: Question) -> list[Choice]:
        return self.choice_lists.get(question.choice_list or "", [])

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["model_version"] = MODEL_VERSION
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FormDefinition:
        data = dict(data)
        data.pop("model_version", None)
        data["pages"] = [Page.from_json(page) for page in data.get("pages", [])]
        data["questions"] = {
            name: Question.from_json(q) for name, q in data.get("questions", {}).items()
        }
        data["choice_lists"] = {
            name: [Choice.from_json(c) for c in choices]
            for name, choices in data.get("choice_lists", {}).items()
        }
        data["repeats"] = {
            name: Repeat.from_json(r) for name, r in data.get("repeats", {}).items()
        }
        return cls(**data)
