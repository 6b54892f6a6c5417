"""Where an expression is evaluated in a form with repeats: one instance of each repeat.

Values are nested as the answers are: a repeat's instances are a list of dicts under its
name in the enclosing instance (or the form). ``Scope(tree, path, chains)`` reads them as
ODK does for an expression of a question in the instance ``path`` (``(("household", 2),
("children", 1))``, numbers from 1):

- ``${q}`` of the same instance, or of an enclosing one, is that one value;
- ``${q}`` inside a repeat the path is not in gives every instance's value (``Nodes``:
  empty ones left out), which sum(), count(), max(), min() and join() take whole;
- ``${repeat}`` gives its instances (count() counts them);
- ``position(..)`` and ``indexed-repeat()`` read the path (expressions.py calls them).

``chains``: question or repeat name -> the repeats around it, outermost first (a repeat's
own name not included). static/logic.js implements the same look-up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .values import Nodes, is_empty, to_number

Path = tuple[tuple[str, int], ...]


def instances(node: Mapping[str, Any], repeat: str) -> list[dict[str, Any]]:
    """The instance dicts of ``repeat`` in ``node`` (anything else in their place: none)."""
    found = node.get(repeat)
    if not isinstance(found, list):
        return []
    return [each if isinstance(each, dict) else {} for each in found]


def instance_at(node: Mapping[str, Any], repeat: str, number: int) -> dict[str, Any]:
    """Instance ``number`` (from 1) of ``repeat`` in ``node``, {} when there is none."""
    found = instances(node, repeat)
    return found[number - 1] if 0 < number <= len(found) else {}


class Scope:
    """The values an expression sees from one place in the nested values (see above)."""

    def __init__(self, tree: Mapping[str, Any], path: Path,
                 chains: Mapping[str, tuple[str, ...]], repeats: frozenset[str]) -> None:
        self.tree, self.path, self.chains, self.repeats = tree, path, chains, repeats

    def get(self, name: str, default: Any = None) -> Any:
        chain = self.chains.get(name, ())
        node: Mapping[str, Any] = self.tree
        common = 0
        for (repeat, number), level in zip(self.path, chain, strict=False):
            if repeat != level:
                break
            node = instance_at(node, repeat, number)
            common += 1
        if common == len(chain):
            value = node.get(name, default)
            return Nodes(instances(node, name)) if name in self.repeats else value
        nodes = [node]
        for level in chain[common:]:
            nodes = [each for parent in nodes for each in instances(parent, level)]
        if name in self.repeats:
            return Nodes(each for parent in nodes for each in instances(parent, name))
        return Nodes(value for each in nodes if not is_empty(value := each.get(name)))

    def position(self, repeat: str | None) -> int:
        """The number of this place's instance of ``repeat`` (the innermost when None);
        1 outside any (as ODK counts)."""
        for level, number in reversed(self.path):
            if repeat is None or level == repeat:
                return number
        return 1

    def indexed(self, name: str, numbers: Mapping[str, Any]) -> Any:
        """indexed-repeat(): ``name`` in the instances ``numbers`` picks (repeat -> number),
        this place's instance for any repeat not picked, the first outside the path."""
        here = dict(self.path)
        path = []
        for level in self.chains.get(name, ()):
            number = to_number(numbers[level]) if level in numbers else here.get(level, 1)
            if not math.isfinite(number) or number < 1:
                return ""
            path.append((level, int(number)))
        value = Scope(self.tree, tuple(path), self.chains, self.repeats).get(name)
        return "" if value is None else value
