"""``begin loop over <list>``: one group per choice of the list, as pyxform builds it.

pyxform's JSON keeps a loop as ``{"type": "loop", "name", "columns": [choices],
"children": [...]}`` and writes the XForm as the loop's group holding one group per choice
(named and labelled as the choice, the choice ``none`` skipped), each holding a copy of the
loop's rows. In a copied row's own texts and bind/control columns, ``%(name)s`` becomes the
choice's name and ``%(label)s`` its label, in the language of the text. ``expand`` rewrites
the JSON into those plain groups before the assembler reads it, so question keys follow the
XForm's paths (``loop/choice/question``).

Rows inside a page show no group headings, so a copied question whose label does not say
``%(label)s`` gets the choice's label in front ("Column 1: How many?"); otherwise the copies
would read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LOOP = "loop"
SKIPPED_CHOICE = "none"


def expand(survey: dict[str, Any]) -> dict[str, Any]:
    """The survey JSON with every loop, at any depth, turned into groups (in place)."""
    survey["children"] = [_expanded(child) for child in survey.get("children", [])]
    return survey


def _expanded(element: dict[str, Any]) -> dict[str, Any]:
    children = [_expanded(child) for child in element.get("children", [])]
    if element.get("type") != LOOP:
        return {**element, "children": children} if "children" in element else element
    group = {key: value for key, value in element.items() if key != "columns"}
    group["type"] = "group"
    group["children"] = [
        _choice_group(choice, children)
        for choice in element.get("columns", [])
        if str(choice.get("name")) != SKIPPED_CHOICE
    ]
    return group


def _choice_group(choice: Mapping[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    group = {key: value for key, value in choice.items() if key in ("name", "label")}
    group["type"] = "group"
    group["children"] = [_copy_row(row, choice) for row in rows]
    return group


def _copy_row(row: dict[str, Any], choice: Mapping[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = {}
    for key, value in row.items():
        if key == "children":
            copied[key] = value  # pyxform fills in only the rows directly in the loop
        elif isinstance(value, str):
            copied[key] = _fill(value, choice, None)
        elif isinstance(value, Mapping):
            copied[key] = {inner: _fill(text, choice, inner) if isinstance(text, str) else text
                           for inner, text in value.items()}
        else:
            copied[key] = value
    if "label" in copied and row.get("type") not in ("group", LOOP):
        copied["label"] = _headed(row["label"], copied["label"], choice)
    return copied


def _label_in(choice: Mapping[str, Any], language: str | None) -> str:
    label = choice.get("label", "")
    if isinstance(label, Mapping):
        if language in label:
            return str(label[language])
        return str(next(iter(label.values()), ""))
    return str(label or choice.get("name", ""))


def _fill(text: str, choice: Mapping[str, Any], language: str | None) -> str:
    """``%(name)s`` and ``%(label)s`` filled in; any other ``%`` is left as written."""
    name = str(choice.get("name", ""))
    return text.replace("%(name)s", name).replace("%(label)s", _label_in(choice, language))


def _headed(template: Any, filled: Any, choice: Mapping[str, Any]) -> Any:
    """The choice's label in front of a label that does not name the choice itself."""
    if isinstance(template, str):
        return filled if "%(" in template else f"{_label_in(choice, None)}: {filled}"
    if isinstance(template, Mapping):
        return {language: text if "%(" in str(template[language])
                else f"{_label_in(choice, language)}: {text}"
                for language, text in filled.items()}
    return filled
