"""Real partner forms with repeats (from ``../shared/xlsforms``), answered in every instance,
finalised on a station, exported and merged: the brand's ``repeat_answers`` hold exactly
what the station kept, instance by instance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from survey_app.store import projects
from sync import repeats
from sync.anonymise import anonymise
from xlsform.logic import clean_answers
from xlsform.model import FormDefinition, Question

from .sync_kit import World, add_station, add_supplier, amplify, central, finalise, open_station

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "xlsforms"
FORMS = {"tutorial": "pyxform_example_xls/tutorial.xls",
         "repeat_date_test": "pyxform_example_xls/repeat_date_test.xls"}
SAMPLE = {"integer": "2", "decimal": "1.5", "date": "2026-01-02", "time": "10:30",
          "datetime": "2026-01-02T10:30", "text": "fine", "acknowledge": "OK"}
INSTANCES = 2

pytestmark = pytest.mark.skipif(not all((CORPUS / p).is_file() for p in FORMS.values()),
                                reason="the shared XLSForm corpus is not here")


def _sample(form: FormDefinition, question: Question) -> Any:
    if question.type.startswith("select"):
        first = form.choices_for(question)[0].name
        return [first] if question.type == "select_multiple" else first
    return SAMPLE[question.type]


def _answers(form: FormDefinition, scope: str | None = None) -> dict[str, Any]:
    """Every question answered, every repeat with two instances, nested ones inside."""
    answers = {name: _sample(form, q) for name, q in form.questions.items()
               if q.repeat == scope and q.has_input}
    for name, repeat in form.repeats.items():
        if repeat.parent == scope:
            answers[name] = [_answers(form, name) for _ in range(INSTANCES)]
    return answers


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[World, dict[str, tuple[str, dict]]]:
    root = tmp_path_factory.mktemp("corpus_repeats")
    home = root / "central"
    central("init", "--home", home)
    project_file = root / "project.json"
    form_args = [a for path in FORMS.values() for a in ("--form", CORPUS / path)]
    out = central("project", "create", "--home", home, "--name", "Corpus", *form_args,
                  "--out", project_file, "--free-text").stdout
    world = World(root, home, project_file, out.split("Project ", 1)[1].split(" ", 1)[0])
    station_home = add_station(world, "station1")
    station = open_station(station_home)
    sent = {}
    try:
        supplier = add_supplier(station, world.project_id)
        project = projects.get_project(station.store, world.project_id)
        for form_id in FORMS:
            form = station.form(form_id)
            answers = _answers(form)
            kept = anonymise(form, clean_answers(form, answers), project, mode="self",
                             context={}).kept
            sent[form_id] = (finalise(station, form_id, answers, supplier_id=supplier), kept)
    finally:
        station.close()
    bundle = root / "corpus.bundle"
    amplify("export", "--home", station_home, "--project", world.project_id, "--out", bundle)
    assert f"{len(FORMS)} new" in central("merge", "--home", home, bundle).stdout
    return world, sent


def _text(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("form_id", FORMS)
def test_the_brand_holds_every_instance_answer_the_station_kept(world, form_id):
    world, sent = world
    record_id, kept = sent[form_id]
    conn = world.db()
    try:
        key = conn.execute("SELECT key FROM responses WHERE id = ?", [record_id]).fetchone()[0]
        stored = {(r, i, q): _text(v) for r, i, q, v in conn.execute(
            "SELECT repeat, instance, question, value FROM repeat_answers WHERE response = ?",
            [key])}
        definition = conn.execute("SELECT definition FROM forms WHERE form_id = ?",
                                  [form_id]).fetchone()[0]
        counts = dict(conn.execute("SELECT question, value FROM answers WHERE response = ?",
                                   [key]).fetchall())
    finally:
        conn.close()
    form = FormDefinition.from_json(json.loads(definition))
    expected = {(a.repeat, a.instance, a.question): _text(a.value)
                for a in repeats.walk(repeats.scopes(form), kept)}
    assert expected, f"{form_id}: the station kept nothing inside its repeats"
    assert stored == expected
    for name in form.repeats:  # a top-level repeat's number of instances, as the station kept
        if name in kept:
            assert counts[name] == len(kept[name]) >= 1
