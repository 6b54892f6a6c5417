"""Repeat instances as both screens see them (survey_app/instances.py with
questionnaire.page_questions), for any sequence of adds, removes and answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app import instances, questionnaire
from tests.test_repeat_pages import ROWS
from tests.xlsform_factory import write_xlsform
from xlsform import load_xlsform, logic, repeat_logic


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = write_xlsform(tmp_path_factory.mktemp("instances") / "rep.xlsx", ROWS,
                         settings={"form_id": "rep", "version": "1"})
    return load_xlsform(path)


# One step: ("add", which "add another?" place), ("remove", which instance page),
# ("answer", which instance page, a name).
STEPS = st.lists(st.tuples(st.sampled_from(["add", "remove", "answer"]), st.integers(0, 20),
                           st.text("ABCabc ", min_size=1, max_size=5)), max_size=12)


def shown(form, answers, adding: bool) -> list[str]:
    return [stop.address for stop in repeat_logic.sequence(form, answers)
            if stop.shown and stop.place.adding == adding and stop.place.repeat is not None
            and form.repeats[stop.place.repeat].count is None]


def count(answers) -> int:
    return len(answers.get("household", []))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_every_place_on_the_path_is_drawn_and_titled_by_its_instance(form, steps):
    answers: dict = {"n_visits": "1"}
    for kind, pick, name in steps:
        places = shown(form, answers, adding=kind == "add")
        if not places:
            continue
        spot = instances.locate(form, places[pick % len(places)])
        before = count(answers)
        if kind == "add":
            answers, target = instances.added(form, spot, answers)
            assert instances.locate(form, target).page is not None
            assert count(answers) == before + (spot.repeat == "household")
        elif kind == "remove":
            answers, target = instances.removed(form, spot, answers)
            assert count(answers) == before - (spot.page.repeat == "household")
            assert instances.locate(form, target).adding
        else:
            posted = {"member_name": name} if spot.page.name == "household" else \
                {"child_name": name}
            answers = instances.merged(form, spot, answers, posted)
    for stop in repeat_logic.sequence(form, answers):
        if not stop.shown:
            continue
        spot = instances.locate(form, stop.address)
        assert spot.address == stop.address
        title = instances.heading(form, spot, "default")
        for repeat, number in spot.path:
            assert f"{form.repeats[repeat].label['default']} {number}" in title
        items = questionnaire.page_questions(form, spot, "default", answers)
        assert (items == []) == spot.adding
        own = answers
        for repeat, number in spot.path:  # raw answers: a counted repeat's may be missing
            listed = own.get(repeat, [])
            own = listed[number - 1] if number <= len(listed) else {}
        for item in items:  # each input shows its own instance's answer
            assert item["value"] == logic.normalise_answer(form.questions[item["name"]],
                                                            own.get(item["name"]))
        assert questionnaire.is_shown(form, stop.address, answers)


def test_a_counted_repeat_has_no_add_and_no_remove(form):
    answers = {"n_visits": "2"}
    spot = instances.locate(form, "visits~2")
    assert spot.numbers == (2,) and not instances.by_hand(form, spot)
    assert not instances.removable(form, spot)
    with pytest.raises(ValueError):
        instances.removed(form, spot, answers)
    with pytest.raises(KeyError):
        instances.locate(form, "visits~add~1")
    assert instances.heading(form, spot, "default") == "Visit 2"


def test_a_flat_form_is_addressed_by_page_names(tmp_path: Path):
    path = write_xlsform(tmp_path / "flat.xlsx", [
        {"type": "begin group", "name": "p1", "label": "One"},
        {"type": "text", "name": "a", "label": "A?"},
        {"type": "end group"}])
    flat = load_xlsform(path)
    spot = instances.locate(flat, "p1")
    assert (spot.page.name, spot.repeat, spot.path, spot.adding) == ("p1", None, (), False)
    assert instances.merged(flat, spot, {"a": "x", "b": "y"}, {"a": ""}) == {"b": "y"}
    with pytest.raises(KeyError):
        instances.locate(flat, "p1~1")
