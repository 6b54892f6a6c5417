"""What every command shares: the ``--home`` option, the passphrase, opening a station."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sync.prompt import PASSPHRASE_ENV, read_secret

from ..home import default_home
from ..keys.keyring import NotInitialised, WrongPassphrase
from ..station import Station


def home_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--home DIR`` (or AMPLIFY_HOME) to a command."""
    return click.option(
        "--home", type=click.Path(file_okay=False, path_type=Path), envvar="AMPLIFY_HOME",
        default=None, show_envvar=True,
        help="Home folder (database, keys, settings). Default: ~/.local/share/amplify.",
    )(command)


def resolve_home(home: Path | None) -> Path:
    return (home or default_home()).expanduser()


def read_passphrase(prompt: str = "Passphrase", confirm: bool = False) -> str:
    """From AMPLIFY_PASSPHRASE when set (scripts, tests), else asked without echo."""
    return read_secret(prompt, PASSPHRASE_ENV, confirm)


def open_station(home: Path | None, *, must_exist: bool = True) -> Station:
    path = resolve_home(home)
    if must_exist and not (path / "keys.json").exists():
        raise click.ClickException(f"{path} is not set up yet: run `amplify init --home {path}`")
    return Station(path)


def unlocked_station(home: Path | None) -> Station:
    """Open the station and unlock it, or fail with a clear message and change nothing."""
    station = open_station(home)
    try:
        station.unlock(read_passphrase())
    except WrongPassphrase as exc:
        station.close()
        raise click.ClickException(str(exc)) from None
    except NotInitialised as exc:
        station.close()
        raise click.ClickException(str(exc)) from None
    return station
