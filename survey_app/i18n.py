"""Interface languages through Flask-Babel and the top-level ``translations/`` folder."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_babel import Babel

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def select_locale() -> str | None:
    chosen = request.view_args.get("lang") if request.view_args else None
    return chosen or request.args.get("lang") or "en"


def init_app(app: Flask) -> None:
    # Flask-Babel looks inside the package by default; our catalogs live at the top.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
