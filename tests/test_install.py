"""Amplify as an interpreter gets it: a wheel, installed (not editable) in a fresh venv.

The module builds the wheel once from a copy of this work tree, installs it with
``--no-deps`` into a new venv that borrows the installed dependencies
(``--system-site-packages``: nothing to download), and runs the ``amplify`` command from an
empty folder, so nothing can come from the repository by accident. It checks the modules
are the venv's, the built-in forms and the catalogs came along, and the station serves
translated pages and its fonts on 127.0.0.1.

The build runs without build isolation when this interpreter's setuptools can make a wheel
by itself (setuptools >= 70.1, or the ``wheel`` package); otherwise pip installs the
build backend of ``[build-system]`` from the configured package index first.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import metadata, util
from pathlib import Path

import pytest
from babel.support import Translations
from flask import Flask
from flask_babel import gettext

from survey_app import catalogs, i18n
from tests.conftest import PASSPHRASE, REPO

PACKAGES = ("survey_app", "sync", "central", "xlsform", "amplify_resources")
BUILTIN_FORMS = ("amplify_management", "amplify_representative", "amplify_worker")
NOT_COPIED = {".git", ".venv", "build", "dist", "tests", "bench", "docs", ".pytest_cache",
              ".ruff_cache"}


def _ignore_for_build(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == REPO
    return {name for name in names
            if name == "__pycache__" or name.endswith((".mo", ".egg-info"))
            or (top and name in NOT_COPIED)}


def _setuptools_builds_wheels() -> bool:
    try:
        version = tuple(int(part) for part in metadata.version("setuptools").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return version >= (70, 1) or util.find_spec("wheel") is not None


def _build_wheel(source: Path, out: Path) -> Path:
    offline = ["--no-build-isolation"] if _setuptools_builds_wheels() else []
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *offline, "-q", "-w", str(out),
         str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("amplify_survey-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this work tree (a copy: the build leaves nothing in the repository)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=_ignore_for_build)
    return _build_wheel(source, root / "wheels")


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (not editable)."""
    target = tmp_path_factory.mktemp("install") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(target)], check=True, timeout=120)
    # The venv borrows pip from the system site-packages; --ignore-installed because the
    # editable install of the same version lives there too.
    result = subprocess.run(
        [str(target / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
         "--ignore-installed", str(wheel)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty folder to run from: no repository on the path."""
    return tmp_path_factory.mktemp("elsewhere")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AMPLIFY_HOME")}
    return {**env, "AMPLIFY_PASSPHRASE": PASSPHRASE, "AMPLIFY_KDF_LOG2_N": "12", **extra}


def _amplify(venv: Path, cwd: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "amplify"), *args], cwd=cwd, env=_env(**extra),
                          capture_output=True, text=True, timeout=120)


def _site_packages(venv: Path) -> Path:
    (site,) = venv.glob("lib/python3*/site-packages")
    return site.resolve()


def test_the_venv_imports_our_packages_from_the_wheel(venv, elsewhere):
    code = ("import json, importlib; import amplify_resources as r; print(json.dumps("
            f"[[importlib.import_module(n).__file__ for n in {list(PACKAGES)!r}],"
            " str(r.FORMS), str(r.TRANSLATIONS)]))")
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], cwd=elsewhere,
                            env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    files, forms, translations = json.loads(result.stdout)
    site = _site_packages(venv)
    for name, file in zip(PACKAGES, files, strict=True):
        assert Path(file).resolve().is_relative_to(site / name), file
    assert Path(forms) == site / "amplify_resources" / "forms"
    assert {p.stem for p in Path(forms).glob("*.xlsx")} == {"management", "representative",
                                                             "worker"}
    assert (Path(translations) / "languages.json").is_file()
    assert len(list(Path(translations).glob("*/LC_MESSAGES/messages.po"))) == 15


def test_the_wheel_carries_forms_and_catalogs_but_no_compiled_catalog(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "amplify_resources/forms/worker.xlsx" in names
    assert "amplify_resources/translations/km/LC_MESSAGES/messages.po" in names
    assert "amplify_resources/translations/messages.pot" in names
    assert not [name for name in names if name.endswith(".mo")]  # compiled where it runs


def test_init_and_forms_list_from_the_wheel(venv, elsewhere):
    home = str(elsewhere / "station")
    init = _amplify(venv, elsewhere, "init", AMPLIFY_HOME=home)
    assert init.returncode == 0, init.stderr
    listed = _amplify(venv, elsewhere, "forms", "list", AMPLIFY_HOME=home)
    assert listed.returncode == 0, listed.stderr
    assert sorted(line.split("\t")[0] for line in listed.stdout.splitlines()) == \
        list(BUILTIN_FORMS)


def test_translations_status_from_the_wheel_reads_the_shipped_files(venv, elsewhere):
    result = _amplify(venv, elsewhere, "translations", "status", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report) == 16
    khmer = next(item for item in report if item["code"] == "km")
    assert khmer["interface"]["translated"] > 0
    assert sorted(form["form"] for form in khmer["forms"]) == ["management", "representative",
                                                                "worker"]


def test_central_init_from_the_wheel(venv, elsewhere):
    result = _amplify(venv, elsewhere, "central", "init", "--home", str(elsewhere / "brand"))
    assert result.returncode == 0, result.stderr
    assert "Brand fingerprint:" in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, language: str = "en") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Language": language})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


@pytest.fixture(scope="module")
def served(venv: Path, elsewhere: Path) -> Iterator[str]:
    """``amplify serve`` from the wheel on a free port; stopped with Ctrl-C at the end."""
    home = elsewhere / "served"
    assert _amplify(venv, elsewhere, "init", AMPLIFY_HOME=str(home)).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "amplify"), "serve", "--port", str(port), "--no-qr"],
        cwd=elsewhere, env=_env(AMPLIFY_HOME=str(home)), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, url)
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            pytest.fail("amplify serve did not stop on Ctrl-C")
    assert server.returncode == 0, server.stdout.read() if server.stdout else ""


def _wait_until_up(server: subprocess.Popen, url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"amplify serve exited: {server.stdout.read() if server.stdout else ''}")
        try:
            _get(url + "/unlock")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("amplify serve did not answer in time")


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.add(" ".join(data.split()))


def _texts(page: bytes) -> set[str]:
    """The page's text nodes, whitespace collapsed (what a person reads)."""
    parser = _TextNodes()
    parser.feed(page.decode("utf-8"))
    return parser.texts


def _plain_messages(locale: str) -> dict[str, str]:
    """Translated messages of one catalog with no placeholders or markup."""
    catalog = catalogs.read_catalog(catalogs.po_path(i18n.TRANSLATIONS, locale))
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and m.id and m.string and m.string != m.id and not m.fuzzy
            and not any(c in m.id for c in "%{<&'\"")}


def test_the_installed_station_serves_khmer_from_its_own_catalogs(served, venv):
    status, kind, english = _get(served + "/unlock", "en")
    assert status == 200 and kind.startswith("text/html")
    status, _, khmer = _get(served + "/unlock", "km-KH,km;q=0.9")
    assert status == 200 and b'<html lang="km"' in khmer
    english_texts, khmer_texts = _texts(english), _texts(khmer)
    on_page = {msgid: msgstr for msgid, msgstr in _plain_messages("km").items()
               if msgid in english_texts}
    assert len(on_page) >= 3, "the page shows too few catalog strings to compare"
    for msgid, msgstr in on_page.items():
        assert msgstr in khmer_texts, msgid
        assert msgid not in khmer_texts, msgid
    compiled = _site_packages(venv) / "amplify_resources/translations/km/LC_MESSAGES/messages.mo"
    assert compiled.is_file()  # compiled at start, where it was installed


def test_the_installed_station_serves_the_khmer_font(served):
    status, kind, css = _get(served + "/static/fonts/khmer.css")
    assert status == 200 and kind.startswith("text/css")
    assert b"NotoSansKhmer-Regular.subset.woff2" in css
    status, kind, font = _get(served + "/static/fonts/NotoSansKhmer-Regular.subset.woff2")
    assert status == 200 and font.startswith(b"wOF2")


def _unwritable_copy(tmp_path: Path) -> Path:
    """The catalogs where one .mo cannot be written, as in a package this user cannot write.

    Tests run as root, whom file modes do not stop, so a folder stands where one .mo file
    would go: writing it fails as a read-only install would.
    """
    source = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS, source, ignore=shutil.ignore_patterns("*.mo"))
    blocked = catalogs.po_path(source, "km").with_suffix(".mo")
    blocked.mkdir()
    (blocked / "keep").write_text("a folder, not a catalog")
    os.utime(blocked, ns=(0, 0))  # older than its .po: due for compiling
    return source


def test_catalogs_compile_elsewhere_when_their_folder_cannot_be_written(tmp_path):
    source = _unwritable_copy(tmp_path)
    fallback = tmp_path / "home" / "translations"
    assert catalogs.compile_into_writable(source, fallback) == fallback
    assert len(list(fallback.glob("*/LC_MESSAGES/messages.mo"))) == 15
    khmer = Translations.load(str(fallback), ["km"])
    msgid, msgstr = next(iter(_plain_messages("km").items()))
    assert khmer.gettext(msgid) == msgstr
    assert catalogs.compile_stale(source, out=fallback) == []  # up to date: nothing to do


def test_the_app_reads_catalogs_compiled_in_its_home_when_the_package_is_read_only(
        tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "TRANSLATIONS", _unwritable_copy(tmp_path))
    app = Flask("survey_app")
    app.config["AMPLIFY_HOME"] = str(tmp_path / "home")
    i18n.init_app(app)
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(tmp_path / "home/translations")
    msgid, msgstr = next(iter(_plain_messages("km").items()))
    with app.test_request_context("/?lang=km"):
        assert gettext(msgid) == msgstr


def test_the_installed_brand_app_signs_a_user_in(venv, elsewhere):
    """The brand's app from the wheel: a home, a user, `central serve`, a real sign-in page."""
    brand = str(elsewhere / "brand-served")
    assert _amplify(venv, elsewhere, "central", "init", "--home", brand).returncode == 0
    added = _amplify(venv, elsewhere, "central", "user", "add", "--home", brand, "steward1",
                     "--role", "steward", AMPLIFY_USER_PASSWORD="a long enough password")
    assert added.returncode == 0, added.stderr
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "amplify"), "central", "serve", "--home", brand, "--port",
         str(port)], cwd=elsewhere, env=_env(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, kind, page = _get(url + "/login")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, \
                    server.stdout.read() if server.stdout else ""
                time.sleep(0.2)
        assert status == 200 and b'name="csrf_token"' in page
        status, kind, css = _get(url + "/static/central.css")
        assert status == 200 and kind.startswith("text/css")
    finally:
        server.terminate()
        server.wait(timeout=20)
