"""Repeat instances on both screens: what a page address names, an instance page's heading,
and filling in, adding and removing instances (the rules are ``xlsform.repeat_logic``'s).

A page is addressed by its name; inside a repeat by its name and the 1-based numbers of
every instance around it, outermost first, joined with "~" ("household~2", nested
"children~2~1"); the "add another?" place of a repeat is "household~add" ("children~2~add").
A flat form's addresses are its page names, and nothing here changes for it. Answers are
nested as agreed: ``answers["household"] = [{"member_name": "A", "children": [...]}, ...]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsform import logic, repeat_logic, triggers
from xlsform.model import FormDefinition, Page, label_in

# The page buttons' values (``~go`` on a phone, ``~action`` in an interview): "Remove this
# one" asks first (the page again, with "Yes, remove"), which removes.
ADD, ASK_REMOVE, REMOVE = "add", "remove", "remove-yes"


@dataclass(frozen=True)
class Spot:
    """The place an address names: a page (of one instance, or of the form), or the
    "add another?" place of a repeat (``page`` None, ``adding``)."""

    address: str
    page: Page | None
    repeat: str | None  # the innermost repeat: of the page, or the one to add to
    path: tuple[tuple[str, int], ...]  # (repeat, instance number), outermost first
    adding: bool

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(number for _repeat, number in self.path)


def locate(form: FormDefinition, address: str) -> Spot:
    """The place ``address`` names; KeyError when it names none of this form."""
    if not form.repeats:
        return Spot(address, form.page(address), None, (), False)
    found = repeat_logic.parse_address(form, address)
    return Spot(address, found.page, found.repeat, tuple(found.path), found.adding)


def by_hand(form: FormDefinition, spot: Spot) -> bool:
    """True when the worker or interpreter adds and removes this spot's instances (its
    repeat has no ``repeat_count``, which would fix how many there are)."""
    return spot.repeat is not None and form.repeats[spot.repeat].count is None


def removable(form: FormDefinition, spot: Spot) -> bool:
    """A page of an instance that can be removed ("Remove this one")."""
    return spot.page is not None and spot.page.repeat is not None and by_hand(form, spot)


def heading(form: FormDefinition, spot: Spot, lang: str) -> str:
    """What an instance page or an "add another?" place is titled: each instance around it
    by its repeat's label and number ("Household member 2 · Child 1"), then the page's own
    label when it says more. The page's label alone outside repeats."""
    page_label = label_in(spot.page.label, lang) if spot.page is not None else ""
    parts = [f"{_repeat_label(form, repeat, lang)} {number}" for repeat, number in spot.path]
    if spot.adding and spot.repeat is not None:
        parts.append(_repeat_label(form, spot.repeat, lang))
    inner = _repeat_label(form, spot.repeat, lang) if spot.repeat else ""
    if page_label and page_label != inner:
        parts.append(page_label)
    return " · ".join(parts)


def _repeat_label(form: FormDefinition, repeat: str, lang: str) -> str:
    return label_in(form.repeats[repeat].label, lang) or repeat


def merged(form: FormDefinition, spot: Spot, answers: dict[str, Any],
           posted: dict[str, Any]) -> dict[str, Any]:
    """The answers with a page's posted answers put in place (in its instance), empty
    answers left out, and what a changed answer triggers set (``xlsform.triggers``); the
    answers themselves are not changed."""
    if not form.repeats:
        after = {k: v for k, v in {**answers, **posted}.items() if not logic.is_empty(v)}
    elif spot.page is None:
        return dict(answers)
    else:
        after = repeat_logic.merge_posted(form, answers, spot.address, posted)
    return triggers.fired(form, answers, after)


def added(form: FormDefinition, spot: Spot, answers: dict[str, Any]
          ) -> tuple[dict[str, Any], str]:
    """The answers with a new instance at an "add another?" place, and the address of its
    first page. ValueError where none can be added (a counted repeat, 100 instances)."""
    return repeat_logic.add_instance(form, answers, spot.address)


def removed(form: FormDefinition, spot: Spot, answers: dict[str, Any]
            ) -> tuple[dict[str, Any], str]:
    """The answers without the instance this page belongs to (later ones move up one), and
    where to go: the repeat's "add another?" place. ValueError for a counted repeat."""
    repeat = spot.page.repeat if spot.page is not None else None
    if repeat is None:
        raise ValueError(f"'{spot.address}' is not a page of an instance")
    changed = repeat_logic.remove_instance(form, answers, repeat, spot.numbers)
    return changed, repeat_logic.address_of(repeat, spot.path[:-1], adding=True)


def changed(form: FormDefinition, spot: Spot, answers: dict[str, Any], action: str
            ) -> tuple[dict[str, Any], str] | None:
    """"Add another" (``ADD``) at an "add another?" place, "Yes, remove" (``REMOVE``) on an
    instance's page, for both screens: the answers changed and the address to show next;
    None where the action does not apply here; ValueError where the repeat holds as many
    instances as it may, or the instance is gone."""
    if action == ADD and spot.adding and by_hand(form, spot):
        return added(form, spot, answers)
    if action == REMOVE and removable(form, spot):
        return removed(form, spot, answers)
    return None
