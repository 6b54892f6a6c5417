"""One front door: no module of the brand app reads answers except the disclosure module.

The merge writes answers, the schema and the per-form views declare them; every page,
export and the published file go through ``central/disclosure.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

CENTRAL = Path(__file__).resolve().parent.parent / "central"
# FROM answers, JOIN answers, answers a / answers AS a in any SQL string.
READS_ANSWERS = re.compile(r"\b(?:FROM|JOIN)\s+(?:repeat_)?answers\b", re.IGNORECASE)
ALLOWED = {"disclosure.py": "the door", "merge.py": "writes answers (and replaces them)",
           "dataset.py": "declares the per-form views for the steward's own file",
           "migrations.py": "the schema"}


def test_only_the_disclosure_module_reads_answers():
    readers = sorted(str(path.relative_to(CENTRAL)) for path in CENTRAL.rglob("*.py")
                     if READS_ANSWERS.search(path.read_text(encoding="utf-8")))
    assert "disclosure.py" in readers  # the pattern still finds the door itself
    assert [name for name in readers if name not in ALLOWED] == []


def test_templates_and_pages_never_query_the_dataset_for_answers():
    for path in (CENTRAL / "templates").rglob("*.html"):
        assert not READS_ANSWERS.search(path.read_text(encoding="utf-8")), path
