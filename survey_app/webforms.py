"""WTForms for one page of a form, and the per-question data a template needs.

Field names are the XLSForm question names. WTForms validators are not used for answers:
``validate()`` asks logic.page_errors (the server's truth), so what WTForms reports and
what the logic module says can never disagree. Pass ``formdata=request.form`` on POST.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app, has_app_context
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.form import BaseForm
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget, TimeInput

from xlsform.logic import (
    filter_choices,
    filter_waits_on_page,
    normalise_answer,
    page_errors,
    resolve,
)
from xlsform.model import FormDefinition, Page, Question, label_in

from .i18n import gettext_in

REFERENCE = re.compile(r"\$\{([^}\s]+)\}")
# The label pyxform gives the text box it adds after an ``or_other`` list, in English only.
PYXFORM_OTHER_LABEL = "Specify other."


class MultiCheckboxField(SelectMultipleField):
    """A select_multiple shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PageForm(FlaskForm):
    """Base of the generated page forms; see build_page_form.

    Question fields are reached as ``form[name]`` only, never as attributes: WTForms would
    set each field as an attribute of the form, so a question named ``validate``, ``data``
    or ``__init__`` would hide the form's own. Only the CSRF field is an attribute.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Field) and name != self.meta.csrf_field_name \
                and self._fields.get(name) is value:
            return
        super().__setattr__(name, value)

    def answers(self) -> dict[str, Any]:
        """This page's submitted answers: strings, lists for select_multiple."""
        found = {}
        for name, field in self._fields.items():
            if name == self.meta.csrf_field_name:
                continue
            found[name] = _field_answer(field)
        return found

    def validate(self, extra_validators=None) -> bool:
        BaseForm.validate(self, extra_validators)  # no validate_<name> methods looked up
        merged = {**self.__known_answers, **self.answers()}
        self.answer_errors = page_errors(self.__definition, self.__page, merged, self.__lang)
        for name, field in self._fields.items():
            if name != self.meta.csrf_field_name:
                field.errors = [self.answer_errors[name]] if name in self.answer_errors else []
        return not self.errors

    def bind_page(
        self, definition: FormDefinition, page: Page, lang: str, answers: Mapping[str, Any]
    ) -> None:
        self.__definition, self.__page, self.__lang = definition, page, lang
        self.__known_answers = dict(answers)
        self.answer_errors: dict[str, str] = {}


def _field_answer(field: Field) -> Any:
    if isinstance(field, DateField):
        if field.raw_data:
            return field.raw_data[0]
        return field.data.isoformat() if field.data else ""
    if isinstance(field, BooleanField):
        return "OK" if field.data else ""
    if isinstance(field, SelectMultipleField):
        return list(field.data or [])
    return field.data if field.data is not None else ""


def is_generated_other_box(question: Question) -> bool:
    """True for the "Specify other." box pyxform adds to an ``or_other`` list, whose
    English-only label the interface catalogs translate (not the form's columns)."""
    written = {text for text in question.label.values() if text}
    return bool(question.other_of) and written <= {PYXFORM_OTHER_LABEL}


def question_label(question: Question, lang: str) -> dict[str, str]:
    """The question's label texts; pyxform's English-only "Specify other." label of an
    ``or_other`` box is replaced by the interface catalog's translation into ``lang``."""
    if not is_generated_other_box(question):
        return question.label
    return {lang: _specify_other(lang)}


def _specify_other(lang: str) -> str:
    """The catalog's "Specify other." in ``lang``; English where the app has no catalogs
    (outside an app, or an app without Flask-Babel)."""
    if not has_app_context() or "babel" not in current_app.extensions:
        return PYXFORM_OTHER_LABEL
    return gettext_in(lang, "Specify other.")


def _field(definition: FormDefinition, question: Question, lang: str, values: dict,
           page: Page):
    label = label_in(question_label(question, lang), lang) or question.name
    hint = label_in(question.hint, lang)
    attrs: dict[str, str] = {"aria-required": "true"} if question.required else {}
    if question.read_only:
        attrs["readonly"] = "readonly"
    kind = question.type
    if kind in ("select_one", "select_multiple"):
        choices = [
            _option(choice.name, label_in(choice.label, lang) or choice.name)
            for choice in _choices(definition, question, values, page)
        ]
        field_class = RadioField if kind == "select_one" else MultiCheckboxField
        if kind == "select_one" and "minimal" in question.appearance.split():
            return SelectField(label, choices=[_option("", ""), *choices],
                               validate_choice=False, description=hint, render_kw=attrs)
        return field_class(
            label, choices=choices, validate_choice=False, description=hint, render_kw=attrs
        )
    if kind == "date":
        return DateField(label, description=hint, render_kw=attrs)
    if kind == "acknowledge":
        return BooleanField(label, description=hint, render_kw=attrs)
    if kind in ("integer", "decimal"):
        attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
    if kind == "text" and "numbers" in question.appearance.split():
        attrs["inputmode"] = "numeric"
    widgets = {"time": TimeInput(), "datetime": DateTimeLocalInput()}
    if kind == "text" and "multiline" in question.appearance:
        return TextAreaField(label, description=hint, render_kw=attrs)
    return StringField(label, description=hint, render_kw=attrs, widget=widgets.get(kind))


def _option(value: str, label: str) -> SelectChoice:
    return SelectChoice(value, label)


def _initial(question: Question, value: Any) -> Any:
    if value is None or value == "":
        value = question.default or None
    value = normalise_answer(question, value)
    if question.type == "date" and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    if question.type == "acknowledge":
        return value == "OK"
    return value


def build_page_form(
    form: FormDefinition,
    page: Page,
    lang: str,
    answers: Mapping[str, Any],
    formdata=None,
) -> PageForm:
    """A FlaskForm with one field per input question on ``page``.

    ``answers``: everything answered so far (other pages included; they feed relevance and
    choice filters). ``formdata``: the submitted data (``request.form``) or None.
    """
    _relevant, values = resolve(form, answers)
    fields = [
        (name, _field(form, form.questions[name], lang, values, page))
        for name in page.question_names
        if form.questions[name].has_input
    ]
    cls = type(f"Page_{page.name}", (PageForm,), {})
    cls._unbound_fields = fields  # explicit: question names may start with "_"
    data = {name: _initial(form.questions[name], answers.get(name)) for name, _ in fields}
    page_form = cls(formdata=formdata, data=data)
    page_form.bind_page(form, page, lang, answers)
    return page_form


# --------------------------------------------------------------------------- templates


def _choices(definition: FormDefinition, question: Question, values: dict | None, page: Page):
    """The choices to list: filtered by the answers known, unless the filter waits on an
    answer on this very page (then all of them; logic.js filters them live)."""
    choices = definition.choices_for(question)
    if question.choice_filter is None or values is None:
        return choices
    if filter_waits_on_page(definition, question, page):
        return choices
    return filter_choices(definition, question, values)


def fill_references(text: str, values: Mapping[str, Any]) -> str:
    """Replace ${name} in a label with the answer as text (empty when unanswered)."""

    def value_of(match: re.Match) -> str:
        value = values.get(match.group(1), "")
        return " ".join(value) if isinstance(value, list) else str(value)

    return REFERENCE.sub(value_of, text)


def page_items(
    form: FormDefinition,
    page: Page,
    lang: str,
    second_lang: str | None = None,
    answers: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Per question on ``page``, what a template needs to show it.

    With ``second_lang`` every text also comes as ``<key>_2`` in that language (bilingual
    screen). With ``answers``, ${name} in texts is filled in and choice filters apply;
    ``values`` instead: what the expressions of the page read (a repeat instance's scope).
    """
    if values is None and answers is not None:
        values = resolve(form, answers)[1]
    items = []
    for name in page.question_names:
        question = form.questions[name]
        if question.type in ("calculate", "hidden"):
            continue
        item = _texts(question_label(question, lang), question.hint, lang, values, "")
        if second_lang:
            label_2 = question_label(question, second_lang)
            item.update(_texts(label_2, question.hint, second_lang, values, "_2"))
        item.update(
            name=name,
            type=question.type,
            required=question.required,
            relevant=question.relevant,
            sensitivity=question.sensitivity,
            appearance=question.appearance,
            read_only=question.read_only,
            or_other=question.or_other,
            other_of=question.other_of,
            choices=_choice_items(form, question, values, page, lang, second_lang),
        )
        items.append(item)
    return items


def _texts(label, hint, lang: str, values, suffix: str) -> dict[str, str]:
    texts = {"label" + suffix: label_in(label, lang), "hint" + suffix: label_in(hint, lang)}
    if values is not None:
        texts = {key: fill_references(text, values) for key, text in texts.items()}
    return texts


def _choice_items(form: FormDefinition, question: Question, values: dict | None, page: Page,
                  lang: str, second_lang: str | None) -> list[dict[str, Any]]:
    """The choices listed, each with ``fits``: false for one of a cascade on this page
    that does not fit the answers known yet (rendered hidden and disabled, so a page
    without scripts, or a client filling inputs by name, never picks it; logic.js
    reveals it when it comes to fit)."""
    if values is None or not filter_waits_on_page(form, question, page):
        return [{**_choice_item(choice.name, choice.label, lang, second_lang), "fits": True}
                for choice in _choices(form, question, values, page)]
    fitting = {choice.name for choice in filter_choices(form, question, values)}
    return [{**_choice_item(choice.name, choice.label, lang, second_lang),
             "fits": choice.name in fitting} for choice in form.choices_for(question)]


def _choice_item(name: str, label, lang: str, second_lang: str | None) -> dict[str, str]:
    item = {"name": name, "label": label_in(label, lang) or name}
    if second_lang:
        item["label_2"] = label_in(label, second_lang) or name
    return item
