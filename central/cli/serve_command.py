"""Serving the brand app, and its settings."""

from __future__ import annotations

from pathlib import Path

import click

from .. import access, settings
from ..home import CentralHome
from . import central
from .common import central_home_option, require_home, unlock_keys


@central.command("serve")
@central_home_option
@click.option("--host", default=None, help="Interface to listen on (setting `host`, default "
              "127.0.0.1: this computer only). 0.0.0.0 lets every device on every network "
              "this computer joins reach the login page and the bundle inbox.")
@click.option("--port", type=int, default=None, help="TCP port (setting `port`, default 8765).")
def serve(home: Path, host: str | None, port: int | None) -> None:
    """Serve the brand app: sign-in, rounds, released figures, and the bundle inbox.

    Refuses to start without brand users (add one with `amplify central user add`).
    Unlocks the brand keys at start (AMPLIFY_PASSPHRASE or asked) so the inbox can
    merge what interpreters push (POST /api/bundles); they stay in memory while it runs.

    Example:

        amplify central serve --home ~/brand --port 8765
    """
    from waitress import serve as waitress_serve

    from .. import create_app

    require_home(home)
    if not access.list_users(home):
        raise click.ClickException(
            f"no brand users yet: add one first, e.g. `amplify central user add --home {home} "
            "steward1 --role steward` (and an admin to manage the others)")
    central_keys = unlock_keys(home)
    values = CentralHome.open(home).settings
    host, port = host or values["host"], port or values["port"]
    app = create_app(home, central_keys=central_keys)
    click.echo(f"Brand app on http://{host}:{port}/  (bundles: POST /api/bundles)")
    waitress_serve(app, host=host, port=port, threads=values["threads"], ident="amplify-central",
                   max_request_body_size=values["max_bundle_mb"] * 1024 * 1024)


@central.command("settings")
@central_home_option
@click.argument("name", required=False)
@click.argument("value", required=False)
def settings_command(home: Path, name: str | None, value: str | None) -> None:
    """List the brand app's settings with their help, or store one: NAME VALUE.

    Example:

        amplify central settings --home ~/brand idle_minutes 15
    """
    require_home(home)
    if name is not None:
        if value is None:
            raise click.ClickException(f"give a value: amplify central settings {name} VALUE")
        try:
            stored = settings.save_setting(home, name, value)
        except KeyError:
            raise click.ClickException(f"unknown setting {name!r}; `amplify central settings` "
                                       "lists them") from None
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{name} = {stored}")
        return
    try:
        current = settings.load_settings(home)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for setting in settings.SETTINGS:
        click.echo(f"{setting.name} = {current[setting.name]}  (default {setting.default})")
        click.echo(f"    {setting.help}")
