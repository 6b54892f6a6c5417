"""JSON from a bundle, parsed with bounds: size, nesting depth, and an object at the top.

Everything a bundle carries as JSON (header, seal batches, sealed records and suppliers,
the trailer) goes through :func:`load_object`, so a hostile payload ends as a
``JsonRefused`` naming what was wrong, never as a RecursionError, an AttributeError on
a list, or a value that SQLite cannot bind further on.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 16  # a record is three deep (document, answers, a select_multiple list)


class JsonRefused(ValueError):
    """A JSON payload that is malformed, too large, too deep or not an object."""


def load_object(data: bytes, what: str, *, max_bytes: int, max_depth: int = MAX_DEPTH
                ) -> dict[str, Any]:
    """Parse ``data`` as a JSON object, or raise JsonRefused naming ``what``."""
    if len(data) > max_bytes:
        raise JsonRefused(f"{what} is larger than {max_bytes} bytes")
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        raise JsonRefused(f"{what} is nested more than {max_depth} deep") from None
    except ValueError:  # also UnicodeDecodeError and JSONDecodeError
        raise JsonRefused(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise JsonRefused(f"{what} must be a JSON object")
    # Only a payload with more brackets than the bound can be too deep: skip the walk.
    if data.count(b"[") + data.count(b"{") > max_depth and _depth(value) > max_depth:
        raise JsonRefused(f"{what} is nested more than {max_depth} deep")
    # A lone surrogate (only possible through an escape such as \\uD800) cannot be stored as text.
    if (b"\\ud" in data or b"\\uD" in data) and not _all_text_encodable(value):
        raise JsonRefused(f"{what} holds text that is not valid Unicode (a lone surrogate)")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _all_text_encodable(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest
