"""The interpreter's bilingual view, the interface language choice, the language status
and the translated "Specify other." box, through the real screens (Flask client, CSRF)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from survey_app.i18n import gettext_in
from survey_app.webforms import page_items
from tests.interview_client import (
    FlaskBrowser,
    answer,
    record_id_of,
    start_interview,
)
from tests.xlsform_factory import add_to_station, write_xlsform

FORM_ID = "bilingual_test"
EN, KM, AR = "label::English (en)", "label::Khmer (km)", "label::Arabic (ar)"
HINT_EN, HINT_KM, HINT_AR = "hint::English (en)", "hint::Khmer (km)", "hint::Arabic (ar)"

SURVEY = [
    {"type": "begin group", "name": "about", "appearance": "field-list",
     EN: "About your work", KM: "អំពីការងាររបស់អ្នក", AR: "عن عملك"},
    {"type": "note", "name": "intro", EN: "You can stop at any time.",
     KM: "អ្នកអាចឈប់បានគ្រប់ពេល។", AR: "يمكنك التوقف في أي وقت."},
    {"type": "integer", "name": "years", EN: "Years at this factory",
     KM: "ចំនួនឆ្នាំនៅរោងចក្រនេះ", AR: "سنوات العمل في هذا المصنع",
     HINT_EN: "Whole years", HINT_KM: "ឆ្នាំពេញ", HINT_AR: "سنوات كاملة", "required": "yes",
     "required_message::English (en)": "Years are needed.",
     "required_message::Khmer (km)": "ត្រូវការចំនួនឆ្នាំ។",
     "required_message::Arabic (ar)": "عدد السنوات مطلوب."},
    {"type": "select_one yn or_other", "name": "union", EN: "Is there a union?",
     KM: "តើមានសហជីពទេ?", AR: "هل توجد نقابة؟"},
    # No Khmer label: shown in English to a Khmer reader, counted as one fallback.
    {"type": "text", "name": "story", EN: "Anything else?", AR: "هل من شيء آخر؟"},
    {"type": "end group"},
]
CHOICES = [
    {"list_name": "yn", "name": "yes", EN: "Yes", KM: "បាទ/ចាស", AR: "نعم"},
    {"list_name": "yn", "name": "no", EN: "No", KM: "ទេ", AR: "لا"},
    {"list_name": "yn", "name": "other", EN: "Other", KM: "ផ្សេងទៀត", AR: "أخرى"},
]


def install_form(app, tmp_path: Path) -> str:
    """Write the form, store it in the app's station, return its id."""
    path = write_xlsform(tmp_path / "bilingual.xlsx", SURVEY, CHOICES,
                         settings={"form_id": FORM_ID, "version": "1",
                                   "form_title": "Bilingual test",
                                   "default_language": "English (en)"})
    add_to_station(app, path)
    return FORM_ID


@dataclass
class Text:
    """One language column's text as the page renders it."""

    question: str | None  # data-q of the question it belongs to (None: page heading)
    role: str  # "interpreter" / "respondent"
    lang: str
    dir: str
    text: str


VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "area", "base", "wbr"})


class _ColumnParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[dict] = []
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        question = next((e["attrs"]["data-q"] for e in reversed(self.stack)
                         if "data-q" in e["attrs"]), attributes.get("data-q"))
        entry = {"tag": tag, "attrs": attributes, "question": question, "text": []}
        self.stack.append(entry)
        classes = (attributes.get("class") or "").split()
        if "col" in classes and "column-heads" not in self.stack[-2]["attrs"].get("class", ""):
            self.found.append(entry)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for entry in self.stack:
            entry["text"].append(data)


def column_texts(html: str) -> list[Text]:
    """Every language column of the page (column headings left out)."""
    parser = _ColumnParser()
    parser.feed(html)
    texts = []
    for entry in parser.found:
        classes = entry["attrs"].get("class", "").split()
        role = "interpreter" if "col-interpreter" in classes else "respondent"
        texts.append(Text(entry["question"], role, entry["attrs"].get("lang", ""),
                          entry["attrs"].get("dir", ""), " ".join("".join(entry["text"]).split())))
    return texts


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def browser(client) -> FlaskBrowser:
    return FlaskBrowser(client)


@pytest.fixture
def form_id(app, tmp_path) -> str:
    return install_form(app, tmp_path)


def choose_interface_language(browser: FlaskBrowser, code: str, back_to: str):
    return browser.post(f"/interface-language?next={back_to}", {"lang": code})


def open_interview(browser: FlaskBrowser, form_id: str, respondent: str, interpreter: str):
    """Start an interview in ``respondent``'s language, seen by an ``interpreter`` reader."""
    page = start_interview(browser, form_id, "Sunrise Garments", language=respondent)
    return choose_interface_language(browser, interpreter, page.path)


def texts_of(html: str, question: str | None) -> dict[str, list[Text]]:
    by_role: dict[str, list[Text]] = {"interpreter": [], "respondent": []}
    for text in column_texts(html):
        if text.question == question:
            by_role[text.role].append(text)
    return by_role


# --------------------------------------------------------------------------- the view


def test_khmer_respondent_english_interpreter_every_text_in_both(browser, form_id):
    page = open_interview(browser, form_id, "km", "en")
    assert page.status == 200 and page.path.endswith("/page/about")
    assert 'class="interview-page is-bilingual"' in page.text
    definition = load_xlsform_of(browser, form_id)
    about = definition.page("about")
    english = {i["name"]: i for i in page_items(definition, about, "en")}
    for name, item in english.items():
        texts = texts_of(page.text, name)
        shown = {(t.lang, t.text) for t in texts["interpreter"]}
        assert ("en", item["label"]) in shown, name
        if item["hint"]:
            assert ("en", item["hint"]) in shown, name
        for choice in item["choices"]:
            assert ("en", choice["label"]) in shown, (name, choice)
    intro = texts_of(page.text, "intro")
    assert [(t.lang, t.text) for t in intro["respondent"]] == [("km", "អ្នកអាចឈប់បានគ្រប់ពេល។")]
    years = {(t.lang, t.text) for t in texts_of(page.text, "years")["respondent"]}
    assert years == {("km", "ចំនួនឆ្នាំនៅរោងចក្រនេះ"), ("km", "ឆ្នាំពេញ")}
    union = {t.text for t in texts_of(page.text, "union")["respondent"]}
    assert {"តើមានសហជីពទេ?", "បាទ/ចាស", "ទេ", "ផ្សេងទៀត"} <= union
    heading = texts_of(page.text, None)
    assert [t.text for t in heading["interpreter"]] == ["About your work"]
    assert [t.text for t in heading["respondent"]] == ["អំពីការងាររបស់អ្នក"]
    # Both columns are there for every text, each with its own language.
    assert all(t.lang == "km" and t.dir == "ltr" for t in heading["respondent"])
    # Inputs stay single and keep the question names.
    assert page.text.count('name="years"') == 1 and page.text.count('name="union"') == 3


def load_xlsform_of(browser: FlaskBrowser, form_id: str):
    station = browser.client.application.extensions["amplify"]
    return station.form(form_id)


def test_arabic_column_is_right_to_left_and_english_is_not(browser, form_id):
    page = open_interview(browser, form_id, "ar", "en")
    texts = column_texts(page.text)
    respondent = [t for t in texts if t.role == "respondent"]
    interpreter = [t for t in texts if t.role == "interpreter"]
    assert respondent and interpreter and len(respondent) == len(interpreter)
    assert {(t.lang, t.dir) for t in respondent} == {("ar", "rtl")}
    assert {(t.lang, t.dir) for t in interpreter} == {("en", "ltr")}
    assert "هل توجد نقابة؟" in {t.text for t in respondent}
    assert '<html lang="en" dir="ltr">' in page.text  # the interpreter's page stays LTR


def test_an_arabic_interpreter_gets_an_rtl_interface_and_column(browser, form_id):
    page = open_interview(browser, form_id, "km", "ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert ">تغيير</button>" in page.text  # the bar is in the interpreter's language
    texts = column_texts(page.text)
    assert {(t.lang, t.dir) for t in texts if t.role == "interpreter"} == {("ar", "rtl")}
    assert {(t.lang, t.dir) for t in texts if t.role == "respondent"} == {("km", "ltr")}
    # The choice is kept for the next screens of this interpreter.
    assert '<html lang="ar" dir="rtl">' in browser.get("/interviews").text


@pytest.mark.parametrize("language", ["km", "en"])
def test_same_language_shows_one_column(browser, form_id, language):
    page = open_interview(browser, form_id, language, language)
    assert page.status == 200
    assert "is-bilingual" not in page.text and column_texts(page.text) == []
    assert "col-interpreter" not in page.text
    assert page.text.count('name="years"') == 1


def test_a_form_without_the_interpreters_language_shows_its_english(browser, form_id):
    page = open_interview(browser, form_id, "km", "tr")  # the form has no Turkish
    texts = column_texts(page.text)
    assert {t.lang for t in texts if t.role == "interpreter"} == {"en"}
    assert '<html lang="tr" dir="ltr">' in page.text  # the interface itself is Turkish


def test_an_unknown_interface_language_changes_nothing(browser, form_id):
    page = open_interview(browser, form_id, "km", "en")
    page = choose_interface_language(browser, "xx", page.path)
    assert page.status == 200 and '<html lang="en"' in page.text
    assert "That language is not available" in page.text


def test_the_language_choice_only_goes_back_to_this_site(browser, form_id):
    page = browser.post("/interface-language?next=//example.org/", {"lang": "km"})
    assert page.status == 200 and page.path == "/interviews"


def test_errors_are_shown_in_both_languages(browser, form_id):
    page = open_interview(browser, form_id, "km", "en")
    record_id = record_id_of(page.path)
    page = answer(browser, record_id, "about", {"years": ""})
    assert page.status == 422
    assert "ត្រូវការចំនួនឆ្នាំ។" in page.text and "Years are needed." in page.text


# --------------------------------------------------------------------------- status


def test_new_interview_screen_shows_each_languages_review_status(browser):
    page = browser.get("/interviews/new")
    assert page.status == 200
    assert 'id="language-status"' in page.text
    row = page.text.split('data-language="km"', 1)[1].split("</tr>", 1)[0]
    assert "ខ្មែរ" in row and "(Khmer)" in row
    assert "draft: machine-assisted, needs review by a native speaker" in row
    assert "all translated" in row  # the built-in forms translate every Khmer text
    english = page.text.split('data-language="en"', 1)[1].split("</tr>", 1)[0]
    assert "source language" in english


def test_interview_header_shows_status_and_fallbacks(browser, form_id):
    page = open_interview(browser, form_id, "km", "en")
    assert ("ខ្មែរ (Khmer) — draft: machine-assisted, needs review by a native speaker; "
            "texts in English: 1") in page.text
    page = open_interview(browser, form_id, "ar", "en")
    assert "العربية (Arabic) — draft: machine-assisted" in page.text
    assert "العربية (Arabic) — draft: machine-assisted, needs review by a native speaker; " \
        "all translated" in page.text


# --------------------------------------------------------------------------- Specify other.


def translated(app, code: str, text: str) -> str:
    with app.test_request_context():
        return gettext_in(code, text)


def test_specify_other_box_is_in_the_respondents_language(browser, app, form_id):
    khmer = translated(app, "km", "Specify other.")
    assert khmer != "Specify other."
    page = open_interview(browser, form_id, "km", "en")
    other = texts_of(page.text, "union_other")
    assert [(t.lang, t.text) for t in other["respondent"]] == [("km", khmer)]
    assert [(t.lang, t.text) for t in other["interpreter"]] == [("en", "Specify other.")]
    page = open_interview(browser, form_id, "km", "km")  # one column: the plain page
    assert khmer in page.text and "Specify other." not in page.text


def test_specify_other_on_a_built_in_form_page_in_arabic(browser, app):
    definition = app.extensions["amplify"].form("amplify_worker")
    question = definition.questions["interference_types_other"]
    page = definition.page(question.page)
    with app.test_request_context():
        items = {i["name"]: i for i in page_items(definition, page, "ar", second_lang="en")}
    arabic = translated(app, "ar", "Specify other.")
    assert arabic != "Specify other."
    assert items["interference_types_other"]["label"] == arabic
    assert items["interference_types_other"]["label_2"] == "Specify other."
