"""Passphrases: the one strength rule, and the error for a passphrase that opens nothing."""

from __future__ import annotations


class WrongPassphrase(Exception):
    """The passphrase does not open these keys."""


MIN_PASSPHRASE = 8


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase needs at least {MIN_PASSPHRASE} characters")
