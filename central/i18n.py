"""Interface language of the brand app: Flask-Babel over the ``central`` gettext domain.

English is the source language. Another language is added the station's way: a catalog
``translations/<locale>/LC_MESSAGES/central.po`` (extract with ``pybabel extract -F
central/babel.cfg``), compiled to ``.mo``; the browser's ``Accept-Language`` picks among
the languages that have one.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

from amplify_resources import TRANSLATIONS

DOMAIN = "central"


def available() -> list[str]:
    found = {path.parent.parent.name for path in TRANSLATIONS.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return ["en", *sorted(found - {"en"})]


def select_locale() -> str:
    return request.accept_languages.best_match(available()) or "en"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_DOMAIN"] = DOMAIN
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app, locale_selector=select_locale)
