"""The README's first command on a fresh machine: install time, download size, and whether
anything had to be compiled.

Makes a fresh venv and runs ``python -m pip install <repo>`` in it twice: first with an
empty pip cache of its own (a new laptop: everything downloaded from the package index
pip is configured with), then in a second fresh venv with that cache warm. The baseline,
measured in the same run, is the same pip installing Flask alone into a fresh venv with the
warm cache: the ratio says how much Amplify's dependencies add to the smallest useful
install. It fails (exit 1) when pip had to build any wheel (a compiler step).

    python3 bench/bench_install.py            # needs the package index (network)

Writes only under a temporary folder, deleted afterwards.
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILDS = re.compile(r"Building wheel for (\S+) |Running setup\.py install for (\S+)")
# Where pip took each package from: the index (downloaded), or a local folder of wheels
# (pip's find-links) or its cache.
FETCHED = re.compile(r"^\s*Downloading (\S+)", re.M)
LOCAL = re.compile(r"^\s*(?:Processing|Using cached) (\S+\.whl)", re.M)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def timed_install(root: Path, name: str, cache: Path, *what: str) -> tuple[float, list[str], str]:
    """Seconds for a fresh venv plus ``pip install what``, the packages pip built, and
    where the wheels came from."""
    venv = root / name
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--cache-dir", str(cache),
         "--progress-bar", "off", *what], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"pip install {' '.join(what)} failed:\n{result.stdout}\n{result.stderr}")
    output = result.stdout + result.stderr
    built = [a or b for a, b in BUILDS.findall(output) if (a or b) != "amplify-survey"]
    sources = (f"{len(FETCHED.findall(output))} files downloaded, "
               f"{len(LOCAL.findall(output))} wheels from a local folder or the cache")
    return seconds, built, sources


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="amplify-install-") as tmp:
        root, cache = Path(tmp), Path(tmp) / "cache"
        cold, built, sources = timed_install(root, "cold", cache, str(REPO))
        downloaded = folder_bytes(cache)
        warm, built_again, _ = timed_install(root, "warm", cache, str(REPO))
        baseline, _, _ = timed_install(root, "flask", cache, "flask")
    print(f"machine: {platform.machine()}, {platform.system()}, Python "
          f"{platform.python_version()}")
    print(f"pip install . into a fresh venv, empty cache: {cold:.1f} s "
          f"({downloaded / 1e6:.0f} MB in the cache; {sources})")
    print(f"the same with the cache warm:                 {warm:.1f} s")
    print(f"baseline, Flask alone, cache warm:            {baseline:.1f} s "
          f"(Amplify = {warm / baseline:.1f}x)")
    compiled = sorted(set(built + built_again))
    print(f"packages pip had to build: {', '.join(compiled) if compiled else 'none'}")
    return 1 if compiled else 0


if __name__ == "__main__":
    sys.exit(main())
