"""page_items feed the one question macro; a page post is read the same way on both
screens (survey_app/posted.py)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from survey_app.posted import posted_answers
from survey_app.webforms import page_items
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


def test_a_post_is_read_by_question_key_and_checked_by_the_logic(form):
    page = form.page("about")
    posted = posted_answers(form, page, MultiDict([
        ("age", " 12 "), ("pay", "lots"), ("joined", "2024-13-01"), ("union", "maybe"),
        ("rights", "no"), ("rights", "yes"), ("rights", "no"), ("ok", "OK"),
        ("story", "line one\r\nline two\x00"), ("hello", "not an input"),
        ("double", "99")]))
    assert posted == {"age": "12", "pay": "lots", "joined": "2024-13-01", "union": "maybe",
                      "union_other": "", "rights": ["no", "yes"], "story": "line one\nline two",
                      "ok": "OK"}
    errors = page_errors(form, page, posted, "en")
    assert set(errors) == {"age", "pay", "joined", "union"}


def test_a_question_key_may_start_with_underscore(form):
    assert posted_answers(form, form.pages[0], MultiDict([("_nick", "Mia")])) == {
        "_nick": "Mia"}


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
