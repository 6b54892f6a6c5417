"""The three built-in questionnaires in forms/: structure, privacy rules, shared constructs.

The workbooks are read with openpyxl (what Excel and LibreOffice users produce), converted with
pyxform (the reference parser) and checked against the rules in forms/README.md.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"
README = FORMS_DIR / "README.md"
FORMS = {
    "worker": ("amplify_worker", "Worker interview"),
    "representative": ("amplify_representative", "Worker representative interview"),
    "management": ("amplify_management", "Supplier management questionnaire"),
}
ENGLISH = "English (en)"
SURVEY_COLUMNS = [
    "type", "name", f"label::{ENGLISH}", f"hint::{ENGLISH}", "required",
    f"required_message::{ENGLISH}", "constraint", f"constraint_message::{ENGLISH}",
    "relevant", "calculation", "appearance", "sensitivity",
]
LANGUAGES = {  # code: (column name, a character range of the script, or "" for Latin)
    "km": ("Khmer", "\u1780-\u17ff"), "my": ("Burmese", "\u1000-\u109f"),
    "bn": ("Bengali", "\u0980-\u09ff"), "hi": ("Hindi", "\u0900-\u097f"),
    "ta": ("Tamil", "\u0b80-\u0bff"), "kn": ("Kannada", "\u0c80-\u0cff"),
    "vi": ("Vietnamese", ""), "id": ("Indonesian", ""), "am": ("Amharic", "\u1200-\u137f"),
    "tr": ("Turkish", ""), "zh": ("Chinese", "\u4e00-\u9fff"), "es": ("Spanish", ""),
    "bg": ("Bulgarian", "\u0400-\u04ff"), "ur": ("Urdu", "\u0600-\u06ff"),
    "ar": ("Arabic", "\u0600-\u06ff"),
}
TRANSLATED_SURVEY_COLUMNS = ["label", "hint", "required_message", "constraint_message"]
SENSITIVITY_VALUES = {"", "sensitive", "quasi", "identifying"}
NON_QUESTION_TYPES = {"begin group", "end group", "note", "calculate"}
CONSENT_RELEVANT = "${consent} = 'yes'"
REQUIRED_ALLOWED = {"safe_place", "consent", "share_consent"}
XF = "{http://www.w3.org/2002/xforms}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Row:
    """One survey row; `number` is the spreadsheet row, for messages."""

    number: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")

    @property
    def type_words(self) -> list[str]:
        return self["type"].split()

    @property
    def is_select(self) -> bool:
        return bool(self.type_words) and self.type_words[0] in ("select_one", "select_multiple")

    @property
    def list_name(self) -> str:
        return self.type_words[1] if self.is_select else ""

    @property
    def is_question(self) -> bool:
        return bool(self["type"]) and self["type"] not in NON_QUESTION_TYPES


@dataclass
class Workbook:
    """The three sheets of one XLSForm as plain strings."""

    path: Path
    sheet_names: list[str]
    survey_header: list[str]
    survey: list[Row]
    choices: dict[str, list[str]] = field(default_factory=dict)
    choice_header: list[str] = field(default_factory=list)
    choice_rows: list[Row] = field(default_factory=list)
    settings: dict[str, object] = field(default_factory=dict)

    def question(self, name: str) -> Row:
        matches = [row for row in self.survey if row["name"] == name]
        assert len(matches) == 1, f"{self.path.name}: {len(matches)} rows named {name!r}"
        return matches[0]

    @property
    def questions(self) -> list[Row]:
        return [row for row in self.survey if row.is_question]

    def top_level_groups(self) -> list[tuple[Row, list[Row]]]:
        """Each top-level group (a page) with the rows inside it."""
        pages: list[tuple[Row, list[Row]]] = []
        depth = 0
        for row in self.survey:
            if row["type"] == "begin group":
                if depth == 0:
                    pages.append((row, []))
                    depth += 1
                    continue
                depth += 1
            elif row["type"] == "end group":
                depth -= 1
            if depth > 0:
                pages[-1][1].append(row)
        return pages


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _sheet_rows(sheet) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    rows = list(sheet.iter_rows(values_only=True))
    header = [_text(cell) for cell in rows[0]]
    body = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {header[i]: _text(v) for i, v in enumerate(values) if i < len(header)}
        if any(cells.values()):
            body.append((number, cells))
    return header, body


@cache
def load(stem: str) -> Workbook:
    path = FORMS_DIR / f"{stem}.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        header, survey = _sheet_rows(book["survey"])
        choice_header, choice_rows = _sheet_rows(book["choices"])
        settings_rows = list(book["settings"].iter_rows(values_only=True))
        workbook = Workbook(path, list(book.sheetnames), header,
                            [Row(number, cells) for number, cells in survey])
    finally:
        book.close()
    workbook.choice_header = choice_header
    for number, cells in choice_rows:
        workbook.choice_rows.append(Row(number, cells))
        workbook.choices.setdefault(cells["list_name"], []).append(cells["name"])
    workbook.settings = dict(zip(settings_rows[0], settings_rows[1], strict=False))
    return workbook


def shared_constructs() -> list[tuple[str, dict[str, str]]]:
    """The table between the shared-constructs markers in forms/README.md."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- shared-constructs:start -->(.*?)<!-- shared-constructs:end -->",
                      text, re.S)
    assert block, "forms/README.md has no shared-constructs table"
    lines = [line.strip() for line in block.group(1).strip().splitlines()]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["construct", *FORMS], f"unexpected table header {header}"
    table = []
    for line in lines[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        names = {stem: cell for stem, cell in zip(FORMS, cells[1:], strict=True)
                 if cell not in ("—", "-", "")}
        table.append((cells[0], names))
    return table


@pytest.fixture(params=list(FORMS))
def stem(request) -> str:
    return request.param


# 6. Files open with openpyxl and have the three sheets and the settings we promise.
def test_workbook_opens_with_sheets_and_settings(stem: str) -> None:
    form = load(stem)
    form_id, title = FORMS[stem]
    assert form.sheet_names[:3] == ["survey", "choices", "settings"]
    assert form.survey_header[: len(SURVEY_COLUMNS)] == SURVEY_COLUMNS
    assert form.settings["form_id"] == form_id
    assert form.settings["form_title"] == title
    assert form.settings["default_language"] == ENGLISH
    assert isinstance(form.settings["version"], str)
    assert re.fullmatch(r"\d{10}", form.settings["version"])


# 1. pyxform converts each form to an XForm with the right title and instance id.
def test_pyxform_converts_to_xform(stem: str) -> None:
    form_id, title = FORMS[stem]
    result = convert(xlsform=str(FORMS_DIR / f"{stem}.xlsx"))
    root = ET.fromstring(result.xform)
    assert root.findtext(f"{XHTML}head/{XHTML}title") == title
    instance = root.find(f"{XHTML}head/{XF}model/{XF}instance")
    assert instance is not None
    data = next(iter(instance))
    assert data.get("id") == form_id
    assert data.get("version") == load(stem).settings["version"]
    unexpected = [w for w in result.warnings if "or_other and translations" not in w]
    assert unexpected == []


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs java")
def test_odk_validate_accepts_form(stem: str) -> None:
    """pyxform's bundled ODK Validate: what ODK Collect and Kobo would accept."""
    convert(xlsform=str(FORMS_DIR / f"{stem}.xlsx"), validate=True)


# 2. Sensitive selects always let the person say "Don't know" or "Prefer not to say".
def test_sensitive_selects_offer_dont_know_and_prefer_not(stem: str) -> None:
    form = load(stem)
    sensitive = [row for row in form.questions if row["sensitivity"] == "sensitive"]
    assert sensitive
    for row in sensitive:
        if row.is_select:
            choices = form.choices[row.list_name]
            missing = {"dont_know", "prefer_not"} - set(choices)
            assert not missing, f"{form.path.name} survey row {row.number}: missing {missing}"


def test_free_text_is_sensitive_or_identifying(stem: str) -> None:
    form = load(stem)
    for row in form.questions:
        if row["type"] == "text":
            assert row["sensitivity"] in ("sensitive", "identifying"), row.number


def test_sensitivity_values_are_known(stem: str) -> None:
    form = load(stem)
    for row in form.survey:
        assert row["sensitivity"] in SENSITIVITY_VALUES, f"survey row {row.number}"


# 3. Quasi-identifiers are asked in bands only.
def test_quasi_questions_are_band_selects(stem: str) -> None:
    form = load(stem)
    quasi = [row for row in form.questions if row["sensitivity"] == "quasi"]
    assert quasi or stem == "representative", "worker and management forms ask a profile"
    for row in quasi:
        assert row.type_words[0] == "select_one", f"{form.path.name} row {row.number}"
        assert "prefer_not" in form.choices[row.list_name], f"row {row.number}"


# 4. Worker form: nothing identifying; first page is the consent page.
def test_worker_form_has_no_identifying_item() -> None:
    form = load("worker")
    assert [row.number for row in form.survey if row["sensitivity"] == "identifying"] == []
    for row in form.questions:
        assert not re.search(r"name|phone|birth|employee|_id$", row["name"]), row["name"]
        assert row["type"] not in ("date", "datetime", "geopoint", "image", "audio"), row.number


def test_identifying_items_only_in_representative_form_and_optional() -> None:
    form = load("representative")
    identifying = [row for row in form.questions if row["sensitivity"] == "identifying"]
    assert 1 <= len(identifying) <= 2
    assert all(row["required"] == "" for row in identifying)
    assert not [r for r in load("management").survey if r["sensitivity"] == "identifying"]


def test_first_page_is_consent_and_gates_every_other_page(stem: str) -> None:
    form = load(stem)
    pages = form.top_level_groups()
    first, first_rows = pages[0]
    assert first["name"] == "consent_page"
    assert form.survey[0] is first, "nothing may come before the consent page"
    names = [row["name"] for row in first_rows]
    assert "safe_place" in names and "consent" in names
    consent = form.question("consent")
    assert consent["type"] == "select_one yes_no" and consent["required"] == "yes"
    assert form.choices["yes_no"] == ["yes", "no"]
    assert any(row["type"] == "note" and "${consent} = 'no'" in row["relevant"]
               for row in first_rows)
    for group, _ in pages[1:]:
        assert CONSENT_RELEVANT in group["relevant"], f"group {group['name']}"


def test_pages_are_short(stem: str) -> None:
    for group, rows in load(stem).top_level_groups():
        count = sum(1 for row in rows if row.is_question)
        assert 2 <= count <= 8, f"page {group['name']} has {count} questions"


def test_only_consent_items_are_required(stem: str) -> None:
    required = {row["name"] for row in load(stem).survey if row["required"]}
    assert "consent" in required
    assert required <= REQUIRED_ALLOWED


def test_form_uses_the_promised_question_kinds(stem: str) -> None:
    form = load(stem)
    types = [row["type"] for row in form.survey]
    assert any(t.startswith("select_multiple") and t.endswith(" or_other") for t in types)
    assert "note" in types and "text" in types
    integers = [row for row in form.questions if row["type"] == "integer"]
    assert integers
    for row in integers:
        assert row["constraint"] and row[f"constraint_message::{ENGLISH}"], row.number


def test_select_lists_exist_and_multi_answers_are_exclusive(stem: str) -> None:
    form = load(stem)
    for row in form.questions:
        if row.is_select:
            assert row.list_name in form.choices, f"row {row.number}: no list {row.list_name}"
        if row["type"].startswith("select_multiple"):
            assert "count-selected(.)" in row["constraint"], f"row {row.number}"


def test_union_membership_only_in_union_led_deployments() -> None:
    worker = load("worker")
    assert worker.question("union_led")["calculation"] == "'no'"
    assert worker.question("union_member")["relevant"] == "${union_led} = 'yes'"
    for stem in ("representative", "management"):
        assert "union_member" not in {row["name"] for row in load(stem).survey}


def test_management_date_is_not_identifying() -> None:
    dates = [row for row in load("management").questions if row["type"] == "date"]
    assert dates and all(row["sensitivity"] == "" for row in dates)


# 5. Shared constructs: the README table and the forms agree.
def test_shared_constructs_match_readme() -> None:
    table = shared_constructs()
    assert len(table) >= 10
    for construct, names in table:
        assert len(names) >= 2, f"{construct!r} is in fewer than two forms"
        assert len(set(names.values())) == 1, f"{construct!r}: names differ {names}"
        rows = {stem: load(stem).question(name) for stem, name in names.items()}
        types = {row["type"] for row in rows.values()}
        assert len(types) == 1, f"{construct!r}: types differ {types}"
        lists = {tuple(load(stem).choices[row.list_name]) for stem, row in rows.items()
                 if row.is_select}
        assert len(lists) <= 1, f"{construct!r}: choice lists differ"
        assert len({row["sensitivity"] for row in rows.values()}) == 1, construct


def test_every_name_in_two_forms_is_documented() -> None:
    documented: dict[str, set[str]] = {}
    for _, names in shared_constructs():
        for stem, name in names.items():
            documented.setdefault(name, set()).add(stem)
    seen: dict[str, set[str]] = {}
    for stem in FORMS:
        for row in load(stem).questions:
            seen.setdefault(row["name"], set()).add(stem)
    shared = {name: stems for name, stems in seen.items() if len(stems) > 1}
    assert shared == documented


def test_shared_constructs_reach_all_three_forms() -> None:
    in_all = {names["worker"] for _, names in shared_constructs() if len(names) == 3}
    assert {"union_present", "committee_present", "rep_selection", "cba_exists",
            "interference_seen", "retaliation_12m"} <= in_all


@pytest.fixture(scope="module")
def app_loader():
    """The app's own XLSForm loader, once another helper has written it."""
    return pytest.importorskip("xlsform.loader")


def test_app_loader_loads_each_form(app_loader, stem: str) -> None:
    definition = app_loader.load_xlsform(FORMS_DIR / f"{stem}.xlsx")
    assert definition.form_id == FORMS[stem][0]
    assert definition.version == load(stem).settings["version"]


# Phase 2: translations into the interface languages of the product brief.
def _translated_cells(form: Workbook):
    """(sheet, row, English column, language column) for each text cell to translate."""
    for code, (name, _) in LANGUAGES.items():
        for base in TRANSLATED_SURVEY_COLUMNS:
            for row in form.survey:
                yield "survey", row, f"{base}::{ENGLISH}", f"{base}::{name} ({code})"
        for row in form.choice_rows:
            yield "choices", row, f"label::{ENGLISH}", f"label::{name} ({code})"


def test_every_language_has_its_columns(stem: str) -> None:
    form = load(stem)
    for code, (name, _) in LANGUAGES.items():
        language = f"{name} ({code})"
        for base in TRANSLATED_SURVEY_COLUMNS:
            assert f"{base}::{language}" in form.survey_header, f"survey {base}::{language}"
        assert f"label::{language}" in form.choice_header, f"choices label::{language}"
    assert len(LANGUAGES) + 1 == 16


def test_every_english_text_is_translated(stem: str) -> None:
    form = load(stem)
    missing = [f"{sheet} row {row.number} {column}"
               for sheet, row, english, column in _translated_cells(form)
               if row[english] and not row[column]]
    assert missing == []


def test_translations_are_nfc_and_in_the_right_script(stem: str) -> None:
    form = load(stem)
    for sheet, row, english, column in _translated_cells(form):
        text = row[column]
        assert unicodedata.normalize("NFC", text) == text, f"{sheet} row {row.number} {column}"
        script = LANGUAGES[column.rsplit("(", 1)[1].rstrip(")")][1]
        if text and script and re.search("[A-Za-z]", row[english]):
            assert re.search(f"[{script}]", text), f"{sheet} row {row.number} {column}: {text}"


def test_burmese_is_unicode_not_zawgyi(stem: str) -> None:
    detector = pytest.importorskip("myanmartools").ZawgyiDetector()
    form = load(stem)
    for sheet, row, _, column in _translated_cells(form):
        if column.endswith("(my)") and len(row[column]) >= 12:
            probability = detector.get_zawgyi_probability(row[column])
            assert probability < 0.5, f"{sheet} row {row.number}: {row[column]}"


def test_pyxform_builds_a_translation_per_language(stem: str) -> None:
    result = convert(xlsform=str(FORMS_DIR / f"{stem}.xlsx"))
    root = ET.fromstring(result.xform)
    languages = {t.get("lang") for t in root.iter(f"{XF}translation")}
    expected = {ENGLISH} | {f"{name} ({code})" for code, (name, _) in LANGUAGES.items()}
    assert languages == expected


def test_translation_status_file_covers_every_language() -> None:
    status = json.loads((FORMS_DIR / "translations.json").read_text(encoding="utf-8"))
    for code in LANGUAGES:
        assert status[code]["status"].startswith("draft"), code
        assert sorted(status[code]["forms"]) == sorted(f"{stem}.xlsx" for stem in FORMS)
