"""Setting up: the home and its keys, trusted stations, projects."""

from __future__ import annotations

import os
from pathlib import Path

import click

from sync.files import write_private
from sync.prompt import read_secret
from sync.stationid import StationIdentity, StationIdError
from xlsform.errors import FormError

from .. import admin, keys
from . import central
from .common import central_home_option, require_home, unlock_keys

PROJECT_PASSPHRASE_ENV = "AMPLIFY_PROJECT_PASSPHRASE"


@central.command("init")
@central_home_option
def init(home: Path) -> None:
    """Create a central home: encryption and signing keys under the brand passphrase.

    Reads the passphrase from AMPLIFY_PASSPHRASE or asks twice. Prints the brand
    fingerprint that interpreters compare when they import a project.

    Example:

        amplify central init --home ~/brand
    """
    if keys.keys_path(home).exists():
        raise click.ClickException(f"{home} is already a central home")
    try:
        fingerprint = admin.init_home(home, read_secret("New brand passphrase", confirm=True))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Central home ready in {home}\nBrand fingerprint: {fingerprint}")


@central.command("trust")
@central_home_option
@click.option("--label", default="", help="A name for this station that you choose, e.g. "
              "'Dhaka team 2' (stored in the dataset; avoid personal names).")
@click.argument("station_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def trust(home: Path, label: str, station_file: Path) -> None:
    """Trust a station's bundles, from the file `amplify station id --out` wrote.

    Compare the fingerprint printed here with the interpreter by phone.

    Example:

        amplify central trust --home ~/brand --label "Dhaka 2" station.json
    """
    require_home(home)
    try:
        identity = StationIdentity.parse(station_file.read_bytes(), str(station_file))
    except StationIdError as exc:
        raise click.ClickException(str(exc)) from None
    added = admin.trust_station(home, identity, label)
    click.echo(f"{'Trusted' if added else 'Already trusted'}: station {identity.id}")
    click.echo(f"Fingerprint: {identity.fingerprint}  (compare with the interpreter by phone)")


@central.command("revoke")
@central_home_option
@click.argument("station")
def revoke(home: Path, station: str) -> None:
    """Stop accepting bundles from a station (lost or seized laptop). Merged data stays.

    Example:

        amplify central revoke --home ~/brand st-0123456789abcdef
    """
    require_home(home)
    if not admin.revoke_station(home, station):
        raise click.ClickException(f"no trusted station {station!r}")
    click.echo(f"Revoked {station}")


@central.group("project")
def project() -> None:
    """Projects: the forms, thresholds and keys interpreters import.

    Example:

        amplify central project create --home ~/brand --name FoA --form w.xlsx --out p.json
    """


@project.command("create")
@central_home_option
@click.option("--name", required=True, help="The project's name, shown to interpreters.")
@click.option("--form", "forms", required=True, multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An XLSForm file; repeat for several forms.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the signed project file.")
@click.option("--free-text", is_flag=True, help="Let scrubbed free-text answers be exported "
              "(default: free text stays on the stations).")
@click.option("--drop-unsupported", is_flag=True,
              help="Leave out questions a phone must not collect (location, media, device "
              "ids) instead of refusing the form; stations load it the same way.")
def project_create(home: Path, name: str, forms: tuple[Path, ...], out: Path,
                   free_text: bool, drop_unsupported: bool) -> None:
    """Create a project and write its signed project file for interpreters.

    The pseudonym key inside is wrapped under a project passphrase: from
    AMPLIFY_PROJECT_PASSPHRASE, else generated and printed once. Give it to the
    interpreters apart from the file (by phone); this home does not keep it.

    Example:

        amplify central project create --home ~/brand --name "FoA 2026" \\
            --form forms/worker.xlsx --form forms/representative.xlsx --out foa-2026.json
    """
    central_keys = unlock_keys(home)
    given = os.environ.get(PROJECT_PASSPHRASE_ENV) or None
    try:
        created = admin.create_project(home, central_keys, name, list(forms),
                                       project_passphrase=given, free_text_export=free_text,
                                       drop_unsupported=drop_unsupported)
    except (FormError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    write_private(out, created.file_bytes)
    os.chmod(out, 0o644)
    click.echo(f"Project {created.project.id} ({name}) written to {out}")
    click.echo(f"Brand fingerprint: {created.project.fingerprint}")
    for form in created.project.forms():
        if form.drop_unsupported:
            click.echo(f"{form.file_name}: loaded with what a phone must not collect left out")
    if given is None:
        click.echo(f"Project passphrase (give it to interpreters by phone, not with the "
                   f"file; it is not stored): {created.project_passphrase}")
