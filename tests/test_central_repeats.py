"""The brand's check of repeat answers: each instance by the rules of its form, every refusal
naming the record, the question and the instance; whatever a station's anonymiser keeps
passes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central.validate import FormRules, Refusal
from survey_app.store.projects import Project
from sync.anonymise import anonymise

from .repeat_kit import household_form

FORM = household_form()
RULES = FormRules(FORM, free_text=True)


def test_instances_become_rows_with_their_numbers():
    checked = RULES.answers("rec1", {"consent": "yes", "household": [
        {"member_job": "sewing", "children": [{"child_school": "yes"}, {}]},
        {"member_band": "18_34", "children": []}]})
    assert checked.rows == [("consent", "yes"), ("household", 2)]
    assert sorted(checked.instances) == [
        ("children", "1.1", "child_school", "yes"), ("household", "1", "children", 2),
        ("household", "1", "member_job", "sewing"), ("household", "2", "member_band", "18_34")]


@pytest.mark.parametrize("answers, message", [
    ({"household": {"member_job": "sewing"}}, "repeat 'household'"),
    ({"household": [{"member_job": "sewing"}, 3]}, "a list of instances was expected"),
    ({"member_job": "sewing"}, "inside repeat 'household'"),
    ({"household": [{"consent": "yes"}]}, "'consent' in household 1 (form household_survey 1)"
                                          ": the form has this question at the top level"),
    ({"household": [{"child_school": "yes"}]}, "inside repeat 'children'"),
    ({"household": [{}, {"member_name": "A"}]}, "in household 2 (form household_survey 1): "
                                                "an identifying answer must never leave"),
    ({"household": [{"children": [{}, {"child_school": "maybe"}]}]},
     "'child_school' in children 1.2"),
    ({"household": [{"member_age": 41}]}, "quasi-identifier must arrive as a band"),
    ({"household": [{"nope": 1}]}, "'nope' in household 1"),
])
def test_what_does_not_fit_refuses_naming_record_question_and_instance(answers, message):
    with pytest.raises(Refusal) as refused:
        RULES.answers("rec1", answers)
    assert "record rec1" in str(refused.value) and message in str(refused.value)


def test_free_text_inside_instances_follows_the_project():
    with pytest.raises(Refusal, match="does not export free text"):
        FormRules(FORM, free_text=False).answers(
            "rec1", {"household": [{"children": [{"child_comment": "far"}]}]})


BRAND = Project("prj-x", "Brand", "brand", b"k" * 32, ("household_survey",), True)
TEXT = st.text(min_size=0, max_size=12)


def _child() -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={
        "child_name": TEXT, "child_school": st.sampled_from(["yes", "no", "maybe"]),
        "child_comment": TEXT})


def _member() -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={
        "member_name": TEXT, "member_age": st.integers(0, 120),
        "member_band": st.sampled_from(["under_18", "18_34", "35_up", "60"]),
        "member_note": TEXT, "member_seen": st.sampled_from(["2026-03-02T10:11", "10:11"]),
        "member_job": st.sampled_from(["sewing", "none"]),
        "children": st.lists(_child(), max_size=3)})


@settings(max_examples=80, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "consent": st.sampled_from(["yes", "no"]), "comment": TEXT,
    "household": st.lists(_member(), max_size=3)}))
def test_whatever_the_station_keeps_the_brand_accepts(answers):
    # Invalid choices are the pages' to refuse; here every answer that reaches sealing is valid.
    for member in answers.get("household", []):
        if member.get("member_band") == "60":
            member.pop("member_band")
        for child in member.get("children", []):
            if child.get("child_school") == "maybe":
                child.pop("child_school")
    kept = anonymise(FORM, answers, BRAND, mode="self", context={}).kept
    checked = RULES.answers("rec1", kept)
    stored = {row[2] for row in checked.instances} | {row[0] for row in checked.rows}
    assert not stored & {"member_name", "child_name", "member_age"}
