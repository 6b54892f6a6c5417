"""Issue 14, item 9: every loadable corpus form (``../shared/xlsforms``) travels from a
worker's phone to the brand.

One world for the module: a central home, a brand project holding every form the station
accepts (``--drop-unsupported``, attachments beside the forms), a station that imported it
and serves phones on 127.0.0.1. The scripted client of test_collect_scripted (it knows
nothing of the forms) walks every page of each form over HTTP and submits twice; the
station exports one bundle and the brand merges it. Free text is not exported (the
project's default), so the canary the client types must be nowhere in the bundle or the
central home.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from central.dataset import dataset_path
from survey_app import create_app, sessions
from survey_app.cli.sessions import form_url
from survey_app.station import Station
from survey_app.store import records
from tests.conftest import SHARED_XLSFORMS, LiveServer
from tests.test_collect_scripted import CANARY, Client, walk
from xlsform import check
from xlsform.check import beside
from xlsform.logic import clean_answers, filtered_choices
from xlsform.model import FormDefinition

from .sync_kit import STATION_PASSPHRASE, World, add_station, all_bytes, amplify, central

pytestmark = pytest.mark.skipif(not SHARED_XLSFORMS.is_dir(),
                                reason=f"external XLSForm corpus not found at {SHARED_XLSFORMS}")


@dataclass
class Walked:
    """What the phone walk and the trip to the brand left behind."""

    world: World
    bundle: Path
    forms: dict[str, Path]  # form id -> the corpus file
    # form id -> each input's last posted values, by name
    posted: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


class RecordingClient(Client):
    """The scripted client, remembering the values it last posted for each input."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: dict[str, list[str]] = {}

    def request(self, url: str, data: list | None = None) -> tuple[int, str, dict]:
        post: dict[str, list[str]] = {}
        for name, value in data or []:
            if value and name[0] != "~":
                post.setdefault(name, []).append(value)
        self.answered.update(post)
        return super().request(url, data)


def corpus_forms() -> dict[str, Path]:
    """The corpus forms this station accepts (with drops where it must), the first file of
    each form id, by form id: the forms counted as loading in the shares of issue 14."""
    chosen: dict[str, Path] = {}
    for path in check.form_files([SHARED_XLSFORMS]):
        result = check.check_file(path)
        if result.status != check.REFUSED:
            chosen.setdefault(result.form_id, path)
    return chosen


def _brand_project(root: Path, forms: list[Path]) -> World:
    home = root / "central"
    central("init", "--home", home)
    project_file = root / "project.json"
    files = [path.parent / name for path in forms for name in beside(path)]
    form_args = [a for path in [*forms, *files] for a in ("--form", path)]
    out = central("project", "create", "--home", home, "--name", "Corpus", "--drop-unsupported",
                  *form_args, "--out", project_file).stdout
    return World(root, home, project_file, out.split("Project ", 1)[1].split(" ", 1)[0])


def _session_url(station: Station, server: LiveServer, form_id: str, first: bool) -> str:
    """A phone session's URL: the first through ``amplify session new`` as an interpreter
    starts one, the rest in this process (a CLI process each cost ~0.8 s of the suite)."""
    if first:
        made = amplify("session", "new", "--home", station.home, "--form", form_id,
                       "--supplier", "Factory A", "--country", "KH", "--base-url", server.url,
                       "--json")
        return json.loads(made.stdout)["url"]
    _session, token = sessions.create_session(
        station, form_id=form_id, supplier={"name": "Factory A", "country": "KH"})
    return form_url(server.url, token)


def _walk_one(url: str, form_id: str, result: Walked) -> None:
    """One phone session walked (adding one instance at each add place) and submitted
    twice; what the client answered, or what went wrong, noted in ``result``."""
    client = RecordingClient()
    try:
        last, last_url, _pages = walk(client, url, add_once=True)
        status, html, _headers = client.request(last_url, last)  # resubmitted
        assert status == 200 and "data-receipt" in html
    except AssertionError as error:
        result.failures.append(f"{form_id}: {str(error)[:200]}")
    result.posted[form_id] = client.answered


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> Walked:
    forms = corpus_forms()
    assert len(forms) >= 10, f"expected the corpus at {SHARED_XLSFORMS}"
    root = tmp_path_factory.mktemp("corpus_brand")
    world = _brand_project(root, list(forms.values()))
    station_home = add_station(world, "station1")
    app = create_app(station_home, {"TESTING": True})
    station = app.extensions["amplify"]
    result = Walked(world, root / "corpus.bundle", forms)
    try:
        station.unlock(STATION_PASSPHRASE)
        with LiveServer(app) as server:
            for number, form_id in enumerate(forms):
                url = _session_url(station, server, form_id, first=number == 0)
                _walk_one(url, form_id, result)
        finals = records.list_records(station.store, records.FINAL)
        assert {r.project_id for r in finals} == {world.project_id}
    finally:
        station.close()
    amplify("export", "--home", station_home, "--project", world.project_id,
            "--out", result.bundle)
    central("merge", "--home", world.central_home, result.bundle)
    return result


def _form(conn, form_id: str) -> FormDefinition:
    definition = conn.execute("SELECT definition FROM forms WHERE form_id = ?",
                              [form_id]).fetchone()[0]
    return FormDefinition.from_json(json.loads(definition))


def _expected(form: FormDefinition, answered: dict[str, list[str]]) -> tuple[set, set]:
    """The questions answered on the phone that the brand must hold (free text stays on
    the station): at the top level those still relevant once all are answered, and inside
    repeat instances those relevant always."""
    asked = {name: form.questions[name] for name in answered if name in form.questions
             and form.questions[name].has_input and form.questions[name].type != "text"}
    flat = {name: values if q.type == "select_multiple" else values[0]
            for name, values in answered.items() if (q := asked.get(name)) and not q.repeat}
    kept = clean_answers(form, flat)
    allowed = {name for name in set(kept) & set(flat) if not asked[name].type.startswith(
        "select") or set(answered[name]) <= {c.name for c in filtered_choices(
            form, asked[name], kept)}}
    return (allowed, {name for name, q in asked.items()
                      if q.repeat and q.relevant is None and not q.choice_filter})


def _arrival(conn, form_id: str, answered: dict[str, list[str]]) -> str:
    """One form's trip checked in central.db; a short note for the summary line."""
    keys = [key for (key,) in conn.execute("SELECT key FROM responses WHERE form_id = ?",
                                           [form_id])]
    assert len(keys) == 1, f"{form_id}: {len(keys)} responses in central.db"
    form = _form(conn, form_id)
    top = {q for (q,) in conn.execute("SELECT question FROM answers WHERE response = ?", keys)}
    inside = set(conn.execute("SELECT repeat, question FROM repeat_answers WHERE response = ?",
                              keys).fetchall())
    want_top, want_inside = _expected(form, answered)
    assert want_top <= top, f"{form_id}: {sorted(want_top - top)} did not reach the brand"
    assert want_inside <= {q for _r, q in inside}, f"{form_id}: repeat answers {inside}"
    assert top <= set(form.questions) | set(form.repeats), f"{form_id}: {sorted(top)}"
    assert {r for r, _q in inside} <= set(form.repeats)
    return f"{form_id} {len(top)}+{len(inside)}r"


def test_every_walked_corpus_form_reaches_the_brand_once_with_its_answers(walked):
    assert not walked.failures, "\n".join(walked.failures)
    conn = walked.world.db()
    try:
        notes = [_arrival(conn, form_id, walked.posted[form_id]) for form_id in walked.forms]
        inside = conn.execute("SELECT count(DISTINCT response) FROM repeat_answers")
        merged = {form_id for (form_id,) in conn.execute("SELECT form_id FROM responses")}
        assert merged == set(walked.forms)
        assert inside.fetchone()[0] >= 2  # tutorial and repeat_date_test at least
    finally:
        conn.close()
    print(f"\n{len(notes)} corpus forms walked over HTTP and merged at the brand "
          f"(answers+repeats): {'; '.join(notes)}")


def test_the_canary_typed_on_the_phones_reaches_neither_bundle_nor_brand(walked):
    assert dataset_path(walked.world.central_home).is_file()
    canary = CANARY.encode()
    leaks = [path for path, data in [(walked.bundle, walked.bundle.read_bytes()),
                                     *all_bytes(walked.world.central_home)]
             if canary in data.lower()]
    assert not leaks, f"the canary is readable in {leaks}"
