"""A brand user in a real browser against `amplify central serve` on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .central_kit import USER_PASSWORD, K, build
from .sync_kit import BRAND_PASSPHRASE, central, env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    brand = build(tmp_path_factory.mktemp("brand_browser"))
    central("round", "close", "--home", brand.home, "--all")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "survey_app.cli", "central", "serve", "--home", str(brand.home),
         "--port", str(port)], env=env(BRAND_PASSPHRASE), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/login", timeout=1)  # noqa: S310 (loopback)
            break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.1)
    yield brand, url
    process.terminate()
    process.wait(timeout=10)


def test_sign_in_see_released_figures_and_sign_out(browser, served):
    brand, url = served
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error"
            and "status of 401" not in message.text else None)  # 401: the wrong password
    page.on("dialog", lambda dialog: problems.append("dialog: " + dialog.message))
    page.goto(url + "/rounds")
    assert page.url.startswith(url + "/login")  # not signed in: the login page
    page.fill("input[name=name]", "viewer")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert "Wrong user name or password" in page.content()
    page.fill("input[name=name]", "viewer")
    page.fill("input[name=password]", USER_PASSWORD)
    page.click("button[type=submit]")
    assert page.url == url + "/rounds"  # back where the user wanted to go
    under = page.locator("tr", has_text="Under Ltd").filter(has_text="amplify_worker")
    under.locator("a").first.click()
    assert f"respondents: fewer than {K}" in page.content()
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["amplify_central"]["httpOnly"] and cookies["amplify_central"]["sameSite"] \
        == "Strict"
    page.click("text=Sign out")
    assert page.url.startswith(url + "/login")
    page.goto(url + "/rounds")
    assert page.url.startswith(url + "/login")  # the session ended
    assert problems == []
    context.close()
