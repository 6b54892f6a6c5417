"""Fuzz the XLSForm importer with random workbooks (issue 13, item 8).

``xlsform.load_xlsform`` either returns a form or raises FormError (a message naming
what and where), never anything else; ``amplify forms add`` exits 0 or with a plain
message, never a traceback, and a refused file leaves the station's forms unchanged.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from survey_app.cli import main
from survey_app.station import Station
from tests.xlsform_factory import write_xlsform
from xlsform import FormError, load_xlsform

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text a spreadsheet cell can hold (openpyxl refuses control characters).
CELL_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
NAMES = st.sampled_from(["q1", "q2", "g1", "r1", "yn", "x", "", "1bad", "a b", "q1 ",
                         "__version__", "instanceID", "name", "ünï"]) | CELL_TEXT
TYPES = st.sampled_from([
    "text", "integer", "decimal", "date", "time", "datetime", "note", "calculate",
    "select_one yn", "select_multiple yn", "select_one missing", "select_one",
    "begin group", "end group", "begin repeat", "end repeat", "begin_group", "end_group",
    "geopoint", "image", "barcode", "deviceid", "start", "acknowledge", "range", "rank yn",
    "select_one_from_file towns.csv", "hidden", "trigger", "",
]) | CELL_TEXT
EXPRESSIONS = st.lists(st.sampled_from([
    "${q1}", "${q2}", "${nope}", ".", "=", "!=", ">", "<", " and ", " or ", "not(", ")", "(",
    "'yes'", "1", "0.5", "-", "+", "*", " div ", " mod ", "selected(", ",", "count(",
    "${r1}", "if(", "concat(", "today()", "string-length(", "../", "/data/", "[", "]",
    "jr:choice-name(", "indexed-repeat(", "regex(", "'", '"', "$", "{", "}",
]), max_size=12).map("".join)
CELL = st.one_of(CELL_TEXT, st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                 st.booleans(), st.none())
SURVEY_ROW = st.fixed_dictionaries(
    {"type": TYPES, "name": NAMES},
    optional={"label": CELL_TEXT, "label::English (en)": CELL_TEXT,
              "label::Español (es)": CELL, "hint": CELL, "required": CELL,
              "relevant": EXPRESSIONS, "constraint": EXPRESSIONS,
              "calculation": EXPRESSIONS, "choice_filter": EXPRESSIONS,
              "constraint_message": CELL, "appearance": CELL, "default": CELL,
              "repeat_count": EXPRESSIONS, "parameters": CELL, "trigger": CELL,
              "extra column": CELL})
CHOICE_ROW = st.fixed_dictionaries(
    {"list_name": st.sampled_from(["yn", "other", ""]) | CELL_TEXT, "name": NAMES},
    optional={"label": CELL, "label::English (en)": CELL, "filter": CELL})
SETTINGS = st.fixed_dictionaries(
    {}, optional={"form_id": NAMES, "version": CELL, "form_title": CELL,
                  "default_language": st.sampled_from(["English (en)", "xx", ""])})
VALID_ROWS = [{"type": "select_one yn", "name": "q1", "label": "Agree?"},
              {"type": "text", "name": "q2", "label": "Why?", "relevant": "${q1} = 'yes'"}]
VALID_CHOICES = [{"list_name": "yn", "name": "yes", "label": "Yes"},
                 {"list_name": "yn", "name": "no", "label": "No"}]
# Half the workbooks start from a valid form, so the random rows reach past the header.
WORKBOOK = st.tuples(
    st.tuples(st.sampled_from([[], VALID_ROWS]), st.lists(SURVEY_ROW, max_size=10)).map(
        lambda parts: parts[0] + parts[1]),
    st.tuples(st.sampled_from([[], VALID_CHOICES]), st.lists(CHOICE_ROW, max_size=5)).map(
        lambda parts: parts[0] + parts[1]),
    SETTINGS)

_counter = itertools.count()


def _write(folder: Path, workbook) -> Path:
    survey, choices, form_settings = workbook
    return write_xlsform(folder / f"fuzz{next(_counter)}.xlsx", survey, choices,
                         form_settings or None)


@FUZZ
@given(workbook=WORKBOOK)
def test_any_workbook_loads_or_is_refused_with_a_form_error(workbook):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), workbook)
        try:
            form = load_xlsform(path)
        except FormError as error:
            assert str(error).strip()
            event("refused")
        else:
            assert form.form_id and form.pages is not None
            event("loaded")


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)),
                      min_size=1, max_size=8), cut=st.integers(0, 10**6) | st.none())
def test_a_damaged_xlsx_file_is_refused_with_a_form_error(flips, cut):
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsform(Path(folder) / "good.xlsx",
                             [{"type": "text", "name": "q1", "label": "Name?"}])
        data = bytearray(path.read_bytes())
        for offset, xor in flips:
            data[offset % len(data)] ^= xor
        if cut is not None:
            data = data[:cut % len(data)]
        path.write_bytes(bytes(data))
        try:
            load_xlsform(path)
        except FormError as error:
            assert str(error).strip()


@pytest.fixture(scope="module")
def fuzz_home(tmp_path_factory) -> Path:
    from tests.conftest import initialised_home

    return initialised_home(tmp_path_factory.mktemp("fuzz-forms") / "home")


def _forms(home: Path) -> list[tuple]:
    station = Station(home)
    try:
        return station.store.read().execute(
            "SELECT form_id, version, sha256 FROM forms ORDER BY form_id, version").fetchall()
    finally:
        station.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(workbook=WORKBOOK)
def test_forms_add_refuses_cleanly_and_stores_nothing_it_refused(fuzz_home, workbook):
    before = _forms(fuzz_home)
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), workbook)
        result = CliRunner().invoke(main, ["forms", "add", str(path), "--home", str(fuzz_home)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 1 and "Error:" in result.output
        assert _forms(fuzz_home) == before
    else:
        assert set(before) <= set(_forms(fuzz_home))
