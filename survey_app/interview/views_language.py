"""The interpreter's interface language: a small selector in the top bar posts here."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from . import bp
from .bilingual import remember_interpreter_language
from .views_unlock import safe_next


@bp.post("/interface-language")
def interface_language():
    """Keep the chosen language for this interpreter; back to the screen they were on.

    The CSRF token is checked by the blueprint's ``before_request``.
    """
    chosen = remember_interpreter_language(request.form.get("lang", ""))
    if chosen is None:
        flash(_("That language is not available: the interface stays as it was."))
    return redirect(safe_next(url_for("interview.home")))
