"""Interface languages: Flask-Babel, the language list, text direction and script fonts.

The catalogs live in the top-level ``translations/`` folder, shipped as
``amplify_resources/translations`` (Flask-Babel would look inside this package otherwise),
with ``translations/languages.json`` describing each language: native name, direction,
script, bundled font and review status.

Which language a request gets, first match wins:

1. an explicit choice: the URL's ``lang`` view argument, ``?lang=``, a posted ``lang`` field,
   or :func:`set_language` (a view that knows the respondent's language, e.g. from a session);
2. the browser's ``Accept-Language`` header, best match among our languages;
3. English.

Templates get ``lang``, ``lang_dir``, ``html_lang``, ``lang_native``, ``languages``,
``language_of(code)``, ``direction(code)``, ``font_css(*codes)`` and
``gettext_in(code, text)`` (see :func:`template_context`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Flask, g, has_request_context, render_template_string, request, url_for
from flask_babel import Babel, force_locale, gettext, refresh
from markupsafe import Markup

from amplify_resources import TRANSLATIONS

LANGUAGES_FILE = TRANSLATIONS / "languages.json"
DEFAULT_LANGUAGE = "en"
FONT_DIR = Path(__file__).resolve().parent / "static" / "fonts"

log = logging.getLogger(__name__)
babel = Babel()


@dataclass(frozen=True)
class Language:
    """One language of the interface and the questionnaires (a row of languages.json)."""

    code: str  # what URLs, stored answers and XLSForm columns use: "km", "zh"
    locale: str  # the gettext folder under translations/: "km", "zh_Hans"
    html_lang: str  # BCP 47 tag for <html lang>: "km", "zh-Hans"
    english_name: str
    native_name: str
    direction: str  # "ltr" or "rtl"
    script: str  # ISO 15924: "Khmr", "Arab"
    font: str | None  # bundled font key ("myanmar", "khmer") or None
    xlsform_name: str  # the XLSForm column language: "Khmer (km)"
    aliases: tuple[str, ...]
    review_status: str
    reviewed_by: str
    reviewed_on: str

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "aliases": list(self.aliases)}


def _language_from_json(row: dict) -> Language:
    review = row.get("review") or {}
    return Language(
        code=row["code"], locale=row.get("locale") or row["code"],
        html_lang=row.get("html_lang") or row["code"], english_name=row["english_name"],
        native_name=row["native_name"], direction=row.get("direction", "ltr"),
        script=row.get("script", ""), font=row.get("font") or None,
        xlsform_name=row.get("xlsform_name") or f"{row['english_name']} ({row['code']})",
        aliases=tuple(row.get("aliases") or ()), review_status=review.get("status", ""),
        reviewed_by=review.get("reviewed_by", ""), reviewed_on=review.get("reviewed_on", ""))


@lru_cache(maxsize=1)
def languages() -> tuple[Language, ...]:
    """All languages, in the order of languages.json (English first)."""
    data = json.loads(LANGUAGES_FILE.read_text(encoding="utf-8"))
    return tuple(_language_from_json(row) for row in data["languages"])


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Language]:
    table: dict[str, Language] = {}
    for item in languages():
        for key in (item.code, item.locale, item.html_lang, *item.aliases):
            table.setdefault(_key(key), item)
    return table


def _key(tag: str) -> str:
    return tag.strip().replace("_", "-").lower()


def find_language(tag: str | None) -> Language | None:
    """Our language for a code, locale, BCP 47 tag or alias ("zh-CN", "km_KH"), or None.

    A tag with a region or script we do not list falls back to its primary subtag.
    """
    if not tag:
        return None
    key = _key(tag)
    table = _by_key()
    return table.get(key) or table.get(key.split("-", 1)[0])


def language(code: str | None) -> Language:
    """The language for ``code``, English when the code is unknown or empty."""
    return find_language(code) or find_language(DEFAULT_LANGUAGE)  # type: ignore[return-value]


def codes() -> list[str]:
    return [item.code for item in languages()]


def direction(code: str | None) -> str:
    """``"rtl"`` for Urdu and Arabic, ``"ltr"`` otherwise (also for unknown codes)."""
    return language(code).direction


def native_name(code: str | None) -> str:
    return language(code).native_name


def best_match(accept_language: str | None, default: str | None = DEFAULT_LANGUAGE) -> str | None:
    """Our language code that best fits an ``Accept-Language`` header, else ``default``.

    Tags are tried by falling quality (order breaks ties), each first as written, then by its
    primary subtag: ``"km-KH,km;q=0.9"`` → ``"km"``, ``"zh-CN"`` → ``"zh"``, ``"fr"`` → default.
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        found = find_language(tag)
        if found:
            return found.code
    return default


# --- per request -------------------------------------------------------------------------

def _explicit_choice() -> str | None:
    chosen = getattr(g, "amplify_language", None)
    if chosen:
        return chosen
    candidates = [request.view_args.get("lang") if request.view_args else None,
                  request.args.get("lang")]
    # Only a plain form post: never make an upload's body be parsed to find a language.
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded" \
            and request.content_length:
        candidates.append(request.form.get("~lang") or request.form.get("lang"))
    for candidate in candidates:
        found = find_language(candidate) if isinstance(candidate, str) else None
        if found:
            return found.code
    return None


def current_language() -> str:
    """The code of the language of this request (see the module docstring for the order)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    cached = getattr(g, "_amplify_resolved_language", None)
    if cached:
        return cached
    code = _explicit_choice() or best_match(request.headers.get("Accept-Language"))
    g._amplify_resolved_language = code
    return code


def set_language(code: str) -> str:
    """Make this request use ``code`` (e.g. the language a respondent chose earlier).

    Call it in a view or ``before_request`` before rendering. Unknown codes give English.
    Returns the code used.
    """
    chosen = language(code).code
    g.amplify_language = chosen
    g._amplify_resolved_language = chosen
    refresh()  # Flask-Babel caches the locale per request
    return chosen


def select_locale() -> str:
    """Flask-Babel's locale selector: the gettext locale of :func:`current_language`."""
    return language(current_language()).locale


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Translate with ``code``'s catalog inside the block (bilingual screens)."""
    with force_locale(language(code).locale):
        yield


def gettext_in(code: str, text: str, **variables: object) -> str:
    """``gettext`` in another language than the page's (e.g. the respondent's)."""
    with in_language(code):
        return gettext(text, **variables)


# --- templates ---------------------------------------------------------------------------

def font_stylesheets(*codes_: str | None) -> list[str]:
    """The bundled font stylesheet names ("myanmar", "khmer") these languages need, once each."""
    names: list[str] = []
    for code in codes_ or (current_language(),):
        font = language(code).font if code else None
        if font and font not in names:
            names.append(font)
    return names


def font_css(*codes_: str | None) -> Markup:
    """``<link>`` tags for the fonts of these languages (default: the page's language).

    Pages in other scripts get nothing, so they pay no font bytes.
    """
    links = (Markup('<link rel="stylesheet" href="{}">').format(
        url_for("static", filename=f"fonts/{name}.css")) for name in font_stylesheets(*codes_))
    return Markup("\n").join(links)


def template_context() -> dict[str, object]:
    """What every template can use (registered as a context processor)."""
    current = language(current_language())
    return {
        "lang": current.code,
        "lang_dir": current.direction,
        "html_lang": current.html_lang,
        "lang_native": current.native_name,
        "languages": languages(),
        "language_of": language,
        "direction": direction,
        "font_css": font_css,
        "gettext_in": gettext_in,
    }


# --- setup -------------------------------------------------------------------------------

def compiled_catalogs(app: Flask) -> Path:
    """The folder of compiled ``.mo`` catalogs, compiling stale ones first.

    ``TRANSLATIONS`` itself when it can be written; else ``HOME/translations`` (a package
    installed where this user cannot write). Nothing compiled: the .mo files there are.
    """
    from .catalogs import compile_into_writable
    from .home import default_home

    fallback = Path(app.config.get("AMPLIFY_HOME") or default_home()) / "translations"
    try:
        return compile_into_writable(TRANSLATIONS, fallback)
    except OSError as exc:  # neither folder can be written: keep going with what there is
        log.warning("could not compile translations in %s: %s", TRANSLATIONS, exc)
        return TRANSLATIONS


def init_app(app: Flask) -> None:
    """Compile stale catalogs, then set up Flask-Babel with our folder and selector."""
    # Flask-Babel looks inside the package by default; ours are in amplify_resources.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compiled_catalogs(app)))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(template_context)
    if app.testing:
        _register_font_test_page(app)


FONT_TEST_PAGE = """<!doctype html>
<html lang="{{ html_lang }}" dir="{{ lang_dir }}">
<head><meta charset="utf-8"><title>fonts</title>
{{ font_css() }}</head>
<body><p id="sample">{{ sample }}</p>
<p><input id="answer" dir="auto" value="{{ sample }}"></p></body>
</html>"""

FONT_TEST_SAMPLES = {
    "my": "မင်္ဂလာပါ။ အလုပ်သမားများ၏ အခွင့်အရေး",
    "km": "សួស្តី។ សិទ្ធិរបស់កម្មករ",
    "ar": "مرحبا. حقوق العمال",
    "en": "Hello. Workers' rights",
}


def _register_font_test_page(app: Flask) -> None:
    """Only under ``app.testing``: ``/_test/fonts/<lang>``, sample text in that language.

    The browser test loads it to prove the bundled fonts load and render glyphs. It is not
    registered in a running station.
    """

    def font_test_page(lang: str) -> str:
        code = set_language(lang)
        sample = FONT_TEST_SAMPLES.get(code, FONT_TEST_SAMPLES["en"])
        return render_template_string(FONT_TEST_PAGE, sample=sample)

    if "amplify_font_test" not in app.view_functions:
        app.add_url_rule("/_test/fonts/<lang>", "amplify_font_test", font_test_page)
