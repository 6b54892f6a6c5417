"""Settling a station before it serves, so a worker's request never pays a one-off cost.

Measured on the phones' open-loop bench (``bench/bench_phone.py --part open``), three
costs landed on single requests: the garbage collector's full pass over everything the
app built at start (about 117,000 objects: 40-70 ms of CPU on whichever request set it
off), compiling a phone template the first time it is rendered, and reading a language's
catalog the first time it is used (20-35 ms for the first picker and the first page).

``settle(app)`` compiles the templates and reads every language's catalog, then moves all
that is alive into the collector's permanent generation (``gc.freeze``): a full pass then
looks only at what requests left behind (well under a millisecond). Frozen objects are
still freed when nothing refers to them; only a cycle among them would outlive its use.
"""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask


def settle(app: Any) -> None:
    """Compile templates and read catalogs (a Flask app), then freeze what is alive."""
    if isinstance(app, Flask):
        compile_templates(app)
        read_catalogs(app)
    gc.collect()
    gc.freeze()


def compile_templates(app: Flask) -> list[str]:
    """Every HTML template of the app, compiled into Jinja's cache; returns their names."""
    names = app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        app.jinja_env.get_template(name)
    return names


def read_catalogs(app: Flask) -> list[str]:
    """Every language's interface catalog, read into Flask-Babel's cache; returns the
    locales read (none when the app has no Flask-Babel)."""
    if "babel" not in app.extensions:
        return []
    from flask_babel import force_locale, get_translations

    from .i18n import languages

    locales = []
    with app.app_context():
        for language in languages():
            with force_locale(language.locale):
                get_translations()
            locales.append(language.locale)
    return locales
