"""The default answer messages of ``xlsform.logic``, shown in the respondent's language.

A form may carry its own message for a question (``required_message``,
``constraint_message``); when it does not, ``xlsform.logic`` answers with one of these
English texts, which the interface catalogs translate. ``N_`` marks them for
``amplify translations extract`` without translating them here.
"""

from __future__ import annotations

from xlsform import ranges

from .i18n import gettext_in


def N_(text: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    return text


DEFAULTS = frozenset({
    N_("This answer is required."),
    N_("This answer is not allowed."),
    N_("Enter a whole number."),
    N_("Enter a number."),
    N_("Enter a date as YYYY-MM-DD."),
    N_("Enter a time as HH:MM."),
    N_("Enter a date and time as YYYY-MM-DDTHH:MM."),
    N_("Choose one of the options."),
    N_("Choose only from the options."),
    N_("Tick the box to continue."),
    N_("Enter a number from {start} to {end} in steps of {step}."),  # ranges.MESSAGE
    N_("Each option can take only one place."),
    N_("Give every option a place."),
})


def in_language(errors: dict[str, str], lang: str) -> dict[str, str]:
    """``errors`` with each default message in ``lang`` (a form's own messages as written;
    a range's bounds put into its translated words)."""
    return {name: _translated(text, lang) for name, text in errors.items()}


def _translated(text: str, lang: str) -> str:
    if isinstance(text, ranges.Message) and text.template in DEFAULTS:
        return gettext_in(lang, text.template).format(**text.fields)
    return gettext_in(lang, text) if text in DEFAULTS else text
