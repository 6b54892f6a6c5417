"""``amplify forms``: add and list questionnaires (XLSForm)."""

from __future__ import annotations

from pathlib import Path

import click

from xlsform.errors import FormError
from xlsform.loader import load_xlsform

from ..store import formstore
from .common import home_option, open_station

SUFFIXES = {".xlsx", ".xls", ".csv", ".md"}


@click.group()
def forms() -> None:
    """Questionnaires: add XLSForms, list what the station has.

    Example:

        amplify forms list
    """


@forms.command("add")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@home_option
def add(files: tuple[Path, ...], home: Path | None) -> None:
    """Add XLSForm FILES (.xlsx, .xls, .csv, .md) to the station.

    Every file is checked first; if any is broken, nothing is stored and the
    message names the file, sheet and row. A form keeps its form_id and version
    (settings sheet); a new version is stored beside the old one, so answers
    given in the old version keep their meaning.

    Example:

        amplify forms add partner_questions.xlsx
    """
    loaded = []
    for path in files:
        if path.suffix.lower() not in SUFFIXES:
            raise click.ClickException(
                f"{path}: not an XLSForm file (use .xlsx, .xls, .csv or .md)")
        try:
            loaded.append((path, load_xlsform(path)))
        except FormError as exc:
            raise click.ClickException(f"{path}: {exc}") from None
    station = open_station(home)
    try:
        items = [(definition, path.read_bytes(), path.name) for path, definition in loaded]
        try:
            added = formstore.add_forms(station.store, items)
        except formstore.FormVersionConflict as exc:
            raise click.ClickException(f"{exc}; nothing was stored") from None
        for (_, definition), new in zip(loaded, added, strict=True):
            state = "added" if new else "already present"
            click.echo(f"{definition.form_id} version {definition.version}: {state}")
    finally:
        station.close()


@forms.command("list")
@home_option
def list_(home: Path | None) -> None:
    """List the questionnaires on this station, every version.

    Example:

        amplify forms list --home ~/amplify
    """
    station = open_station(home)
    try:
        for form in formstore.list_forms(station.store):
            click.echo(f"{form.form_id}\t{form.version}\t{form.title}\t({form.source_name})")
    finally:
        station.close()


def register(group: click.Group) -> None:
    group.add_command(forms)
