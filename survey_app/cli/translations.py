"""``amplify translations``: extract, update, compile and report the interface catalogs.

All through Babel's Python API (no ``pybabel`` subprocess). The catalogs live in the
top-level ``translations/`` folder; the languages are listed in ``translations/languages.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from xlsform.errors import FormError

from .. import catalogs
from ..i18n import DEFAULT_LANGUAGE, TRANSLATIONS, languages
from ..i18n_status import FORMS, LanguageStatus, status
from ..text import ZAWGYI_CONVERTED, ZAWGYI_DETECTED, zawgyi_conversion_available

REPO = TRANSLATIONS.parent
MAPPING_FILE = TRANSLATIONS / "babel.cfg"

directory_option = click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=TRANSLATIONS,
    show_default=True, help="The translations folder.")


@click.group("translations")
def translations_group() -> None:
    """Interface translations: extract strings, update and compile catalogs, show coverage.

    A translator edits translations/<locale>/LC_MESSAGES/messages.po (Poedit works well);
    the station compiles changed catalogs when it starts.

    Example:

        amplify translations extract && amplify translations update
        amplify translations status
    """


@translations_group.command("extract")
@directory_option
def extract_command(directory: Path) -> None:
    """Collect every translatable string of the code and templates into messages.pot.

    Reads translations/babel.cfg for which files to scan. The file is rewritten only when
    a string changed, so dates alone never make a diff.

    Example:

        amplify translations extract
    """
    catalog = catalogs.extract_messages(REPO, MAPPING_FILE)
    changed = catalogs.write_template(directory, catalog)
    count = len([message for message in catalog if message.id])
    state = "written" if changed else "unchanged"
    click.echo(f"{catalogs.template_path(directory)}: {count} strings ({state})")


@translations_group.command("update")
@directory_option
def update_command(directory: Path) -> None:
    """Merge messages.pot into every language's catalog (creating missing ones).

    New strings arrive untranslated, changed ones are marked fuzzy for a translator to
    confirm, removed ones are kept as obsolete (#~) at the end of the file.

    Example:

        amplify translations extract && amplify translations update
    """
    pot = catalogs.template_path(directory)
    if not pot.exists():
        raise click.ClickException(f"{pot} is missing: run `amplify translations extract`")
    template = catalogs.read_catalog(pot)
    for item in languages():
        if item.code == DEFAULT_LANGUAGE:
            continue
        path, changed = catalogs.update_catalog(directory, item.locale, template,
                                                item.english_name)
        click.echo(f"{path}: {'updated' if changed else 'unchanged'}")


@translations_group.command("compile")
@directory_option
@click.option("--force", is_flag=True, help="Compile every catalog, not only changed ones.")
def compile_command(directory: Path, force: bool) -> None:
    """Check every catalog with Babel's checkers and compile it to a .mo file.

    Fails, naming file, line and message, when a translation's placeholders or plural
    forms do not match the English. The station also compiles changed catalogs on start.

    Example:

        amplify translations compile --force
    """
    problems = [problem for po in catalogs.catalog_files(directory)
                for problem in catalogs.check_catalog(po)]
    if problems:
        raise click.ClickException("catalog errors:\n" + "\n".join(map(str, problems)))
    compiled = catalogs.compile_stale(directory, force=force)
    for path in compiled:
        click.echo(f"compiled {path}")
    click.echo(f"{len(compiled)} compiled, {len(catalogs.catalog_files(directory))} catalogs")


@translations_group.command("status")
@directory_option
@click.option("--forms", "forms_dir", type=click.Path(file_okay=False, path_type=Path),
              default=FORMS, show_default=True, help="Folder of the built-in questionnaires.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def status_command(directory: Path, forms_dir: Path, as_json: bool) -> None:
    """Per language: native name, direction, interface and questionnaire coverage, review.

    Questionnaire coverage counts the labels, hints, messages and choices a language fills
    in forms/*.xlsx; every empty one is shown in English ("fall back"). The last line says
    whether Burmese typed in Zawgyi is converted to Unicode on this install.

    Example:

        amplify translations status
        amplify translations status --json > status.json
    """
    try:
        report = status(directory, forms_dir)
    except FormError as exc:
        raise click.ClickException(f"a built-in form does not load: {exc}") from None
    if as_json:
        click.echo(json.dumps([item.as_dict() for item in report], ensure_ascii=False,
                              indent=2))
        return
    for item in report:
        click.echo(_format(item))
    click.echo(_zawgyi_line())


def _zawgyi_line() -> str:
    if zawgyi_conversion_available():
        return f"zawgyi: detected and converted to Unicode (ICU), flagged {ZAWGYI_CONVERTED}"
    return (f"zawgyi: detected only, conversion unavailable (module icu not installed): "
            f"kept as typed, flagged {ZAWGYI_DETECTED}")


def _format(item: LanguageStatus) -> str:
    language = item.language
    interface = item.interface
    lines = [f"{language.code:<3} {language.native_name} — {language.english_name} "
             f"[{language.direction}]",
             f"    interface       {interface.translated}/{interface.total} translated"
             f" ({interface.percent}%), {interface.fuzzy} fuzzy"]
    for form in item.forms:
        kinds = ", ".join(f"{kind} {form.filled[kind]}/{form.total[kind]}"
                          for kind in form.total if form.total[kind])
        lines.append(f"    {form.form:<15} {kinds or 'no text'}; "
                     f"{form.fallbacks} fall back to English")
    lines.append(f"    review          {language.review_status or 'not reviewed'}"
                 + (f" ({language.reviewed_by}, {language.reviewed_on})"
                    if language.reviewed_by else ""))
    if item.forms_review:
        lines.append(f"    forms review    {item.forms_review}")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    """Add ``amplify translations ...`` to the main group."""
    group.add_command(translations_group)
