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
from .loader import SUFFIXES, load_xlsform

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
    """The files given, and the XLSForms under every folder given, in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("~$")
                and p.name.lower() not in {"readme.md", "sources.md"}
            )
        else:
            yield path


def check_file(path: Path) -> CheckResult:
    """Load ``path`` leaving out what a phone must not collect; never raises."""
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # openpyxl's notes about Excel extensions
            form = load_xlsform(path, drop_unsupported=True)
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


def summary(results: list[CheckResult]) -> dict[str, int]:
    """How many files in each state, and in all."""
    counts = {READY: 0, READY_AFTER_DROPPING: 0, REFUSED: 0}
    for result in results:
        counts[result.status] += 1
    return {"forms": len(results), **counts}
