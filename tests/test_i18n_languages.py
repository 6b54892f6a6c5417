"""The 16 languages: metadata, Accept-Language preselection, choice order, RTL pages."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from babel import Locale
from flask import Flask, render_template_string
from flask_babel import get_locale, gettext

from survey_app import i18n
from survey_app.catalogs import po_path, read_catalog

EXPECTED = ["en", "km", "my", "bn", "hi", "ta", "kn", "vi", "id", "am", "tr", "zh", "es", "bg",
            "ur", "ar"]
# The script each native name must be written in (a Unicode character-name prefix).
SCRIPT_NAMES = {"Latn": "LATIN", "Khmr": "KHMER", "Mymr": "MYANMAR", "Beng": "BENGALI",
                "Deva": "DEVANAGARI", "Taml": "TAMIL", "Knda": "KANNADA", "Ethi": "ETHIOPIC",
                "Hans": "CJK", "Cyrl": "CYRILLIC", "Arab": "ARABIC"}


@pytest.fixture
def i18n_app() -> Flask:
    """A bare app with only the i18n layer: these tests need no station."""
    app = Flask("survey_app")
    app.config["TESTING"] = True
    i18n.init_app(app)
    return app


def test_languages_json_has_all_16_with_native_names_and_directions():
    data = json.loads(i18n.LANGUAGES_FILE.read_text(encoding="utf-8"))
    assert [row["code"] for row in data["languages"]] == EXPECTED
    for item in i18n.languages():
        assert item.native_name and item.english_name
        assert item.direction == ("rtl" if item.code in ("ur", "ar") else "ltr")
        assert item.review_status, f"{item.code} has no review status"
        letters = [char for char in item.native_name if char.isalpha()]
        assert all(unicodedata.name(char).startswith(SCRIPT_NAMES[item.script])
                   for char in letters), f"{item.code}: native name not in {item.script}"
        # Babel knows the gettext locale, and agrees on the direction.
        locale = Locale.parse(item.locale)
        assert (locale.character_order == "right-to-left") == (item.direction == "rtl")
    assert i18n.language("my").font == "myanmar" and i18n.language("km").font == "khmer"
    assert {item.code for item in i18n.languages() if item.font} == {"my", "km"}


def test_direction_and_native_name():
    assert i18n.direction("ar") == "rtl" and i18n.direction("ur") == "rtl"
    assert i18n.direction("km") == "ltr" and i18n.direction("nonsense") == "ltr"
    assert i18n.native_name("km") == "ខ្មែរ"
    assert i18n.native_name("zh") == "简体中文"
    assert i18n.language("zh").locale == "zh_Hans"
    assert i18n.language("zh").html_lang == "zh-Hans"


@pytest.mark.parametrize("header,expected", [
    ("km-KH,km;q=0.9", "km"),
    ("ar", "ar"),
    ("my-MM,my;q=0.9,en-US;q=0.8,en;q=0.7", "my"),
    ("zh-CN,zh;q=0.9", "zh"),
    ("fr-FR,fr;q=0.9,tr;q=0.8,en;q=0.5", "tr"),
    ("en;q=0.5,vi;q=0.9", "vi"),
    ("ur-PK", "ur"),
    ("fr-FR,de;q=0.8", "en"),
    ("", "en"),
    ("*", "en"),
    ("km;q=0,bn", "bn"),
    ("es;q=abc,bg", "bg"),
])
def test_accept_language_preselects_the_best_of_our_languages(header, expected):
    assert i18n.best_match(header) == expected


def test_choice_order_explicit_then_accept_language_then_english(i18n_app):
    with i18n_app.test_request_context("/", headers={"Accept-Language": "km-KH,km;q=0.9"}):
        assert i18n.current_language() == "km" and str(get_locale()) == "km"
    with i18n_app.test_request_context("/?lang=ar", headers={"Accept-Language": "km"}):
        assert i18n.current_language() == "ar"
    with i18n_app.test_request_context("/", method="POST", data={"lang": "bn"},
                                       headers={"Accept-Language": "km"}):
        assert i18n.current_language() == "bn"
    with i18n_app.test_request_context("/?lang=xx", headers={"Accept-Language": "fr"}):
        assert i18n.current_language() == "en"
    with i18n_app.test_request_context("/?lang=zh", headers={"Accept-Language": "km"}):
        assert str(get_locale()) == "zh_Hans"
        i18n.set_language("my")
        assert i18n.current_language() == "my" and str(get_locale()) == "my"


def _first_translation(locale: str) -> tuple[str, str] | None:
    for message in read_catalog(po_path(i18n.TRANSLATIONS, locale)):
        if message.id and isinstance(message.id, str) and message.string \
                and not message.fuzzy and "%(" not in message.id:
            return message.id, message.string
    return None


@pytest.mark.parametrize("code", EXPECTED[1:])
def test_each_language_translates_through_flask_babel(i18n_app, code):
    """The compiled catalog is found in translations/ for the language's locale folder."""
    pair = _first_translation(i18n.language(code).locale)
    if pair is None:
        pytest.fail(f"{code}: no translated message in its catalog")
    msgid, translated = pair
    with i18n_app.test_request_context(f"/?lang={code}"):
        assert gettext(msgid) == translated
    with i18n_app.test_request_context("/?lang=en"):
        assert gettext(msgid) == msgid
        assert i18n.gettext_in(code, msgid) == translated


def test_template_context_gives_direction_language_and_fonts(i18n_app):
    page = ('<html lang="{{ html_lang }}" dir="{{ lang_dir }}">{{ font_css() }}'
            "{{ lang_native }}|{{ font_css('en', 'km') }}|{{ languages|length }}")
    with i18n_app.test_request_context("/?lang=ar"):
        html = render_template_string(page)
    assert html.startswith('<html lang="ar" dir="rtl">العربية|')
    assert html.endswith("|16")
    assert 'href="/static/fonts/khmer.css"' in html
    with i18n_app.test_request_context("/?lang=my"):
        assert render_template_string("{{ font_css() }}") == \
            '<link rel="stylesheet" href="/static/fonts/myanmar.css">'
    with i18n_app.test_request_context("/?lang=vi"):
        assert render_template_string("{{ font_css() }}") == ""


def test_a_page_in_arabic_has_dir_rtl_on_html(client):
    """The real app (security headers, CSP and all) renders the test page right to left."""
    response = client.get("/_test/fonts/ar")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert 'dir="auto"' in html
    assert "fonts/" not in html  # Arabic needs no bundled font
    response = client.get("/_test/fonts/en", headers={"Accept-Language": "ur"})
    assert '<html lang="en" dir="ltr">' in response.get_data(as_text=True)


def test_the_font_test_page_exists_only_when_testing(home):
    from survey_app import create_app

    app = create_app(home)
    try:
        assert "amplify_font_test" not in app.view_functions
    finally:
        app.extensions["amplify"].close()
