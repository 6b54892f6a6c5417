"""Bundles in, figures out: merge, ledger, rounds, publish."""

from __future__ import annotations

from pathlib import Path

import click

from .. import access, dataset, disclosure, ledger, release, rounds
from ..home import CentralHome
from ..merge import BundleRefused, MergeResult, NotEnoughDisk, merge_bundle
from ..publish import publish
from . import central
from .common import central_home_option, require_home, unlock_keys


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
    missing = [ledger.file_label(path) for path in bundles if not path.is_file()]
    if missing:  # a typing slip is not a refused bundle: nothing is written to the ledger
        raise click.ClickException(f"no such file: {', '.join(missing)}")
    central_keys = unlock_keys(home)
    CentralHome.open(home)  # applies pending migrations before the first merge
    refused = 0
    for path in bundles:
        size = path.stat().st_size
        try:
            with click.progressbar(length=size, label=ledger.file_label(path),
                                   file=click.get_text_stream("stderr")) as bar:
                result = merge_bundle(home, central_keys, path, dry_run=dry_run,
                                      progress=bar.update)
        except NotEnoughDisk as exc:
            raise click.ClickException(str(exc)) from None
        except BundleRefused as exc:
            refused += 1
            click.echo(f"\nError: {exc}", err=True)
            continue
        click.echo(("\n" if size else "") + _report(result))
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
    require_home(home)
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


@central.group("round")
def round_group() -> None:
    """Collection rounds: a supplier × questionnaire × period, released when closed.

    Example:

        amplify central round list --home ~/brand
    """


@round_group.command("list")
@central_home_option
def round_list(home: Path) -> None:
    """List rounds: id, status, supplier, questionnaire, period, respondents (closed only).

    A round's size is shown only once it is closed, and only from k respondents up.

    Example:

        amplify central round list --home ~/brand
    """
    require_home(home)
    CentralHome.open(home)
    with dataset.reading(home) as conn:
        items = rounds.list_rounds(conn)
        ks = disclosure.brand_k(conn, items)
    if not items:
        click.echo("No rounds yet: merge bundles first.")
    for item in items:
        k = ks[item.project_id]
        size = disclosure.respondents(item.respondents, k).text(k) if item.closed else "-"
        click.echo(f"{item.id}  {item.status:<6}  {item.factory_name} ({item.country})  "
                   f"{item.form_id}  {item.period}  respondents: {size}")


@round_group.command("close")
@central_home_option
@click.option("--all", "close_all", is_flag=True, help="Close every open round.")
@click.option("--by", default="steward", show_default=True,
              help="Who closes it, for the record (a brand user's name).")
@click.argument("round_ids", nargs=-1)
def round_close(home: Path, close_all: bool, by: str, round_ids: tuple[str, ...]) -> None:
    """Close rounds and release their figures (ids from `round list`, or --all).

    Records that arrive later for a closed round reopen it.

    Example:

        amplify central round close --home ~/brand r-0123456789ab
    """
    require_home(home)
    if bool(round_ids) == close_all:
        raise click.ClickException("name the rounds to close, or give --all (not both)")
    CentralHome.open(home)
    with dataset.transaction(home) as conn:
        try:
            wanted = rounds.list_rounds(conn) if close_all else \
                [rounds.find(conn, rid) for rid in round_ids]
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
        held = release.waiting(conn, wanted)
        closed = release.close_rounds(conn, wanted, by)
    for item in closed:
        access.audit(home, by, "round closed", item.id, "command line")
        click.echo(f"Closed {item.id} ({item.factory_name}, {item.form_id}, {item.period})")
    for round_id in sorted(held):
        click.echo(f"Still open {round_id}: too few respondents arrived since its last release "
                   "to release it again (the two versions would give them away); it waits "
                   "for more")
    already = len(wanted) - len(closed) - len(held)
    click.echo(f"{len(closed)} rounds closed, {already} were closed already, "
               f"{len(held)} wait for more respondents.")


@central.command("publish")
@central_home_option
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The SQLite file to write (replaced if it exists).")
@click.option("--by", default="steward", show_default=True,
              help="Who publishes, for the audit log.")
def publish_command(home: Path, out: Path, by: str) -> None:
    """Write the disclosure-controlled SQLite file analysts open in Datasette.

    Only counts from closed rounds, each from at least k respondents, with the
    counts that would reveal a hidden one hidden too; `_disclosure` states the
    thresholds and what was hidden. Not record-level: central.db stays with you.

    Example:

        amplify central publish --home ~/brand --out foa-figures.db && datasette foa-figures.db
    """
    require_home(home)
    if not out.parent.is_dir():
        raise click.ClickException(f"{out.parent} is not a folder")
    CentralHome.open(home)
    result = publish(home, out)
    access.audit(home, by, "export", out.name, "publish")
    hidden = sum(result.hidden.values())
    click.echo(f"Wrote {out}: {result.rounds} released rounds, {result.figures} counts "
               f"({hidden} hidden)")
