"""Loading XLSForms written with openpyxl: model shape, languages, refusals with rows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.xlsform_factory import write_xlsform
from xlsform import FormDefinition, FormError, expressions, label_in, load_xlsform
from xlsform.loader import load_xlsform_bytes, to_xform
from xlsform.logic import compute_calculations, page_errors, relevant_questions

EN, KM = "label::English (en)", "label::Khmer (km)"
CHOICES = [
    {"list_name": "yn", "name": "yes", EN: "Yes", KM: "បាទ/ចាស", "region": "a"},
    {"list_name": "yn", "name": "no", EN: "No", KM: "ទេ", "region": "b"},
]


def survey(*rows: dict) -> list[dict]:
    return list(rows)


@pytest.fixture
def bilingual(tmp_path: Path) -> Path:
    return write_xlsform(
        tmp_path / "bilingual.xlsx",
        survey(
            {"type": "note", "name": "intro", EN: "Welcome", KM: "សូមស្វាគមន៍"},
            {
                "type": "select_one yn",
                "name": "consent",
                EN: "Agree?",
                KM: "យល់ព្រម?",
                "required": "yes",
                "sensitivity": "identifying",
            },
            {
                "type": "begin group",
                "name": "work",
                EN: "Work",
                KM: "ការងារ",
                "relevant": "${consent} = 'yes'",
            },
            {
                "type": "integer",
                "name": "age",
                EN: "Age",
                "constraint": ". >= 16",
                "constraint_message::English (en)": "Too young",
                "sensitivity": "quasi",
            },
            {"type": "begin group", "name": "union", "relevant": "${age} > 17"},
            {
                "type": "select_multiple yn",
                "name": "member",
                EN: "Member?",
                "sensitivity": "sensitive",
            },
            {"type": "end group"},
            {"type": "end group"},
            {"type": "calculate", "name": "double_age", "calculation": "${age} * 2"},
            {"type": "text", "name": "comment", EN: "Anything else?", "appearance": "multiline"},
        ),
        CHOICES,
        settings={
            "form_id": "bilingual_test",
            "version": "7",
            "form_title": "Test form",
            "default_language": "English (en)",
        },
    )


def test_model_shape(bilingual: Path):
    form = load_xlsform(bilingual)
    assert (form.form_id, form.version) == ("bilingual_test", "7")
    assert form.languages == ["en", "km"]
    assert form.language_names == {"en": "English", "km": "Khmer"}
    assert form.default_language == "en"
    assert label_in(form.title, "en") == "Test form"
    assert [p.name for p in form.pages] == ["p1", "work", "p3"]
    assert form.pages[1].question_names == ["age", "member"]
    assert form.pages[2].question_names == ["double_age", "comment"]
    assert list(form.questions) == ["intro", "consent", "age", "member", "double_age", "comment"]
    consent = form.questions["consent"]
    assert consent.type == "select_one" and consent.required and consent.choice_list == "yn"
    assert consent.label == {"en": "Agree?", "km": "យល់ព្រម?"}
    assert consent.row == 3
    assert form.questions["age"].constraint_message == {"en": "Too young"}
    assert form.questions["comment"].appearance == "multiline"
    assert form.questions["double_age"].calculation == ["*", ["ref", "age"], ["lit", 2]]
    choices = form.choice_lists["yn"]
    assert [c.name for c in choices] == ["yes", "no"]
    assert choices[0].extra == {"region": "a"}
    assert choices[0].label["km"] == "បាទ/ចាស"


def test_effective_relevance_includes_every_enclosing_group(bilingual: Path):
    form = load_xlsform(bilingual)
    page_relevant = ["=", ["ref", "consent"], ["lit", "yes"]]
    assert form.pages[1].relevant == page_relevant
    assert form.questions["age"].relevant == page_relevant
    assert form.questions["member"].relevant == [
        "and",
        page_relevant,
        [">", ["ref", "age"], ["lit", 17]],
    ]


def test_sensitivity(bilingual: Path):
    form = load_xlsform(bilingual)
    assert form.sensitivity_of("consent") == "identifying"
    assert form.sensitivity_of("age") == "quasi"
    assert form.sensitivity_of("member") == "sensitive"
    assert form.sensitivity_of("comment") == ""


def test_json_round_trip(bilingual: Path):
    form = load_xlsform(bilingual)
    data = json.loads(json.dumps(form.to_json()))
    again = FormDefinition.from_json(data)
    assert again == form
    assert again.to_json() == form.to_json()


def test_loading_from_bytes_uses_the_file_name_as_fallback_id(tmp_path: Path):
    path = write_xlsform(tmp_path / "x.xlsx", [{"type": "text", "name": "q", "label": "Q"}])
    form = load_xlsform_bytes(path.read_bytes(), "my_form.xlsx")
    assert form.form_id == "my_form"
    assert form.version == "1"
    assert form.languages == ["default"]
    assert label_in(form.questions["q"].label, "km") == "Q"


def test_to_xform_is_valid_xform(bilingual: Path):
    xml = to_xform(bilingual)
    assert "<h:html" in xml and 'id="bilingual_test"' in xml
    assert "_amplify_row" not in xml


def test_or_other_adds_the_specify_question(tmp_path: Path):
    path = write_xlsform(
        tmp_path / "f.xlsx",
        [
            {
                "type": "select_one yn or_other",
                "name": "pick",
                "label": "Pick",
                "sensitivity": "sensitive",
            }
        ],
        [{"list_name": "yn", "name": "yes", "label": "Yes"}],
    )
    form = load_xlsform(path)
    assert form.questions["pick"].or_other
    other = form.questions["pick_other"]
    assert other.type == "text" and other.other_of == "pick"
    assert other.relevant == ["fn", "selected", ["ref", "pick"], ["lit", "other"]]
    assert other.sensitivity == "sensitive"
    assert "other" in [c.name for c in form.choice_lists["yn"]]
    assert form.pages[0].question_names == ["pick", "pick_other"]


def test_choice_filter_is_parsed(tmp_path: Path):
    path = write_xlsform(
        tmp_path / "f.xlsx",
        [
            {"type": "select_one yn", "name": "a", "label": "A"},
            {"type": "select_one yn", "name": "b", "label": "B", "choice_filter": "region = ${a}"},
        ],
        [{"list_name": "yn", "name": "yes", "label": "Yes", "region": "yes"}],
    )
    assert load_xlsform(path).questions["b"].choice_filter == ["=", ["col", "region"], ["ref", "a"]]


def test_language_columns_without_code(tmp_path: Path):
    path = write_xlsform(
        tmp_path / "f.xlsx",
        [
            {
                "type": "text",
                "name": "q",
                "label::English": "Hello",
                "label::Chinese": "您好",
                "label::Tamil (ta)": "வணக்கம்",
            }
        ],
    )
    form = load_xlsform(path)
    assert form.languages == ["en", "zh", "ta"]
    assert form.language_names["zh"] == "Chinese"
    assert form.questions["q"].label["zh"] == "您好"


METADATA_ROWS = [
    {"type": "start", "name": "start"},
    {"type": "deviceid", "name": "device"},
    {"type": "text", "name": "q", "label": "Q"},
    {"type": "note", "name": "n", "label": "Phone ${device}"},
    {"type": "note", "name": "m", "label": "Started ${start}"},
]


def test_device_metadata_is_refused_naming_row_and_the_way_out(tmp_path: Path):
    error = refusal(tmp_path, METADATA_ROWS)
    assert (error.sheet, error.row, error.column) == ("survey", 3, "type")
    assert "deviceid" in error.message and "--drop-unsupported" in error.message


def test_dropping_leaves_out_metadata_and_what_refers_to_it(tmp_path: Path):
    path = write_xlsform(tmp_path / "f.xlsx", METADATA_ROWS)
    form = load_xlsform(path, drop_unsupported=True)
    assert list(form.questions) == ["start", "q", "m"]
    assert form.dropped == ["device (row 3, deviceid)", "n (row 5, refers to ${device})"]


def test_start_end_and_today_are_kept_to_the_day(tmp_path: Path):
    rows = [{"type": kind, "name": kind} for kind in ("start", "end", "today")]
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", [*rows, text("q")]))
    values = compute_calculations(form, {})
    assert values == dict.fromkeys(["start", "end", "today"], date.today().isoformat())


def refusal(tmp_path: Path, rows, choices=(), settings=None) -> FormError:
    path = write_xlsform(tmp_path / "f.xlsx", rows, choices, settings)
    with pytest.raises(FormError) as caught:
        load_xlsform(path)
    return caught.value


def text(name: str, **extra) -> dict:
    return {"type": "text", "name": name, "label": name, **extra}


@pytest.mark.parametrize(
    "bad_row, column, fragment",
    [
        ({"type": "geopoint", "name": "where", "label": "Where"}, "type", "location"),
        ({"type": "image", "name": "photo", "label": "Photo"}, "type", "photo"),
        ({"type": "barcode", "name": "code", "label": "Code"}, "type", "barcode"),
        ({"type": "range", "name": "r", "label": "R", "parameters": "step=0"}, "parameters",
         "step"),
        ({"type": "select_one_from_file x.csv", "name": "s", "label": "S"}, "type",
         "needs the file x.csv"),
        ({"type": "begin repeat", "name": "kids", "label": "Kids"}, "type", "repeat"),
        ({"type": "geopint", "name": "g", "label": "G"}, "type", "geopint"),
        (
            text("c", calculation="pulldata('a','b','c','d')", type="calculate"),
            "calculation",
            "needs the file a.csv",
        ),
        (text("s", sensitivity="secret"), "sensitivity", "unknown sensitivity 'secret'"),
        (text("r", relevant="${nothere} = 1"), "relevant", "nothere"),
        (text("k", constraint=". >"), "constraint", "cannot read the expression"),
        (text("q1"), "name", "'q1'"),
    ],
)
def test_refusals_name_sheet_row_and_column(tmp_path, bad_row, column, fragment):
    rows = [text("q1"), text("q2"), bad_row]
    if bad_row["type"] == "begin repeat":
        rows.append({"type": "end repeat"})
    error = refusal(tmp_path, rows)
    assert (error.sheet, error.row, error.column) == ("survey", 4, column)
    assert fragment in error.message
    assert str(error).startswith(f'survey sheet, row 4, column "{column}": ')


SCOPED = [
    {"type": "begin group", "name": "g1", "label": "G1"},
    {"type": "integer", "name": "q", "label": "q"},
    text("w", relevant="../q > 1"),
    {"type": "end group"},
    {"type": "begin group", "name": "g2", "label": "G2"},
    {"type": "integer", "name": "q", "label": "q"},
    text("s", relevant="/data/g1/q = ../q and ./../q > 0"),
    {"type": "end group"},
    {"type": "calculate", "name": "__version__", "calculation": "'vGdm3T'"},
]


def test_a_name_used_in_two_groups_loads_under_its_path(tmp_path: Path):
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", SCOPED))
    assert [name for name in form.questions] == ["g1/q", "w", "g2/q", "s", "__version__"]
    assert form.questions["w"].relevant == [">", ["ref", "g1/q"], ["lit", 1]]
    s_relevant = form.questions["s"].relevant
    assert expressions.references(s_relevant) == {"g1/q", "g2/q"}
    assert relevant_questions(form, {"g1/q": "2", "g2/q": "2"}) >= {"w", "s"}
    assert "s" not in relevant_questions(form, {"g1/q": "2", "g2/q": "3"})
    assert compute_calculations(form, {})["__version__"] == "vGdm3T"


def test_a_path_that_leads_nowhere_is_refused_at_its_row(tmp_path: Path):
    error = refusal(tmp_path, [text("a"), text("b", relevant="../nothere = 'x'")])
    assert (error.sheet, error.row, error.column) == ("survey", 3, "relevant")
    assert "'../nothere' does not lead to a question" in error.message


def test_python_special_names_load_under_their_own_name(tmp_path: Path):
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", [text("__init__"), text("validate")]))
    assert list(form.questions) == ["__init__", "validate"]


def test_pyxform_errors_keep_their_row(tmp_path: Path):
    error = refusal(
        tmp_path,
        [text("q1"), {"type": "select_one nolist", "name": "s", "label": "S"}],
        [{"list_name": "yn", "name": "yes", "label": "Yes"}],
    )
    assert (error.sheet, error.row) == ("survey", 3)
    assert "nolist" in error.message


def test_duplicate_columns_name_the_sheet(tmp_path: Path):
    path = write_xlsform(
        tmp_path / "f.xlsx",
        [["type", "name", "label"], ["text", "q", "Q"]],
        [["list_name", "name", "label", "label"], ["yn", "yes", "Yes", "Oui"]],
    )
    with pytest.raises(FormError) as caught:
        load_xlsform(path)
    assert (caught.value.sheet, caught.value.row, caught.value.column) == ("choices", 1, "label")


def test_a_random_file_is_not_a_form(tmp_path: Path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"this is not a spreadsheet at all")
    with pytest.raises(FormError, match="cannot be read"):
        load_xlsform(path)


def test_an_empty_workbook_is_not_a_form(tmp_path: Path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(FormError, match="no sheet named 'survey'") as caught:
        load_xlsform(path)
    assert caught.value.sheet == "survey"


def test_a_workbook_without_survey_sheet_is_not_a_form(tmp_path: Path):
    path = write_xlsform(
        tmp_path / "f.xlsx", [], extra_sheets={"notes": [["a"], ["b"]], "budget": [["x"], [1]]}
    )
    with pytest.raises(FormError, match=r"no sheet named 'survey'.*notes, budget"):
        load_xlsform(path)


def test_other_file_types_are_refused(tmp_path: Path):
    with pytest.raises(FormError, match="not an XLSForm"):
        load_xlsform_bytes(b"{}", "form.json")


def test_csv_and_markdown_forms_load(tmp_path: Path):
    markdown = """
    | survey |         |      |               |
    |        | type    | name | label         |
    |        | integer | age  | How old?      |
    """
    form = load_xlsform_bytes(markdown.encode(), "age.md")
    assert form.questions["age"].type == "integer"
    csv = "survey,,,\n,type,name,label\n,text,name,Your name?\n"
    assert load_xlsform_bytes(csv.encode(), "name.csv").questions["name"].type == "text"


def test_a_phone_number_question_is_text_of_digits(tmp_path: Path):
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", [
        {"type": "phone number", "name": "tel", "label": "Your union's number?"}]))
    question = form.questions["tel"]
    assert (question.type, question.appearance) == ("text", "numbers")
    page = form.page(question.page)
    assert page_errors(form, page, {"tel": "12a"}) and not page_errors(form, page, {"tel": "012"})
