"""Repeat answers through the station's anonymiser: every rule holds inside every instance."""

from __future__ import annotations

import json
import string
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.store.projects import Project
from survey_app.text import normalise_answers
from sync import repeats
from sync.anonymise import anonymise
from sync.scrub import REMOVED
from xlsform.model import Choice, FormDefinition, Question, Repeat

from .repeat_kit import ANSWERS, CHILD_NAME, MEMBER_NAME, household_form

LOCAL = Project("local-x", "Local", "local", b"k" * 32, (), True)


def _run(form: FormDefinition, answers: dict, names: list[str] | None = None):
    names = names if names is not None else _identifying_texts(form, answers)
    return anonymise(form, answers, LOCAL, mode="interview", context={"names": names})


def _identifying_texts(form: FormDefinition, answers: dict) -> list[str]:
    """What finalise adds to the names to scrub: every identifying text, at any depth."""
    found = [(a.question, a.value) for a in repeats.walk(repeats.scopes(form), answers)]
    found += list(answers.items())
    return [v for n, v in found if form.sensitivity_of(n) == "identifying"
            and isinstance(v, str)]


def test_instances_keep_their_places_and_lose_what_identifies():
    form = household_form()
    result = _run(form, ANSWERS)
    first, second = result.kept["household"]
    assert "member_name" not in first and "member_age" not in first  # identifying, exact age
    assert first["member_band"] == "35_up" and first["member_seen"] == "2026-03-02"
    assert first["member_note"] == f"ask {REMOVED}, call {REMOVED}"
    assert first["children"] == [{"child_school": "yes", "child_comment": "walks far"},
                                 {"child_school": "no"}]
    assert second == {"member_band": "18_34", "member_job": "cutting"}
    assert result.kept["comment"] == f"{REMOVED} spoke for the family"
    assert result.identifying == {"household": [
        {"member_name": MEMBER_NAME, "children": [{"child_name": CHILD_NAME}, {}]}, {}]}


def test_answers_keyed_in_the_wrong_scope_are_dropped():
    form = household_form()
    answers = {"member_job": "sewing", "children": [{"child_school": "yes"}],
               "household": [{"child_school": "yes", "consent": "yes", "nope": 1,
                              "member_job": "none"}, "not an instance"],
               "consent": "yes"}
    kept = _run(form, answers).kept
    assert kept == {"consent": "yes"}, "a list holding something else is not a repeat"
    answers["household"] = [{"child_school": "yes", "consent": "yes", "member_job": "none"}]
    assert _run(form, answers).kept == {"consent": "yes",
                                        "household": [{"member_job": "none"}]}


def test_merge_instances_puts_the_vault_back_in_place():
    form = household_form()
    result = _run(form, ANSWERS)
    merged = repeats.merge_instances(result.kept, result.identifying)
    assert merged["household"][0]["member_name"] == MEMBER_NAME
    assert merged["household"][0]["children"][0] == {
        "child_name": CHILD_NAME, "child_school": "yes", "child_comment": "walks far"}
    assert merged["household"][1] == result.kept["household"][1]


def test_walk_names_instances_from_the_outermost_in():
    form = household_form()
    seen = [(a.repeat, a.instance, a.question, a.value)
            for a in repeats.walk(repeats.scopes(form), ANSWERS)]
    assert ("household", "1", "children", 2) in seen
    assert ("children", "1.2", "child_school", "no") in seen
    assert ("household", "2", "children", 0) not in seen  # no instances: nothing to count
    assert [s[1] for s in seen if s[0] == "children"] == ["1.1", "1.1", "1.1", "1.2"]


def test_text_inside_instances_is_normalised_and_flagged_by_address():
    cleaned, _ = normalise_answers({"household": [{"member_note": "cafe\u0301"}]})
    assert cleaned["household"][0]["member_note"] == "caf\u00e9"
    zawgyi = "\u1031\u1000\u103a\u102c\u1004\u1039\u1038"  # "school", typed in Zawgyi
    answers = {"household": [{}, {"children": [{"child_comment": zawgyi}]}]}
    cleaned, flags = normalise_answers(answers)
    assert list(flags) == ["child_comment~2~1"]
    assert flags["child_comment~2~1"][0].startswith("zawgyi_")


# --- the property: nothing identifying survives, at any depth, whatever the answers ---

WORD = st.text(string.ascii_lowercase, min_size=3, max_size=8)
# Identifying values are unmistakable words (capitalised, with a marker) so a search in the
# kept answers cannot be fooled by an ordinary word.
IDENTITY = st.builds(lambda w: "Zq" + w, WORD)


def _chain_form(depth: int) -> FormDefinition:
    """Repeats r1 ⊃ r2 ⊃ … r<depth>, each with an identifying, a free text, a quasi number
    and a select question; one identifying question at the top level too."""
    questions = [Question("top_id", "text", "p0", sensitivity="identifying")]
    chain: dict[str, Repeat] = {}
    for level in range(1, depth + 1):
        repeat = f"r{level}"
        chain[repeat] = Repeat(repeat, parent=f"r{level - 1}" if level > 1 else None)
        questions += [Question(f"id{level}", "text", repeat, sensitivity="identifying",
                               repeat=repeat),
                      Question(f"txt{level}", "text", repeat, repeat=repeat),
                      Question(f"age{level}", "integer", repeat, sensitivity="quasi",
                               repeat=repeat),
                      Question(f"pick{level}", "select_one", repeat, choice_list="c",
                               repeat=repeat)]
    return FormDefinition("chain", "1", questions={q.name: q for q in questions},
                          repeats=chain, choice_lists={"c": [Choice("a"), Choice("b")]})


@st.composite
def _instances(draw: Any, level: int, depth: int) -> list[dict]:
    items = []
    for _ in range(draw(st.integers(0, 3))):
        identity = draw(IDENTITY)
        words = draw(st.lists(st.one_of(WORD, st.just(identity)), max_size=5))
        item: dict[str, Any] = {f"id{level}": identity, f"txt{level}": " ".join(words),
                                f"age{level}": draw(st.integers(0, 99)),
                                f"pick{level}": draw(st.sampled_from(["a", "b"]))}
        if level < depth:
            item[f"r{level + 1}"] = draw(_instances(level + 1, depth))
        items.append(item)
    return items


@st.composite
def _forms_and_answers(draw: Any) -> tuple[FormDefinition, dict, list[str]]:
    depth = draw(st.integers(1, 4))
    answers = {"top_id": draw(IDENTITY), "r1": draw(_instances(1, depth))}
    return _chain_form(depth), answers, _identities(answers)


def _identities(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k.startswith(("id", "top_id"))] + \
            [x for v in value.values() for x in _identities(v)]
    if isinstance(value, list):
        return [x for v in value for x in _identities(v)]
    return []


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@settings(max_examples=60, deadline=None)
@given(_forms_and_answers())
def test_no_identifying_answer_survives_at_any_depth(case):
    form, answers, identities = case
    result = _run(form, answers)
    kept = json.dumps(result.kept)
    assert not [name for name in identities if name in kept]
    assert not {k for k in _keys(result.kept) if k.startswith(("id", "top_id", "age"))}
    # ... and the vault's copy puts every one of them back where it was.
    assert sorted(_identities(repeats.merge_instances(result.kept, result.identifying))) == \
        sorted(identities)


def test_a_held_submission_with_instances_is_scrubbed_and_sealed_at_the_unlock(app):
    from survey_app import held
    from survey_app.finalise import finalise_record
    from survey_app.store import formstore, projects, records, scrubnames
    from survey_app.store.records import RecordMeta
    from tests.conftest import PASSPHRASE

    station = app.extensions["amplify"]
    form = household_form()
    formstore.add_form(station.store, form, b"built in the test", "household.xlsx")
    scrubnames.save(station.store, station.keys().records, "sess1", ["Chakriya"])
    project = projects.project_for_form(station.store, form.form_id)
    meta = RecordMeta(id=records.new_record_id(), form_id=form.form_id,
                      form_version=form.version, project_id=project.id, mode="self",
                      language="en", status="draft", supplier_id=None, session_id="sess1",
                      day="", seq=0, revision=1)
    station.lock()
    finalise_record(station, meta, form, ANSWERS)
    assert held.waiting(station) == 1
    station.unlock(PASSPHRASE)
    assert held.release(station) == 1
    sealed = records.read_sealed(station.store, station.keys().local_project_private, meta.id)
    first = sealed["answers"]["household"][0]
    assert first["member_note"] == f"ask {REMOVED}, call {REMOVED}"
    assert "member_name" not in first and "child_name" not in first["children"][0]
    assert records.read_vault(station.store, station.keys().vault, meta.id) == {}
