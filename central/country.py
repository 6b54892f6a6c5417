"""Country context for supplier profiles: ITUC rating and ILO C087/C098 ratification.

The data is a CSV file (``central/data/country_context.csv``, provenance in
``central/data/README.md``); a brand can import an updated copy into its home
(``C/country_context.csv``), which then takes precedence. Nothing is ever invented:
a blank value stays ``None`` and is shown as "not verified".
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

SHIPPED_PATH = Path(__file__).resolve().parent / "data" / "country_context.csv"
HOME_FILE_NAME = "country_context.csv"

COLUMNS = ("country", "iso2", "ituc_rating", "ituc_edition", "ituc_source", "c087_ratified",
           "c087_year", "c098_ratified", "c098_year", "ilo_source", "verified", "notes")
RATINGS = ("1", "2", "3", "4", "5", "5+")
VERIFIED = ("yes", "partly")
NOT_VERIFIED = "not verified"

_ISO2 = re.compile(r"[A-Z]{2}")
_YEAR = re.compile(r"(19|20)\d\d")
_URL = re.compile(r"https?://[^\s,;()<>\"']+")


class CountryDataError(ValueError):
    """A country-context CSV that cannot be used; the message names file and rows."""


@dataclass(frozen=True)
class CountryContext:
    country: str
    iso2: str
    ituc_rating: str | None
    ituc_edition: int | None
    ituc_source: str | None
    c087_ratified: bool | None
    c087_year: int | None
    c098_ratified: bool | None
    c098_year: int | None
    ilo_source: str | None
    verified: str
    notes: str


def home_path(home: Path) -> Path:
    """Where ``amplify central country import`` puts a brand's own copy."""
    return Path(home) / HOME_FILE_NAME


def load(path: Path | None = None, *, home: Path | None = None) -> dict[str, CountryContext]:
    """Country context by ISO 3166 alpha-2 code.

    ``path`` wins; else the home's imported copy if there is one; else the shipped file.
    """
    if path is None:
        imported = home_path(home) if home is not None else None
        path = imported if imported is not None and imported.exists() else SHIPPED_PATH
    return {ctx.iso2: ctx for ctx in validate_csv(path)}


def source_path(home: Path | None = None) -> Path:
    """The file ``load(home=home)`` reads."""
    if home is not None and home_path(home).exists():
        return home_path(home)
    return SHIPPED_PATH


def is_partly_verified(ctx: CountryContext) -> bool:
    return ctx.verified == "partly"


def first_link(source: str | None) -> str | None:
    """The first http(s) address in a source cell, as a link target (or None)."""
    match = _URL.search(source or "")
    return match.group(0) if match else None


def ituc_link(ctx: CountryContext) -> str | None:
    return first_link(ctx.ituc_source)


def ilo_link(ctx: CountryContext) -> str | None:
    return first_link(ctx.ilo_source)


def ituc_text(ctx: CountryContext) -> str:
    """E.g. "ITUC rating 5 (2023 edition, source)"; the link target is ``ituc_link``."""
    if ctx.ituc_rating is None:
        return f"ITUC rating {NOT_VERIFIED}"
    edition = f"{ctx.ituc_edition} edition" if ctx.ituc_edition else f"edition {NOT_VERIFIED}"
    return f"ITUC rating {ctx.ituc_rating} ({edition}, source)"


def ilo_text(ctx: CountryContext, convention: str) -> str:
    """E.g. "C087 ratified 1972", "C098 not ratified", "C087 ratification not verified"."""
    ratified, year = {"C087": (ctx.c087_ratified, ctx.c087_year),
                      "C098": (ctx.c098_ratified, ctx.c098_year)}[convention]
    if ratified is None:
        return f"{convention} ratification {NOT_VERIFIED}"
    if not ratified:
        return f"{convention} not ratified"
    if year is None:
        return f"{convention} ratified (year {NOT_VERIFIED})"
    return f"{convention} ratified {year}"


def validate_csv(path: Path) -> list[CountryContext]:
    """Read and check a country-context CSV; raise CountryDataError naming file and rows."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CountryDataError(f"{path}: cannot read ({exc.strerror})") from None
    return validate_bytes(data, str(path))


def validate_bytes(data: bytes, name: str) -> list[CountryContext]:
    """Check CSV content read once (``name`` is the file named in messages)."""
    contexts: list[CountryContext] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in _rows(data, name):
        row_problems = _row_problems(row)
        iso2 = row["iso2"].strip()
        if iso2 in seen and _ISO2.fullmatch(iso2):
            row_problems.append(f"iso2 {iso2} repeats row {seen[iso2]}")
        seen.setdefault(iso2, line)
        problems += [f"{name}, row {line}: {problem}" for problem in row_problems]
        if not row_problems:
            contexts.append(_context(row))
    if problems:
        raise CountryDataError("country context refused:\n" + "\n".join(problems))
    if not contexts:
        raise CountryDataError(f"{name}: no countries in the file")
    return contexts


def _rows(data: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CountryDataError(f"{name}: not UTF-8 text; save it as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise CountryDataError(f"{name}, row 1: missing column(s) {', '.join(missing)}")
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise CountryDataError(f"{name}, row {line}: {len(cells)} cells, header has "
                                   f"{len(header)}")
        rows.append((line, dict(zip(header, cells, strict=True))))
    return rows


def _row_problems(row: dict[str, str]) -> list[str]:
    cell = {name: row[name].strip() for name in COLUMNS}
    problems = []
    if not cell["country"]:
        problems.append("country is empty")
    if not _ISO2.fullmatch(cell["iso2"]):
        problems.append(f"iso2 {cell['iso2']!r} is not two capital letters (ISO 3166 alpha-2)")
    if cell["verified"] not in VERIFIED:
        problems.append(f"verified {cell['verified']!r} is not one of {', '.join(VERIFIED)}")
    if cell["ituc_rating"] and cell["ituc_rating"] not in RATINGS:
        problems.append(f"ituc_rating {cell['ituc_rating']!r} is not one of {', '.join(RATINGS)}")
    for name in ("ituc_edition", "c087_year", "c098_year"):
        if cell[name] and not _YEAR.fullmatch(cell[name]):
            problems.append(f"{name} {cell[name]!r} is not a year")
    for convention in ("c087", "c098"):
        ratified, year = cell[f"{convention}_ratified"], cell[f"{convention}_year"]
        if ratified not in ("", "yes", "no"):
            problems.append(f"{convention}_ratified {ratified!r} is not yes, no or blank")
        if year and ratified != "yes":
            problems.append(f"{convention}_year {year} given but {convention}_ratified is not yes")
    if (cell["ituc_rating"] or cell["ituc_edition"]) and not cell["ituc_source"]:
        problems.append("ITUC rating without ituc_source")
    ilo = ("c087_ratified", "c087_year", "c098_ratified", "c098_year")
    if any(cell[name] for name in ilo) and not cell["ilo_source"]:
        problems.append("ILO ratification without ilo_source")
    return problems


def _context(row: dict[str, str]) -> CountryContext:
    cell = {name: row[name].strip() for name in COLUMNS}
    return CountryContext(
        country=cell["country"], iso2=cell["iso2"],
        ituc_rating=cell["ituc_rating"] or None, ituc_edition=_year(cell["ituc_edition"]),
        ituc_source=cell["ituc_source"] or None,
        c087_ratified=_yes_no(cell["c087_ratified"]), c087_year=_year(cell["c087_year"]),
        c098_ratified=_yes_no(cell["c098_ratified"]), c098_year=_year(cell["c098_year"]),
        ilo_source=cell["ilo_source"] or None, verified=cell["verified"], notes=cell["notes"])


def _year(text: str) -> int | None:
    return int(text) if text else None


def _yes_no(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)
