"""Check XLSForms without storing them: ready, ready after dropping, or refused.

``check_paths(paths)`` expands folders to the XLSForms inside them and checks each file;
``forms check`` prints the results, and bench/xlsform_corpus.py measures a corpus with it.
"""

from __future__ import annotations

import warnings as python_warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormError
from .loader import SUFFIXES, attachment_names, load_xlsform

READY = "ready"
READY_AFTER_DROPPING = "ready after dropping"
REFUSED = "refused"


@dataclass
class CheckResult:
    """What checking one file found."""

    path: str
    status: str
    form_id: str = ""
    version: str = ""
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def line(self) -> str:
        """One line for people: the file, then what was found."""
        if self.status == REFUSED:
            return f"{self.path}: refused: {self.error}"
        name = f"{self.form_id} version {self.version}"
        if self.status == READY:
            return f"{self.path}: ready ({name})"
        return f"{self.path}: ready after dropping ({name}): {', '.join(self.dropped)}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def form_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The files given, and the XLSForms under every folder given, in name order; a CSV
    file another form beside it reads (its attachment) is not a form."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("~$")
            and p.name.lower() not in {"readme.md", "sources.md"}
        )
        read_by_others = {(p.parent, name) for p in found for name in attachment_names(p)}
        yield from (p for p in found if (p.parent, p.name) not in read_by_others)


def beside(path: Path) -> dict[str, bytes]:
    """The attachments the form at ``path`` reads that lie in its folder."""
    return {name: (path.parent / name).read_bytes() for name in attachment_names(path)
            if (path.parent / name).is_file()}


def check_file(path: Path) -> CheckResult:
    """Load ``path`` (with the attachments beside it) leaving out what a phone must not
    collect; never raises."""
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # openpyxl's notes about Excel extensions
            form = load_xlsform(path, drop_unsupported=True, attachments=beside(path))
    except FormError as err:
        return CheckResult(str(path), REFUSED, error=str(err), sheet=err.sheet, row=err.row,
                           column=err.column)
    except Exception as err:  # noqa: BLE001 - a check reports, it never shows a traceback
        return CheckResult(str(path), REFUSED, error=f"could not be checked ({err!r})")
    status = READY_AFTER_DROPPING if form.dropped else READY
    return CheckResult(str(path), status, form.form_id, form.version, list(form.dropped),
                       list(form.warnings))


def check_paths(paths: Iterable[Path]) -> list[CheckResult]:
    return [check_file(path) for path in form_files(paths)]


def pyxform_accepts(path: Path) -> bool:
    """Whether pyxform itself converts the file (without ODK Validate): the corpus yardstick."""
    from pyxform.xls2xform import convert

    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")
            convert(xlsform=str(path), validate=False)
    except Exception:  # noqa: BLE001 - any failure counts as "pyxform refuses"
        return False
    return True


def summary(results: list[CheckResult]) -> dict[str, int]:
    """How many files in each state, and in all."""
    counts = {READY: 0, READY_AFTER_DROPPING: 0, REFUSED: 0}
    for result in results:
        counts[result.status] += 1
    return {"forms": len(results), **counts}
