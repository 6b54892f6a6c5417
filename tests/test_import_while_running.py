"""A project imported (with the CLI) while the station runs unlocked gives representatives
their pseudonym at once, without a lock and unlock."""

from __future__ import annotations

from survey_app.finalise import finalise_record
from survey_app.store import projects, records
from survey_app.store.records import RecordMeta
from sync.anonymise import PSEUDONYM
from sync.crypto.seal import open_batch_key, unseal
from tests.sync_kit import (
    BRAND_PASSPHRASE,
    REP_ANSWERS,
    amplify,
    make_world,
    open_station,
)


def test_a_project_imported_while_unlocked_gives_pseudonyms_at_once(tmp_path):
    from central import keys as central_keys

    world = make_world(tmp_path, forms=("representative",))
    home = tmp_path / "station"
    amplify("init", "--home", home)
    station = open_station(home)  # unlocked, as a running station is
    try:
        amplify("project", "import", "--home", home, world.project_file)  # another process
        assert projects.pseudonym_key(station.keys().extra, world.project_id) is None
        form = station.form("amplify_representative")
        meta = RecordMeta(id=records.new_record_id(), form_id=form.form_id,
                          form_version=form.version, project_id=world.project_id,
                          mode="interview", language="en", status=records.DRAFT,
                          supplier_id=None, session_id=None, day="", seq=0, revision=1)
        record_id = finalise_record(station, meta, form, REP_ANSWERS).id
        row = station.store.read()["records"].get(record_id)
        batch = station.store.read()["seal_batches"].get(row["batch_id"])
    finally:
        station.close()
    brand = central_keys.unlock(world.central_home, BRAND_PASSPHRASE)
    key = open_batch_key(brand.encryption.private_bytes_raw(), batch["ephemeral_public"])
    sealed = records.decode(unseal(key, row["batch_id"], record_id, row["payload"]))
    assert sealed["answers"].get(PSEUDONYM)
