"""Gettext catalogs: all present, placeholders match (Babel's checkers), compile at start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import write_po

from survey_app import catalogs, i18n

LOCALES = [item.locale for item in i18n.languages() if item.code != "en"]


def test_there_is_a_template_and_a_catalog_for_each_of_the_15_languages():
    assert catalogs.template_path(i18n.TRANSLATIONS).exists()
    assert len(LOCALES) == 15
    for locale in LOCALES:
        assert catalogs.po_path(i18n.TRANSLATIONS, locale).exists(), locale


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_passes_babels_checkers_and_compiles(locale, tmp_path):
    po = catalogs.po_path(i18n.TRANSLATIONS, locale)
    assert catalogs.check_catalog(po) == []
    mo = catalogs.compile_catalog(po, tmp_path / "messages.mo")
    with mo.open("rb") as handle:
        compiled = read_mo(handle)
    source = catalogs.read_catalog(po)
    translated = {_key(message.id) for message in source
                  if message.id and message.string and not message.fuzzy}
    assert translated <= {_key(message.id) for message in compiled if message.id}


def _key(message_id: str | list | tuple) -> str | tuple:
    """Plural entries have a list of ids (singular, plural): make them hashable."""
    return message_id if isinstance(message_id, str) else tuple(message_id)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_knows_every_string_of_the_template(locale):
    """`amplify translations update` has been run since the last `extract`."""
    template = catalogs.read_catalog(catalogs.template_path(i18n.TRANSLATIONS))
    catalog = catalogs.read_catalog(catalogs.po_path(i18n.TRANSLATIONS, locale))
    missing = [message.id for message in template
               if message.id and catalog.get(message.id, context=message.context) is None]
    assert missing == []


def test_a_mismatched_placeholder_is_reported_with_file_and_line(tmp_path):
    po = tmp_path / "km" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "%(count)s answers"\nmsgstr "%(total)s ចម្លើយ"\n', encoding="utf-8")
    problems = catalogs.check_catalog(po)
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{po}:5:")


def _copy_translations(tmp_path: Path) -> Path:
    target = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, target, ignore=shutil.ignore_patterns("*.mo"))
    return target


def test_compile_stale_builds_missing_and_older_mo_files_only(tmp_path):
    directory = _copy_translations(tmp_path)
    assert len(catalogs.compile_stale(directory)) == 15  # a fresh clone has no .mo
    assert catalogs.compile_stale(directory) == []  # nothing changed: nothing to do
    po = catalogs.po_path(directory, "km")
    mo = po.with_suffix(".mo")
    later = mo.stat().st_mtime_ns + 10**9
    os.utime(po, ns=(later, later))  # the translator saved the .po after the last build
    assert catalogs.compile_stale(directory) == [mo]


def test_several_processes_compiling_at_once_leave_whole_files(tmp_path):
    directory = _copy_translations(tmp_path)
    code = ("import sys; from pathlib import Path; from survey_app.catalogs import compile_stale;"
            "compile_stale(Path(sys.argv[1]), force=True)")
    workers = [subprocess.Popen([sys.executable, "-c", code, str(directory)])
               for _ in range(6)]
    assert [worker.wait(timeout=120) for worker in workers] == [0] * 6
    for po in catalogs.catalog_files(directory):
        with po.with_suffix(".mo").open("rb") as handle:
            read_mo(handle)  # raises on a truncated or mixed file
    assert not list(directory.rglob("*.tmp"))


def test_extract_update_compile_round_trip(tmp_path):
    """A new string reaches every catalog untranslated; a changed one turns fuzzy."""
    root = tmp_path / "project"
    (root / "survey_app").mkdir(parents=True)
    source = root / "survey_app" / "page.py"
    source.write_text('from flask_babel import gettext as _\n'
                      '# TRANSLATORS: the button that ends the interview\n'
                      'DONE = _("Finish")\nBOTH = gettext_in(lang, "Thank you")\n',
                      encoding="utf-8")
    (root / "survey_app" / "templates").mkdir()
    (root / "survey_app" / "templates" / "a.html").write_text(
        '{{ _("Next page") }} {% trans %}Skip{% endtrans %}', encoding="utf-8")
    directory = tmp_path / "translations"
    mapping = i18n.TRANSLATIONS / "babel.cfg"

    template = catalogs.extract_messages(root, mapping)
    assert {message.id for message in template if message.id} == \
        {"Finish", "Thank you", "Next page", "Skip"}
    assert template.get("Finish").auto_comments == ["the button that ends the interview"]
    assert catalogs.write_template(directory, template)
    assert not catalogs.write_template(directory, template)  # unchanged: not rewritten

    path, _ = catalogs.update_catalog(directory, "km", template)
    catalog = catalogs.read_catalog(path)
    catalog.get("Finish").string = "បញ្ចប់"
    with path.open("wb") as handle:
        write_po(handle, catalog)

    source.write_text('from flask_babel import gettext as _\nDONE = _("Finish now")\n',
                      encoding="utf-8")
    catalogs.update_catalog(directory, "km", catalogs.extract_messages(root, mapping))
    updated = catalogs.read_catalog(path)
    assert updated.get("Finish now").fuzzy
    assert updated.get("Finish now").string == "បញ្ចប់"
    assert catalogs.coverage(path).fuzzy == 1


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_are_nfc_and_burmese_is_unicode_not_zawgyi(locale):
    from unicodedata import is_normalized

    from survey_app.text import is_zawgyi

    for message in catalogs.read_catalog(catalogs.po_path(i18n.TRANSLATIONS, locale)):
        strings = message.string if isinstance(message.string, tuple | list) \
            else [message.string]
        for string in filter(None, strings):
            assert is_normalized("NFC", string), (locale, message.id)
            assert not is_zawgyi(string), (locale, message.id)
            # Burmese in Unicode stays in U+1000-U+104F; Zawgyi puts its stacked letters
            # and other forms at U+1050-U+109F (Unicode's Mon, Shan and Karen letters).
            if locale == "my":
                assert not [char for char in string if "\u1050" <= char <= "\u109f"], \
                    message.id
