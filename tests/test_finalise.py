"""Finalising through the one shared path: names given to identifying questions are
scrubbed from the same record's free text; the identity itself goes to the vault."""

from __future__ import annotations

from survey_app import held
from survey_app.finalise import finalise_record
from survey_app.store import projects, records, scrubnames
from survey_app.store.records import RecordMeta
from tests.conftest import PASSPHRASE


def test_identifying_name_is_scrubbed_from_free_text_and_vaulted(app):
    station = app.extensions["amplify"]
    form = station.form("amplify_representative")
    project = projects.project_for_form(station.store, form.form_id)
    meta = RecordMeta(id=records.new_record_id(), form_id=form.form_id,
                      form_version=form.version, project_id=project.id, mode="interview",
                      language="en", status="draft", supplier_id=None, session_id=None,
                      day="", seq=0, revision=1)
    answers = {"safe_place": "yes", "consent": "yes", "share_consent": "yes",
               "contact_ok": "yes", "rep_name": "Sokha Chanthou",
               "rep_comments": "Management warned Sokha Chanthou after the meeting"}
    finalise_record(station, meta, form, answers)
    keys = station.keys()
    sealed = records.read_sealed(station.store, keys.local_project_private, meta.id)
    comment = sealed["answers"]["rep_comments"]
    assert "Sokha" not in comment and "Chanthou" not in comment
    assert "Management warned" in comment
    assert "rep_name" not in sealed["answers"]
    assert records.read_vault(station.store, keys.vault, meta.id)["rep_name"] == "Sokha Chanthou"


def _meta(station, form, mode, session_id=None):
    project = projects.project_for_form(station.store, form.form_id)
    return RecordMeta(id=records.new_record_id(), form_id=form.form_id,
                      form_version=form.version, project_id=project.id, mode=mode,
                      language="en", status="draft", supplier_id=None, session_id=session_id,
                      day="", seq=0, revision=1)


WORKER = {"safe_place": "yes", "consent": "yes",
          "change_wish": "Supervisor Dara Kem shouts at us; we want elections"}


def test_names_listed_for_a_session_are_scrubbed_while_unlocked(app):
    station = app.extensions["amplify"]
    form = station.form("amplify_worker")
    scrubnames.save(station.store, station.keys().records, "session1",
                    scrubnames.parse("Dara Kem, Someone Else"))
    meta = finalise_record(station, _meta(station, form, "self", "session1"), form, WORKER)
    sealed = records.read_sealed(station.store, station.keys().local_project_private, meta.id)
    assert "Dara Kem" not in sealed["answers"]["change_wish"]
    assert "we want elections" in sealed["answers"]["change_wish"]
    assert b"Dara Kem" not in (station.home / "amplify.db").read_bytes()


def test_free_text_waits_for_the_unlock_when_the_session_names_cannot_be_read(app):
    station = app.extensions["amplify"]
    form = station.form("amplify_worker")
    scrubnames.save(station.store, station.keys().records, "session2", ["Dara Kem"])
    private = station.keys().local_project_private
    station.lock()
    meta = finalise_record(station, _meta(station, form, "self", "session2"), form, WORKER)
    assert held.waiting(station) == 1 and records.list_records(station.store, "final") == []
    assert b"Dara Kem" not in (station.home / "amplify.db").read_bytes()
    # Without a list, the same answer in a locked station is sealed at once (scrubbed as usual).
    other = finalise_record(station, _meta(station, form, "self", "session3"), form, WORKER)
    kept = records.read_sealed(station.store, private, other.id)["answers"]["change_wish"]
    assert "we want elections" in kept
    station.unlock(PASSPHRASE)
    assert held.release(station) == 1 and held.waiting(station) == 0
    wish = records.read_sealed(station.store, private, meta.id)["answers"]["change_wish"]
    assert "Dara Kem" not in wish and "we want elections" in wish
