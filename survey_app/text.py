"""Text that people type or read: answer normalisation (NFC, Zawgyi) and label fallback.

Burmese phones may still type in Zawgyi, a legacy font encoding that reuses Unicode's
Myanmar code points with other meanings. Stored as it is, such an answer reads as nonsense
everywhere else. :func:`normalise_answer` detects it with Google's ``myanmartools``
detector and converts it with ICU's ``Zawgyi-my`` transform (both kept up to date by their
projects; no hand-written tables here), and says so with the flag ``zawgyi_converted``.

ICU comes from ``pyicu-wheels`` (PyICU with ICU inside) on the platforms it has wheels for,
or from the ``zawgyi`` extra. Where module ``icu`` cannot be imported, Zawgyi is still
detected but kept as typed, flagged ``zawgyi_detected`` so it can be converted later, and
the log says once that conversion is unavailable (:func:`zawgyi_conversion_available`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from collections.abc import Mapping
from functools import lru_cache

ZAWGYI_CONVERTED = "zawgyi_converted"
ZAWGYI_DETECTED = "zawgyi_detected"  # Zawgyi, kept as typed: this install cannot convert it
# myanmartools' README: a probability above 0.95 is Zawgyi, below 0.05 Unicode, between
# is unsure. Unsure text (often very short, where both encodings read the same) is left
# as typed: converting correct Unicode would damage it, and short text rarely differs.
ZAWGYI_THRESHOLD = 0.95
_MYANMAR = re.compile("[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
_CODE_IN_NAME = re.compile(r"\(([^()]*)\)\s*$")
ENGLISH = "en"

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _zawgyi_detector():
    from myanmartools import ZawgyiDetector

    with warnings.catch_warnings():  # myanmartools 1.2 reads its model with a deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        return ZawgyiDetector()


@lru_cache(maxsize=1)
def _zawgyi_to_unicode():
    """ICU's Zawgyi-my transliterator, or None (logged once) where ICU is not installed."""
    try:
        import icu  # pyicu-wheels, or PyICU from the `zawgyi` extra
    except ImportError as exc:
        log.warning("Zawgyi conversion unavailable (%s): Zawgyi answers are kept as typed "
                    "and flagged %s; install pyicu-wheels or amplify-survey[zawgyi]",
                    exc, ZAWGYI_DETECTED)
        return None
    return icu.Transliterator.createInstance("Zawgyi-my")


def zawgyi_conversion_available() -> bool:
    """Whether this install can convert Zawgyi to Unicode (ICU's module ``icu`` imports)."""
    return _zawgyi_to_unicode() is not None


def zawgyi_probability(text: str) -> float:
    """How likely ``text`` is Zawgyi rather than Unicode Burmese (0.0 for no Myanmar text)."""
    if not _MYANMAR.search(text):
        return 0.0
    return float(_zawgyi_detector().get_zawgyi_probability(text))


def is_zawgyi(text: str) -> bool:
    return zawgyi_probability(text) > ZAWGYI_THRESHOLD


def zawgyi_to_unicode(text: str) -> str:
    """``text`` read as Zawgyi, in Unicode NFC. Raises RuntimeError without ICU."""
    converter = _zawgyi_to_unicode()
    if converter is None:
        raise RuntimeError("Zawgyi conversion is unavailable: module icu is not installed")
    return unicodedata.normalize("NFC", converter.transliterate(text))


def normalise_answer(text: str, lang: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The answer to store, and flags saying what was changed.

    Every answer is put in Unicode NFC (one spelling for the same letters, so counting and
    comparing work). Text in Myanmar script that is very likely Zawgyi is converted to
    Unicode and flagged ``zawgyi_converted``, whatever ``lang`` the page was in: a Burmese
    worker may answer a page in another language. Without ICU it is kept exactly as typed
    (NFC would reorder Zawgyi's marks) and flagged ``zawgyi_detected``. ``lang`` is
    accepted so callers pass it and later rules per language have a place to go.
    """
    if not is_zawgyi(text):
        return unicodedata.normalize("NFC", text), ()
    if not zawgyi_conversion_available():
        return text, (ZAWGYI_DETECTED,)
    return zawgyi_to_unicode(text), (ZAWGYI_CONVERTED,)


def normalise_answers(answers: Mapping[str, object], lang: str | None = None
                      ) -> tuple[dict[str, object], dict[str, list[str]]]:
    """:func:`normalise_answer` on every text answer of a page or record.

    Returns the answers (non-text values unchanged) and, per question name, the flags of
    what was changed, e.g. ``{"comment": ["zawgyi_converted"]}``: keep these with the record.
    """
    cleaned: dict[str, object] = {}
    flags: dict[str, list[str]] = {}
    _normalise_into(answers, lang, "", cleaned, flags)
    return cleaned, flags


def _normalise_into(answers: Mapping[str, object], lang: str | None, where: str,
                    cleaned: dict[str, object], flags: dict[str, list[str]]) -> None:
    """Repeat instances (lists of dicts) too: a flag inside one is keyed by the question's
    name and the instance numbers, as pages are addressed (``child_name~2~1``)."""
    for name, value in answers.items():
        if isinstance(value, str):
            value, changed = normalise_answer(value, lang)
            if changed:
                flags[name + where] = list(changed)
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            value = [_normalised_instance(item, lang, f"{where}~{number}", flags)
                     for number, item in enumerate(value, 1)]
        cleaned[name] = value


def _normalised_instance(item: Mapping[str, object], lang: str | None, where: str,
                         flags: dict[str, list[str]]) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    _normalise_into(item, lang, where, cleaned, flags)
    return cleaned


def language_code(name: str) -> str:
    """The code of an XLSForm language name: ``"Khmer (km)"`` → ``"km"``; ``"km"`` → ``"km"``.

    ``"default"`` (pyxform's name for an untagged column) stays ``"default"``.
    """
    match = _CODE_IN_NAME.search(name)
    return (match.group(1) if match else name).strip()


def canonical_code(name: str) -> str:
    """Our code for an XLSForm language name or tag: ``"Chinese (zh-Hans)"`` → ``"zh"``.

    Names whose code is not one of ours keep their own code.
    """
    from .i18n import find_language

    code = language_code(name)
    found = find_language(code) if code != "default" else None
    return found.code if found else code


def fallback_label(texts: Mapping[str, str | None] | str | None, lang: str | None,
                   fallback: str = ENGLISH) -> tuple[str, str | None]:
    """The text for ``lang`` from a per-language mapping, else English, else any text.

    ``texts`` is keyed by language code (``"km"``) or XLSForm name (``"Khmer (km)"``),
    possibly with ``"default"``; a plain string is the same in every language. Returns
    ``(text, language_used)``; ``language_used`` differs from ``lang`` when it fell back,
    and is None when there is no text at all (then the text is ``""``).
    """
    if texts is None:
        return "", None
    if isinstance(texts, str):
        return texts, lang
    by_code: dict[str, str] = {}
    for key, value in texts.items():
        if value and str(value).strip():
            by_code.setdefault(canonical_code(str(key)), str(value))
    wanted = canonical_code(lang) if lang else None
    for candidate in (wanted, fallback, "default"):
        if candidate and candidate in by_code:
            return by_code[candidate], candidate
    for code, value in by_code.items():
        return value, code
    return "", None
