"""What a page post carries, on both screens: its answers cleaned, keyed by question."""

from __future__ import annotations

import unicodedata
from typing import Any

from werkzeug.datastructures import MultiDict

from xlsform import ranks
from xlsform.model import FormDefinition, Page


def clean_text(value: str) -> str:
    """Typed text as stored: NFC, line ends as \\n, no NUL or other control character
    (tabs and line breaks stay), no spaces around it."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def posted_answers(form: FormDefinition, page: Page, data: MultiDict) -> dict[str, Any]:
    """The answers a page post carries: text cleaned (``clean_text``), lists for
    select_multiple (in the order posted, which is the page's: each choice once), a
    ranking's places in order (``ranks.normalised``: the names as text once all are set).

    Inputs the page has but the post lacks (an unticked box) are empty answers.
    """
    found: dict[str, Any] = {}
    for name in page.question_names:
        question = form.questions[name]
        if not question.has_input:
            continue
        if question.type == "select_multiple":
            found[name] = list(dict.fromkeys(v for v in data.getlist(name) if v))
        elif question.type == "rank":
            found[name] = ranks.normalised([clean_text(v) for v in data.getlist(name)])
        else:
            found[name] = clean_text(data.get(name, ""))
    return found
