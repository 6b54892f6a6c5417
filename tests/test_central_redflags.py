"""Red-flag rules, one by one: a case where each fires, one where it does not, one where the
deciding cell is hidden; the rules agree with the built-in questionnaires."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from central import redflags
from central.redflags import Distribution
from xlsform import load_xlsform

REPO = Path(__file__).resolve().parent.parent
K = 5
RULES = redflags.load_rules()
RULE_IDS = [rule.id for rule in RULES]


def said(answer: str) -> Distribution:
    """Management's stated position: one respondent."""
    return Distribution({answer: 1}, 1, K)


def people(total: int | None = None, **counts: int | None) -> Distribution:
    if total is None and None not in counts.values():
        total = sum(counts.values())
    return Distribution(counts, total, K)


def two_sources(construct, position, source, fires, does_not, hidden):
    """The common shape: management states a position, another source says otherwise."""
    return tuple({construct: {"management": said(position), source: people(**counts)}}
                 for counts in (fires, does_not, hidden))


# rule id -> (evidence where it fires, where it does not, where the deciding cell is hidden,
#             the "on how many respondents" text when it fires)
CASES = {
    "selection_ballot_vs_workers": (*two_sources(
        "rep_selection", "secret_ballot", "worker",
        dict(appointed=12, secret_ballot=5, dont_know=3),
        dict(appointed=9, secret_ballot=6, dont_know=5),
        dict(appointed=None, secret_ballot=None, dont_know=8, total=20)), "20"),
    "selection_ballot_vs_representatives": (*two_sources(
        "rep_selection", "secret_ballot", "representative",
        dict(appointed=6, show_of_hands=0), dict(appointed=5, secret_ballot=5),
        dict(appointed=None, secret_ballot=None, total=9)), "6"),
    "nomination_closed": (*two_sources(
        "rep_nomination", "yes", "worker", dict(no=11, yes=6), dict(no=8, yes=9),
        dict(no=None, yes=None, prefer_not=7, total=17)), "17"),
    "election_management_involved": (*two_sources(
        "election_mgmt_involved", "no", "worker", dict(yes=7, no=6), dict(yes=6, no=7),
        dict(yes=None, no=None, total=13)), "13"),
    "union_unknown_to_workers": (*two_sources(
        "union", "yes", "worker", dict(no=5, dont_know=6, yes=10),
        dict(no=5, dont_know=5, yes=10), dict(no=None, dont_know=6, yes=None, total=21)),
        "21"),
    "committee_unknown_to_workers": (*two_sources(
        "committee", "yes", "worker", dict(dont_know=9, yes=8), dict(dont_know=8, yes=8),
        dict(dont_know=None, yes=None, total=17)), "17"),
    "freedom_not_communicated": (*two_sources(
        "freedom_communicated", "yes", "worker", dict(no=15, yes=14),
        dict(no=14, yes=14), dict(no=None, yes=None, total=29)), "29"),
    "cba_unknown_to_workers": (*two_sources(
        "cba", "yes", "worker", dict(no=0, dont_know=12, yes=11), dict(dont_know=11, yes=11),
        dict(dont_know=None, yes=None, total=23)), "23"),
    "cba_not_kept": (*two_sources(
        "cba_implemented", "yes", "representative", dict(partly=5, no=0, yes=0),
        dict(partly=5, yes=5), dict(partly=None, no=None, yes=6, total=12)), "5"),
    "union_not_recognised": (*two_sources(
        "union_recognised", "yes", "representative", dict(no=6, yes=5),
        dict(no=5, yes=5), dict(no=None, partly=None, yes=5, total=11)), "11"),
    "interference_reported": (*two_sources(
        "interference", "no", "worker", dict(yes=6, no=None, total=None),
        dict(yes=0, no=20), dict(yes=None, no=14, total=None)), "5 or more"),
    "retaliation_reported": (*two_sources(
        "retaliation", "none", "worker", dict(none=30, **{"1": 0, "2_5": 5}),
        dict(none=30, **{"1": 0, "2_5": 0}), dict(none=30, **{"1": 0, "2_5": None},
                                                 total=None)), "35"),
    "grievance_unknown_to_workers": (*two_sources(
        "grievance", "yes", "worker", dict(no=5, dont_know=5, yes=9),
        dict(no=5, dont_know=5, yes=10), dict(no=None, dont_know=None, yes=10, total=20)),
        "19"),
    "grievance_not_anonymous": (*two_sources(
        "grievance_anonymous", "yes", "worker", dict(no=8, yes=7), dict(no=7, yes=8),
        dict(no=None, yes=None, total=15)), "15"),
    "representatives_not_independent": (
        {"reps_independent": {"representative": people(yes=6), "worker": people(no=12, yes=8)}},
        {"reps_independent": {"representative": people(yes=6), "worker": people(no=8, yes=12)}},
        {"reps_independent": {"representative": people(yes=None, no=None, total=6),
                              "worker": people(no=12, yes=8)}}, "26"),
    "grievance_not_safe": (
        {"grievance": {"management": said("yes")}, "grievance_feedback": {
            "management": said("yes")}, "grievance_safe": {"worker": people(no=5, partly=5,
                                                                           yes=9)}},
        {"grievance": {"management": said("yes")}, "grievance_feedback": {
            "management": said("no")}, "grievance_safe": {"worker": people(no=5, partly=5,
                                                                          yes=9)}},
        {"grievance": {"management": said("yes")}, "grievance_feedback": {
            "management": said("yes")}, "grievance_safe": {"worker": people(
                no=None, partly=None, yes=9, total=19)}}, "19"),
}


def test_every_rule_has_its_cases():
    assert sorted(CASES) == sorted(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires_with_its_wording_route_and_respondents(rule_id):
    rule = next(rule for rule in RULES if rule.id == rule_id)
    flags = redflags.evaluate(CASES[rule_id][0], RULES)
    assert [flag.rule_id for flag in flags] == [rule_id]
    flag = flags[0]
    assert (flag.wording, flag.route, flag.next_step) == (rule.wording, rule.route,
                                                          rule.next_step)
    assert flag.route_meaning == redflags.ROUTES[rule.route]
    assert flag.respondents_text == CASES[rule_id][3]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_does_not_fire_when_sources_agree(rule_id):
    assert redflags.evaluate(CASES[rule_id][1], RULES) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_says_nothing_when_the_deciding_cell_is_hidden(rule_id):
    assert redflags.evaluate(CASES[rule_id][2], RULES) == []


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_says_nothing_without_one_of_its_sources(rule_id):
    rule = next(rule for rule in RULES if rule.id == rule_id)
    for clause in rule.clauses:
        evidence = {construct: {source: dist for source, dist in by_source.items()
                                if (construct, source) != (clause.construct, clause.source)}
                    for construct, by_source in CASES[rule_id][0].items()}
        assert redflags.evaluate(evidence, RULES) == []


def test_a_count_that_slipped_below_k_is_not_used():
    evidence = {"interference": {"management": said("no"),
                                 "worker": people(yes=3, no=None, total=None)}}
    assert redflags.evaluate(evidence, RULES) == []
    evidence = {"union": {"management": said("yes"), "worker": people(no=3, yes=0)}}
    assert redflags.evaluate(evidence, RULES) == []


def test_a_count_rule_with_a_shown_total_says_how_many():
    evidence = {"interference": {"management": said("no"), "worker": people(yes=6, no=14)}}
    assert [f.respondents for f in redflags.evaluate(evidence, RULES)] == [20]


PEOPLE_COUNT = st.one_of(st.none(), st.just(0), st.integers(K, 40))


@st.composite
def evidence_for_every_rule(draw):
    """Evidence for every clause of every rule; people's counts shown, zero or hidden."""
    evidence: dict[str, dict[str, Distribution]] = {}
    for rule in RULES:
        for clause in rule.clauses:
            answers = (*clause.answers, "dont_know")
            if clause.source == "management":
                dist = said(draw(st.sampled_from(answers)))
            else:
                counts = {a: draw(st.integers(0, 30).map(lambda n: n if n >= K else 0))
                          for a in answers}
                dist = people(**counts)
            evidence.setdefault(clause.construct, {})[clause.source] = dist
    return evidence


def hide(dist: Distribution, mask: list[bool]) -> Distribution:
    counts = {answer: None if hidden else count
              for (answer, count), hidden in zip(dist.counts.items(), mask, strict=False)}
    return Distribution(counts, None if len(mask) > len(counts) and mask[-1] else dist.total,
                        dist.k)


@settings(max_examples=80, deadline=None)
@given(evidence_for_every_rule(), st.data())
def test_hiding_cells_never_raises_a_flag_or_a_number(evidence, data):
    full = {flag.rule_id: flag for flag in redflags.evaluate(evidence, RULES)}
    hidden = {construct: {source: dist if source == "management" else hide(
        dist, data.draw(st.lists(st.booleans(), min_size=len(dist.counts) + 1,
                                 max_size=len(dist.counts) + 1)))
        for source, dist in by_source.items()} for construct, by_source in evidence.items()}
    for flag in redflags.evaluate(hidden, RULES):
        assert flag.rule_id in full
        assert flag.respondents in (None, full[flag.rule_id].respondents)
        assert flag.respondents is None or flag.respondents >= K


def test_everything_hidden_says_nothing():
    evidence = {construct: {source: Distribution({}, None, K) if source != "management"
                            else said("yes") for source in redflags.SOURCES}
                for construct in redflags.load_constructs()}
    assert redflags.evaluate(evidence, RULES) == []


# ---- the rules and constructs agree with the built-in questionnaires ------------------

@pytest.fixture(scope="module")
def forms():
    return {source: load_xlsform(REPO / "forms" / f"{source}.xlsx")
            for source in redflags.SOURCES}


def test_every_construct_question_is_in_its_form(forms):
    for construct in redflags.load_constructs().values():
        for source, question in construct.questions.items():
            assert question in forms[source].questions, (construct.id, source, question)


def test_every_answer_a_rule_names_is_a_choice_of_its_question(forms):
    constructs = redflags.load_constructs()
    for rule in RULES:
        for clause in rule.clauses:
            form = forms[clause.source]
            question = form.questions[constructs[clause.construct].questions[clause.source]]
            choices = {choice.name for choice in form.choice_lists[question.choice_list]}
            assert set(clause.answers) <= choices, (rule.id, clause)


def test_constructs_cover_the_shared_constructs_table_of_forms_readme():
    readme = (REPO / "forms" / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- shared-constructs:start -->")[1].split("<!--")[0]
    constructs = redflags.load_constructs().values()
    lines = [line for line in table.splitlines() if line.startswith("|")][2:]
    assert len(lines) > 30
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[1] in ("`safe_place`", "`consent`"):
            continue
        for source, cell in zip(redflags.SOURCES, cells[1:], strict=True):
            name = re.sub(r"`", "", cell)
            if name != "—":
                assert any(c.questions.get(source) == name for c in constructs), (source, name)


def test_construct_questions_per_form(forms):
    worker = redflags.construct_questions(forms["worker"])
    assert worker["union"] == "union_present" and worker["grievance"] == "grievance_exists"
    assert worker["rep_selection"] == "rep_selection" and "union_registered" not in worker
    representative = redflags.construct_questions("amplify_representative")
    assert "grievance" not in representative and representative["cba"] == "cba_exists"
    assert redflags.construct_questions(forms["management"])["retaliation"] == "retaliation_12m"
    with pytest.raises(ValueError, match="not a built-in form; name its source"):
        redflags.construct_questions("union_led_worker")
    assert redflags.construct_questions("union_led_worker", source="worker") == \
        redflags.construct_questions("amplify_worker")


# ---- a rules file that cannot be used is refused, naming file and row ------------------

def rules_file(tmp_path: Path, **change: str) -> Path:
    with redflags.RULES_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[1].update(change)
    path = tmp_path / "rules.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=redflags.RULE_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("change,message", [
    ({"route": "F"}, "route 'F'"),
    ({"route_meaning": "training"}, "route 'C' ('training') is not one of A be informed"),
    ({"construct": "wages"}, "unknown construct 'wages'"),
    ({"condition": "management: secret_ballot > 50% OR worker: appointed > 50%"},
     "is not 'source[.construct]: answer|answer > 50%'"),
    ({"condition": "brand: yes > 50%", "sources": "brand"}, "unknown source 'brand'"),
    ({"condition": "management: yes > 150%", "sources": "management"}, "share 150% is over"),
    ({"condition": "representative.grievance: yes > 50%", "sources": "representative"},
     "no question of the representative form measures 'grievance'"),
    ({"sources": "management"}, "sources management are not the sources the condition uses"),
    ({"wording": " "}, "wording is empty"),
    ({"id": "Bad Id"}, "id 'Bad Id' is not a lower-case id"),
    ({"id": "selection_ballot_vs_workers"}, "rule id selection_ballot_vs_workers repeats"),
])
def test_a_bad_rule_is_refused(tmp_path, change, message):
    path = rules_file(tmp_path, **change)
    with pytest.raises(redflags.RuleError) as raised:
        redflags.load_rules(path)
    assert str(raised.value).startswith(f"{path}, row 3: ")
    assert message in str(raised.value)

