"""``begin loop over <list>``: one group per choice, named and labelled as pyxform does, and
answered to the end over the interview pages."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.store import formstore, records
from xlsform import load_xlsform, loops
from xlsform.loader import to_xform

from .interview_client import FlaskBrowser, answer, page_path, record_id_of, start_interview
from .xlsform_factory import write_xlsform

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "xlsforms" / "pyxform_example_xls"
ROWS = [
    {"type": "select_multiple place", "name": "has", "label::English (en)": "Which?",
     "label::French (fr)": "Lesquels ?"},
    {"type": "begin loop over place", "name": "rooms", "label::English (en)": "Rooms",
     "label::French (fr)": "Pièces"},
    {"type": "integer", "name": "count", "label::English (en)": "How many %(label)s?",
     "label::French (fr)": "Combien de %(label)s ?", "relevant": "selected(${has}, '%(name)s')"},
    {"type": "text", "name": "note", "label::English (en)": "Anything else?",
     "label::French (fr)": "Autre chose ?", "required": "no"},
    {"type": "end loop"},
]
CHOICES = [
    {"list_name": "place", "name": "kitchen", "label::English (en)": "kitchens",
     "label::French (fr)": "cuisines"},
    {"list_name": "place", "name": "toilet", "label::English (en)": "toilets",
     "label::French (fr)": "toilettes"},
    {"list_name": "place", "name": "none", "label::English (en)": "none",
     "label::French (fr)": "aucune"},
]


@pytest.fixture(scope="module")
def form_path(tmp_path_factory) -> Path:
    return write_xlsform(tmp_path_factory.mktemp("loops") / "rooms.xlsx", ROWS, CHOICES,
                         settings={"form_id": "rooms", "version": "1", "form_title": "Rooms"})


def test_a_loop_is_a_group_per_choice_keyed_by_the_xform_paths(form_path: Path):
    form = load_xlsform(form_path)
    loop_page = form.pages[-1]
    assert loop_page.name == "rooms"
    assert loop_page.question_names == ["rooms/kitchen/count", "rooms/kitchen/note",
                                        "rooms/toilet/count", "rooms/toilet/note"]
    xform = to_xform(form_path)
    for key in loop_page.question_names:
        assert f'nodeset="/data/{key}"' in xform, key  # the key is the XForm's own path
    assert "/data/rooms/none" not in xform  # pyxform skips a choice named none: so do we


def test_name_and_label_are_filled_in_per_language(form_path: Path):
    form = load_xlsform(form_path)
    count = form.questions["rooms/toilet/count"]
    assert count.label == {"en": "How many toilets?", "fr": "Combien de toilettes ?"}
    assert "toilet" in str(count.relevant) and "%(name)s" not in str(count.relevant)
    note = form.questions["rooms/kitchen/note"]  # no %(label)s: the choice heads the label
    assert note.label == {"en": "kitchens: Anything else?", "fr": "cuisines: Autre chose ?"}


def test_a_loop_is_answered_to_the_end_and_sealed(client, app, form_path: Path):
    station = app.extensions["amplify"]
    formstore.add_form(station.store, load_xlsform(form_path), form_path.read_bytes(),
                       form_path.name)
    browser = FlaskBrowser(client)
    record_id = record_id_of(start_interview(browser, "rooms", "Delta Textiles",
                                             language="en").path)
    answer(browser, record_id, form_path_first_page(station), {"has": "toilet"})
    page = browser.get(page_path(record_id, "rooms"))
    assert 'name="rooms/toilet/count"' in page.text and "How many toilets?" in page.text
    page = answer(browser, record_id, "rooms",
                  {"rooms/toilet/count": "3", "rooms/kitchen/count": "9"}, action="finalise")
    assert page.path == "/interviews", page.text
    sealed = records.read_sealed(station.store, station.keys().local_project_private, record_id)
    assert sealed["answers"]["rooms/toilet/count"] == "3"
    assert "rooms/kitchen/count" not in sealed["answers"]  # kitchens not chosen: irrelevant


def form_path_first_page(station) -> str:
    return station.form("rooms", "1").pages[0].name


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"external corpus not found at {CORPUS}")
@pytest.mark.parametrize("name", ["loop.csv", "loop.md", "loop.xls", "loop.xlsx",
                                  "simple_loop.csv", "simple_loop.xls"])
def test_the_corpus_loops_load_with_one_question_per_choice(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        form = load_xlsform(CORPUS / name)
    looped = [key for key in form.questions if key.count("/") == 2]
    assert len(looped) in (2, 4), looped
    assert len({tuple(form.questions[key].label.values()) for key in looped}) == len(looped)
    assert not any(re.search(r"%\((name|label)\)s", str(q.label)) for q in form.questions.values())


NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)
TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=150, deadline=None)
@given(choices=st.lists(st.tuples(NAMES, TEXTS, TEXTS), max_size=6,
                        unique_by=lambda choice: choice[0]),
       before=TEXTS, after=TEXTS)
def test_every_choice_but_none_gets_a_group_with_its_name_and_label_filled_in(
        choices, before, after):
    """For any list: one group per choice (none skipped), in order, every placeholder filled
    in per language, whatever else the texts hold (a % sign, a brace)."""
    columns = [{"name": name, "label": {"en": en, "fr": fr}} for name, en, fr in choices]
    row = {"type": "integer", "name": "n",
           "label": {"en": f"{before}%(label)s{after}", "fr": "%(name)s"},
           "bind": {"relevant": "selected(${x}, '%(name)s')"}}
    survey = loops.expand({"children": [{"type": "loop", "name": "l", "columns": columns,
                                         "children": [row]}]})
    [group] = survey["children"]
    kept = [c for c in columns if c["name"] != "none"]
    assert group["type"] == "group"
    assert [g["name"] for g in group["children"]] == [c["name"] for c in kept]
    for choice, made in zip(kept, group["children"], strict=True):
        [copied] = made["children"]
        assert copied["label"] == {"en": f"{before}{choice['label']['en']}{after}",
                                   "fr": choice["name"]}
        assert copied["bind"]["relevant"] == f"selected(${{x}}, '{choice['name']}')"
    assert row["label"]["en"] == f"{before}%(label)s{after}"  # the template is left alone
