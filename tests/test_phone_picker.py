"""The language picker: native names from tiny picker fonts, full fonts only with their
language, the phone's language offered first."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from survey_app import sessions
from survey_app.collect.picker import picker_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
FONTS = Path(__file__).resolve().parent.parent / "survey_app" / "static" / "fonts"
FULL = {"my": "NotoSansMyanmar-Regular", "km": "NotoSansKhmer-Regular"}


def test_the_picker_fonts_cover_every_text_the_picker_shows():
    covered = json.loads((FONTS / "picker.json").read_text(encoding="utf-8"))
    assert set(covered) == {"my", "km"}
    for code, text in covered.items():
        missing = {c for c in picker_text(code) if not c.isascii()} - set(text)
        assert not missing, f"{code}: run tools/picker_fonts.py (missing {sorted(missing)})"
    sizes = [path.stat().st_size for path in FONTS.glob("*-Picker.woff2")]
    assert len(sizes) == 2 and sum(sizes) < 16_000


@pytest.fixture
def four_languages(app):
    station = app.extensions["amplify"]
    _session, token = sessions.create_session(
        station, form_id="amplify_worker", supplier={"name": "Factory A", "country": "KH"},
        languages=["en", "my", "km", "ar"])
    return token


def _offered(client, url: str, **headers: str) -> list[str]:
    html = client.get(url, headers=headers).get_data(as_text=True)
    return re.findall(r'class="lg[^"]*" name="lang" value="([^"]+)"', html)


def test_the_phones_language_is_offered_first(client, four_languages):
    url = f"/f/{four_languages}"
    assert _offered(client, url)[0] == "en"
    assert _offered(client, url, **{"Accept-Language": "km-KH,km;q=0.9"})[0] == "km"
    assert _offered(client, url, **{"Accept-Language": "fr,ar;q=0.5"})[0] == "ar"
    assert _offered(client, url + "?lang=my", **{"Accept-Language": "km"})[0] == "my"
    assert sorted(_offered(client, url + "?lang=my")) == ["ar", "en", "km", "my"]


def test_the_picker_fetches_no_full_font_and_a_page_only_its_own(browser, live_server,
                                                                 four_languages, tmp_path):
    context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True,
                                  locale="km-KH")
    phone = context.new_page()
    fetched: list[str] = []
    phone.on("request", lambda r: fetched.append(r.url) if r.url.endswith(".woff2") else None)
    try:
        phone.goto(f"{live_server.url}/f/{four_languages}")
        phone.evaluate("document.fonts.ready.then(() => true)")
        assert phone.get_attribute(".lg.p", "value") == "km"
        assert not any(name in url for url in fetched for name in FULL.values())
        assert any("Picker" in url for url in fetched)
        assert phone.evaluate("t => document.fonts.check('20px \"Amplify Picker\"', t)",
                              "ខ្មែរ မြန်မာ")
        phone.screenshot(path=str(tmp_path / "picker-320.png"))
        phone.click("button[name=lang][value=my]")
        phone.wait_for_selector("#f")
        phone.evaluate("document.fonts.ready.then(() => true)")
        assert any(FULL["my"] in url for url in fetched)
        assert not any(FULL["km"] in url for url in fetched)
    finally:
        context.close()
