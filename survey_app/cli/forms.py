"""``amplify forms``: add and list questionnaires (XLSForm)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xlsform import check as form_check
from xlsform.errors import FormError
from xlsform.loader import attachment_names, load_xlsform, xform_from_bytes

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
@click.option("--drop-unsupported", is_flag=True,
              help="Leave out location, media, barcode and device-metadata questions (and "
                   "what depends only on them) instead of refusing the form.")
@home_option
def add(files: tuple[Path, ...], drop_unsupported: bool, home: Path | None) -> None:
    """Add XLSForm FILES (.xlsx, .xls, .csv, .md) to the station, with the CSV
    and GeoJSON files they read (select_one_from_file, search(), pulldata()).

    Every file is checked first; if any is broken, nothing is stored and the
    message names the file, sheet and row. A form keeps its form_id and version
    (settings sheet); a new version is stored beside the old one, so answers
    given in the old version keep their meaning. Questions a phone must not
    collect (location, photos, barcodes, device metadata) refuse the form
    unless --drop-unsupported leaves them out; what was left out is listed.

    Example:

        amplify forms add partner_questions.xlsx
        amplify forms add --drop-unsupported kobo_export.xlsx
        amplify forms add market_survey.xlsx towns.csv fruits.csv
    """
    loaded = []
    form_paths, attachments = split_attachments(files)
    for path in form_paths:
        if path.suffix.lower() not in SUFFIXES:
            raise click.ClickException(
                f"{path}: not an XLSForm file (use .xlsx, .xls, .csv or .md)")
        try:
            loaded.append((path, load_xlsform(path, drop_unsupported=drop_unsupported,
                                              attachments=attachments)))
        except FormError as exc:
            raise click.ClickException(f"{path}: {exc}") from None
    for path, definition in loaded:
        _echo_notes(path, definition.dropped, definition.warnings)
    station = open_station(home)
    try:
        items = [(definition, path.read_bytes(), path.name) for path, definition in loaded]
        try:
            added = formstore.add_forms(station.store, items)
        except formstore.FormVersionConflict as exc:
            raise click.ClickException(f"{exc}; nothing was stored") from None
        for (_, definition), new in zip(loaded, added, strict=True):
            state = "added" if new else "already present"
            reads = f" (reads {', '.join(definition.attachments)})" if definition.attachments \
                else ""
            click.echo(f"{definition.form_id} version {definition.version}: {state}{reads}")
    finally:
        station.close()


@forms.command("list")
@home_option
def list_(home: Path | None) -> None:
    """List the questionnaires on this station, every version, with the questions
    --drop-unsupported left out of each.

    Example:

        amplify forms list --home ~/amplify
    """
    station = open_station(home)
    try:
        for form in formstore.list_forms(station.store):
            dropped = formstore.get_form(station.store, form.form_id, form.version).dropped
            left_out = f"\tleft out: {', '.join(dropped)}" if dropped else ""
            click.echo(f"{form.form_id}\t{form.version}\t{form.title}\t({form.source_name})"
                       f"{left_out}")
    finally:
        station.close()


@forms.command("check")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON document for scripts.")
def check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check XLSForm files, or every XLSForm in folders, without storing anything.

    One line per form: ready, ready after dropping (with --drop-unsupported
    on `forms add`; the questions left out are listed), or refused (sheet,
    row and reason), then pyxform's warnings. Exits with status 1 when any
    form is refused.

    Example:

        amplify forms check partner_forms/
        amplify forms check --json survey.xlsx
    """
    results = form_check.check_paths(paths)
    if not results:
        raise click.ClickException("no XLSForm files (.xlsx, .xls, .csv, .md) found there")
    counts = form_check.summary(results)
    if as_json:
        click.echo(json.dumps({"forms": [r.to_json() for r in results], "summary": counts},
                              ensure_ascii=False, indent=2))
    else:
        for result in results:
            click.echo(result.line())
            for warning in result.warnings:
                click.echo(f"    warning: {warning}")
        click.echo(f"{counts['forms']} forms: {counts[form_check.READY]} ready, "
                   f"{counts[form_check.READY_AFTER_DROPPING]} ready after dropping, "
                   f"{counts[form_check.REFUSED]} refused")
    if counts[form_check.REFUSED]:
        raise SystemExit(1)


@forms.command("export")
@click.argument("form_id")
@click.option("--xform", "as_xform", is_flag=True, required=True,
              help="Write the XForm XML (the only format so far).")
@click.option("--version", default=None, help="A stored version (default: the newest).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@home_option
def export(form_id: str, as_xform: bool, version: str | None, out: Path | None,
           home: Path | None) -> None:
    """Write the XForm of a stored questionnaire, to take it back to ODK or KoboToolbox.

    pyxform converts the XLSForm file the version was added from; a version added
    with --drop-unsupported is written without the questions it left out.

    Example:

        amplify forms export amplify_worker --xform --out worker.xml
        amplify forms export partner_survey --xform --version 3
    """
    station = open_station(home)
    try:
        try:
            source, name, definition = formstore.get_source(station.store, form_id, version)
        except formstore.FormNotFound as exc:
            raise click.ClickException(f"{exc}; `amplify forms list` shows them") from None
    finally:
        station.close()
    try:
        xform = xform_from_bytes(source, name, drop_unsupported=bool(definition.dropped),
                                 attachments=_encoded(definition.attachments))
    except FormError as exc:
        raise click.ClickException(f"{name}: {exc}") from None
    if out is None:
        click.echo(xform)
    else:
        out.write_text(xform, encoding="utf-8")
        click.echo(f"{form_id} version {definition.version}: XForm written to {out}")


def _encoded(texts: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in texts.items()}


def split_attachments(files: tuple[Path, ...]) -> tuple[list[Path], dict[str, bytes]]:
    """(the forms, the files they read by name): a file a form among ``files`` names
    (choices from a file, search(), pulldata()) is that form's attachment."""
    named = set().union(*(attachment_names(path) for path in files))
    forms = [path for path in files if path.name not in named]
    return forms, {path.name: path.read_bytes() for path in files if path.name in named}


def _echo_notes(path: Path, dropped: list[str], warnings: list[str]) -> None:
    if dropped:
        click.echo(f"{path}: left out (--drop-unsupported): {', '.join(dropped)}")
    for warning in warnings:
        click.echo(f"{path}: warning: {warning}")


def register(group: click.Group) -> None:
    group.add_command(forms)
