"""``rank <list>`` rows: the respondent puts every choice in a place, first to last. The
answer is the choice names in rank order, space-separated (as ODK stores it); a page post
that leaves places empty stays a list of places ("" for an empty one) until it is whole,
so the page can be drawn again as it was posted."""

from __future__ import annotations

from typing import Any

from .model import Choice

TWICE = "Each option can take only one place."
MISSING = "Give every option a place."
UNKNOWN = "Choose only from the options."
MESSAGES = (TWICE, MISSING)


def normalised(value: Any) -> Any:
    """Places as posted (a list) or stored (text): text when every place is filled or none
    is ("" then), else the list of places."""
    places = value.split() if isinstance(value, str) else [str(v).strip() for v in value]
    if all(places) or not any(places):
        return " ".join(places)
    return places


def places(value: Any) -> list[str]:
    """The choice name in each place, first to last ("" for an empty place)."""
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value or []]


def error(value: Any, choices: list[Choice]) -> str | None:
    """Why a ranking is not whole: an unknown name, a choice in two places, or a choice
    (or place) left out; None when every choice has exactly one place."""
    names = [choice.name for choice in choices]
    given = places(value)
    filled = [name for name in given if name]
    if any(name not in names for name in filled):
        return UNKNOWN
    if len(set(filled)) != len(filled):
        return TWICE
    if len(given) != len(names) or set(filled) != set(names):
        return MISSING
    return None
