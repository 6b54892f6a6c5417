"""The gettext catalogs in ``translations/``: extract, update, check and compile with Babel.

Compiled ``.mo`` files are not kept in git nor shipped in the wheel. :func:`compile_stale`
builds any that is missing or older than its ``.po`` when the app starts, so a fresh clone and
a translator's edited catalog both work after a (re)start. Several processes may start at
once: each writes a temporary file beside the target and renames it into place, so no reader
sees half a file. Where the catalogs' folder cannot be written (an install in a system
folder), :func:`compile_into_writable` puts the ``.mo`` files in another folder instead.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

DOMAIN = "messages"
PROJECT = "Amplify"
COPYRIGHT_HOLDER = "the Amplify contributors"
BUGS_ADDRESS = "the project's issue tracker"
# Flask-Babel's lazy forms and our gettext_in(lang, text) are translatable too.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2), "gettext_in": (2,)}
TRANSLATOR_COMMENT_TAG = "TRANSLATORS:"
# Babel's own method names for the mapping file; a Jinja2 install without entry points
# still works because the extractor is named by its import path.
METHODS = {"jinja2": "jinja2.ext:babel_extract"}


@dataclass(frozen=True)
class Problem:
    """Something wrong in a catalog, with where it is."""

    path: Path
    line: int
    msgid: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message} (msgid {self.msgid!r})"


@dataclass(frozen=True)
class Coverage:
    """How much of the interface one catalog translates."""

    translated: int
    fuzzy: int
    total: int

    @property
    def untranslated(self) -> int:
        return self.total - self.translated

    @property
    def percent(self) -> float:
        return 100.0 if not self.total else round(100.0 * self.translated / self.total, 1)


def po_path(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(directory: Path) -> Path:
    return directory / f"{DOMAIN}.pot"


def catalog_files(directory: Path) -> list[Path]:
    """Every ``<locale>/LC_MESSAGES/messages.po`` under ``directory``."""
    return sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (atomic on POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- checking and compiling -------------------------------------------------------------

def check_catalog(path: Path) -> list[Problem]:
    """Babel's checkers (placeholders, plural forms) on every translated message."""
    catalog = read_catalog(path)
    problems: list[Problem] = []
    for message, errors in catalog.check():
        line = message.lineno or 0
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        problems.extend(Problem(path, line, msgid, str(error)) for error in errors)
    return problems


def compile_catalog(po: Path, mo: Path | None = None) -> Path:
    """Compile one ``.po`` into its ``.mo`` (fuzzy entries left out, as gettext does)."""
    target = mo or po.with_suffix(".mo")
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(po), use_fuzzy=False)
    _atomic_write(target, buffer.getvalue())
    return target


def mo_path(po: Path, directory: Path, out: Path | None = None) -> Path:
    """Where ``po`` (a catalog under ``directory``) compiles to: beside it, or the same
    ``<locale>/LC_MESSAGES/messages.mo`` under ``out``."""
    mo = po.with_suffix(".mo")
    return out / mo.relative_to(directory) if out else mo


def is_stale(po: Path, mo: Path | None = None) -> bool:
    mo = mo or po.with_suffix(".mo")
    try:
        return mo.stat().st_mtime_ns < po.stat().st_mtime_ns
    except FileNotFoundError:
        return True


def compile_stale(directory: Path, force: bool = False, out: Path | None = None) -> list[Path]:
    """Compile each catalog whose ``.mo`` is missing or older than its ``.po``.

    The ``.mo`` files go beside the ``.po`` files, or under ``out`` in the same layout.
    """
    targets = [(po, mo_path(po, directory, out)) for po in catalog_files(directory)]
    return [compile_catalog(po, mo) for po, mo in targets if force or is_stale(po, mo)]


def compile_into_writable(directory: Path, fallback: Path) -> Path:
    """Compile stale catalogs and return the folder that holds the ``.mo`` files.

    That is ``directory`` itself when it can be written (a checkout, a user's own venv);
    when writing there fails (a package installed in a read-only system folder), the
    catalogs are compiled under ``fallback`` instead, in the same layout, and that is
    returned. Flask-Babel reads the ``.mo`` files from the folder returned.
    """
    try:
        compile_stale(directory)
        return directory
    except OSError:
        compile_stale(directory, out=fallback)
        return fallback


# --- extracting and updating ------------------------------------------------------------

def read_mapping(mapping_file: Path) -> tuple[list[tuple[str, str]], dict]:
    with mapping_file.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename=str(mapping_file))
    return [(pattern, METHODS.get(method, method)) for pattern, method in method_map], options_map


def _version() -> str:
    try:
        return metadata.version("amplify-survey")
    except metadata.PackageNotFoundError:
        return "dev"


def _describe(catalog: Catalog, language_name: str | None = None) -> None:
    """Our header instead of Babel's placeholders (Poedit shows these fields)."""
    catalog.project, catalog.version = PROJECT, _version()
    catalog.copyright_holder = COPYRIGHT_HOLDER
    catalog.msgid_bugs_address = BUGS_ADDRESS
    title = f"{language_name} translation" if language_name else "Translation template"
    catalog.header_comment = (f"# {title} of the Amplify interface.\n"
                              "# Review status per language: translations/languages.json.\n#")
    if language_name:
        catalog.language_team = language_name


def extract_messages(root: Path, mapping_file: Path) -> Catalog:
    """Every translatable string in the code and templates under ``root``."""
    method_map, options_map = read_mapping(mapping_file)
    catalog = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    _describe(catalog)
    found = extract_from_dir(root, method_map, options_map, keywords=KEYWORDS,
                             comment_tags=(TRANSLATOR_COMMENT_TAG,), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def _po_bytes(catalog: Catalog, **options: object) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_output=True, **options)
    return buffer.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines()
                      if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:')))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write unless only the header dates would change (keeps diffs to real changes)."""
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    _atomic_write(path, data)
    return True


def write_template(directory: Path, catalog: Catalog) -> bool:
    return write_if_changed(template_path(directory), _po_bytes(catalog))


def update_catalog(directory: Path, locale: str, template: Catalog,
                   language_name: str | None = None) -> tuple[Path, bool]:
    """Merge the template into one language's catalog, creating it when missing.

    Changed source strings become fuzzy (a translator confirms them); strings no longer in
    the code are kept at the end as obsolete (``#~``) so no translation is lost.
    """
    path = po_path(directory, locale)
    if path.exists():
        catalog = read_catalog(path, locale=locale)
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project=PROJECT, charset="utf-8",
                          fuzzy=False)
    catalog.update(template, update_creation_date=True)
    _describe(catalog, language_name)
    return path, write_if_changed(path, _po_bytes(catalog))


def coverage(path: Path, template: Catalog | None = None) -> Coverage:
    """Translated (not fuzzy) messages of one catalog out of the template's.

    Counted against the template when given, so a string added to the code but not yet
    merged into the catalog counts as untranslated. A missing catalog translates nothing.
    """
    catalog = read_catalog(path) if path.exists() else Catalog()
    wanted = [message for message in (template or catalog) if message.id]
    translated = fuzzy = 0
    for wanted_message in wanted:
        message = catalog.get(wanted_message.id, context=wanted_message.context)
        if message is None:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif _has_translation(message.string):
            translated += 1
    return Coverage(translated, fuzzy, len(wanted))


def _has_translation(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)
