"""The language picker: which language comes first, and the few words it shows.

A worker sees the picker before choosing, so it must draw every offered language's native
name without costing everyone every font: Burmese and Khmer come from tiny picker fonts
(``static/fonts/*-picker.css``, subset to the texts below by ``tools/picker_fonts.py``),
and a full font loads only on the pages of its own language.
"""

from __future__ import annotations

from flask import request

from .. import catalogs
from ..i18n import LANGUAGES_FILE, find_language, language
from ..sessions import CollectionSession

# What the picker always shows in a language (with its native name): its heading, the
# Exit button and the tapped button's "sending" state. tools/picker_fonts.py subsets to
# these. The offline notice keeps the full font: it loads only if the notice shows.
PICKER_MSGIDS = ("Choose your language", "Exit", "Sending…")


def preferred(session: CollectionSession) -> str:
    """The session language to offer first: ``?lang=``, else the phone's Accept-Language,
    else the session's first."""
    offered = list(session.languages)
    asked = find_language(request.args.get("lang"))
    if asked is not None and asked.code in offered:
        return asked.code
    return request.accept_languages.best_match(offered) or offered[0]


def picker_text(code: str) -> str:
    """The native name and every picker text in ``code``'s catalog, as one string."""
    known = language(code)
    path = catalogs.po_path(LANGUAGES_FILE.parent, known.locale)
    texts = [known.native_name]
    if path.exists():
        catalog = catalogs.read_catalog(path, locale=known.locale)
        for msgid in PICKER_MSGIDS:
            message = catalog.get(msgid)
            if message is not None and message.string and not message.fuzzy:
                texts.append(message.string)
    return " ".join(texts)
