"""What the brand's commands share: ``--home``, opening the home, unlocking the keys."""

from __future__ import annotations

from pathlib import Path

import click

from sync.crypto.passphrase import WrongPassphrase
from sync.prompt import read_secret

from .. import keys


def central_home_option(command):
    return click.option(
        "--home", required=True, envvar="AMPLIFY_CENTRAL_HOME", show_envvar=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The brand's central home (keys, central.db).")(command)


def require_home(home: Path) -> None:
    if not keys.keys_path(home).exists():
        raise click.ClickException(f"{home} is not a central home: run "
                                   f"`amplify central init --home {home}`")


def unlock_keys(home: Path) -> keys.CentralKeys:
    require_home(home)
    try:
        return keys.unlock(home, read_secret("Brand passphrase"))
    except WrongPassphrase as exc:
        raise click.ClickException(str(exc)) from None
