"""CSV files a form reads (select_one_from_file, search(), pulldata()): given with the form,
checked, kept with the version, carried in the project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from survey_app.cli import main
from sync import projectfile
from tests.test_cli import amplify
from tests.xlsform_factory import write_xlsform
from xlsform import FormError, load_xlsform
from xlsform.logic import compute_calculations, filtered_choices

TOWNS = ("name,label::English (en),label::Khmer (km),region\n"
         "pp,Phnom Penh,ភ្នំពេញ,c\nsr,Siem Reap,សៀមរាប,n\n")
FRUITS = "name_key,name,price\nmango,Mango,3\norange,Orange,2\n"
ROWS = [
    {"type": "select_one_from_file towns.csv", "name": "town", "label::English (en)": "Town?"},
    {"type": "select_one fruit", "name": "fruit", "label::English (en)": "Fruit?",
     "appearance": "search('fruits')"},
    {"type": "calculate", "name": "price", "calculation": "pulldata('fruits', 'price', "
     "'name_key', ${fruit})"},
    {"type": "select_one_from_file towns.csv", "name": "north", "label::English (en)": "North?",
     "choice_filter": "region = 'n'"},
]
CHOICES = [{"list_name": "fruit", "name": "name_key", "label::English (en)": "name"}]
FILES = {"towns.csv": TOWNS.encode(), "fruits.csv": FRUITS.encode()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attached")
    write_xlsform(path / "market.xlsx", ROWS, CHOICES, settings={"form_id": "market"})
    for name, data in FILES.items():
        (path / name).write_bytes(data)
    return path


def test_choices_look_ups_and_search_come_from_the_files(folder: Path):
    form = load_xlsform(folder / "market.xlsx", attachments=FILES)
    town = form.questions["town"]
    assert [(c.name, c.label) for c in form.choices_for(town)] == [
        ("pp", {"en": "Phnom Penh", "km": "ភ្នំពេញ"}), ("sr", {"en": "Siem Reap", "km": "សៀមរាប"})]
    assert [c.name for c in filtered_choices(form, form.questions["north"], {})] == ["sr"]
    assert [(c.name, c.label) for c in form.choices_for(form.questions["fruit"])] == [
        ("mango", {"default": "Mango"}), ("orange", {"default": "Orange"})]
    assert compute_calculations(form, {"fruit": "orange"})["price"] == "2"
    assert form.attachments == {"towns.csv": TOWNS, "fruits.csv": FRUITS}


def test_a_missing_file_is_refused_naming_the_row_that_needs_it(folder: Path):
    with pytest.raises(FormError) as refused:
        load_xlsform(folder / "market.xlsx", attachments={"towns.csv": FILES["towns.csv"]})
    assert (refused.value.sheet, refused.value.row, refused.value.column) == (
        "survey", 3, "appearance")
    assert "needs the file fruits.csv" in refused.value.message


@pytest.mark.parametrize("data, row, fragment", [
    (b"name,label\nx,\xff\n", 2, "not UTF-8"),
    (b"label\nx\n", 1, "no 'name' column"),
    (b"name,label\nx,y,z\n", 2, "more cells"),
])
def test_an_unusable_file_is_refused_naming_file_and_row(folder: Path, data, row, fragment):
    with pytest.raises(FormError) as refused:
        load_xlsform(folder / "market.xlsx", attachments={**FILES, "towns.csv": data})
    assert (refused.value.sheet, refused.value.row) == ("towns.csv", row)
    assert fragment in refused.value.message


def test_forms_check_reads_the_files_beside_a_form(folder: Path):
    result = CliRunner().invoke(main, ["forms", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{folder / 'market.xlsx'}: ready (market version 1)"


def test_forms_add_stores_the_files_with_the_version_and_export_uses_them(
        tmp_path: Path, folder: Path):
    home = tmp_path / "station"
    assert amplify("init", home=home).returncode == 0
    alone = amplify("forms", "add", str(folder / "market.xlsx"), home=home)
    assert alone.returncode != 0 and "row 2" in alone.stderr and "towns.csv" in alone.stderr
    files = [str(folder / name) for name in ("market.xlsx", "towns.csv", "fruits.csv")]
    added = amplify("forms", "add", *files, home=home)
    assert added.returncode == 0, added.stderr
    assert "market version 1: added (reads towns.csv, fruits.csv)" in added.stdout
    exported = amplify("forms", "export", "market", "--xform", home=home)
    assert exported.returncode == 0 and "jr://file-csv/towns.csv" in exported.stdout


def test_the_files_travel_in_the_signed_project_file():
    key = Ed25519PrivateKey.generate()
    form = projectfile.FormFile("market", "1", "market.xlsx", b"form bytes", FILES)
    data = projectfile.build(project_id="p", name="P", created_day="2026-11-30",
                             encryption_public=b"\x01" * 32, signing_key=key, forms=[form],
                             pseudonym_wrapped={})
    assert projectfile.parse(data).forms()[0].attachments == FILES
    tampered = data.replace(projectfile.b64(FILES["fruits.csv"]).encode(),
                            projectfile.b64(b"name_key,name,price\nmango,Mango,0\n").encode())
    with pytest.raises(projectfile.ProjectFileError, match="signature"):
        projectfile.parse(tampered)


def test_instance_look_ups_read_a_choices_list_or_an_attached_file(tmp_path: Path):
    rows = [
        {"type": "select_one town", "name": "home", "label": "Town?"},
        {"type": "calculate", "name": "region",
         "calculation": "instance('town')/root/item[name = ${home}]/region"},
        {"type": "calculate", "name": "town_label",
         "calculation": "instance('town')/root/item[name=${home}]/label"},
        {"type": "calculate", "name": "price",
         "calculation": "pulldata('fruits', 'price', 'name_key', 'mango') + "
                        "instance('fruits')/root/item[name_key='orange']/price"},
    ]
    choices = [{"list_name": "town", "name": "pp", "label": "Phnom Penh", "region": "south"},
               {"list_name": "town", "name": "sr", "label": "Siem Reap", "region": "north"}]
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", rows, choices), attachments=FILES)
    values = compute_calculations(form, {"home": "sr"})
    assert (values["region"], values["town_label"], values["price"]) == ("north", "Siem Reap",
                                                                         "5")


def test_a_search_filter_becomes_the_choice_filter(tmp_path: Path):
    rows = [{"type": "integer", "name": "budget", "label": "Budget?"},
            {"type": "select_one fruit", "name": "fruit", "label": "Fruit?",
             "appearance": "search('fruits', 'matches', 'price', ${budget})"}]
    form = load_xlsform(write_xlsform(tmp_path / "f.xlsx", rows, CHOICES), attachments=FILES)
    fruit = form.questions["fruit"]
    assert [c.name for c in filtered_choices(form, fruit, {"budget": "2"})] == ["orange"]
