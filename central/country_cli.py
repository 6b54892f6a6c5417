"""``amplify central country list|import``: the country context profiles show."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from . import country, keys


@click.group("country")
def country_group() -> None:
    """Country context: ITUC Global Rights Index rating and ILO C087/C098 ratification.

    Example:

        amplify central country list --home ~/brand
    """


@country_group.command("list")
@click.option("--home", envvar="AMPLIFY_CENTRAL_HOME", show_envvar=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="A central home whose imported copy to show (default: the shipped data).")
def list_countries(home: Path | None) -> None:
    """List the country context profiles show, one country per line.

    Uses the home's imported copy if there is one, else the data shipped with Amplify.
    A blank value is shown as "not verified"; partly verified rows are marked.

    Example:

        amplify central country list --home ~/brand
    """
    path = country.source_path(home)
    try:
        contexts = country.load(path)
    except country.CountryDataError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Source: {path}")
    for ctx in sorted(contexts.values(), key=lambda c: c.country):
        mark = " [partly verified]" if country.is_partly_verified(ctx) else ""
        click.echo(f"{ctx.iso2}  {ctx.country}: {country.ituc_text(ctx)}; "
                   f"{country.ilo_text(ctx, 'C087')}; {country.ilo_text(ctx, 'C098')}{mark}")


@country_group.command("import")
@click.option("--home", required=True, envvar="AMPLIFY_CENTRAL_HOME", show_envvar=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The brand's central home.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_countries(home: Path, file: Path) -> None:
    """Check an updated country-context CSV and use it from now on in this home.

    Every row must give a source for each value it carries (ituc_source for a rating,
    ilo_source for a ratification), a two-letter iso2 code and verified yes or partly.
    A refused file changes nothing; the error names the file and rows.

    Example:

        amplify central country import --home ~/brand country_context.csv
    """
    if not keys.keys_path(home).exists():
        raise click.ClickException(f"{home} is not a central home: run "
                                   f"`amplify central init --home {home}`")
    data = file.read_bytes()
    try:
        contexts = country.validate_bytes(data, str(file))
    except country.CountryDataError as exc:
        raise click.ClickException(str(exc)) from None
    _replace(country.home_path(home), data)
    partly = sum(country.is_partly_verified(ctx) for ctx in contexts)
    click.echo(f"Imported {len(contexts)} countries ({partly} partly verified) into "
               f"{country.home_path(home)}")


def _replace(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically: readers see the old or the new file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".country-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def register(group: click.Group) -> None:
    group.add_command(country_group)
