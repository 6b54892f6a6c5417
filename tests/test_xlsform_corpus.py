"""The external XLSForm corpus (../shared/xlsforms): every file loads or is refused clearly.

Refused means a FormError whose message names the sheet, and the row where one applies;
never another exception type.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import openpyxl
import pytest
import xlrd

from xlsform import FormError, check, load_xlsform

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "xlsforms"
FILES = (
    sorted(
        p
        for p in CORPUS.rglob("*")
        if p.suffix in {".xls", ".xlsx", ".csv", ".md"} and p.name != "SOURCES.md"
    )
    if CORPUS.is_dir()
    else []
)
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"external XLSForm corpus not found at {CORPUS}"
)
GEO_TYPES = {"geopoint", "start-geopoint", "gps", "geotrace", "geoshape", "location"}
DEVICE_TYPES = {"deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
                "audit", "phone number", "device id"}
# pyxform's messages that never have a row: about the file or a whole sheet.
NO_ROW_EXPECTED = ("not an XLSForm", "no sheet named")


def load(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: "Unknown extension is not supported"
        return load_xlsform(path)


def refusal(path: Path) -> FormError:
    with pytest.raises(FormError) as caught:
        load(path)
    return caught.value


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_loads_or_is_refused_with_sheet_and_row(path: Path):
    try:
        form = load(path)
    except FormError as error:
        assert re.match(r"^\w+ sheet", str(error)), str(error)
        if not any(text in error.message for text in NO_ROW_EXPECTED):
            assert error.row is not None, str(error)
            assert f"row {error.row}" in str(error)
        return
    assert form.pages and form.questions
    for page in form.pages:
        assert all(name in form.questions for name in page.question_names)


def test_the_corpus_is_not_empty_when_present():
    if not CORPUS.is_dir():
        pytest.skip(f"external XLSForm corpus not found at {CORPUS}")
    assert len(FILES) > 50


@needs_corpus
def test_duplicate_columns_are_refused_naming_sheet_and_row():
    error = refusal(CORPUS / "pyxform_bug_example_xls" / "duplicate_columns.xlsx")
    assert (error.sheet, error.row, error.column) == ("survey", 1, "label")
    assert str(error).startswith('survey sheet, row 1, column "label": ')


@needs_corpus
@pytest.mark.parametrize("folder", ["pyxform_bug_example_xls", "pyxform_example_xls"])
def test_bad_calc_is_refused_naming_sheet_and_row(folder: str):
    error = refusal(CORPUS / folder / "bad_calc.xlsx")
    assert (error.sheet, error.row, error.column) == ("survey", 2, "calculation")


@needs_corpus
def test_spec_test_loads_its_repeat_with_a_fixed_count():
    form = load_xlsform(CORPUS / "pyxform_example_xls" / "xlsform_spec_test.xlsx",
                        drop_unsupported=True)
    repeat = form.repeats["repeat_test"]
    assert repeat.row == 15 and repeat.page_names[0] == "group_test"
    assert form.questions["required_text"].repeat == "repeat_test"


@needs_corpus
def test_spec_test_without_unsupported_rows_loads_english_and_chinese(tmp_path: Path):
    """The spec test form minus its repeat, media/location rows dropped by the loader."""
    source = CORPUS / "pyxform_example_xls" / "xlsform_spec_test.xlsx"
    workbook = openpyxl.load_workbook(source, data_only=True)  # keep "=FALSE()" as a value
    sheet = workbook["survey"]
    unsupported = ("begin repeat", "end repeat")
    for row in range(sheet.max_row, 1, -1):
        if str(sheet.cell(row, 1).value or "").strip() in unsupported:
            sheet.delete_rows(row)
    path = tmp_path / "spec.xlsx"
    workbook.save(path)
    form = load_xlsform(path, drop_unsupported=True)  # location, media, device metadata
    assert {"en", "zh"} <= set(form.languages)
    assert form.language_names["zh"] == "chinese"
    assert form.questions["address"].label == {"en": "Enter an address", "zh": "您好"}
    message = form.questions["select_multiple_test"].constraint_message
    assert message["en"].startswith("Sorry") and "zh" in message
    everything = form.page("everything")
    assert everything.relevant == [
        "fn",
        "not",
        ["fn", "selected", ["ref", "skip_to_end"], ["lit", "yes"]],
    ]
    assert form.questions["required_text"].required_message == {
        "default": "Custom required message."
    }


def _survey_types(path: Path) -> list[str]:
    """The type column of the survey sheet, row 2 first (read without pyxform)."""
    if path.suffix == ".xls":
        sheet = xlrd.open_workbook(path).sheet_by_name("survey")
        rows = [sheet.row_values(i) for i in range(sheet.nrows)]
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet = openpyxl.load_workbook(path, read_only=True)["survey"]
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    column = [str(c).strip().lower() for c in rows[0]].index("type")
    return [str(row[column] or "").strip() for row in rows[1:]]


@needs_corpus
@pytest.mark.parametrize("name", ["waste_collection.xlsx", "waterpoints.xls"])
def test_osm_fieldwork_forms_with_gps_are_refused_at_the_first_row_a_phone_must_not_collect(
    name: str,
):
    path = CORPUS / "osm_fieldwork" / name
    types = _survey_types(path)
    first = next(i for i, t in enumerate(types, start=2) if t in GEO_TYPES | DEVICE_TYPES)
    error = refusal(path)
    assert (error.sheet, error.row, error.column) == ("survey", first, "type")
    assert "--drop-unsupported" in error.message


@needs_corpus
@pytest.mark.parametrize("name", ["waste_collection.xlsx"])
def test_osm_fieldwork_forms_load_without_gps_when_dropping(name: str):
    path = CORPUS / "osm_fieldwork" / name
    types = _survey_types(path)
    gps_row = next(i for i, t in enumerate(types, start=2) if t in GEO_TYPES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        form = load_xlsform(path, drop_unsupported=True)
    assert any(f"(row {gps_row}, " in item for item in form.dropped), form.dropped
    assert not {q.row for q in form.questions.values()} & {gps_row}


@needs_corpus
def test_a_choice_filter_on_a_missing_column_loads_with_a_warning():
    form = load(CORPUS / "pyxform_example_xls" / "or_other.xlsx")
    assert form.questions["fav_pastel"].choice_filter == ["=", ["col", "pastel"], ["col", "yes"]]
    assert any("row 3" in w and "'yes'" in w for w in form.warnings), form.warnings


@needs_corpus
def test_shares_of_the_corpus_that_load_and_every_refusal_is_located():
    """The progress meter of issue 14 (bench/bench_xlsform_corpus.py prints the same)."""
    results = [(check.check_file(path), check.pyxform_accepts(path))
               for path in check.form_files([CORPUS])]
    accepted = [result for result, by_pyxform in results if by_pyxform]
    loading = [r for r in accepted if r.status != check.REFUSED]
    counts = check.summary([result for result, _ in results])
    print(f"\n{counts}; of {len(accepted)} forms pyxform accepts, {len(loading)} load "
          f"({len(loading) / len(accepted):.0%})")
    assert all(r.sheet and r.row for r, _ in results if r.status == check.REFUSED)
    assert len(loading) / len(accepted) >= 0.90  # issue 14's goal
