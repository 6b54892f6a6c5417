"""Secrets asked on the command line, the same way on both sides."""

from __future__ import annotations

import os

import click

PASSPHRASE_ENV = "AMPLIFY_PASSPHRASE"


def read_secret(prompt: str, env: str = PASSPHRASE_ENV, confirm: bool = False) -> str:
    """From the environment variable ``env`` when set (scripts, tests), else asked without echo."""
    value = os.environ.get(env)
    if value is not None:
        return value
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
