"""Station commands: init, passphrase, serve, settings."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import FrameType

import click

from ..home import LOG_DIR
from ..keys import keyring
from ..keys.keyring import WrongPassphrase
from ..security import configure_logging
from ..settings import SETTINGS, load_settings, save_setting
from ..setup import initialise
from .common import PASSPHRASE_ENV, home_option, open_station, read_passphrase, resolve_home


@click.command()
@home_option
def init(home: Path | None) -> None:
    """Create a station home: keys under a new passphrase, built-in questionnaires.

    Asks for the passphrase twice (or reads AMPLIFY_PASSPHRASE). The passphrase
    is never stored: forget it and the data is gone, which is the point.

    Example:

        amplify init --home ~/amplify
    """
    station = open_station(home, must_exist=False)
    try:
        if station.initialised:
            raise click.ClickException(f"{station.home} is already set up")
        try:
            initialise(station, read_passphrase("New passphrase", confirm=True))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Station ready in {station.home}")
    finally:
        station.close()


@click.command()
@home_option
def passphrase(home: Path | None) -> None:
    """Change the passphrase. Re-wraps the keys; no record is re-encrypted.

    Reads the old passphrase from AMPLIFY_PASSPHRASE and the new one from
    AMPLIFY_NEW_PASSPHRASE when set, else asks.

    Example:

        amplify passphrase --home ~/amplify
    """
    path = resolve_home(home)
    old = read_passphrase("Current passphrase")
    new = os.environ.get("AMPLIFY_NEW_PASSPHRASE") or click.prompt(
        "New passphrase", hide_input=True, confirmation_prompt=True)
    try:
        keyring.change_passphrase(path, old, new, load_settings(path)["kdf_log2_n"])
    except (WrongPassphrase, keyring.NotInitialised, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Passphrase changed.")


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


def stop_on_signals() -> None:
    """Ctrl-C, SIGTERM (shutdown, ``kill``) and SIGHUP (the terminal closed) end the
    server's loop instead of killing the process, so ``serve`` can lock the station
    before exiting. Further signals are ignored meanwhile: the lock is not cut short."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        raise SystemExit(0)  # waitress's run() ends its loop and its threads on this

    for number in STOP_SIGNALS:
        signal.signal(number, stop)


@click.command()
@home_option
@click.option("--host", default=None, help="Interface to listen on (default: the `host` "
              "setting, 127.0.0.1: this laptop only).")
@click.option("--lan", is_flag=True, help="Listen on all interfaces (0.0.0.0) so phones on "
              "the laptop's WiFi can answer. This exposes the station to every device on "
              "every network the laptop is joined to: use it on the laptop's own hotspot, "
              "not on a factory or hotel network.")
@click.option("--port", type=int, default=None, help="TCP port (default: the `port` setting).")
@click.option("--no-qr", is_flag=True, help="Do not draw the QR code in the terminal.")
def serve(home: Path | None, host: str | None, lan: bool, port: int | None, no_qr: bool) -> None:
    """Start the station's web app (waitress) and print its URLs and a QR code.

    The app starts locked: unlock it in a browser on this laptop. Ctrl-C,
    SIGTERM and SIGHUP lock the station (keys dropped, the database's WAL
    emptied) before it exits. With
    AMPLIFY_PASSPHRASE set it starts with the keys open (scripts, tests), yet
    every browser still types the passphrase before it sees a screen. A fresh
    home is set up in the browser on first visit.

    Example:

        amplify serve --lan --port 8080
    """
    from .. import create_app, serving, sessions
    from ..server import run

    path = resolve_home(home)
    app = create_app(path)
    station = app.extensions["amplify"]
    configure_logging(str(station.home / LOG_DIR / "amplify.log"))
    if os.environ.get(PASSPHRASE_ENV) and station.initialised:
        try:
            station.unlock(os.environ[PASSPHRASE_ENV])
        except WrongPassphrase as exc:
            raise click.ClickException(str(exc)) from None
    station.watch_idle()
    sessions.watch_finished_sessions(station)
    settings = station.settings
    bind = "0.0.0.0" if lan else (host or settings["host"])  # noqa: S104 - --lan: phones in
    stop_on_signals()
    serving.publish(station.home, bind, port or settings["port"])
    try:
        run(app, bind, port or settings["port"], threads=settings["threads"],
            connection_limit=settings["connection_limit"], show_qr=not no_qr)
    finally:
        serving.withdraw(station.home)
        station.close()  # locks: keys dropped, WAL checkpointed and truncated
    click.echo("Station locked and stopped.")


@click.command("settings")
@home_option
@click.argument("name", required=False)
@click.argument("value", required=False)
def settings_(home: Path | None, name: str | None, value: str | None) -> None:
    """List settings with their values and help, or set NAME to VALUE.

    Settings live in HOME/settings.json; AMPLIFY_<NAME> in the environment wins.

    Example:

        amplify settings port 8080
    """
    path = resolve_home(home)
    if name and value is not None:
        try:
            stored = save_setting(path, name, value)
        except KeyError:
            raise click.ClickException(f"unknown setting {name!r}; "
                                       "run `amplify settings` for the list") from None
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{name} = {stored}")
        return
    values = load_settings(path)
    for setting in SETTINGS:
        if name and setting.name != name:
            continue
        click.echo(f"{setting.name} = {values[setting.name]!r}  (default {setting.default!r})")
        click.echo(f"    {setting.help}")


def register(group: click.Group) -> None:
    for command in (init, passphrase, serve, settings_):
        group.add_command(command)
