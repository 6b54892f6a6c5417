"""WTForms built from a page agree with logic.page_errors; page_items feed templates."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from survey_app.webforms import MultiCheckboxField, build_page_form, page_items
from tests.xlsform_factory import write_xlsform
from xlsform import load_xlsform
from xlsform.logic import page_errors

EN, KM = "label::English (en)", "label::Khmer (km)"


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = tmp_path_factory.mktemp("wtf") / "wtf.xlsx"
    write_xlsform(
        path,
        [
            {"type": "text", "name": "_nick", EN: "Nickname ${age}", KM: "ឈ្មោះ"},
            {"type": "begin group", "name": "about", EN: "About you"},
            {"type": "note", "name": "hello", EN: "Hello ${_nick}"},
            {
                "type": "integer",
                "name": "age",
                EN: "Age",
                KM: "អាយុ",
                "required": "yes",
                "constraint": ". >= 16",
                "hint::English (en)": "In years",
                "sensitivity": "quasi",
            },
            {"type": "decimal", "name": "pay", EN: "Pay"},
            {"type": "date", "name": "joined", EN: "Joined"},
            {"type": "select_one yn or_other", "name": "union", EN: "Union?", KM: "សហជីព?"},
            {"type": "select_multiple yn", "name": "rights", EN: "Rights"},
            {
                "type": "text",
                "name": "story",
                EN: "Story",
                "appearance": "multiline",
                "relevant": "${union} = 'yes'",
            },
            {"type": "acknowledge", "name": "ok", EN: "I understand"},
            {"type": "calculate", "name": "double", "calculation": "${age} * 2"},
            {"type": "end group"},
        ],
        [
            {"list_name": "yn", "name": "yes", EN: "Yes", KM: "បាទ"},
            {"list_name": "yn", "name": "no", EN: "No", KM: "ទេ"},
        ],
    )
    return load_xlsform(path)


@pytest.fixture
def request_context():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    with app.test_request_context("/", method="POST"):
        yield


def test_fields_follow_question_types(form, request_context):
    page = form.page("about")
    page_form = build_page_form(form, page, "en", {"age": "30"})
    names = [field.name for field in page_form]
    assert names == ["age", "pay", "joined", "union", "union_other", "rights", "story", "ok"]
    assert page_form["age"].data == "30"
    assert 'inputmode="numeric"' in str(page_form["age"]())
    assert 'inputmode="decimal"' in str(page_form["pay"]())
    assert 'type="date"' in str(page_form["joined"]())
    assert page_form["union"].type == "RadioField"
    assert isinstance(page_form["rights"], MultiCheckboxField)
    assert 'type="checkbox"' in str(page_form["rights"]())
    assert page_form["story"].type == "TextAreaField"
    assert page_form["union"].label.text == "Union?"
    assert page_form["age"].description == "In years"
    khmer = build_page_form(form, page, "km", {})
    assert khmer["union"].label.text == "សហជីព?"
    assert 'value="yes"' in str(khmer["union"]()) and "បាទ" in str(khmer["union"]())


def test_field_names_may_start_with_underscore(form, request_context):
    page_form = build_page_form(form, form.pages[0], "en", {})
    assert [field.name for field in page_form] == ["_nick"]


def test_validation_defers_to_logic(form, request_context):
    page = form.page("about")
    posted = MultiDict(
        [
            ("age", "12"),
            ("pay", "lots"),
            ("joined", "2024-13-01"),
            ("union", "maybe"),
            ("rights", "yes"),
            ("rights", "no"),
        ]
    )
    page_form = build_page_form(form, page, "en", {}, formdata=posted)
    assert not page_form.validate()
    expected = page_errors(form, page, page_form.answers(), "en")
    assert page_form.answer_errors == expected
    assert {name: errors[0] for name, errors in page_form.errors.items()} == expected
    assert set(expected) == {"age", "pay", "joined", "union"}
    assert page_form.answers()["rights"] == ["yes", "no"]
    assert page_form.answers()["joined"] == "2024-13-01"


def test_a_good_page_validates(form, request_context):
    page = form.page("about")
    posted = MultiDict(
        [
            ("age", "30"),
            ("union", "other"),
            ("union_other", "works council"),
            ("ok", "y"),
            ("joined", "2020-05-01"),
        ]
    )
    page_form = build_page_form(form, page, "en", {"_nick": "Mia"}, formdata=posted)
    assert page_form.validate(), page_form.errors
    answers = page_form.answers()
    assert answers["ok"] == "OK" and answers["union_other"] == "works council"
    assert answers["joined"] == "2020-05-01"


def test_page_items_for_templates(form):
    items = page_items(
        form, form.page("about"), "km", second_lang="en", answers={"_nick": "Mia", "age": "30"}
    )
    by_name = {item["name"]: item for item in items}
    assert "double" not in by_name
    assert by_name["hello"]["label"] == "Hello Mia"  # km missing: English, filled in
    age = by_name["age"]
    assert (age["label"], age["label_2"], age["hint_2"]) == ("អាយុ", "Age", "In years")
    assert age["required"] and age["sensitivity"] == "quasi" and age["type"] == "integer"
    union = by_name["union"]
    assert union["or_other"] and union["choices"][0] == {
        "name": "yes",
        "label": "បាទ",
        "label_2": "Yes",
        "fits": True,
    }
    assert by_name["story"]["relevant"] == ["=", ["ref", "union"], ["lit", "yes"]]
    assert by_name["union_other"]["other_of"] == "union"
    plain = page_items(form, form.pages[0], "en")
    assert plain[0]["label"] == "Nickname ${age}" and "label_2" not in plain[0]
