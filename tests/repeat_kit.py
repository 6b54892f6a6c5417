"""A small form with a repeat and a nested repeat, built in code, for the storage tests.

``household`` (member_name identifying, member_age quasi, member_note free text,
member_seen datetime, member_job a select) holds ``children`` (child_name identifying,
child_school a select, child_comment free text). ``consent`` and ``comment`` are at the
top level.
"""

from __future__ import annotations

from pathlib import Path

from tests.xlsform_factory import write_xlsform
from xlsform.model import Choice, FormDefinition, Page, Question, Repeat

FORM_ID = "household_survey"


def _q(name: str, kind: str, page: str, repeat: str | None, **extra: object) -> Question:
    return Question(name=name, type=kind, page=page, label={"en": name}, repeat=repeat,
                    **extra)


def household_form(version: str = "1") -> FormDefinition:
    questions = [
        _q("consent", "select_one", "start", None, choice_list="yes_no"),
        _q("comment", "text", "start", None),
        _q("member_name", "text", "member", "household", sensitivity="identifying"),
        _q("member_age", "integer", "member", "household", sensitivity="quasi"),
        _q("member_band", "select_one", "member", "household", sensitivity="quasi",
           choice_list="bands"),
        _q("member_note", "text", "member", "household"),
        _q("member_seen", "datetime", "member", "household"),
        _q("member_job", "select_one", "member", "household", choice_list="jobs"),
        _q("child_name", "text", "child", "children", sensitivity="identifying"),
        _q("child_school", "select_one", "child", "children", choice_list="yes_no"),
        _q("child_comment", "text", "child", "children"),
    ]
    return FormDefinition(
        form_id=FORM_ID, version=version, title={"en": "Households"},
        pages=[Page("start", question_names=["consent", "comment"]),
               Page("member", kind="repeat", repeat="household",
                    question_names=[q.name for q in questions if q.page == "member"]),
               Page("child", kind="repeat", repeat="children",
                    question_names=[q.name for q in questions if q.page == "child"])],
        questions={q.name: q for q in questions},
        choice_lists={"yes_no": [Choice("yes", {"en": "Yes"}), Choice("no", {"en": "No"})],
                      "bands": [Choice("under_18"), Choice("18_34"), Choice("35_up")],
                      "jobs": [Choice("sewing"), Choice("cutting"), Choice("none")]},
        repeats={"household": Repeat("household", {"en": "Household member"}, None,
                                     question_names=["member_name", "member_age",
                                                     "member_band", "member_note",
                                                     "member_seen", "member_job"],
                                     page_names=["member"]),
                 "children": Repeat("children", {"en": "Child"}, "household",
                                    question_names=["child_name", "child_school",
                                                    "child_comment"],
                                    page_names=["child"])})


# Canaries: identifying answers inside instances, at both depths.
MEMBER_NAME = "Sokunthea Rathanak"
CHILD_NAME = "Vannarith Chakriya"

ANSWERS = {
    "consent": "yes",
    "comment": f"{MEMBER_NAME} spoke for the family",
    "household": [
        {"member_name": MEMBER_NAME, "member_age": 41, "member_band": "35_up",
         "member_note": f"ask {CHILD_NAME}, call 01711483927", "member_seen": "2026-03-02T10:11",
         "member_job": "sewing",
         "children": [{"child_name": CHILD_NAME, "child_school": "yes",
                       "child_comment": "walks far"},
                      {"child_school": "no"}]},
        {"member_band": "18_34", "member_job": "cutting", "children": []},
    ],
}


def write_household_xlsform(path: Path) -> Path:
    """The same form as an XLSForm file (what `central project create` takes)."""
    survey = [
        {"type": "select_one yes_no", "name": "consent", "label": "Consent?"},
        {"type": "text", "name": "comment", "label": "Comment"},
        {"type": "begin repeat", "name": "household", "label": "Household member"},
        {"type": "text", "name": "member_name", "label": "Name", "sensitivity": "identifying"},
        {"type": "integer", "name": "member_age", "label": "Age", "sensitivity": "quasi"},
        {"type": "select_one bands", "name": "member_band", "label": "Age band",
         "sensitivity": "quasi"},
        {"type": "text", "name": "member_note", "label": "Note"},
        {"type": "datetime", "name": "member_seen", "label": "Seen"},
        {"type": "select_one jobs", "name": "member_job", "label": "Job"},
        {"type": "begin repeat", "name": "children", "label": "Child"},
        {"type": "text", "name": "child_name", "label": "Child's name",
         "sensitivity": "identifying"},
        {"type": "select_one yes_no", "name": "child_school", "label": "In school?"},
        {"type": "text", "name": "child_comment", "label": "Comment"},
        {"type": "end repeat"},
        {"type": "end repeat"},
    ]
    choices = [{"list_name": name, "name": value, "label": value}
               for name, values in (("yes_no", ("yes", "no")),
                                    ("bands", ("under_18", "18_34", "35_up")),
                                    ("jobs", ("sewing", "cutting", "none")))
               for value in values]
    return write_xlsform(path, survey, choices, {"form_id": FORM_ID, "version": "1"})
