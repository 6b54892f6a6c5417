"""Station sync commands: station id, project import, export, push."""

from __future__ import annotations

import os
from pathlib import Path

import click

from survey_app import adopt
from survey_app.export import ExportError, export_bundle
from survey_app.project_import import ProjectImportError, import_project
from sync.crypto.fingerprint import public_bytes
from sync.projectfile import ProjectFileError
from sync.push import PushError, push
from sync.stationid import StationIdentity
from xlsform.errors import FormError

from ..home import write_private
from ..keys.identity import station_signing_key
from .common import home_option, open_station, unlocked_station

PROJECT_PASSPHRASE_ENV = "AMPLIFY_PROJECT_PASSPHRASE"


@click.group("station")
def station_group() -> None:
    """This station's identity, for the brand that receives its bundles.

    Example:

        amplify station id --out station.json
    """


@station_group.command("id")
@home_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the public identity file here (give it to the brand).")
def station_id(home: Path | None, out: Path | None) -> None:
    """Print this station's fingerprint; with --out, write its public identity file.

    The file holds the station's public signing key only: no host, user or interpreter
    name. Read the fingerprint to the brand by phone so they can check what they trust.

    Example:

        amplify station id --home ~/amplify --out station.json
    """
    station = open_station(home)
    try:
        identity = StationIdentity(public_bytes(station_signing_key(station.home)))
    finally:
        station.close()
    if out is not None:
        write_private(out, identity.to_bytes())
        os.chmod(out, 0o644)
        click.echo(f"Wrote {out}")
    click.echo(f"Station {identity.id}\nFingerprint: {identity.fingerprint}")


@click.group("project")
def project_group() -> None:
    """Brand projects on this station.

    Example:

        amplify project import brand-project.json
    """


def _project_passphrase() -> str | None:
    value = os.environ.get(PROJECT_PASSPHRASE_ENV)
    if value is not None:
        return value or None
    if click.get_text_stream("stdin").isatty():
        return click.prompt("Project passphrase (from the brand; Enter to skip)",
                            default="", show_default=False, hide_input=True) or None
    return None


@project_group.command("import")
@home_option
@click.argument("project_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def project_import(home: Path | None, project_file: Path) -> None:
    """Import a brand's project file: its forms' new records are then sealed to the brand.

    Verifies the brand's signature and prints the brand's fingerprint: compare it with
    the brand by phone. Needs the station passphrase (AMPLIFY_PASSPHRASE) and the
    project passphrase the brand gave apart from the file (AMPLIFY_PROJECT_PASSPHRASE,
    or asked); without the latter, representatives are not linked across rounds.

    Example:

        AMPLIFY_PROJECT_PASSPHRASE=1234-5678-... amplify project import project.json
    """
    station = unlocked_station(home)
    try:
        result = import_project(station, project_file.read_bytes(), _project_passphrase(),
                                str(project_file))
        local_only = adopt.local_only_count(station, result.project.id)
    except (ProjectFileError, ProjectImportError, FormError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        station.close()
    project = result.project
    state = "Imported" if result.new_project else "Already imported"
    click.echo(f"{state} project {project.id} ({project.name})")
    click.echo(f"Brand fingerprint: {project.fingerprint}  (compare with the brand by phone)")
    for form in result.forms_added:
        click.echo(f"  form added: {form}")
    if not result.pseudonym_key:
        click.echo("Note: no project passphrase given: representatives will not be linked "
                   f"across rounds. Import again with {PROJECT_PASSPHRASE_ENV} set to add it.")
    if local_only:
        click.echo(f"Note: {local_only} record(s) of this project's forms were sealed to this "
                   "laptop's own project before the import and will not reach the brand: "
                   f"`amplify project adopt {project.id}` moves them.")


@project_group.command("adopt")
@home_option
@click.argument("project_id")
def project_adopt(home: Path | None, project_id: str) -> None:
    """Move records sealed to this laptop's own project into an imported brand project.

    For interviews (and phone answers) done before the brand's project was imported:
    each is opened with the passphrase, finalised again under the brand project's rules
    (its key, pseudonyms, free-text rule) and removed from the local project, so the
    next `amplify export` sends it. Needs the station passphrase (AMPLIFY_PASSPHRASE).

    Example:

        amplify project adopt 3f2a9c0e1b7d4e55
    """
    station = unlocked_station(home)
    try:
        moved = adopt.adopt(station, project_id)
    except adopt.AdoptError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        station.close()
    click.echo(f"{moved} record(s) moved into project {project_id}.")


@click.command("export")
@home_option
@click.option("--project", "project_id", required=True, help="The brand project's id.")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Bundle file to write (or a folder: a name is chosen).")
@click.option("--all", "include_all", is_flag=True,
              help="Every finalised record of the project, also those already exported.")
@click.option("--round", "round_label", default="", help="Name the collection round these "
              "records belong to, e.g. 2026-Q4 (default: the brand groups them by month).")
def export(home: Path | None, project_id: str, out: Path, include_all: bool,
           round_label: str) -> None:
    """Write the project's finalised records not yet exported into one bundle file.

    Works while the station is locked: no passphrase. The bundle is encrypted to the
    brand and signed by this station: carry it by USB stick, e-mail or `amplify push`.

    Example:

        amplify export --project prj-0123abcd4567ef89 --round 2026-Q4 --out /media/usb/
    """
    station = open_station(home)
    try:
        result = export_bundle(station, project_id, out, include_all=include_all,
                               round_label=round_label)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        station.close()
    click.echo(f"Wrote {result.path}: {result.records} records, {result.suppliers} suppliers")


@click.command("push")
@click.option("--url", required=True, help="The central server, e.g. http://brand.example:8765")
@click.argument("bundles", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def push_command(url: str, bundles: tuple[Path, ...]) -> None:
    """Send bundle files to a central server (`amplify central serve`).

    Example:

        amplify push --url http://192.168.1.10:8765 amplify-1a2b3c4d5e6f.bundle
    """
    for path in bundles:
        try:
            answer = push(path, url)
        except PushError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{path.name}: merged: {answer.get('new', 0)} new, "
                   f"{answer.get('replaced', 0)} replaced, {answer.get('unchanged', 0)} unchanged")


def register(group: click.Group) -> None:
    for command in (station_group, project_group, export, push_command):
        group.add_command(command)
