"""Brand users: add, list, remove, change a password."""

from __future__ import annotations

from pathlib import Path

import click

from sync.prompt import read_secret

from .. import access
from . import central
from .common import central_home_option, require_home

PASSWORD_ENV = "AMPLIFY_USER_PASSWORD"


def _password(prompt: str) -> str:
    return read_secret(prompt, PASSWORD_ENV, confirm=True)


@central.group("user")
def user() -> None:
    """Brand users who sign in to the app: viewer, analyst, steward or admin.

    Example:

        amplify central user add --home ~/brand amina --role steward
    """


@user.command("add")
@central_home_option
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(access.ROLES),
              help="viewer: released figures; analyst: + exports; steward: + closes rounds, "
                   "joins suppliers, opens record-level data (logged); admin: users, audit log.")
def user_add(home: Path, name: str, role: str) -> None:
    """Add a brand user. The password is asked twice without echo (or AMPLIFY_USER_PASSWORD).

    Example:

        amplify central user add --home ~/brand amina --role steward
    """
    require_home(home)
    try:
        access.add_user(home, name, role, _password(f"Password for {name}"))
    except access.AccessError as exc:
        raise click.ClickException(str(exc)) from None
    access.audit(home, "(command line)", "user added", name, role)
    click.echo(f"Added {name} ({role})")


@user.command("list")
@central_home_option
def user_list(home: Path) -> None:
    """List brand users and their roles.

    Example:

        amplify central user list --home ~/brand
    """
    require_home(home)
    people = access.list_users(home)
    if not people:
        click.echo("No users yet: `amplify central user add NAME --role ROLE`.")
    for person in people:
        click.echo(f"{person.name:<20} {person.role:<8} since {person.created_day}")


@user.command("remove")
@central_home_option
@click.argument("name")
def user_remove(home: Path, name: str) -> None:
    """Remove a brand user; their sessions end at their next request.

    Example:

        amplify central user remove --home ~/brand amina
    """
    require_home(home)
    try:
        access.remove_user(home, name)
    except access.AccessError as exc:
        raise click.ClickException(str(exc)) from None
    access.audit(home, "(command line)", "user removed", name)
    click.echo(f"Removed {name}")


@user.command("passphrase")
@central_home_option
@click.argument("name")
def user_passphrase(home: Path, name: str) -> None:
    """Set a new password for a brand user; their open sessions end.

    Example:

        amplify central user passphrase --home ~/brand amina
    """
    require_home(home)
    try:
        access.set_password(home, name, _password(f"New password for {name}"))
    except access.AccessError as exc:
        raise click.ClickException(str(exc)) from None
    access.audit(home, "(command line)", "password changed", name)
    click.echo(f"New password set for {name}")
