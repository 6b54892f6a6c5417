"""How much of an XLSForm corpus Amplify opens: the progress meter of issue 14.

For every XLSForm under the folder (default ../shared/xlsforms): does pyxform (the reference
parser, without ODK Validate) accept it, and is it ready for Amplify, ready after dropping
what a phone must not collect, or refused. Prints the shares, and the share of
pyxform-accepted forms that load (the goal: at least 90%).

    python bench/bench_xlsform_corpus.py [FOLDER] [--json] [--refused]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


from xlsform import check  # noqa: E402

DEFAULT = REPO.parent / "shared" / "xlsforms"


def measure(folder: Path) -> tuple[dict[str, float], list[tuple[str, str]]]:
    counts: Counter[str] = Counter()
    refused: list[tuple[str, str]] = []
    for path in check.form_files([folder]):
        accepted = check.pyxform_accepts(path)
        result = check.check_file(path)
        counts["forms"] += 1
        counts["pyxform accepts"] += accepted
        counts[result.status] += 1
        if accepted:
            counts[f"pyxform accepts, {result.status}"] += 1
            if result.status == check.REFUSED:
                refused.append((str(path.relative_to(folder)), result.error))
    total, accepted = counts["forms"] or 1, counts["pyxform accepts"] or 1
    shares = {
        "forms": counts["forms"],
        "pyxform accepts": counts["pyxform accepts"] / total,
        "ready": counts[check.READY] / total,
        "ready after dropping": counts[check.READY_AFTER_DROPPING] / total,
        "refused": counts[check.REFUSED] / total,
        "of pyxform-accepted, loads": (
            counts[f"pyxform accepts, {check.READY}"]
            + counts[f"pyxform accepts, {check.READY_AFTER_DROPPING}"]
        ) / accepted,
    }
    return shares, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--refused", action="store_true",
                        help="list the pyxform-accepted forms Amplify refuses, and why")
    args = parser.parse_args()
    shares, refused = measure(args.folder)
    if args.json:
        print(json.dumps({"shares": shares, "refused": refused}, indent=2))
        return
    for name, value in shares.items():
        print(f"{name:30} {value if name == 'forms' else f'{value:.0%}'}")
    if args.refused:
        for path, error in refused:
            print(f"  {path}: {error}")


if __name__ == "__main__":
    main()
