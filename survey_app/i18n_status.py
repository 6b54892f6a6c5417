"""How far each language is translated: interface catalogs and the built-in questionnaires.

Used by ``amplify translations status`` and by any screen that shows the state of a language.
A questionnaire cell left empty in a language falls back to English when shown; here it is
counted, so a fallback is never silent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from amplify_resources import FORMS

from .catalogs import Coverage, coverage, po_path, read_catalog, template_path
from .i18n import DEFAULT_LANGUAGE, TRANSLATIONS, Language, languages
from .text import canonical_code

FORM_REVIEW_FILE = "translations.json"
KINDS = ("labels", "hints", "messages", "choices")


@dataclass
class FormCoverage:
    """For one form and one language: filled / total per kind of text."""

    form: str
    filled: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def fallbacks(self) -> int:
        """Texts shown in English because this language has none."""
        return sum(self.total.values()) - sum(self.filled.values())

    def as_dict(self) -> dict[str, object]:
        return {"form": self.form, "filled": self.filled, "total": self.total,
                "fallbacks": self.fallbacks}


def _texts_by_kind(form) -> Iterator[tuple[str, dict[str, str]]]:
    """Every text a person reads in a loaded form, with the kind status reports it as.

    Read from the form model. The "Specify other." box pyxform adds to an ``or_other``
    list is labelled from the interface catalogs, so it counts there, not here.
    """
    from .webforms import is_generated_other_box

    for page in form.pages:
        yield "labels", page.label
    for question in form.questions.values():
        if not is_generated_other_box(question):
            yield "labels", question.label
        yield "hints", question.hint
        yield "messages", question.constraint_message
        yield "messages", question.required_message
    for choices in form.choice_lists.values():
        for choice in choices:
            yield "choices", choice.label


def form_coverage(path: Path, codes: list[str] | None = None) -> dict[str, FormCoverage]:
    """Per language code: how many of the form's texts that language fills itself.

    A text counts when the form's source language (English) has it; the language fills
    it when its own column is not empty. Raises the loader's FormError for a broken form.
    """
    from xlsform.loader import load_xlsform

    form = load_xlsform(path)
    source = form.default_language if form.default_language != "default" else DEFAULT_LANGUAGE
    wanted = codes or [item.code for item in languages()]
    results = {code: FormCoverage(path.stem) for code in wanted}
    for kind, texts in _texts_by_kind(form):
        by_code = {canonical_code(key): value for key, value in texts.items()
                   if value and value.strip()}
        if not (by_code.get(source) or by_code.get("default")):
            continue
        for code in wanted:
            results[code].total[kind] += 1
            if code == source or by_code.get(code):
                results[code].filled[kind] += 1
    return results


def form_reviews(forms_dir: Path) -> dict[str, str]:
    """Per language code, the questionnaires' review status from ``forms/translations.json``.

    The file is kept by whoever translates the forms; this reads a status string from
    either ``{"km": {"status": ...}}`` or ``{"languages": {...}}`` / ``[{"code": ...}]``.
    """
    path = forms_dir / FORM_REVIEW_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(data, dict) and "languages" in data:
        data = data["languages"]
    entries = data.items() if isinstance(data, dict) else (
        (row.get("code", ""), row) for row in data if isinstance(row, dict))
    reviews: dict[str, str] = {}
    for code, entry in entries:
        status = entry.get("status") or entry.get("review") if isinstance(entry, dict) else entry
        if isinstance(status, dict):
            status = status.get("status")
        if status:
            reviews[canonical_code(str(code))] = str(status)
    return reviews


@dataclass
class LanguageStatus:
    language: Language
    interface: Coverage
    forms: list[FormCoverage]
    forms_review: str

    def as_dict(self) -> dict[str, object]:
        item = self.language
        return {
            "code": item.code, "locale": item.locale, "english_name": item.english_name,
            "native_name": item.native_name, "direction": item.direction,
            "interface": {**asdict(self.interface), "percent": self.interface.percent},
            "forms": [form.as_dict() for form in self.forms],
            "fallbacks": sum(form.fallbacks for form in self.forms),
            "review": {"status": item.review_status, "reviewed_by": item.reviewed_by,
                       "reviewed_on": item.reviewed_on},
            "forms_review": self.forms_review,
        }


def built_in_forms(forms_dir: Path = FORMS) -> list[Path]:
    return sorted(path for path in forms_dir.glob("*.xlsx") if not path.name.startswith("~$"))


def status(translations: Path = TRANSLATIONS, forms_dir: Path = FORMS,
           forms: list[Path] | None = None) -> list[LanguageStatus]:
    """The state of every language: interface coverage, each form's coverage, reviews."""
    template = read_catalog(template_path(translations)) \
        if template_path(translations).exists() else None
    form_files = built_in_forms(forms_dir) if forms is None else forms
    per_form = [form_coverage(path) for path in form_files]
    reviews = form_reviews(forms_dir)
    results: list[LanguageStatus] = []
    for item in languages():
        if item.code == DEFAULT_LANGUAGE:
            total = len([message for message in template if message.id]) if template else 0
            interface = Coverage(total, 0, total)
        else:
            interface = coverage(po_path(translations, item.locale), template)
        results.append(LanguageStatus(item, interface, [form[item.code] for form in per_form],
                                      reviews.get(item.code, "")))
    return results
