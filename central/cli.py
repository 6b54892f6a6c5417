"""Brand commands: ``amplify central init|trust|revoke|project create|merge|ledger|serve``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from sync.crypto.passphrase import WrongPassphrase
from sync.files import write_private
from sync.prompt import read_secret
from sync.stationid import StationIdentity, StationIdError
from xlsform.errors import FormError

from . import admin, dataset, keys, ledger
from .merge import BundleRefused, MergeResult, merge_bundle

PROJECT_PASSPHRASE_ENV = "AMPLIFY_PROJECT_PASSPHRASE"


def central_home_option(command):
    return click.option(
        "--home", required=True, envvar="AMPLIFY_CENTRAL_HOME", show_envvar=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="The brand's central home (keys, central.db).")(command)


def _require_home(home: Path) -> None:
    if not keys.keys_path(home).exists():
        raise click.ClickException(f"{home} is not a central home: run "
                                   f"`amplify central init --home {home}`")


def _unlock(home: Path) -> keys.CentralKeys:
    _require_home(home)
    try:
        return keys.unlock(home, read_secret("Brand passphrase"))
    except WrongPassphrase as exc:
        raise click.ClickException(str(exc)) from None


@click.group("central")
def central() -> None:
    """The brand's central dataset: keys, trusted stations, projects, merging bundles.

    Example:

        amplify central init --home ~/brand && amplify central merge --home ~/brand *.bundle
    """


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
    _require_home(home)
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
    _require_home(home)
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
def project_create(home: Path, name: str, forms: tuple[Path, ...], out: Path,
                   free_text: bool) -> None:
    """Create a project and write its signed project file for interpreters.

    The pseudonym key inside is wrapped under a project passphrase: from
    AMPLIFY_PROJECT_PASSPHRASE, else generated and printed once. Give it to the
    interpreters apart from the file (by phone); this home does not keep it.

    Example:

        amplify central project create --home ~/brand --name "FoA 2026" \\
            --form forms/worker.xlsx --form forms/representative.xlsx --out foa-2026.json
    """
    central_keys = _unlock(home)
    given = os.environ.get(PROJECT_PASSPHRASE_ENV) or None
    try:
        created = admin.create_project(home, central_keys, name, list(forms),
                                       project_passphrase=given, free_text_export=free_text)
    except (FormError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    write_private(out, created.file_bytes)
    os.chmod(out, 0o644)
    click.echo(f"Project {created.project.id} ({name}) written to {out}")
    click.echo(f"Brand fingerprint: {created.project.fingerprint}")
    if given is None:
        click.echo(f"Project passphrase (give it to interpreters by phone, not with the "
                   f"file; it is not stored): {created.project_passphrase}")


def _report(result: MergeResult) -> str:
    verb = "would merge" if result.dry_run else "merged"
    return (f"{result.file}: {verb} bundle {result.bundle_id[:8]} from {result.station_id}: "
            f"{result.records} records ({result.new} new, {result.replaced} replaced, "
            f"{result.unchanged} unchanged), {result.suppliers} suppliers")


@central.command("merge")
@central_home_option
@click.option("--dry-run", is_flag=True, help="Check everything and say what would change; "
              "change nothing.")
@click.argument("bundles", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def merge(home: Path, dry_run: bool, bundles: tuple[Path, ...]) -> None:
    """Verify, decrypt and merge bundle files, each in one transaction.

    A bundle with any changed byte, an unknown station or another project is refused
    as a whole (non-zero exit) and the dataset is unchanged; merging a bundle again
    changes nothing; a newer revision of a record replaces the older.

    Example:

        amplify central merge --home ~/brand /media/usb/*.bundle
    """
    central_keys = _unlock(home)
    refused = 0
    for path in bundles:
        size = path.stat().st_size if path.exists() else 0
        try:
            with click.progressbar(length=size, label=path.name, file=click.get_text_stream(
                    "stderr")) as bar:
                result = merge_bundle(home, central_keys, path, dry_run=dry_run,
                                      progress=bar.update)
        except BundleRefused as exc:
            refused += 1
            click.echo(f"Error: {exc}", err=True)
            continue
        click.echo(_report(result))
    if refused:
        raise click.ClickException(f"{refused} of {len(bundles)} bundles refused; "
                                   "nothing from them was merged")


@central.command("ledger")
@central_home_option
def ledger_command(home: Path) -> None:
    """List every bundle seen: merged ones, then refused ones with the reason.

    Example:

        amplify central ledger --home ~/brand
    """
    _require_home(home)
    conn = dataset.connect(dataset.dataset_path(home))
    try:
        rows = conn.execute("SELECT id, station_id, day, merged_day, records, new, replaced, "
                            "unchanged FROM bundles ORDER BY merged_day, rowid").fetchall()
    finally:
        conn.close()
    for bundle_id, station_id, day, merged_day, records, new, replaced, unchanged in rows:
        click.echo(f"merged   {merged_day}  {bundle_id}  {station_id}  made {day}  {records} "
                   f"records ({new} new, {replaced} replaced, {unchanged} unchanged)")
    for row in ledger.refused(home):
        click.echo(f"refused  {row['day']}  {row['file_name']}  {row['reason']}")


@central.command("serve")
@central_home_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8765, show_default=True, help="TCP port.")
@click.option("--max-mb", type=int, default=512, show_default=True,
              help="Largest bundle accepted, in MB.")
def serve(home: Path, host: str, port: int, max_mb: int) -> None:
    """Accept bundles over HTTP: POST /api/bundles (what `amplify push` sends).

    Unlocks the brand keys at start (AMPLIFY_PASSPHRASE or asked) and keeps them in
    memory while it runs.

    Example:

        amplify central serve --home ~/brand --host 0.0.0.0 --port 8765
    """
    from waitress import serve as waitress_serve

    from .server import create_central_app

    app = create_central_app(home, _unlock(home), max_mb)
    click.echo(f"Central inbox on http://{host}:{port}/api/bundles")
    waitress_serve(app, host=host, port=port, threads=4, ident="amplify-central",
                   max_request_body_size=max_mb * 1024 * 1024)


def register(group: click.Group) -> None:
    group.add_command(central)
