"""Bundled Myanmar and Khmer fonts: small, licensed, served only where needed, and rendering.

A headless Chromium with no Myanmar or Khmer font draws empty boxes; the browser test
asks Chromium which font actually drew the glyphs (DevTools' getPlatformFontsForNode).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app.i18n import FONT_DIR, languages

FONTS = {"my": ("myanmar", "Noto Sans Myanmar"), "km": ("khmer", "Noto Sans Khmer")}
# Budget per font file (bytes): a cheap phone on weak WiFi fetches it once per page.
FONT_BUDGET = {"myanmar": 40_000, "khmer": 20_000}


@pytest.mark.parametrize("code", FONTS)
def test_font_stylesheet_points_at_a_small_licensed_woff2(code):
    key, family = FONTS[code]
    css = (FONT_DIR / f"{key}.css").read_text(encoding="utf-8")
    assert f'font-family: "{family}"' in css
    assert "font-display: swap" in css
    assert "unicode-range:" in css
    assert "http" not in css  # nothing from another origin: the station is offline
    files = re.findall(r'url\("([^"]+)"\)', css)
    assert files and all(name.endswith(".woff2") for name in files)
    for name in files:
        data = (FONT_DIR / name).read_bytes()
        assert data[:4] == b"wOF2"
        assert len(data) <= FONT_BUDGET[key]
    licence = (FONT_DIR / f"OFL-{family.replace(' ', '')}.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_only_myanmar_and_khmer_get_a_font():
    assert {item.code: item.font for item in languages() if item.font} == \
        {code: key for code, (key, _) in FONTS.items()}


def _fonts_drawing(page, selector: str) -> list[dict]:
    """Which fonts Chromium used for the glyphs of an element (DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


@pytest.mark.parametrize("code", FONTS)
def test_bundled_font_loads_and_draws_the_text_on_a_phone(live_server, phone, code,
                                                          tmp_path: Path):
    key, family = FONTS[code]
    fetched: list[tuple[str, int]] = []
    phone.on("response", lambda response: fetched.append((response.url, response.status)))
    phone.goto(f"{live_server.url}/_test/fonts/{code}")
    phone.evaluate("document.fonts.ready.then(() => true)")
    sample = phone.inner_text("#sample")
    assert phone.evaluate("([font, text]) => document.fonts.check(font, text)",
                          [f'16px "{family}"', sample])
    statuses = phone.evaluate(
        "family => [...document.fonts].filter(f => f.family.replace(/\"/g, '') === family)"
        ".map(f => f.status)", family)
    assert statuses == ["loaded"]
    assert any(url.endswith(f"/static/fonts/{key}.css") and status == 200
               for url, status in fetched)
    assert any(url.endswith(".woff2") and status == 200 for url, status in fetched)
    drawing = _fonts_drawing(phone, "#sample")
    ours = [font for font in drawing if font["familyName"] == family and font["isCustomFont"]]
    assert ours and ours[0]["glyphCount"] >= len(sample.replace(" ", "")) // 2, drawing
    shot = tmp_path / f"font-{code}.png"
    phone.locator("body").screenshot(path=str(shot))
    assert shot.stat().st_size > 1000


@pytest.mark.parametrize("code", ["en", "ar", "vi"])
def test_pages_in_other_scripts_fetch_no_font(live_server, phone, code):
    fetched: list[str] = []
    phone.on("request", lambda request: fetched.append(request.url))
    phone.goto(f"{live_server.url}/_test/fonts/{code}")
    phone.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "/static/fonts/" in url]
    if code == "ar":
        assert phone.evaluate("getComputedStyle(document.body).direction") == "rtl"
