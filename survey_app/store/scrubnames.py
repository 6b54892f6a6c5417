"""Names the interpreter lists to be removed from free text before it is sealed.

An interview or a collection session can carry such a list (the factory's managers,
the representative's colleagues...). The list is itself identifying, so it is stored
encrypted under the ``records`` key, bound to its owner (a record or session id), and
can only be read while the station is unlocked. A phone submission that arrives while
the station is locked cannot read its session's list: its free text is then withheld
rather than sealed unscrubbed (see ``survey_app.finalise``).
"""

from __future__ import annotations

import re

from sync.crypto import aead

from .db import Store
from .records import decode, encode

MAX_NAMES = 200


def _aad(owner_id: str) -> bytes:
    return f"names:{owner_id}".encode()


def parse(text: str | None) -> list[str]:
    """One name per line or comma; blanks dropped; refuses an absurdly long list."""
    names = [part.strip() for part in re.split(r"[\n,;]", text or "") if part.strip()]
    if len(names) > MAX_NAMES:
        raise ValueError(f"names to remove: at most {MAX_NAMES}")
    return list(dict.fromkeys(names))


def save(store: Store, records_key: bytes, owner_id: str, names: list[str]) -> None:
    if not names:
        return
    blob = aead.encrypt(records_key, encode(names), _aad(owner_id))
    store.write(lambda db: db.execute(
        "INSERT OR REPLACE INTO scrub_names (owner_id, payload) VALUES (?, ?)",
        [owner_id, blob]))


def stored(store: Store, owner_id: str) -> bytes | None:
    """The encrypted list of this owner, or None when nobody listed names."""
    found = store.read().execute("SELECT payload FROM scrub_names WHERE owner_id = ?",
                                 [owner_id]).fetchone()
    return found[0] if found else None


def decrypt(records_key: bytes, owner_id: str, blob: bytes) -> list[str]:
    return decode(aead.decrypt(records_key, blob, _aad(owner_id)))


def load(store: Store, records_key: bytes, owner_id: str) -> list[str]:
    blob = stored(store, owner_id)
    return decrypt(records_key, owner_id, blob) if blob else []
