"""Issue 12's smaller checks that no other test held: nothing of the install was compiled,
``forms add`` blames the missing survey sheet (not a row of it), and the brand's merge
progress bar ends its line before the summary on a terminal."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.central_kit import build
from tests.sync_kit import BRAND_PASSPHRASE, env
from tests.xlsform_factory import write_xlsform

# What a wheel built on this machine from a source archive is tagged with: Linux wheels from
# the package index are manylinux/musllinux, everything else pure Python ("any").
BUILT_HERE = re.compile(r"-linux_[a-z0-9_]+$")


def _closure(name: str, extras: tuple[str, ...] = ()) -> dict[str, metadata.Distribution]:
    """Every installed distribution ``name`` needs (with ``extras``), itself included."""
    found: dict[str, metadata.Distribution] = {}
    waiting = [(name, extras)]
    while waiting:
        wanted, wanted_extras = waiting.pop()
        key = re.sub(r"[-_.]+", "-", wanted).lower()
        if key in found:
            continue
        try:
            found[key] = dist = metadata.distribution(wanted)
        except metadata.PackageNotFoundError:  # a marker left it out on this platform
            continue
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or any(
                    requirement.marker.evaluate({"extra": extra})
                    for extra in ("", *wanted_extras)):
                waiting.append((requirement.name, tuple(requirement.extras)))
    return found


def test_every_dependency_came_as_a_prebuilt_wheel():
    """Item 1: neither README command needed a compiler in this environment."""
    needed = _closure("amplify-survey", ("test",))
    assert {"flask", "cryptography", "pytest"} <= set(needed)  # the walk did find them
    built_here = {}
    for key, dist in needed.items():
        if key == "amplify-survey":
            continue
        tags = re.findall(r"^Tag: (.+)$", dist.read_text("WHEEL") or "", re.M)
        assert tags, f"{key}: installed without a wheel"
        if any(BUILT_HERE.search(tag) for tag in tags):
            built_here[key] = tags
    assert built_here == {}, f"built from source on this machine: {built_here}"
    assert "pyicu" not in needed  # the source-built PyICU is only the `zawgyi` extra


def _amplify(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "survey_app.cli", *map(str, args)],
                          capture_output=True, text=True, env=env(), stdin=subprocess.DEVNULL)


def test_forms_add_of_a_workbook_without_a_survey_sheet_names_the_sheet_not_a_row(tmp_path):
    home = tmp_path / "home"
    assert _amplify("init", "--home", home).returncode == 0
    before = _amplify("forms", "list", "--home", home).stdout
    workbook = write_xlsform(tmp_path / "choices_only.xlsx", [],
                             extra_sheets={"notes": [["a"], ["b"]]})
    result = _amplify("forms", "add", "--home", home, workbook)
    assert result.returncode == 1
    assert "choices_only.xlsx: survey sheet: there is no sheet named 'survey'" in result.stderr
    assert "row" not in result.stderr and "Traceback" not in result.stderr
    assert _amplify("forms", "list", "--home", home).stdout == before


@pytest.fixture(scope="module")
def brand(tmp_path_factory):
    return build(tmp_path_factory.mktemp("brand_progress"))


def _on_a_terminal(*args: object) -> str:
    """Run a command with stdout and stderr on one pseudo-terminal, as a person sees it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "survey_app.cli", *map(str, args)],
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                               env=env(BRAND_PASSPHRASE, COLUMNS="100", TERM="xterm"))
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the command ended and closed its side
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, seen
    return seen.decode("utf-8", "replace")


def test_the_merge_progress_bar_ends_its_line_before_the_summary(brand):
    screen = _on_a_terminal("central", "merge", "--home", brand.home, brand.bundle)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen).replace("\r\n", "\n")
    # What stays on screen of each line: the text after its last carriage return.
    lines = [line.rsplit("\r", 1)[-1] for line in plain.split("\n")]
    name = Path(brand.bundle).name
    bar = [n for n, line in enumerate(lines) if line.startswith(f"{name}  [")]
    summary = [n for n, line in enumerate(lines) if line.startswith(f"{name}: merged bundle")]
    assert bar and summary, screen
    assert lines[bar[-1]].rstrip().endswith("100%"), screen  # the bar alone on its line
    assert summary[0] > bar[-1], screen
