"""tools/audit_dependencies.py says plainly when it could not audit (no network here)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

from .conftest import REPO

SCRIPT = REPO / "tools" / "audit_dependencies.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_a_missing_pip_audit_is_reported_not_passed_over():
    done = run("--pip-audit", "/nonexistent/pip-audit")
    assert done.returncode == 2
    assert "could not audit" in done.stderr and "no known" not in done.stdout + done.stderr


@pytest.mark.skipif(not shutil.which("false"), reason="needs the `false` program")
def test_a_program_that_answers_no_report_counts_as_not_audited():
    done = run("--pip-audit", shutil.which("false"))
    assert done.returncode == 2 and "could not audit" in done.stderr


def test_a_report_lists_each_vulnerability_with_its_fix():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    report = {"dependencies": [
        {"name": "examplepkg", "version": "1.0", "vulns": [
            {"id": "EXAMPLE-1", "fix_versions": ["1.1"]},
            {"id": "EXAMPLE-2", "fix_versions": []}]},
        {"name": "otherpkg", "version": "2.0", "vulns": []}]}
    assert tool.summarise(report) == ["examplepkg 1.0: EXAMPLE-1 (fixed in 1.1)",
                                      "examplepkg 1.0: EXAMPLE-2 (fixed in no release yet)"]
    assert tool.summarise({"dependencies": []}) == []
