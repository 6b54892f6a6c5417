"""Audit the installed Python packages for known vulnerabilities with pip-audit.

pip-audit asks the Python Packaging Advisory Database over the network. This script
runs it where it is installed and the network allows, and otherwise says plainly that
nothing was audited: "no known vulnerabilities" is printed only after a real audit.

Exit status: 0 audited, nothing known; 1 audited, vulnerable packages listed; 2 could
not audit (pip-audit missing, no network, unreadable answer).

Example:

    python tools/audit_dependencies.py
    python tools/audit_dependencies.py --pip-audit ~/.local/bin/pip-audit
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
from typing import Any

AUDITED, VULNERABLE, NOT_AUDITED = 0, 1, 2


def pip_audit_command(given: str | None) -> list[str] | None:
    """The command that runs pip-audit, or None when it cannot be found."""
    if given:
        return [given] if shutil.which(given) else None
    if importlib.util.find_spec("pip_audit") is not None:
        return [sys.executable, "-m", "pip_audit"]
    found = shutil.which("pip-audit")
    return [found] if found else None


def summarise(report: dict[str, Any]) -> list[str]:
    """One line per known vulnerability in a pip-audit JSON report."""
    lines = []
    for dependency in report.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no release yet"
            lines.append(f"{dependency['name']} {dependency.get('version', '?')}: "
                         f"{vuln['id']} (fixed in {fixed})")
    return lines


def audit(command: list[str]) -> tuple[int, str]:
    """Run pip-audit on this environment; the exit status and what to print."""
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [*command, "--format", "json", "--progress-spinner", "off"],
            capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return NOT_AUDITED, f"could not audit: pip-audit did not run ({exc})"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return NOT_AUDITED, f"could not audit (no network?): {reason}"
    if not isinstance(report, dict) or "dependencies" not in report:
        return NOT_AUDITED, "could not audit: pip-audit's answer had no dependency list"
    found = summarise(report)
    if found:
        return VULNERABLE, "known vulnerabilities:\n" + "\n".join(f"  {f}" for f in found)
    return AUDITED, f"audited {len(report['dependencies'])} packages: no known vulnerabilities"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pip-audit", help="the pip-audit program to run (default: the "
                        "pip_audit module of this Python, else pip-audit on PATH)")
    args = parser.parse_args(argv)
    command = pip_audit_command(args.pip_audit)
    if command is None:
        print("could not audit: pip-audit is not installed here "
              "(pip install pip-audit, on a machine with network)", file=sys.stderr)
        return NOT_AUDITED
    status, message = audit(command)
    print(message, file=sys.stderr if status == NOT_AUDITED else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
