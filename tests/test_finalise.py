"""Finalising through the one shared path: names given to identifying questions are
scrubbed from the same record's free text; the identity itself goes to the vault."""

from __future__ import annotations

from survey_app.finalise import finalise_record
from survey_app.store import projects, records
from survey_app.store.records import RecordMeta


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
