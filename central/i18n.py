"""Interface language of the brand app: Flask-Babel over the ``central`` gettext domain.

English is the source language. Another language is added the station's way: a catalog
``translations/<locale>/LC_MESSAGES/central.po`` (strings extracted with ``pybabel extract
-F central/babel.cfg -o central.pot .``, translated in Poedit). At start every such catalog
is compiled into the central home (``C/translations``, always writable, even when the
package is installed read-only), and the browser's ``Accept-Language`` picks among them.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, get_locale

from amplify_resources import TRANSLATIONS
from sync.files import write_private

DOMAIN = "central"


def catalogs(source: Path = TRANSLATIONS) -> dict[str, Path]:
    """``{locale: central.po}`` for every language the brand app has a catalog for."""
    return {po.parent.parent.name: po for po in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def compile_into(home: Path, source: Path = TRANSLATIONS) -> Path:
    """Compile each catalog into ``home/translations`` (when missing or older); return it."""
    target = home / "translations"
    for locale, po in catalogs(source).items():
        mo = target / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        write_private(mo, buffer.getvalue())
    return target


def init_app(app: Flask, home: Path) -> None:
    languages = ["en", *sorted(set(catalogs()) - {"en"})]

    def select_locale() -> str:
        return request.accept_languages.best_match(languages) or "en"

    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_DOMAIN"] = DOMAIN
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_into(home))
    Babel(app, locale_selector=select_locale)

    @app.context_processor
    def language() -> dict[str, str]:
        return {"html_lang": str(get_locale() or "en").replace("_", "-")}
