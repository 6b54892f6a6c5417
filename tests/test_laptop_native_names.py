"""Native language names (ខ្មែរ, မြန်မာ) on the interpreter's laptop: never boxes.

This machine's Chromium has no Khmer or Myanmar font, like many laptops. Every language list
the interpreter sees (the bar's own language, the respondent's language on a new interview,
the translation table, the drafts, a phone session's languages) draws the names with the
tiny "Amplify Names" font (``static/fonts/*-Names.woff2``, cut down to just those names by
``tools/picker_fonts.py``), never with the full script fonts. DevTools'
``getPlatformFontsForNode`` says which font drew each glyph (a box is drawn by a system font);
it names a web font by the family inside the file, so the network log proves which file it was.
"""

from __future__ import annotations

import json
import re

import pytest

from survey_app.i18n import FONT_DIR, languages

from .conftest import PASSPHRASE

FAMILY = "Amplify Names"
NAMES_FILES = {"khmer": "NotoSansKhmer-Names.woff2", "myanmar": "NotoSansMyanmar-Names.woff2"}
# A laptop fetches both on a page listing every language: keep the pair under 4 KB.
NAMES_BUDGET = 2_000
LAPTOP = {"width": 1280, "height": 800}
SCRIPTED = {item.code: item.native_name for item in languages() if item.font}
INSIDE = {"khmer": "Noto Sans Khmer", "myanmar": "Noto Sans Myanmar"}  # the files' own names
SCRIPT_CHAR = re.compile("[\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff]")
FONT_OF = {item.code: INSIDE[item.font] for item in languages() if item.font}


def test_the_names_fonts_cover_every_native_name_and_stay_small():
    covered = json.loads((FONT_DIR / "names.json").read_text(encoding="utf-8"))
    wanted = {font: " ".join(item.native_name for item in languages() if item.font == font)
              for font in NAMES_FILES}
    assert covered == wanted, "languages.json changed: run python3 tools/picker_fonts.py"
    css = (FONT_DIR.parent / "app.css").read_text(encoding="utf-8")
    for name in NAMES_FILES.values():
        data = (FONT_DIR / name).read_bytes()
        assert data[:4] == b"wOF2"
        assert len(data) <= NAMES_BUDGET, (name, len(data))
        full = (FONT_DIR / name.replace("-Names", "-Regular.subset")).stat().st_size
        assert len(data) * 8 < full  # an eighth of the full font at most
        assert f'url("fonts/{name}")' in css
    assert f'font-family: "{FAMILY}"' in css and "http" not in css


def _drawing(page, selector: str) -> list[dict]:
    """The fonts Chromium drew an element's glyphs with (DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, selector
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return fonts


def _assert_names_font_draws(page, selector: str, code: str) -> None:
    """``code``'s native name inside ``selector`` is drawn by a bundled web font (only the
    names subsets are fetched: see the test's network log), not by a fallback's boxes."""
    text = page.inner_text(selector)
    assert SCRIPTED[code] in text, (selector, text)
    fonts = _drawing(page, selector)
    ours = [font for font in fonts if font["familyName"] == FONT_OF[code] and font["isCustomFont"]]
    others = [font for font in fonts if font not in ours]
    # The name's glyphs are ours; any other font drew only the rest ("(Khmer)", spaces).
    assert ours and ours[0]["glyphCount"] >= 2, (selector, fonts)
    rest = sum(not SCRIPT_CHAR.match(c) for c in text)
    assert sum(font["glyphCount"] for font in others) <= rest, (selector, fonts)


def _unlock(page, base_url: str) -> None:
    """Each browser unlocks for itself, on the page that asks for the passphrase."""
    page.goto(base_url + "/interviews/new")
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("button[type=submit]")
    page.wait_for_url("**/interviews/new")


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def test_every_language_list_draws_native_names_with_the_tiny_font(live_server, laptop):
    fetched: list[tuple[str, int]] = []  # a font asked again may come back 304
    laptop.on("response", lambda response: fetched.append((response.url, response.status)))
    _unlock(laptop, live_server.url)
    laptop.evaluate("document.fonts.ready.then(() => true)")
    for code, name in SCRIPTED.items():
        assert laptop.evaluate("t => document.fonts.check('16px \"Amplify Names\"', t)", name)
        # The bar's own-language list and the respondent's language, as shown when chosen.
        laptop.select_option("#interface-lang", code)
        _assert_names_font_draws(laptop, "#interface-lang", code)
        laptop.select_option("#language", code)
        _assert_names_font_draws(laptop, "#language", code)
    laptop.click("details.language-status summary")
    for code in SCRIPTED:
        _assert_names_font_draws(laptop, f"tr[data-language={code}] .native-name", code)

    laptop.goto(live_server.url + "/sessions")
    for code in SCRIPTED:
        label = f"label.choice:has(input[name=languages][value={code}]) .native-name"
        _assert_names_font_draws(laptop, label, code)

    fonts = [(url, status) for url, status in fetched if "/fonts/" in url]
    assert fonts and all(status in (200, 304) for _, status in fonts)
    # Only the names subsets (sizes: the first test), never a full script font.
    assert {url.rsplit("/", 1)[1] for url, _ in fonts} == set(NAMES_FILES.values()), fonts

    # A Burmese interview's pages load the full font anyway; the names stay drawn.
    laptop.goto(live_server.url + "/interviews/new")
    laptop.check("input[name=form_id][value=amplify_worker]")
    laptop.select_option("#language", "my")
    laptop.fill("#supplier_name", "Golden Thread Garments")
    laptop.fill("#supplier_country", "MM")
    laptop.get_by_role("button", name="Start").click()
    laptop.wait_for_url("**/page/**")
    _assert_names_font_draws(laptop, ".language-status .status-line", "my")
    laptop.goto(live_server.url + "/interviews")
    _assert_names_font_draws(laptop, ".record .language", "my")


def test_the_poster_draws_each_languages_steps_with_its_font(live_server, laptop):
    _unlock(laptop, live_server.url)
    laptop.goto(live_server.url + "/sessions")
    laptop.check("input[name=languages][value=km]")
    laptop.check("input[name=languages][value=my]")
    laptop.fill("#supplier_name", "Mekong Knitwear")
    laptop.fill("#supplier_country", "KH")
    laptop.get_by_role("button", name="Open session").click()
    laptop.wait_for_url("**/sessions/*")
    with laptop.context.expect_page() as opened:
        laptop.get_by_role("button", name="Poster A4").click()
    poster = opened.value
    poster.wait_for_load_state()
    poster.evaluate("document.fonts.ready.then(() => true)")
    for code, family in (("km", "Noto Sans Khmer"), ("my", "Noto Sans Myanmar")):
        fonts = _drawing(poster, f"section[lang={code}] p")
        ours = [font for font in fonts if font["familyName"] == family]
        assert ours and ours[0]["glyphCount"] >= 10, (code, fonts)
