"""Turn pyxform's JSON form structure into our FormDefinition.

pyxform has already de-aliased columns and types and grouped translations. The loader adds
an ``_amplify_row`` key to every survey row before pyxform runs, and pyxform carries unknown
columns through, so every element here knows its spreadsheet row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from . import attachments, expressions, ranges
from .dropping import ROW_KEY
from .errors import FormError
from .languages import DEFAULT, language_code
from .model import (
    SENSITIVITY_LEVELS,
    Choice,
    FormDefinition,
    Node,
    Page,
    Question,
    Repeat,
    label_in,
)

TYPES = {
    "text": "text",
    "string": "text",
    "phone number": "text",  # a question (digits only), unlike the "phonenumber" metadata
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "date time": "datetime",
    "note": "note",
    "acknowledge": "acknowledge",
    "trigger": "acknowledge",
    "calculate": "calculate",
    "hidden": "hidden",
    "select one": "select_one",
    "select one external": "select_one",
    "select all that apply": "select_multiple",
    "rank": "rank",
    "range": "integer",  # or decimal: see ranges.bounds_of
}
# Kept to the day: a calculate of today() (the day the answers are saved).
DAY_TYPES = frozenset({"start", "end", "today", "start time", "end time"})
# Device metadata a browser cannot provide and this app does not collect: skipped. The
# loader refuses (or drops) the identifying ones first, see dropping.py.
METADATA_TYPES = frozenset(
    {
        "deviceid",
        "device id",
        "subscriberid",
        "subscriber id",
        "simserial",
        "sim id",
        "phonenumber",
        "username",
        "email",
        "imei",
        "audit",
    }
)
REFUSED = {
    "location": "location (GPS) questions need the phone's position, which a web page on "
    "the local WiFi cannot get reliably; remove the question",
    "media": "photo, audio, video and file questions are not supported: nothing is uploaded "
    "from the phone",
    "barcode": "barcode questions need a camera scanner, which this app does not have",
    "external": "choices from an external file are not supported; put the choices on the "
    "choices sheet",
    "repeat": "this kind of repeat is not supported; use begin repeat ... end repeat",
    "include": "including another form is not supported; copy its rows into this form",
}
REFUSED_TYPES = {
    **dict.fromkeys(
        [
            "geopoint",
            "gps",
            "location",
            "geotrace",
            "geoshape",
            "start-geopoint",
            "background-geopoint",
        ],
        "location",
    ),
    **dict.fromkeys(
        ["image", "photo", "picture", "audio", "video", "file", "background-audio"], "media"
    ),
    "barcode": "barcode",
    "xml-external": "external",
    "csv-external": "external",
    "repeat": "repeat",
    "loop": "repeat",
    "include": "include",
}
GROUP_TYPES = ("group", "repeat", "loop")
EXTERNAL = "external:"  # choice lists from the external_choices sheet
TABLES_KEY = "_amplify_tables"  # the loader's CSV attachments: file name -> rows
SEARCH_RE = re.compile(r"search\(\s*['\"‘’]([^'\"‘’]+)['\"‘’]([^)]*)\)")
# Appearances that change how a question is answered (see README, "Questionnaires").
APPEARANCES = frozenset({"minimal", "horizontal", "horizontal-compact", "likert", "quick",
                         "numbers", "multiline", "field-list"})
OTHER_RELEVANT = re.compile(r"^selected\(\.\./(?P<name>.+), 'other'\)$")
YES = {"yes", "true", "true()"}
NO = {"no", "false", "false()", ""}


@dataclass
class _Context:
    """What is known while walking the tree; messages collect here."""

    default_language: str
    names: set[str] = field(default_factory=set)
    languages: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def texts(self, value: Any, register: bool = True) -> dict[str, str]:
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            value = {self.default_language: value}
        result = {}
        for raw_language, text in value.items():
            code, name = language_code(raw_language)
            if register:
                self.languages.setdefault(code, name)
            result[code] = str(text)
        return result


def _normal_type(raw: Any) -> str:
    """Lower case, without the old "q int" / "add integer prompt" spellings."""
    name = re.sub(r"\s+", " ", str(raw or "").strip().lower())
    name = name.removeprefix("q ")
    match = re.fullmatch(r"add (.+) prompt( using)?", name)
    return match.group(1) if match else name


def _row(element: dict[str, Any]) -> int | None:
    value = element.get(ROW_KEY)
    return int(value) if value else None


def _column(element: dict[str, Any], name: str) -> str:
    for key, value in element.items():
        if key.lower() == name and isinstance(value, str):
            return value.strip()
    return ""


def _refusal(element: dict[str, Any], kind: str, type_name: str) -> FormError:
    message = f"question type '{type_name}' cannot be used: {REFUSED[kind]}"
    return FormError(message, "survey", _row(element), "type")


def _and(nodes: list[Node | None]) -> Node | None:
    present = [node for node in nodes if node is not None]
    if not present:
        return None
    combined = present[0]
    for node in present[1:]:
        combined = ["and", combined, node]
    return combined


class _Assembler:
    def __init__(self, survey: dict[str, Any]) -> None:
        default_code, _ = language_code(survey.get("default_language"))
        self.ctx = _Context(default_language=default_code)
        self.survey = survey
        self.choice_lists = self._choice_lists(survey.get("choices") or {})
        self.pages: list[Page] = []
        self.repeats: dict[str, Repeat] = {}
        self.questions: dict[str, Question] = {}
        self.elements: list[tuple[dict[str, Any], Question, list[str]]] = []
        # Every element's path (group names, then its own) and key: its name, or its path
        # joined with "/" when the name is used in more than one group (ODK allows that).
        self.path_of: dict[int, tuple[str, ...]] = {}
        self.key_of: dict[int, str] = {}
        self.by_path: dict[tuple[str, ...], str] = {}
        self.group_paths: set[tuple[str, ...]] = set()
        self.repeat_paths: set[tuple[str, ...]] = set()
        self.list_of: dict[str, str] = {}
        self._index(survey.get("children", []))

    # ---- choices
    def _choice_lists(self, raw: dict[str, list[dict]]) -> dict[str, list[Choice]]:
        lists = {}
        for list_name, rows in raw.items():
            lists[str(list_name)] = [
                Choice(
                    name=str(row.get("name", "")),
                    label=self.ctx.texts(row.get("label")),
                    extra={
                        key: str(value)
                        for key, value in row.items()
                        if key not in ("name", "label", "media", "__row", ROW_KEY)
                        and not isinstance(value, dict)
                    },
                )
                for row in rows
            ]
        return lists

    # ---- names and paths, before the walk (expressions may point forward)
    def _index(self, top: list[dict[str, Any]]) -> None:
        counts: Counter[str] = Counter()
        for element, _path in _elements(top, ()):
            counts[str(element.get("name", ""))] += 1
        for element, path in _elements(top, ()):
            name = str(element.get("name", ""))
            key = name if counts[name] <= 1 else "/".join(path)
            self.path_of[id(element)], self.key_of[id(element)] = path, key
            self.by_path.setdefault(path, key)
            self.list_of[key] = str(element.get("list_name") or element.get("itemset") or "")
            if element.get("type") in GROUP_TYPES:
                self.group_paths.add(path)
            if element.get("type") == "repeat":
                self.repeat_paths.add(path)

    def _key(self, element: dict[str, Any]) -> str:
        return self.key_of.get(id(element)) or str(element.get("name", ""))

    def _resolver(self, element: dict[str, Any], column: str) -> expressions.PathResolver:
        """Turns a path in one of ``element``'s expressions into the key it leads to."""
        context = self.path_of.get(id(element), ())

        def resolve(text: str) -> str:
            steps, here = _path_steps(text, context)
            for step in steps:
                if step == "..":
                    if not here:
                        break
                    here.pop()
                elif step not in (".", ""):
                    here.append(step)
            found = tuple(here)
            if found in self.by_path and found not in self.group_paths:
                return self.by_path[found]
            repeat = self._repeat_around(found)
            if repeat is not None:  # position(..), count(../x): the repeat (instance) meant
                return self.by_path[repeat]
            message = f"the path '{text}' does not lead to a question of this form"
            raise FormError(message, column=column)

        return resolve

    def _repeat_around(self, path: tuple[str, ...]) -> tuple[str, ...] | None:
        """The repeat at ``path``, or the innermost one around the group at ``path``."""
        if path not in self.group_paths:
            return None
        while path and path not in self.repeat_paths:
            path = path[:-1]
        return path or None

    # ---- walking the tree
    def walk_top(self) -> None:
        self._walk_level(self.survey.get("children", []), [], "", None)

    def _walk_level(self, children: list[dict], ancestors: list[Node], sensitivity: str,
                    repeat: str | None) -> None:
        """The top of the form or of a repeat: each group is a page, each run of loose
        questions another, each repeat its own pages."""
        run: Page | None = None
        for element in children:
            kind = element.get("type")
            if kind == "group" and element.get("control", {}).get("bodyless"):
                continue  # pyxform's meta block (instanceID)
            if kind in ("repeat", "loop"):
                run = None
                self._repeat(element, ancestors, sensitivity, repeat)
            elif kind == "group":
                run = None
                page = self._new_page(element, repeat)
                inherited = self._sensitivity(element) or sensitivity
                self._walk(element.get("children", []), [page], ancestors, inherited)
            else:
                if run is None:
                    run = self._new_page(None, repeat)
                self._element(element, run, ancestors, sensitivity)

    def _repeat(self, element: dict[str, Any], ancestors: list[Node], sensitivity: str,
                parent: str | None) -> None:
        self._refuse_repeat(element)
        self._claim_name(element)
        own = self._expression(element, "relevant")
        count = element.get("control", {}).get("jr:count")
        repeat = Repeat(
            name=self._key(element),
            label=self.ctx.texts(element.get("label")),
            parent=parent,
            count=self._expression(element, "repeat_count", count) if count else None,
            relevant=_and([*ancestors, own]),
            appearance=self._appearance(element),
            row=_row(element),
        )
        self.repeats[repeat.name] = repeat
        inherited = self._sensitivity(element) or sensitivity
        self._walk_level(element.get("children", []), [*ancestors, own], inherited, repeat.name)
        inside = [r for r in self.repeats.values() if r.parent == repeat.name]
        if not repeat.question_names and not inside:
            message = f"the repeat '{repeat.name}' has no questions; add some or remove it"
            raise FormError(message, "survey", repeat.row, "type")

    def _refuse_repeat(self, element: dict[str, Any]) -> None:
        if element.get("type") == "loop":
            raise _refusal(element, "repeat", "begin " + element["type"])

    def _new_page(self, group: dict[str, Any] | None, repeat: str | None) -> Page:
        kind = "page" if repeat is None else "repeat"
        if group is None:
            first_in_repeat = repeat is not None and all(p.repeat != repeat for p in self.pages)
            name = repeat if first_in_repeat else self._fresh_name(f"p{len(self.pages) + 1}")
            page = Page(name=name, kind=kind, repeat=repeat)
        else:
            self._claim_name(group)
            page = Page(
                name=self._key(group),
                label=self.ctx.texts(group.get("label")),
                relevant=self._expression(group, "relevant"),
                appearance=self._appearance(group),
                kind=kind,
                repeat=repeat,
            )
        self.pages.append(page)
        return page

    def _fresh_name(self, name: str) -> str:
        while name in self._taken():
            name += "_"
        return name

    def _all_names(self) -> set[str]:
        return self.ctx.names | {page.name for page in self.pages}

    def _taken(self) -> set[str]:
        """Names already used, and every key the form will use (for page names)."""
        return self._all_names() | set(self.key_of.values())

    def _walk(
        self, children: list[dict], page: list[Page], ancestors: list[Node], sensitivity: str
    ) -> None:
        """The inside of a group page (``page[0]``, the page questions go on): groups within
        are flattened; a repeat within ends the page, and what follows it goes on a new page
        with the group's label and relevance."""
        for element in children:
            kind = element.get("type")
            if kind in ("repeat", "loop"):
                group_page = page[0]
                self._repeat(element, [group_page.relevant, *ancestors], sensitivity,
                             group_page.repeat)
                page[0] = replace(group_page, name=self._fresh_name(f"{group_page.name}_"),
                                  question_names=[])
                self.pages.append(page[0])
            elif kind == "group":
                self._claim_name(element)
                relevant = self._expression(element, "relevant")
                inherited = self._sensitivity(element) or sensitivity
                self._walk(element.get("children", []), page, [*ancestors, relevant], inherited)
            else:
                self._element(element, page[0], ancestors, sensitivity)

    def _element(
        self, element: dict[str, Any], page: Page, ancestors: list[Node], sensitivity: str
    ) -> None:
        type_name = _normal_type(element.get("type"))
        if type_name in DAY_TYPES:
            self._day_question(element, page)
            return
        if type_name in METADATA_TYPES or type_name.startswith(("uri:", "get ")):
            self.ctx.warnings.append(
                f"survey sheet, row {_row(element)}: '{type_name}' is device metadata this "
                "app does not collect; the row is ignored"
            )
            return
        question = self._question(element, type_name, page)
        question.sensitivity = self._sensitivity(element) or sensitivity
        if question.other_of:  # free text about a sensitive choice is just as sensitive
            question.sensitivity = self.questions[question.other_of].sensitivity
        page.question_names.append(question.name)
        self.questions[question.name] = question
        self.elements.append((element, question, ancestors))
        self._in_repeat(question, page)

    def _in_repeat(self, question: Question, page: Page) -> None:
        question.repeat = page.repeat
        if page.repeat is not None:
            self.repeats[page.repeat].question_names.append(question.name)

    def _day_question(self, element: dict[str, Any], page: Page) -> None:
        """start, end and today: kept as the day only, a calculate of today()."""
        self._claim_name(element)
        question = Question(name=self._key(element), type="calculate", page=page.name,
                            calculation=["fn", "today"], row=_row(element))
        page.question_names.append(question.name)
        self.questions[question.name] = question
        self._in_repeat(question, page)

    def _question(self, element: dict[str, Any], type_name: str, page: Page) -> Question:
        if type_name in REFUSED_TYPES:
            raise _refusal(element, REFUSED_TYPES[type_name], type_name)
        if type_name not in TYPES:
            message = f"question type '{type_name}' is not supported"
            raise FormError(message, "survey", _row(element), "type")
        itemset = str(element.get("itemset", ""))
        choice_list = element.get("list_name") or itemset or None
        if type_name == "select one external":
            choice_list = EXTERNAL + itemset
        choice_list = self._search_list(element, choice_list)
        if choice_list and choice_list not in self.choice_lists and type_name.startswith(
                "select"):
            raise _refusal(element, "external", f"{type_name} from {itemset}")
        kind, bounds = TYPES[type_name], None
        if type_name == "range":
            kind, bounds = ranges.bounds_of(element, _row(element))
        generated_for = self._other_of(element)
        if generated_for is None:
            self._claim_name(element)
        else:
            self.ctx.names.add(self._key(element))
        return Question(
            name=self._key(element),
            type=kind,
            bounds=bounds,
            page=page.name,
            label=self.ctx.texts(element.get("label"), register=generated_for is None),
            hint=self.ctx.texts(element.get("hint")),
            choice_list=choice_list,
            other_of=generated_for,
            appearance=self._appearance(element),
            default=self._default(element),
            row=_row(element) or (self.questions[generated_for].row if generated_for else None),
        )

    def _other_of(self, element: dict[str, Any]) -> str | None:
        """The select a pyxform-generated "<name>_other" text question belongs to."""
        if _row(element) is not None:
            return None
        match = OTHER_RELEVANT.match(str(element.get("bind", {}).get("relevant", "")))
        if not match:
            return None
        sibling = (*self.path_of.get(id(element), ("",))[:-1], match.group("name"))
        key = self.by_path.get(sibling, match.group("name"))
        if key not in self.questions:
            return None
        self.questions[key].or_other = True
        return key

    def _search_list(self, element: dict[str, Any], list_name: str | None) -> str | None:
        """For appearance search('file'): the choices are the file's rows, named by the
        column the list's first choice names, labelled by the column its label names."""
        appearance = str(element.get("control", {}).get("appearance", ""))
        match = SEARCH_RE.search(appearance)
        if not match or not list_name:
            return list_name
        file_name = match.group(1) + ".csv"
        template = (self.survey.get("choices") or {}).get(list_name) or [{}]
        name_column = str(template[0].get("name", "name"))
        label = template[0].get("label", "label")
        label_column = str(next(iter(label.values())) if isinstance(label, dict) else label)
        table = (self.survey.get(TABLES_KEY) or {}).get(file_name, [])
        key = f"search:{file_name}:{list_name}"
        try:
            rows = attachments.choice_rows(file_name, table, name_column, label_column)
        except FormError as err:
            raise err.located("survey", _row(element), "appearance") from None
        self.choice_lists[key] = self._choice_lists({key: rows})[key]
        self._search_filter(element, match.group(2))
        return key

    def _search_filter(self, element: dict[str, Any], arguments: str) -> None:
        """search('file', 'matches'|'contains'|'startswith'|'endswith', 'column', value)
        becomes the question's choice_filter (unless it has one)."""
        parts = [part.strip() for part in arguments.split(",")][1:]
        if not parts:
            return
        words = [part.strip("'\"‘’") for part in parts]
        shapes = {"matches": "{col} = {value}", "contains": "contains({col}, {value})",
                  "startswith": "starts-with({col}, {value})",
                  "endswith": "ends-with({col}, {value})"}
        if len(parts) != 3 or words[0] not in shapes or element.get("choice_filter"):
            self.ctx.warnings.append(f"survey sheet, row {_row(element)}: the filter in "
                                     f"search({arguments.strip(', ')}) is ignored: every row "
                                     "is offered")
            return
        element["choice_filter"] = shapes[words[0]].format(col=words[1], value=parts[2])

    def _appearance(self, element: dict[str, Any]) -> str:
        """The appearances this app acts on, space-separated; the others are listed as a
        warning (the question works, it just looks plain)."""
        appearance = SEARCH_RE.sub("", str(element.get("control", {}).get("appearance", "")))
        words = appearance.split()
        unknown = [word for word in words if word not in APPEARANCES]
        if unknown:
            self.ctx.warnings.append(
                f"survey sheet, row {_row(element)}: appearance "
                f"{', '.join(repr(w) for w in unknown)} is not supported and is ignored"
            )
        return " ".join(word for word in words if word in APPEARANCES)

    def _default(self, element: dict[str, Any]) -> str:
        if element.get("_dynamic_default"):
            self.ctx.warnings.append(
                f"survey sheet, row {_row(element)}: a calculated default is ignored"
            )
            return ""
        return str(element.get("default", ""))

    def _claim_name(self, element: dict[str, Any]) -> None:
        name = self._key(element)
        row = _row(element)
        if name in self._all_names():
            message = f"the name '{name}' is used twice; every question and group needs its own"
            raise FormError(message, "survey", row, "name")
        self.ctx.names.add(name)

    def _sensitivity(self, element: dict[str, Any]) -> str:
        value = _column(element, "sensitivity").lower()
        if value not in SENSITIVITY_LEVELS:
            allowed = ", ".join(level for level in SENSITIVITY_LEVELS if level)
            message = f"unknown sensitivity '{value}'; use {allowed} or leave it blank"
            raise FormError(message, "survey", _row(element), "sensitivity")
        return value

    # ---- expressions (second pass: every name is known by then)
    def _expression(
        self, element: dict[str, Any], column: str, text: Any = None, columns=None
    ) -> Node | None:
        if text is None:
            text = element.get("bind", {}).get("calculate" if column == "calculation" else column)
        if text is None or str(text).strip() == "":
            return None
        try:
            node = expressions.parse(str(text), column, names=None, columns=columns,
                                     paths=self._resolver(element, column))
            return self._form_facts(node, element, column)
        except FormError as err:
            raise err.located("survey", _row(element)) from None

    def _form_facts(self, node: Any, element: dict[str, Any], column: str) -> Any:
        """version() becomes the form's version, jr:choice-name's second argument the
        labels of the question it names (in the form's default language)."""
        if not isinstance(node, list) or not node or node[0] == "lit":
            return node
        if node[0] == "ref":
            return node
        if node[:2] == ["fn", "pulldata"] and len(node) == 6:
            return ["fn", "pulldata", ["lit", self._pulldata_table(node, column)],
                    self._form_facts(node[5], element, column)]
        if node[:2] == ["fn", "version"]:
            return ["lit", str(self.survey.get("version") or "1")]
        if node[:2] == ["fn", "jr:choice-name"] and node[3][0] == "lit":
            labels = self._choice_labels(str(node[3][1]), element, column)
            return ["fn", "jr:choice-name", self._form_facts(node[2], element, column),
                    ["lit", labels]]
        return [node[0], *(self._form_facts(child, element, column) for child in node[1:])]

    def _pulldata_table(self, node: list, column: str) -> dict[str, str]:
        """pulldata('file', 'value column', 'key column', key): key -> value of the file."""
        if any(arg[0] != "lit" for arg in node[2:5]):
            raise FormError("pulldata() needs the file and both columns written out in "
                            "quotes", column=column)
        file_name, value_column, key_column = (str(arg[1]) for arg in node[2:5])
        if file_name.startswith(expressions.LIST_MARK):
            return self._list_table(file_name[1:], value_column, key_column, column)
        table = (self.survey.get(TABLES_KEY) or {}).get(f"{file_name}.csv", [])
        try:
            return attachments.lookup(table, f"{file_name}.csv", value_column, key_column)
        except FormError as err:
            raise err.located(column=column) from None

    def _list_table(self, list_name: str, value_column: str, key_column: str, column: str
                    ) -> dict[str, str]:
        """instance('list')/root/item[key = ...]/value over a choices-sheet list or a CSV
        attachment named list.csv: key -> value (labels in the default language)."""
        choices = self.choice_lists.get(list_name)
        if choices is None:
            table = (self.survey.get(TABLES_KEY) or {}).get(f"{list_name}.csv")
            if table is None:
                raise FormError(f"instance('{list_name}') names no list of the choices sheet "
                                "and no attached file", column=column)
            return attachments.lookup(table, f"{list_name}.csv", value_column, key_column)
        language = self.ctx.default_language

        def cell(choice: Choice, name: str) -> str:
            if name == "name":
                return choice.name
            if name == "label":
                return label_in(choice.label, language)
            return choice.extra.get(name, "")

        mapping: dict[str, str] = {}
        for choice in choices:
            mapping.setdefault(cell(choice, key_column), cell(choice, value_column))
        return mapping

    def _choice_labels(self, target: str, element: dict[str, Any], column: str
                       ) -> dict[str, str]:
        text = target.strip()
        match = re.fullmatch(r"\$\{\s*([^}\s]+)\s*\}", text)
        key = match.group(1) if match \
            else self._resolver(element, column)(text)
        choices = self.choice_lists.get(self.list_of.get(key, ""))
        if choices is None:
            message = f"jr:choice-name() names '{target}', which is not a select question"
            raise FormError(message, column=column)
        language = self.ctx.default_language
        return {c.name: label_in(c.label, language) or c.name for c in choices}

    def finish_question(
        self, element: dict[str, Any], question: Question, ancestors: list[Node]
    ) -> None:
        bind = element.get("bind", {})
        page = next(page for page in self.pages if page.name == question.page)
        own: Node | None
        if question.other_of:
            own = ["fn", "selected", ["ref", question.other_of], ["lit", "other"]]
        else:
            own = self._expression(element, "relevant")
        question.relevant = _and([page.relevant, *ancestors, own])
        question.constraint = self._expression(element, "constraint")
        if question.constraint is None and _normal_type(element.get("type")) == "phone number":
            question.constraint = ["fn", "regex", ["cur"], ["lit", "^[0-9]*$"]]  # as pyxform
            question.appearance = " ".join([*question.appearance.split(), "numbers"])
        question.calculation = self._expression(element, "calculation")
        if element.get("trigger"):
            self._trigger(element, question)
        question.constraint_message = self.ctx.texts(bind.get("jr:constraintMsg"))
        question.required_message = self.ctx.texts(bind.get("jr:requiredMsg"))
        self._required(element, question, bind.get("required"))
        question.read_only = str(bind.get("readonly", "")).strip().lower() not in NO
        if question.type == "note":
            question.read_only = True
        if element.get("choice_filter"):
            columns = {"name"} | {
                key
                for choice in self.choice_lists.get(question.choice_list or "", [])
                for key in choice.extra
            }
            question.choice_filter = self._expression(
                element, "choice_filter", element["choice_filter"], columns=_AnyName()
            )
            for unknown in sorted(_columns_used(question.choice_filter) - columns):
                self.ctx.warnings.append(
                    f"survey sheet, row {_row(element)}: the choice_filter uses '{unknown}', "
                    "which is not a column of that list's choices; it counts as empty, as in ODK"
                )

    def _trigger(self, element: dict[str, Any], question: Question) -> None:
        """The trigger column: the questions it names (as ${name} resolves) and the
        calculation, which now runs only when one of them changes (triggers.py)."""
        names = element["trigger"]
        names = [names] if isinstance(names, str) else list(names)
        keys = [self._expression(element, "trigger", f"${{{name}}}")[1] for name in names]
        if question.repeat or any(self.questions[key].repeat for key in keys
                                  if key in self.questions):
            raise FormError("a trigger inside a repeat is not supported",
                            "survey", _row(element), "trigger")
        question.trigger, question.trigger_value = keys, question.calculation
        question.calculation = None

    def _required(self, element: dict[str, Any], question: Question, value: Any) -> None:
        text = str(value if value is not None else "").strip()
        if text.lower() in YES:
            question.required = True
        elif text.lower() not in NO:
            question.required = True
            question.required_if = self._expression(element, "required", text)

    def check_references(self) -> None:
        known = set(self.questions) | set(self.repeats)
        for element, question, _ancestors in self.elements:
            for column, node in (
                ("relevant", question.relevant),
                ("constraint", question.constraint),
                ("calculation", question.calculation),
                ("required", question.required_if),
                ("choice_filter", question.choice_filter),
            ):
                unknown = sorted(expressions.references(node) - known) if node else []
                if unknown:
                    message = (
                        f"${{{unknown[0]}}} refers to a question that does not exist "
                        "in this form (or that this app ignores)"
                    )
                    raise FormError(message, "survey", _row(element) or question.row, column)


class _AnyName(frozenset):
    """Every bare name is a choice column while parsing; unknown ones are warned about."""

    def __contains__(self, item: object) -> bool:
        return True


def _columns_used(node: Any) -> set[str]:
    if not isinstance(node, list) or not node or node[0] == "lit":
        return set()
    if node[0] == "col":
        return {node[1]}
    return set().union(*(_columns_used(child) for child in node[1:]))


def _elements(
    children: list[dict[str, Any]], path: tuple[str, ...]
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """Every element under ``children`` with its path, in form order (pyxform's meta block,
    which has no body, left out)."""
    found = []
    for element in children:
        if element.get("type") == "group" and element.get("control", {}).get("bodyless"):
            continue
        own = (*path, str(element.get("name", "")))
        found.append((element, own))
        if element.get("type") in GROUP_TYPES:
            found.extend(_elements(element.get("children", []), own))
    return found


def _path_steps(text: str, context: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(steps, starting point) of an XPath path used by the element at ``context``."""
    if text.startswith("current()"):
        return text.split(")", 1)[1].split("/"), list(context)
    if text.startswith("/"):
        return text.strip("/").split("/")[1:], []  # the first step is the form's root
    return text.split("/"), list(context)


def assemble(survey: dict[str, Any]) -> FormDefinition:
    """Build the FormDefinition from pyxform's JSON (the ``_pyxform`` structure)."""
    assembler = _Assembler(survey)
    assembler.walk_top()
    for element, question, ancestors in assembler.elements:
        assembler.finish_question(element, question, ancestors)
    assembler.check_references()
    pages = [page for page in assembler.pages if page.question_names]
    for page in pages:
        if page.repeat is not None:
            assembler.repeats[page.repeat].page_names.append(page.name)
    ctx = assembler.ctx
    languages = list(ctx.languages)
    default = ctx.default_language
    if default not in languages and languages:
        default = "en" if "en" in languages else languages[0]
    return FormDefinition(
        form_id=str(survey.get("id_string") or "form"),
        version=str(survey.get("version") or "1"),
        title=ctx.texts(survey.get("title"), register=False) if survey.get("title") else {},
        default_language=default if languages else DEFAULT,
        languages=languages or [DEFAULT],
        language_names={code: name for code, name in ctx.languages.items()},
        pages=pages,
        questions=assembler.questions,
        repeats=assembler.repeats,
        choice_lists=assembler.choice_lists,
        warnings=ctx.warnings,
    )
