"""Repeats in the pure XLSForm layer: the model, values per instance, the page path by
address, and static/logic.js reading an instance as the server does (Chromium).

One small hand-built form (module fixture) with a repeat, a counted repeat nested in it and
a repeat of two group pages with a fixed count; the corpus forms with repeats load.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.xlsform_factory import write_xlsform
from xlsform import FormDefinition, load_xlsform, logic
from xlsform.check import check_file
from xlsform.expressions import evaluate, parse, to_string
from xlsform.loader import attachment_names
from xlsform.repeat_logic import MAX_INSTANCES, plan_of, sequence
from xlsform.scope import Scope

from .test_xlsform_corpus import CORPUS, needs_corpus

LOGIC_JS = Path(__file__).resolve().parents[1] / "survey_app" / "static" / "logic.js"

ROWS = [
    {"type": "integer", "name": "hh_size", "label": "People in the household"},
    {"type": "begin repeat", "name": "household", "label": "Member",
     "relevant": "${hh_size} > 0"},
    {"type": "text", "name": "member_name", "label": "Name", "required": "yes"},
    {"type": "integer", "name": "age", "label": "Age", "constraint": ". >= 0 and . < 120"},
    {"type": "calculate", "name": "number", "calculation": "position(..)"},
    {"type": "note", "name": "adult_note", "label": "An adult", "relevant": "${age} >= 18"},
    {"type": "integer", "name": "kids", "label": "Children"},
    {"type": "begin repeat", "name": "children", "label": "Child",
     "repeat_count": "${kids}"},
    {"type": "text", "name": "child_name", "label": "Child's name", "required": "yes"},
    {"type": "integer", "name": "child_age", "label": "Child's age",
     "constraint": ". < ${age}"},
    {"type": "calculate", "name": "child_label",
     "calculation": "concat(${member_name}, '/', position(..))"},
    {"type": "note", "name": "teen_note", "label": "A teenager",
     "relevant": "${child_age} >= 13 and ${member_name} != ''"},
    {"type": "end repeat"},
    {"type": "end repeat"},
    {"type": "begin repeat", "name": "visits", "label": "Visit", "repeat_count": "2"},
    {"type": "begin group", "name": "visit_when", "label": "When"},
    {"type": "date", "name": "visit_date", "label": "Date"},
    {"type": "end group"},
    {"type": "begin group", "name": "visit_why", "label": "Why"},
    {"type": "text", "name": "visit_reason", "label": "Reason",
     "relevant": "${visit_date} != ''"},
    {"type": "end group"},
    {"type": "end repeat"},
    {"type": "calculate", "name": "total_age", "calculation": "sum(${age})"},
    {"type": "calculate", "name": "members", "calculation": "count(${household})"},
    {"type": "calculate", "name": "names", "calculation": "join(', ', ${member_name})"},
    {"type": "calculate", "name": "oldest", "calculation": "max(${age})"},
    {"type": "calculate", "name": "first_name",
     "calculation": "indexed-repeat(${member_name}, ${household}, 1)"},
    {"type": "calculate", "name": "second_first_child",
     "calculation": "indexed-repeat(${child_name}, ${household}, 2, ${children}, 1)"},
    {"type": "note", "name": "summary", "label": "${members} people"},
]
ANSWERS = {
    "hh_size": "2",
    "household": [
        {"member_name": "Ann", "age": "40", "kids": "1",
         "children": [{"child_name": "Bo", "child_age": "14"}]},
        {"member_name": "Cy", "age": "12", "kids": "0", "children": [{"child_name": "gone"}]},
    ],
    "visits": [{"visit_date": "2024-01-02", "visit_reason": "x"}, {"visit_reason": "hidden"},
               {"visit_date": "2024-01-03"}],
    "stray": "not a question",
}


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> FormDefinition:
    folder = tmp_path_factory.mktemp("repeats")
    return load_xlsform(write_xlsform(folder / "household.xlsx", ROWS))


def test_repeats_load_nested_with_their_counts_relevance_and_pages(form):
    assert list(form.repeats) == ["household", "children", "visits"]
    household, children, visits = form.repeats.values()
    assert (household.parent, household.count, household.row) == (None, None, 3)
    assert household.relevant == [">", ["ref", "hh_size"], ["lit", 0]]
    assert children.parent == "household" and children.count == ["ref", "kids"]
    assert children.relevant == household.relevant  # the enclosing repeat's relevance holds
    assert visits.count == ["ref", "visits_count"]  # pyxform's calculate holding the "2"
    assert household.question_names == ["member_name", "age", "number", "adult_note", "kids"]
    assert (household.page_names, children.page_names) == (["household"], ["children"])
    assert visits.page_names == ["visit_when", "visit_why"]
    assert form.questions["child_age"].repeat == "children"
    assert form.questions["hh_size"].repeat is None and form.page("p1").repeat is None
    assert form.repeat_chain("children") == ["household", "children"]
    assert form.questions["number"].calculation == ["fn", "position", ["ref", "household"]]


def test_the_model_round_trips_and_forms_stored_before_repeats_still_load(form):
    assert FormDefinition.from_json(json.loads(json.dumps(form.to_json()))) == form
    old = json.loads(json.dumps(form.to_json()))
    del old["repeats"]
    for question in old["questions"].values():
        del question["repeat"]
    for page in old["pages"]:
        del page["repeat"]
    loaded = FormDefinition.from_json(old)
    assert loaded.repeats == {} and loaded.questions["age"].repeat is None


def test_values_are_worked_out_in_each_instance_and_cleaned(form):
    cleaned = logic.clean_answers(form, ANSWERS)
    assert cleaned["household"] == [
        {"member_name": "Ann", "age": "40", "number": "1", "kids": "1",
         "children": [{"child_name": "Bo", "child_age": "14", "child_label": "Ann/1"}]},
        {"member_name": "Cy", "age": "12", "number": "2", "kids": "0"},  # count 0: no child
    ]
    # a fixed count keeps two visits; visit_reason waits on its own instance's date
    assert cleaned["visits"] == [{"visit_date": "2024-01-02", "visit_reason": "x"}, {}]
    assert {k: cleaned[k] for k in ("total_age", "members", "names", "oldest", "first_name")} \
        == {"total_age": "52", "members": "2", "names": "Ann, Cy", "oldest": "40",
            "first_name": "Ann"}
    assert "second_first_child" not in cleaned and "stray" not in cleaned
    relevant = logic.relevant_questions(form, ANSWERS)
    assert {"adult_note~1", "teen_note~1~1", "household"} <= relevant
    assert "adult_note~2" not in relevant and "visit_reason~2" not in relevant


def test_a_repeat_that_does_not_apply_keeps_no_answers(form):
    cleaned = logic.clean_answers(form, {**ANSWERS, "hh_size": "0"})
    assert "household" not in cleaned and cleaned["members"] == "0"
    assert logic.clean_answers(form, {"household": "not a list"}).get("household") is None


def test_page_errors_of_an_instance_read_its_own_and_outer_answers(form):
    answers = {"hh_size": "1", "household": [
        {"member_name": "Ann", "age": "9", "kids": "2",
         "children": [{"child_name": "Bo", "child_age": "12"}, {"child_age": "3"}]}]}
    assert logic.page_errors_at(form, "children~1~1", answers) == {
        "child_age": "This answer is not allowed."}  # 12 is not below the parent's 9
    assert logic.page_errors_at(form, "children~1~2", answers) == {
        "child_name": "This answer is required."}
    assert logic.page_errors_at(form, "household~1", answers) == {}
    assert logic.first_page_with_errors(form, answers, "en")[0] == "children~1~1"
    assert logic.first_page_with_errors(form, answers, "en", skip="children~1~1")[0] == \
        "children~1~2"


def test_the_page_path_walks_instances_asks_to_add_and_follows_counts(form):
    answers: dict[str, Any] = {}
    assert logic.first_page(form, answers) == "p1"
    answers = logic.merge_posted(form, answers, "p1", {"hh_size": "2"})
    assert logic.next_page(form, answers, "p1") == "household~add"
    answers, place = logic.add_instance(form, answers, "household~add")
    assert place == "household~1" and answers["household"] == [{}]
    answers = logic.merge_posted(form, answers, place, {"member_name": "Ann", "age": "30",
                                                         "kids": "2"})
    walked = [place]
    while (place := logic.next_page(form, answers, place)) is not None:
        walked.append(place)
    assert walked == ["household~1", "children~1~1", "children~1~2", "household~add",
                      "visit_when~1", "visit_when~2", "p7"]
    back = [walked[-1]]
    while (place := logic.previous_page(form, answers, back[-1])) is not None:
        back.append(place)
    assert back == [*reversed(walked), "p1"]
    assert logic.is_last_address(form, "p7", answers)
    assert not logic.is_last_address(form, "household~add", answers)
    assert logic.position_at(form, "children~1~2", answers) == (4, len(walked) + 1)
    assert logic.instance_count(form, answers, "children", (1,)) == 2
    assert logic.instance_count(form, answers, "visits") == 2


def test_instances_are_added_and_removed_only_where_no_count_rules(form):
    answers, place = logic.add_instance(form, ANSWERS, "household~add")
    assert place == "household~3" and len(answers["household"]) == 3
    assert len(ANSWERS["household"]) == 2  # the caller's answers are left alone
    fewer = logic.remove_instance(form, ANSWERS, "household", (1,))
    assert [m["member_name"] for m in fewer["household"]] == ["Cy"]
    with pytest.raises(ValueError, match="has a count"):
        logic.remove_instance(form, ANSWERS, "children", (1, 1))
    with pytest.raises(ValueError, match="no instance 5"):
        logic.remove_instance(form, ANSWERS, "household", (5,))
    with pytest.raises(ValueError, match="not a place to add"):
        logic.add_instance(form, ANSWERS, "household~1")
    big = {"hh_size": "1", "household": [{"kids": "100000"}]}
    assert logic.instance_count(form, big, "children", (1,)) == MAX_INSTANCES


def test_posted_answers_go_into_their_instance_and_nowhere_else(form):
    merged = logic.merge_posted(form, ANSWERS, "children~2~2",
                                {"child_name": " Di ", "child_age": "٣", "stray": "x"})
    assert merged["household"][1]["children"] == [{"child_name": "gone"},
                                                  {"child_name": " Di ", "child_age": "3"}]
    assert merged["household"][0] == ANSWERS["household"][0]
    emptied = logic.merge_posted(form, ANSWERS, "household~1", {"member_name": "Ann"})
    assert "age" not in emptied["household"][0]  # not posted: emptied, as a cleared box
    assert emptied["household"][0]["children"] == ANSWERS["household"][0]["children"]
    assert logic.instance_values(form, ANSWERS, "household~1")["number"] == "1"


@pytest.mark.parametrize("address", ["household", "household~0", "household~1~2",
                                     "children~1", "nowhere~1", "household~x",
                                     "visits~1~add", "p1~1", "household~+1"])
def test_an_address_that_names_no_place_is_a_key_error(form, address):
    with pytest.raises(KeyError):
        logic.parse_address(form, address)


# --------------------------------------------------------------------------- corpus


@needs_corpus
@pytest.mark.parametrize("name", ["pyxform_example_xls/attribute_columns_test.xlsx",
                                  "pyxform_example_xls/repeat_date_test.xls",
                                  "pyxform_example_xls/tutorial.xls",
                                  "pyxform_example_xls/xlsform_spec_test.xlsx",
                                  "pyxform_bug_example_xls/UCL_Biomass_Plot_Form.xlsx"])
def test_corpus_forms_with_repeats_are_ready_and_walk_to_the_end(tmp_path, name):
    source = CORPUS / name
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    for csv in attachment_names(source):  # UCL's CSV files are not in the corpus
        (tmp_path / csv).write_text("name,label\nother,Other\nx1,X one\n", encoding="utf-8")
    result = check_file(copy)
    assert result.status.startswith("ready"), result.line()
    form = load_xlsform(copy, drop_unsupported=True,
                       attachments={p.name: p.read_bytes() for p in tmp_path.glob("*.csv")})
    assert form.repeats
    answers: dict[str, Any] = {}
    place = logic.first_page(form, answers)
    for _ in range(50):  # add one instance of every repeat that asks, then decline
        if place.endswith("~add") and place.count("~") == 1 and not answers.get(
                place.split("~")[0]):
            answers, place = logic.add_instance(form, answers, place)
            continue
        following = logic.next_page(form, answers, place)
        if following is None:
            break
        place = following
    assert logic.is_last_address(form, place, answers)


# --------------------------------------------------------------------------- logic.js

EXPRESSIONS = ["${age}", "${child_name}", "sum(${age})", "count(${household})",
               "count(${children})", "max(${age})", "min(${child_age})",
               "join('-', ${child_name})", "count-non-empty(${child_name})",
               "indexed-repeat(${child_name}, ${household}, 2, ${children}, 1)",
               "indexed-repeat(${age}, ${household}, ${kids})", "${age} > ${child_age}",
               "concat(${member_name}, ${hh_size})", "sum(${child_age}) div count(${children})"]
TEXTS = st.sampled_from(["", "Ann", "ស្រី", "7", "2.5"])
NUMBERS = st.sampled_from(["", "0", "3", "17", "40", "-2", "x"])
CHILD = st.fixed_dictionaries({}, optional={"child_name": TEXTS, "child_age": NUMBERS})
MEMBER = st.fixed_dictionaries({}, optional={
    "member_name": TEXTS, "age": NUMBERS, "kids": NUMBERS,
    "children": st.lists(CHILD, max_size=3)})
TREES = st.fixed_dictionaries({"hh_size": NUMBERS, "household": st.lists(MEMBER, max_size=3)})


@pytest.fixture(scope="module")
def js(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>logic</title>")
    page.add_script_tag(content="var module = {exports: {}};")
    page.add_script_tag(content=LOGIC_JS.read_text(encoding="utf-8"))
    yield page
    page.close()


JS_RUN = """c => c.asts.map(ast => {
  const m = module.exports, v = m.evaluate(ast, new m.Scope(c.tree, c.path, c.chains, c.repeats));
  return [typeof v === "boolean" ? "bool" : typeof v === "number" ? "num" : "str", m.str(v)];
})"""


def _python(ast: list, scope: Scope) -> list[str]:
    value = evaluate(ast, scope)
    kind = "bool" if isinstance(value, bool) else "num" if isinstance(value, (int, float)) \
        else "str"
    return [kind, to_string(value)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=TREES, where=st.tuples(st.integers(0, 4), st.integers(0, 4)))
def test_logic_js_reads_every_instance_as_the_server_does(form, js, tree, where):
    plan = plan_of(form)
    path = tuple((r, n) for r, n in zip(("household", "children"), where, strict=True) if n)
    if where[0] == 0:
        path = ()
    asts = [parse(text, "calculation") for text in EXPRESSIONS]
    asts += [form.questions["number"].calculation, form.questions["teen_note"].relevant]
    scope = Scope(tree, path, plan.chains, plan.repeat_names)
    from_js = js.evaluate(JS_RUN, {"tree": tree, "path": [list(p) for p in path],
                                   "chains": {k: list(v) for k, v in plan.chains.items()},
                                   "repeats": sorted(plan.repeat_names), "asts": asts})
    assert [_python(ast, scope) for ast in asts] == from_js


PAGE = """<form method="post">
<div data-q="child_name"><input name="child_name"></div>
<div data-q="child_age"><input name="child_age"></div>
<div data-q="teen_note" id="teen">A teenager</div>
<script type="application/json" id="form-logic">{logic}</script>
</form>"""


def test_an_instance_page_shows_a_note_from_its_own_and_its_parents_answers(form, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        logic_json = json.dumps(logic.client_logic_at(form, "children~1~1", ANSWERS))
        page.set_content(PAGE.replace("{logic}", logic_json))
        page.add_script_tag(content=LOGIC_JS.read_text(encoding="utf-8"))
        hidden = "() => document.getElementById('teen').hidden"
        page.fill("[name=child_age]", "9")
        assert page.evaluate(hidden) is True
        page.fill("[name=child_age]", "14")  # and the parent instance's member_name is "Ann"
        assert page.evaluate(hidden) is False
    finally:
        context.close()


def test_sequence_of_a_flat_form_is_its_pages(tmp_path):
    flat = load_xlsform(write_xlsform(tmp_path / "flat.xlsx", [
        {"type": "text", "name": "a", "label": "A"},
        {"type": "begin group", "name": "g", "label": "G"},
        {"type": "text", "name": "b", "label": "B", "relevant": "${a} != ''"},
        {"type": "end group"}]))
    assert not flat.repeats
    assert [stop.address for stop in sequence(flat, {})] == ["p1", "g"]
    assert logic.next_page(flat, {}, "p1") is None
    assert logic.next_page(flat, {"a": "x"}, "p1") == "g"
    assert logic.position_at(flat, "p1", {}) == logic.page_position(flat, flat.page("p1"), {})


def test_a_phone_form_leaves_out_a_repeat_counted_by_an_identifying_answer(tmp_path):
    rows = [{"type": "integer", "name": "kids", "label": "Children", "sensitivity": "identifying"},
            {"type": "begin repeat", "name": "children", "label": "Child",
             "repeat_count": "${kids}"},
            {"type": "text", "name": "child_name", "label": "Name"},
            {"type": "end repeat"},
            {"type": "text", "name": "other", "label": "Other"}]
    full = load_xlsform(write_xlsform(tmp_path / "kids.xlsx", rows))
    phone, left_out = logic.without_identifying(full)
    assert left_out == ["kids", "child_name"]
    assert phone.repeats["children"].question_names == []
    assert [page.name for page in phone.pages] == ["p3"]
    assert logic.clean_answers(phone, {"other": "x", "children": [{"child_name": "A"}]}) == \
        {"other": "x"}


@pytest.mark.parametrize("column", ["jr:count", "repeat_count"])
def test_jr_count_counts_and_a_repeat_named_like_a_page_control_keeps_its_name(tmp_path,
                                                                              column):
    rows = [{"type": "integer", "name": "n", "label": "N"},
            {"type": "begin repeat", "name": "r", "label": "R", column: "${n}"},
            {"type": "text", "name": "t", "label": "T"},
            {"type": "end repeat"}]
    counted = load_xlsform(write_xlsform(tmp_path / "count.xlsx", rows))
    assert counted.repeats["r"].count == ["ref", "n"]
    assert [stop.address for stop in sequence(counted, {"n": "2"})] == ["p1", "r~1", "r~2"]


def test_relative_paths_read_the_instance_they_are_written_in(tmp_path):
    rows = [{"type": "begin repeat", "name": "plot", "label": "Plot"},
            {"type": "integer", "name": "size", "label": "Size"},
            {"type": "begin group", "name": "detail", "label": "Detail"},
            {"type": "integer", "name": "used", "label": "Used", "constraint": ". <= ../../size"},
            {"type": "calculate", "name": "nth", "calculation": "position(../..)"},
            {"type": "end group"},
            {"type": "calculate", "name": "share", "calculation": "../detail/used div ../size"},
            {"type": "end repeat"},
            {"type": "calculate", "name": "plots", "calculation": "count(/data/plot)"}]
    form = load_xlsform(write_xlsform(tmp_path / "plots.xlsx", rows))
    answers = {"plot": [{"size": "10", "used": "5"}, {"size": "4", "used": "8"}]}
    cleaned = logic.clean_answers(form, answers)
    assert [(p["nth"], p["share"]) for p in cleaned["plot"]] == [("1", "0.5"), ("2", "2")]
    assert cleaned["plots"] == "2"
    assert logic.page_errors_at(form, "detail~2", answers) == {
        "used": "This answer is not allowed."}
    assert logic.page_errors_at(form, "detail~1", answers) == {}
