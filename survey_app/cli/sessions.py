"""Collection sessions: open one for a supplier and a form, list them, close them."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from .. import qr, serving, sessions
from ..network import lan_addresses
from ..store import scrubnames
from ..store.formstore import FormNotFound
from .common import home_option, open_station, unlocked_station


def form_url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/f/{token}"


def default_base(port: int) -> str:
    addresses = lan_addresses()
    return f"http://{addresses[0] if addresses else '127.0.0.1'}:{port}"


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@click.command("new")
@home_option
@click.option("--form", "form_id", required=True, help="Form id (see `amplify forms list`).")
@click.option("--supplier", required=True, help="Supplier (factory) name; stored encrypted.")
@click.option("--country", default="", help="Supplier's country, two-letter ISO code (KH, BD).")
@click.option("--os-id", default="", help="Supplier's Open Supply Hub ID.")
@click.option("--languages", default=None,
              help="Comma-separated language codes offered to workers (default: all of the "
                   "form's), e.g. en,km.")
@click.option("--max-responses", type=int, default=None,
              help="Most completed responses (default: the `max_responses` setting).")
@click.option("--expires", "hours", type=float, default=None,
              help="Hours until the session closes (default: the `session_hours` setting).")
@click.option("--base-url", default=None,
              help="Start of the URL phones open (default: http://<first LAN address>:<port>).")
@click.option("--scrub-names", default=None,
              help="Comma-separated names to remove from workers' free text (stored "
                   "encrypted; sent while the station is locked, it waits for the unlock).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
def new(home: Path | None, form_id: str, supplier: str, country: str, os_id: str,
        languages: str | None, max_responses: int | None, hours: float | None,
        base_url: str | None, scrub_names: str | None, as_json: bool) -> None:
    """Open a collection session and print its form URL and a QR code.

    Needs the passphrase (AMPLIFY_PASSPHRASE or asked): the supplier's details are
    stored encrypted. The URL holds only an opaque random token.

    Example:

        amplify session new --form amplify_worker --supplier "Factory A" --country KH \\
            --languages en,km --max-responses 40 --expires 8
    """
    station = unlocked_station(home)
    try:
        session, token = sessions.create_session(
            station, form_id=form_id,
            supplier={"name": supplier, "country": country, "os_id": os_id},
            languages=_csv(languages), max_responses=max_responses, hours=hours,
            scrub_names=scrubnames.parse(scrub_names))
        address = serving.published(station.home)
        url = form_url(base_url or default_base(address.port if address else
                                                station.settings["port"]), token)
    except (sessions.SessionError, ValueError, FormNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        station.close()
    _warn_if_unreachable(address)
    if as_json:
        click.echo(json.dumps({**_describe(session), "url": url}))
        return
    click.echo(f"Session {session.id} for form {session.form_id} "
               f"(languages {', '.join(session.languages)}), open until "
               f"{_when(session.expires)}.")
    click.echo(f"Workers open: {url}")
    click.echo(qr.terminal(url))


def _warn_if_unreachable(address: serving.Address | None) -> None:
    if address is None:
        click.echo("No station is serving this home yet: start `amplify serve --lan` "
                   "before workers scan the code.", err=True)
    elif not address.phones_can_reach:
        click.echo(f"The station listens on {address.host} (this laptop only): phones "
                   "cannot reach it. Restart it with `amplify serve --lan`.", err=True)


@click.command("list")
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead.")
def list_(home: Path | None, as_json: bool) -> None:
    """List collection sessions with counts of started and completed responses.

    Shows counts only, never answers; needs no passphrase.

    Example:

        amplify session list --json
    """
    station = open_station(home)
    try:
        found = sessions.list_sessions(station.store)
    finally:
        station.close()
    if as_json:
        click.echo(json.dumps([_describe(s) for s in found]))
        return
    if not found:
        click.echo("No collection sessions yet: `amplify session new --help`.")
    for s in found:
        click.echo(f"{s.id}  {s.form_id:<24} {s.status():<8} started {s.started:>4}  "
                   f"completed {s.completed:>4}/{s.max_responses}  until {_when(s.expires)}")


@click.command("close")
@home_option
@click.argument("session_id")
def close(home: Path | None, session_id: str) -> None:
    """Close a session: its URL answers with a neutral page from now on.

    Unfinished answers of the session are erased; completed ones stay sealed.

    Example:

        amplify session close 3f2a9c0e5b7d4e1f8a6b2c3d4e5f6a7b
    """
    station = open_station(home)
    try:
        closed = sessions.close_session(station.store, session_id)
    except sessions.SessionNotFound as exc:
        raise click.ClickException(f"{exc}: see `amplify session list`") from None
    finally:
        station.close()
    click.echo(f"Session {closed.id} closed: {closed.completed} completed, "
               f"{closed.started} started.")


def _describe(session: sessions.CollectionSession) -> dict:
    return {"id": session.id, "form_id": session.form_id, "form_version": session.form_version,
            "languages": list(session.languages), "max_responses": session.max_responses,
            "expires": _when(session.expires), "status": session.status(),
            "started": session.started, "completed": session.completed}


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


@click.group("session")
def session_group() -> None:
    """Collection sessions: workers answer on their own phones through a QR code.

    Example:

        amplify session new --form amplify_worker --supplier "Factory A"
    """


def register(group: click.Group) -> None:
    for command in (new, list_, close):
        session_group.add_command(command)
    group.add_command(session_group)
