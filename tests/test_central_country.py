"""Country context: the shipped data as it is, refusals that name file and row, the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from central import admin, country
from central.country_cli import country_group
from tests.conftest import PASSPHRASE

GOOD = {"country": "Cambodia", "iso2": "KH", "ituc_rating": "5", "ituc_edition": "2023",
        "ituc_source": "https://www.globalrightsindex.org/en/2023/countries/khm",
        "c087_ratified": "yes", "c087_year": "1999", "c098_ratified": "yes",
        "c098_year": "1999", "ilo_source": "NORMLEX", "verified": "partly",
        "notes": "2024 not seen"}


def csv_bytes(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=country.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def write_csv(path: Path, *rows: dict[str, str]) -> Path:
    path.write_bytes(csv_bytes(*rows))
    return path


@pytest.fixture(scope="module")
def shipped() -> dict[str, country.CountryContext]:
    return country.load()


@pytest.fixture(scope="module")
def central_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("central")
    admin.init_home(home, PASSPHRASE)
    return home


def test_shipped_values_are_the_files_values_and_nothing_else(shipped):
    with country.SHIPPED_PATH.open(encoding="utf-8") as handle:
        raw = {row["iso2"]: row for row in csv.DictReader(handle)}
    assert set(shipped) == set(raw) and len(raw) >= 15
    for iso2, ctx in shipped.items():
        row = raw[iso2]
        assert ctx.ituc_rating == (row["ituc_rating"] or None)
        assert ctx.ituc_edition == (int(row["ituc_edition"]) if row["ituc_edition"] else None)
        assert ctx.c087_year == (int(row["c087_year"]) if row["c087_year"] else None)
        assert ctx.c098_ratified == {"yes": True, "no": False, "": None}[row["c098_ratified"]]
        assert ctx.verified == row["verified"] and ctx.notes == row["notes"]


def test_a_rating_with_its_edition_and_source(shipped):
    cambodia = shipped["KH"]
    assert country.ituc_text(cambodia) == "ITUC rating 5 (2023 edition, source)"
    assert country.ituc_link(cambodia) == "https://www.globalrightsindex.org/en/2023/countries/khm"
    assert country.ituc_text(shipped["MM"]) == "ITUC rating 5+ (2023 edition, source)"


def test_a_missing_rating_stays_missing_and_reads_not_verified(shipped):
    ethiopia = shipped["ET"]
    assert ethiopia.ituc_rating is None and ethiopia.ituc_edition is None
    assert country.ituc_text(ethiopia) == "ITUC rating not verified"
    assert country.ituc_link(ethiopia) is None


def test_ratification_texts(shipped):
    assert country.ilo_text(shipped["BD"], "C087") == "C087 ratified 1972"
    assert country.ilo_text(shipped["MM"], "C098") == "C098 not ratified"
    assert country.ilo_link(shipped["BD"]).startswith("http://ilo.org/")


def test_unknown_ratification_and_year_read_not_verified(tmp_path):
    blank = dict(GOOD, c087_ratified="", c087_year="", c098_year="")
    ctx = country.validate_csv(write_csv(tmp_path / "c.csv", blank))[0]
    assert country.ilo_text(ctx, "C087") == "C087 ratification not verified"
    assert country.ilo_text(ctx, "C098") == "C098 ratified (year not verified)"


def test_partly_verified_is_visible(shipped):
    assert country.is_partly_verified(shipped["KH"])
    assert not country.is_partly_verified(shipped["MX"])


def test_link_targets_are_only_web_addresses():
    assert country.first_link("javascript:alert(1) and no address") is None
    assert country.first_link("see https://a.example/x?y=1; and more") == "https://a.example/x?y=1"
    assert country.first_link('x https://a.example/"onmouseover=1') == "https://a.example/"


@pytest.mark.parametrize("change,message", [
    ({"ituc_source": ""}, "ITUC rating without ituc_source"),
    ({"ituc_rating": "", "ituc_source": ""}, "ITUC rating without ituc_source"),
    ({"ilo_source": ""}, "ILO ratification without ilo_source"),
    ({"c087_ratified": "", "c087_year": "", "c098_ratified": "", "c098_year": "1999",
      "ilo_source": ""}, "ILO ratification without ilo_source"),
    ({"iso2": "kh"}, "iso2 'kh' is not two capital letters"),
    ({"iso2": "KHM"}, "iso2 'KHM' is not two capital letters"),
    ({"verified": "maybe"}, "verified 'maybe' is not one of yes, partly"),
    ({"verified": ""}, "verified '' is not one of yes, partly"),
    ({"ituc_rating": "6"}, "ituc_rating '6' is not one of"),
    ({"ituc_edition": "23"}, "ituc_edition '23' is not a year"),
    ({"c087_ratified": "Y"}, "c087_ratified 'Y' is not yes, no or blank"),
    ({"c098_ratified": "no"}, "c098_year 1999 given but c098_ratified is not yes"),
], ids=lambda value: str(value)[:40])
def test_a_bad_row_is_refused_naming_file_and_row(tmp_path, change, message):
    path = write_csv(tmp_path / "update.csv", GOOD, {**GOOD, "iso2": "BD", **change})
    with pytest.raises(country.CountryDataError) as raised:
        country.validate_csv(path)
    assert f"{path}, row 3: {message}" in str(raised.value)


def test_every_bad_row_is_named_at_once(tmp_path):
    path = write_csv(tmp_path / "u.csv", dict(GOOD, ituc_source=""), dict(GOOD, iso2="VN"),
                     dict(GOOD, iso2="BD", verified="no"))
    text = str(pytest.raises(country.CountryDataError, country.validate_csv, path).value)
    assert "row 2: ITUC rating without ituc_source" in text
    assert "row 4: verified 'no'" in text and "row 3" not in text


def test_a_repeated_country_is_refused(tmp_path):
    path = write_csv(tmp_path / "u.csv", GOOD, GOOD)
    with pytest.raises(country.CountryDataError, match="row 3: iso2 KH repeats row 2"):
        country.validate_csv(path)


@pytest.mark.parametrize("data,message", [
    (b"country,iso2\nCambodia,KH\n", "row 1: missing column(s) ituc_rating"),
    (csv_bytes(GOOD).replace(b"Cambodia", b"Cambod\xefa"), "not UTF-8"),
    (csv_bytes(GOOD) + b"Extra,XX\n", "row 3: 2 cells, header has 12"),
    (csv_bytes(), "no countries in the file"),
])
def test_a_malformed_file_is_refused(tmp_path, data, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    with pytest.raises(country.CountryDataError) as raised:
        country.validate_csv(path)
    assert str(path) in str(raised.value) and message in str(raised.value)


def test_excel_byte_order_mark_and_quoted_newlines_are_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes(dict(GOOD, notes="line one\nline two")))
    assert country.validate_csv(path)[0].notes == "line one\nline two"


CELL = st.one_of(st.sampled_from(["", "yes", "no", "partly", "5", "5+", "2023", "KH", "x"]),
                 st.text(max_size=6))


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({column: CELL for column in country.COLUMNS}))
def test_any_row_is_accepted_with_its_sources_or_refused_clearly(row):
    try:
        contexts = country.validate_bytes(csv_bytes(row), "t.csv")
    except country.CountryDataError as exc:
        assert str(exc).startswith(("country context refused:\nt.csv, row 2: ",
                                    "t.csv: no countries"))
        return
    ctx = contexts[0]
    assert ctx.ituc_rating is None or ctx.ituc_source
    assert (ctx.c087_ratified is None and ctx.c098_ratified is None) or ctx.ilo_source
    assert ctx.verified in country.VERIFIED


def run(*args: str):
    return CliRunner().invoke(country_group, list(args), catch_exceptions=False)


def test_list_shows_shipped_data_with_gaps_and_partly_marks():
    result = run("list")
    assert result.exit_code == 0
    assert f"Source: {country.SHIPPED_PATH}" in result.output
    assert "ET  Ethiopia: ITUC rating not verified; C087 ratified 1963" in result.output
    assert "KH  Cambodia: ITUC rating 5 (2023 edition, source)" in result.output
    assert "[partly verified]" in result.output


def test_import_is_used_in_preference_and_a_refused_file_changes_nothing(central_home,
                                                                        tmp_path):
    update = write_csv(tmp_path / "update.csv", dict(GOOD, ituc_rating="4", ituc_edition="2025"))
    result = run("import", "--home", str(central_home), str(update))
    assert result.exit_code == 0, result.output
    assert "Imported 1 countries (1 partly verified)" in result.output
    loaded = country.load(home=central_home)
    assert set(loaded) == {"KH"} and loaded["KH"].ituc_rating == "4"
    assert "KH  Cambodia: ITUC rating 4 (2025 edition, source)" in run(
        "list", "--home", str(central_home)).output
    before = country.home_path(central_home).read_bytes()
    bad = write_csv(tmp_path / "bad.csv", dict(GOOD, ilo_source=""))
    refused = run("import", "--home", str(central_home), str(bad))
    assert refused.exit_code != 0
    assert f"{bad}, row 2: ILO ratification without ilo_source" in refused.output
    assert country.home_path(central_home).read_bytes() == before
    assert [p.name for p in central_home.iterdir() if p.name.startswith(".country-")] == []


def test_import_into_a_folder_that_is_not_a_central_home_is_refused(tmp_path):
    update = write_csv(tmp_path / "update.csv", GOOD)
    result = run("import", "--home", str(tmp_path / "nothing"), str(update))
    assert result.exit_code != 0 and "is not a central home" in result.output
    assert not (tmp_path / "nothing").exists()


def test_a_home_without_an_import_reads_the_shipped_file(tmp_path, shipped):
    assert country.load(home=tmp_path) == shipped
    assert country.source_path(tmp_path) == country.SHIPPED_PATH
