"""`amplify translations ...` as a user runs it: a real process, from another folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from survey_app import catalogs, i18n
from survey_app.i18n_status import FORMS, built_in_forms, form_coverage
from tests.xlsform_factory import write_xlsform

AMPLIFY = [sys.executable, "-c", "from survey_app.cli import main; main()"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*AMPLIFY, "translations", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_status_reports_every_language(tmp_path):
    result = _run("status", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for item in i18n.languages():
        assert f"{item.code:<3} {item.native_name} — {item.english_name} " \
               f"[{item.direction}]" in result.stdout
    assert result.stdout.count("    interface ") == 16
    assert result.stdout.count("draft: machine-assisted") >= 15
    for form in built_in_forms():
        assert result.stdout.count(f"    {form.stem}") == 16


def test_status_json_counts_form_fallbacks_like_the_workbooks_say(tmp_path):
    result = _run("status", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = {entry["code"]: entry for entry in json.loads(result.stdout)}
    assert list(report) == [item.code for item in i18n.languages()]
    assert report["ar"]["direction"] == "rtl" and report["ar"]["native_name"] == "العربية"
    assert report["en"]["fallbacks"] == 0
    for path in built_in_forms():
        counted = form_coverage(path)
        for code, entry in report.items():
            form = next(form for form in entry["forms"] if form["form"] == path.stem)
            assert form["fallbacks"] == counted[code].fallbacks
            assert form["total"]["labels"] > 0


def test_form_coverage_counts_an_empty_cell_as_a_fallback(tmp_path):
    path = write_xlsform(
        tmp_path / "small.xlsx",
        [{"type": "text", "name": "a", "label::English (en)": "First",
          "label::Khmer (km)": "ទីមួយ", "hint::English (en)": "A hint"},
         {"type": "select_one yn", "name": "b", "label::English (en)": "Second"}],
        choices_rows=[{"list_name": "yn", "name": "yes", "label::English (en)": "Yes",
                       "label::Chinese (zh)": "是"}],
        settings={"form_id": "small", "version": "1", "default_language": "English (en)"})
    counted = form_coverage(path, ["en", "km", "zh"])
    assert counted["km"].filled == {"labels": 1, "hints": 0, "messages": 0, "choices": 0}
    assert counted["km"].total == {"labels": 2, "hints": 1, "messages": 0, "choices": 1}
    assert counted["km"].fallbacks == 3
    assert counted["zh"].filled["choices"] == 1
    assert counted["en"].fallbacks == 0


def test_the_template_holds_every_string_in_the_code():
    """A new `_("...")` needs `amplify translations extract && amplify translations update`.

    Compares the strings, not the file: a moved line changes only a location comment.
    """
    in_code = catalogs.extract_messages(i18n.TRANSLATIONS.parent, i18n.TRANSLATIONS / "babel.cfg")
    template = catalogs.read_catalog(catalogs.template_path(i18n.TRANSLATIONS))

    def keys(catalog):
        return {(message.context, str(message.id)) for message in catalog if message.id}

    assert keys(in_code) - keys(template) == set(), \
        "run `amplify translations extract && amplify translations update`"


def test_extract_and_update_on_a_copy(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    (copy / "km").rename(tmp_path / "km-moved-away")
    result = _run("extract", "--dir", str(copy), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "messages.pot:" in result.stdout
    result = _run("update", "--dir", str(copy), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("messages.po:") == 15
    assert catalogs.po_path(copy, "km").exists()  # a missing catalog is created


def test_compile_checks_and_builds_every_catalog(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    result = _run("compile", "--dir", str(copy), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "15 compiled, 15 catalogs" in result.stdout
    assert len(list(copy.rglob("*.mo"))) == 15


def test_compile_refuses_a_catalog_whose_placeholders_do_not_match(tmp_path):
    copy = tmp_path / "translations"
    po = copy / "km" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "%(count)s answers"\nmsgstr "ចម្លើយ %(number)s"\n', encoding="utf-8")
    result = _run("compile", "--dir", str(copy), cwd=tmp_path)
    assert result.returncode != 0
    assert f"{po}:5:" in result.stderr
    assert not po.with_suffix(".mo").exists()


def test_forms_folder_is_the_repositorys():
    assert i18n.TRANSLATIONS.parent / "forms" == FORMS
