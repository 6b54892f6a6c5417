"""Passphrases: the one strength rule, and the error for a passphrase that opens nothing.

The rule (``check_passphrase_strength``, shared by the station and the brand side) is
about length and breadth, because a passphrase here guards keys offline: a stolen laptop
or copied home can be attacked at leisure, and scrypt only multiplies the work of each
guess. At least ``MIN_PASSPHRASE`` characters; at least ``MIN_DISTINCT`` different ones;
not one short part repeated; and two kinds of character (letters of any script, digits,
spaces or punctuation) unless it is ``LONG_PASSPHRASE`` characters or more. Several
words with spaces ("river mango ladder seven") pass easily and are easy to type.
"""

from __future__ import annotations

import unicodedata


class WrongPassphrase(Exception):
    """The passphrase does not open these keys."""


MIN_PASSPHRASE = 12
MIN_DISTINCT = 6
LONG_PASSPHRASE = 20
ADVICE = "several words with spaces between them are easy to remember and type"


def character_kinds(passphrase: str) -> set[str]:
    """Which of letters, digits and others (spaces, punctuation, symbols) appear."""
    return {"letters" if c.isalpha() else "digits" if c.isdigit() else "others"
            for c in passphrase}


def repeats_a_part(passphrase: str) -> bool:
    """True for "abcabcabcabc": the whole is one shorter part said again and again."""
    length = len(passphrase)
    return any(length % size == 0 and passphrase[:size] * (length // size) == passphrase
               for size in range(1, length // 2 + 1))


def check_passphrase_strength(passphrase: str) -> None:
    """Raise ValueError with a message saying what to change; return when strong enough."""
    text = unicodedata.normalize("NFC", passphrase)
    if len(text) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase needs at least {MIN_PASSPHRASE} characters (this "
                         f"one has {len(text)}); {ADVICE}")
    if repeats_a_part(text):
        raise ValueError(f"the passphrase repeats the same few characters; {ADVICE}")
    if len(set(text)) < MIN_DISTINCT:
        raise ValueError(f"the passphrase needs at least {MIN_DISTINCT} different characters "
                         f"(this one has {len(set(text))}); {ADVICE}")
    if len(character_kinds(text)) < 2 and len(text) < LONG_PASSPHRASE:
        raise ValueError("the passphrase needs two kinds of character (letters, digits, "
                         f"spaces or punctuation) or at least {LONG_PASSPHRASE} characters; "
                         f"{ADVICE}")
