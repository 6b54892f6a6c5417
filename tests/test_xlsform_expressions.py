"""The XPath subset: parsing to JSON ASTs, refusing what we cannot run, XForms semantics."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta

import pytest

from xlsform.errors import FormError
from xlsform.expressions import evaluate, parse, references, to_string


def test_parse_gives_json_lists():
    node = parse("${consent} = 'yes'", "relevant")
    assert node == ["=", ["ref", "consent"], ["lit", "yes"]]
    assert json.loads(json.dumps(node)) == node


def test_precedence_follows_xpath():
    assert parse("1 + 2 * 3", "calculation") == ["+", ["lit", 1], ["*", ["lit", 2], ["lit", 3]]]
    assert parse("${a} or ${b} and ${c}", "relevant") == [
        "or",
        ["ref", "a"],
        ["and", ["ref", "b"], ["ref", "c"]],
    ]
    assert parse("-(1 - 2) div 4 mod 3", "calculation") == [
        "mod",
        ["div", ["neg", ["-", ["lit", 1], ["lit", 2]]], ["lit", 4]],
        ["lit", 3],
    ]


def test_functions_and_current_value():
    node = parse("not(selected(., 'yes')) and string-length(${name}) <= 10", "constraint")
    assert node == [
        "and",
        ["fn", "not", ["fn", "selected", ["cur"], ["lit", "yes"]]],
        ["<=", ["fn", "string-length", ["ref", "name"]], ["lit", 10]],
    ]


def test_curly_quotes_from_excel_autocorrect_are_accepted():
    assert parse("${category}=’housing’", "relevant") == [
        "=",
        ["ref", "category"],
        ["lit", "housing"],
    ]


def test_references():
    node = parse("if(${a} > 1, concat(${b}, 'x'), coalesce(${c}, .))", "calculation")
    assert references(node) == {"a", "b", "c"}


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("${a} = ", "end of the expression"),
        ("${a} = 'yes", "not closed"),
        ("because it fails", "unexpected word 'because'"),
        ("../age > 3", "paths"),
        ("instance('x')/root/item", "instance()"),
        ("pulldata('f')", "pulldata() cannot take 1 argument(s)"),
        ("indexed-repeat(${a}, 2, 1)", "pairs of a repeat and an instance number"),
        ("sqrtt(4)", "sqrtt() is not supported"),
        ("if(${a}, 1)", "cannot take 2 argument(s)"),
        ("regex(., '[a-')", "regular expression"),
        ("(1 + 2", "expected ')'"),
        ("", "empty"),
    ],
)
def test_syntax_errors_are_form_errors(text, fragment):
    with pytest.raises(FormError) as caught:
        parse(text, "constraint")
    assert fragment in caught.value.message
    assert caught.value.column == "constraint"


def test_unknown_names_are_refused_when_names_are_given():
    with pytest.raises(FormError, match=r"\$\{agee\} refers to a question"):
        parse("${agee} > 3", "relevant", names={"age"})
    assert parse("${age} > 3", "relevant", names={"age"})


def test_bare_names_are_choice_columns_only_in_choice_filters():
    assert parse("state = ${state}", "choice_filter", columns={"state"}) == [
        "=",
        ["col", "state"],
        ["ref", "state"],
    ]
    with pytest.raises(FormError, match="not a column"):
        parse("county = ${state}", "choice_filter", columns={"state"})


ANSWERS = {
    "name": "Dara",
    "age": "25",
    "zero": "0",
    "colours": ["red", "blue"],
    "flag": "yes",
    "dob": "2000-01-31",
    "padded": "05",
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("${age} > 18", True),
        ("${age} = 25", True),
        ("${padded} = 5", True),
        ("${padded} = '5'", True),  # both look numeric: compared as numbers
        ("${name} = 'Dara'", True),
        ("${missing} = ''", True),  # unanswered is ""
        ("${missing} > 3", False),  # NaN never compares
        ("${missing} + 1", math.nan),
        ("selected(${colours}, 'blue')", True),
        ("selected(${colours}, 'green')", False),
        ("count-selected(${colours})", 2),
        ("${colours} = 'red blue'", True),  # space-joined as XForms sees it
        ("string-length(${name})", 4),
        ("concat(${name}, '-', ${age})", "Dara-25"),
        ("if(${age} >= 18, 'adult', 'minor')", "adult"),
        ("coalesce(${missing}, ${name})", "Dara"),
        ("number('3.5') * 2", 7),
        ("int(-7.9)", -7),
        ("7 mod 3", 1),
        ("-7 mod 3", -1),
        ("7 div 2", 3.5),
        ("1 div 0", math.inf),
        ("string(1 div 0)", "Infinity"),
        ("not(${flag} = 'yes')", False),
        ("true() and not(false())", True),
        ("regex(${name}, '^[A-Z][a-z]+$')", True),
        ("contains(${name}, 'ar')", True),
        ("starts-with(${name}, 'Da')", True),
        ("${dob} < '2001-01-01'", True),  # dates order as days
        ("${dob} + 1 - ${dob}", 1),
        ("${zero} or ''", True),  # a non-empty string is true, even "0"
        ("boolean(0)", False),
    ],
)
def test_evaluate(text, expected):
    value = evaluate(parse(text, "calculation"), ANSWERS)
    if isinstance(expected, float) and math.isnan(expected):
        assert math.isnan(value)
    elif isinstance(expected, bool):
        assert value is expected
    else:
        assert value == expected


def test_current_value_and_today():
    assert evaluate(parse(". >= 16 and . < 100", "constraint"), {}, current="42") is True
    assert evaluate(parse(". >= 16", "constraint"), {}, current="15") is False
    assert evaluate(parse("today()", "calculation"), {}) == date.today().isoformat()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert evaluate(parse(". < today()", "constraint"), {}, current=yesterday) is True


def test_choice_filter_reads_the_choice_row():
    node = parse("state = ${state}", "choice_filter", columns={"state"})
    assert evaluate(node, {"state": "kandal"}, row={"state": "kandal"}) is True
    assert evaluate(node, {"state": "kandal"}, row={"state": "takeo"}) is False


def test_to_string_matches_xforms():
    assert to_string(3.0) == "3"
    assert to_string(2.5) == "2.5"
    assert to_string(True) == "true"
    assert to_string(["a", "b"]) == "a b"
    assert to_string(math.nan) == "NaN"
