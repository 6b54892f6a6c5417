"""Server-side logic: relevance fixpoint, calculations, page errors, cleaning, navigation."""

from __future__ import annotations

import pytest

from survey_app.webforms import page_items
from tests.xlsform_factory import write_xlsform
from xlsform import load_xlsform
from xlsform.logic import (
    clean_answers,
    client_logic,
    compute_calculations,
    filtered_choices,
    next_page,
    page_errors,
    previous_page,
    relevant_questions,
)

EN, KM = "label::English (en)", "label::Khmer (km)"
REQ_KM = "required_message::Khmer (km)"


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = tmp_path_factory.mktemp("logic") / "logic.xlsx"
    write_xlsform(
        path,
        [
            {
                "type": "select_one yn",
                "name": "consent",
                EN: "Agree?",
                "required": "yes",
                REQ_KM: "សូមឆ្លើយ",
            },
            {
                "type": "begin group",
                "name": "profile",
                EN: "Profile",
                "relevant": "${consent} = 'yes'",
            },
            {
                "type": "integer",
                "name": "age",
                EN: "Age",
                "required": "yes",
                "constraint": ". >= 16 and . < 100",
                "constraint_message::English (en)": "Age must be 16 to 99.",
            },
            {"type": "decimal", "name": "hours", EN: "Hours per week"},
            {"type": "date", "name": "started", EN: "Start date"},
            {"type": "select_multiple work", "name": "tasks", EN: "Tasks"},
            {"type": "select_one work or_other", "name": "main_task", EN: "Main task"},
            {"type": "text", "name": "late_reason", EN: "Why?", "relevant": "${overtime} = 'true'"},
            {"type": "calculate", "name": "overtime", "calculation": "${hours} > 48"},
            {"type": "end group"},
            {"type": "begin group", "name": "union", EN: "Union", "relevant": "${age} >= 18"},
            {
                "type": "select_one yn",
                "name": "member",
                EN: "Member?",
                "required": "${consent} = 'yes'",
            },
            {"type": "select_one town", "name": "town", EN: "Town"},
            {
                "type": "select_one place",
                "name": "place",
                EN: "Place",
                "choice_filter": "town = ${town}",
            },
            {"type": "end group"},
            {"type": "begin group", "name": "end"},
            {"type": "note", "name": "thanks", EN: "Thank you"},
            {"type": "end group"},
        ],
        [
            {"list_name": "yn", "name": "yes", EN: "Yes"},
            {"list_name": "yn", "name": "no", EN: "No"},
            {"list_name": "work", "name": "sew", EN: "Sewing"},
            {"list_name": "work", "name": "cut", EN: "Cutting"},
            {"list_name": "town", "name": "pp", EN: "Phnom Penh"},
            {"list_name": "town", "name": "kp", EN: "Kampot"},
            {"list_name": "place", "name": "f1", EN: "Factory 1", "town": "pp"},
            {"list_name": "place", "name": "f2", EN: "Factory 2", "town": "kp"},
        ],
        settings={"form_id": "logic", "version": "1"},
    )
    return load_xlsform(path)


BASE = {"consent": "yes", "age": "30", "hours": "50"}


def test_group_relevance_hides_everything_inside(form):
    relevant = relevant_questions(form, {"consent": "no", "age": "30"})
    assert "age" not in relevant and "member" not in relevant
    assert relevant >= {"consent", "thanks"}


def test_relevance_chains_through_calculations(form):
    relevant = relevant_questions(form, BASE)
    assert "late_reason" in relevant
    assert compute_calculations(form, BASE) == {"overtime": "true"}
    assert "late_reason" not in relevant_questions(form, {**BASE, "hours": "40"})


def test_irrelevant_answers_count_as_empty(form):
    # age is answered but consent is no: age must not open the union page
    answers = {"consent": "no", "age": "30", "hours": "60", "member": "yes"}
    relevant = relevant_questions(form, answers)
    assert "member" not in relevant
    assert compute_calculations(form, answers) == {"overtime": ""}


def test_required_and_messages_in_language(form):
    first = form.pages[0]
    assert page_errors(form, first, {}, "en") == {"consent": "This answer is required."}
    assert page_errors(form, first, {}, "km") == {"consent": "សូមឆ្លើយ"}
    assert page_errors(form, first, {"consent": "yes"}, "en") == {}


def test_constraint_and_type_checks(form):
    profile = form.page("profile")
    errors = page_errors(
        form, profile, {"consent": "yes", "age": "12", "hours": "many", "started": "2024-02-30"}
    )
    assert errors == {
        "age": "Age must be 16 to 99.",
        "hours": "Enter a number.",
        "started": "Enter a date as YYYY-MM-DD.",
    }
    assert page_errors(form, profile, {"consent": "yes"})["age"] == "This answer is required."
    assert page_errors(form, profile, {"consent": "yes", "age": "2x"})["age"] == (
        "Enter a whole number."
    )


def test_select_values_must_be_choices(form):
    profile = form.page("profile")
    answers = {**BASE, "tasks": ["sew", "iron"], "main_task": "boss"}
    errors = page_errors(form, profile, answers)
    assert errors == {
        "tasks": "Choose only from the options.",
        "main_task": "Choose one of the options.",
    }
    ok = {**BASE, "tasks": "sew cut", "main_task": "other", "main_task_other": "packing"}
    assert page_errors(form, profile, ok) == {}
    assert "main_task_other" in relevant_questions(form, ok)


def test_choice_filter_limits_values(form):
    union = form.page("union")
    answers = {**BASE, "member": "no", "town": "pp"}
    assert [c.name for c in filtered_choices(form, form.questions["place"], answers)] == ["f1"]
    assert page_errors(form, union, {**answers, "place": "f2"}) == {
        "place": "Choose one of the options."
    }
    assert page_errors(form, union, {**answers, "place": "f1"}) == {}


def test_required_expression(form):
    union = form.page("union")
    assert page_errors(form, union, BASE) == {"member": "This answer is required."}


def test_khmer_digits_are_numbers(form):
    answers = {"consent": "yes", "age": "២៥"}
    assert "age" not in page_errors(form, form.page("profile"), answers)
    assert clean_answers(form, answers)["age"] == "25"


def test_clean_answers_drops_hidden_and_unknown(form):
    answers = {"consent": "no", "age": "30", "hacker": "x", "thanks": "note"}
    assert clean_answers(form, answers) == {"consent": "no"}
    cleaned = clean_answers(form, {**BASE, "tasks": "sew cut", "late_reason": "orders"})
    assert cleaned == {
        "consent": "yes",
        "age": "30",
        "hours": "50",
        "tasks": ["sew", "cut"],
        "late_reason": "orders",
        "overtime": "true",
    }


def test_navigation_skips_irrelevant_pages(form):
    no = {"consent": "no"}
    assert next_page(form, no, None) == "p1"
    assert next_page(form, no, "p1") == "end"
    assert previous_page(form, no, "end") == "p1"
    assert next_page(form, no, "end") is None
    young = {"consent": "yes", "age": "17"}
    assert next_page(form, young, "profile") == "end"
    assert next_page(form, BASE, "profile") == "union"
    assert previous_page(form, BASE, None) == "end"
    assert previous_page(form, BASE, "p1") is None


def test_client_logic_carries_what_the_browser_needs(form):
    logic = client_logic(form, form.page("profile"), {**BASE, "member": "yes"})
    assert logic["page"] == "profile"
    assert set(logic["relevant"]) == {
        "age",
        "hours",
        "started",
        "tasks",
        "main_task",
        "main_task_other",
        "late_reason",
        "overtime",
    }
    assert logic["calculate"] == {"overtime": [">", ["ref", "hours"], ["lit", 48]]}
    assert logic["values"] == {"consent": "yes"}


def test_a_cascade_on_one_page_lists_every_choice_and_ships_its_filter(form):
    """town and place share a page: the page lists every place, the browser filters them
    as the town changes, and the server still refuses a place of another town."""
    union, answers = form.page("union"), {**BASE, "town": "pp"}
    logic = client_logic(form, union, answers)
    assert logic["choices"]["place"]["filter"] == form.questions["place"].choice_filter
    rows = logic["choices"]["place"]["rows"]
    assert set(rows) == {"f1", "f2"} and rows["f2"]["town"] == "kp"
    items = {item["name"]: item for item in page_items(form, union, "en", answers=answers)}
    assert [(c["name"], c["fits"]) for c in items["place"]["choices"]] == [
        ("f1", True), ("f2", False)]  # listed, but hidden and disabled until it fits
    assert "choices" not in client_logic(form, form.page("profile"), answers)
    assert page_errors(form, union, {**answers, "member": "no", "place": "f2"}) == {
        "place": "Choose one of the options."
    }


def test_a_cascade_across_pages_lists_only_the_choices_that_fit(tmp_path):
    path = write_xlsform(tmp_path / "across.xlsx", [
        {"type": "begin group", "name": "first", EN: "First"},
        {"type": "select_one town", "name": "town", EN: "Town"},
        {"type": "end group"},
        {"type": "begin group", "name": "second", EN: "Second"},
        {"type": "select_one place", "name": "place", EN: "Place",
         "choice_filter": "town = ${town}"},
        {"type": "end group"},
    ], [
        {"list_name": "town", "name": "pp", EN: "Phnom Penh"},
        {"list_name": "town", "name": "kp", EN: "Kampot"},
        {"list_name": "place", "name": "f1", EN: "Factory 1", "town": "pp"},
        {"list_name": "place", "name": "f2", EN: "Factory 2", "town": "kp"},
    ], settings={"form_id": "across", "version": "1"})  # fmt: skip
    across = load_xlsform(path)
    second = across.page("second")
    items = page_items(across, second, "en", answers={"town": "kp"})
    assert [c["name"] for c in items[0]["choices"]] == ["f2"]
    assert "choices" not in client_logic(across, second, {"town": "kp"})
