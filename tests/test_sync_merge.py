"""Merging: tampering, truncation, strangers, replays, order, revisions, a killed merge."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central import admin, dataset, keys
from central.ledger import refused
from central.merge import BundleRefused, merge_bundle
from sync.projectfile import parse
from sync.stationid import StationIdentity
from tests import synthetic

from .sync_kit import (
    BRAND_PASSPHRASE,
    WORKER_ANSWERS,
    add_station,
    amplify,
    central,
    env,
    finalise,
    make_world,
    open_station,
)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """One world, one trusted station, one bundle of five records (copied per test)."""
    root = tmp_path_factory.mktemp("merge")
    world = make_world(root, forms=("worker",))
    home = add_station(world, "station1")
    station = open_station(home)
    try:
        for _ in range(5):
            finalise(station, "amplify_worker", WORKER_ANSWERS)
    finally:
        station.close()
    bundle = root / "good.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--out", bundle)
    pristine = root / "pristine-central"
    shutil.copytree(world.central_home, pristine)
    return world, bundle, pristine


@pytest.fixture
def fresh(setup, tmp_path):
    """The world with an empty central dataset (a copy), and the brand keys."""
    world, bundle, pristine = setup
    shutil.rmtree(world.central_home)
    shutil.copytree(pristine, world.central_home)
    return world, bundle, keys.unlock(world.central_home, BRAND_PASSPHRASE)


def _refused(world, brand_keys, path, match):
    before = world.digest()
    with pytest.raises(BundleRefused, match=match):
        merge_bundle(world.central_home, brand_keys, path)
    assert world.digest() == before, "a refused bundle must leave the dataset unchanged"


def test_flipped_byte_anywhere_is_refused_and_changes_nothing(fresh, tmp_path):
    world, bundle, brand_keys = fresh
    data = bundle.read_bytes()
    for offset in (0, 7, 8, 39, 40, 41, len(data) // 3, len(data) // 2, len(data) - 17,
                   len(data) - 1):
        tampered = tmp_path / f"flip-{offset}.bundle"
        changed = bytearray(data)
        changed[offset] ^= 0x01
        tampered.write_bytes(bytes(changed))
        _refused(world, brand_keys, tampered, "refused")
    assert world.count("SELECT count(*) FROM responses") == 0
    assert len(refused(world.central_home)) == 10


def test_cli_refusal_names_file_and_reason_and_exits_non_zero(fresh, tmp_path):
    world, bundle, _ = fresh
    tampered = tmp_path / "tampered.bundle"
    changed = bytearray(bundle.read_bytes())
    changed[len(changed) // 2] ^= 0x80
    tampered.write_bytes(bytes(changed))
    before = world.digest()
    result = central("merge", "--home", world.central_home, bundle, tampered, check=False)
    assert result.returncode != 0
    assert "tampered.bundle" in result.stderr and "failed authentication" in result.stderr
    assert "5 new" in result.stdout, "the good bundle in the same command is merged"
    assert world.digest() != before
    ledger = central("ledger", "--home", world.central_home).stdout
    assert "merged" in ledger and "refused" in ledger and "tampered.bundle" in ledger


def test_truncated_bundle_is_refused(fresh, tmp_path):
    world, bundle, brand_keys = fresh
    data = bundle.read_bytes()
    for length in (0, 20, 40, 56, len(data) // 2, len(data) - 16, len(data) - 1):
        cut = tmp_path / f"cut-{length}.bundle"
        cut.write_bytes(data[:length])
        _refused(world, brand_keys, cut, "refused")
    longer = tmp_path / "longer.bundle"
    longer.write_bytes(data + b"\x00" * 100)
    _refused(world, brand_keys, longer, "refused")


def test_unknown_and_revoked_station_refused(fresh, tmp_path):
    world, bundle, brand_keys = fresh
    stranger = add_station(world, "stranger", trust=False)
    station = open_station(stranger)
    try:
        finalise(station, "amplify_worker", WORKER_ANSWERS)
    finally:
        station.close()
    strange = tmp_path / "stranger.bundle"
    amplify("export", "--home", stranger, "--project", world.project_id, "--out", strange)
    _refused(world, brand_keys, strange, "unknown station")
    station_id = merge_bundle(world.central_home, brand_keys, bundle).station_id
    central("revoke", "--home", world.central_home, station_id)
    _refused(world, brand_keys, bundle, "revoked station")


def test_bundle_for_another_brand_or_project_refused(fresh, tmp_path):
    world, bundle, brand_keys = fresh
    other = tmp_path / "other-brand"
    admin.init_home(other, BRAND_PASSPHRASE)
    other_keys = keys.unlock(other, BRAND_PASSPHRASE)
    with pytest.raises(BundleRefused, match="not meant for this brand"):
        merge_bundle(other, other_keys, bundle)
    # Same brand keys, but a dataset that does not hold this project.
    same_keys = tmp_path / "same-keys"
    same_keys.mkdir()
    shutil.copy(keys.keys_path(world.central_home), keys.keys_path(same_keys))
    dataset.create(same_keys)
    station_key = merge_bundle(world.central_home, brand_keys, bundle, dry_run=True)
    conn = sqlite3.connect(dataset.dataset_path(world.central_home))
    public = conn.execute("SELECT public_key FROM stations WHERE id = ?",
                          [station_key.station_id]).fetchone()[0]
    conn.close()
    import base64

    admin.trust_station(same_keys, StationIdentity(base64.b64decode(public)))
    with pytest.raises(BundleRefused, match="is not a project of this central home"):
        merge_bundle(same_keys, brand_keys, bundle)


def test_replay_and_dry_run_change_nothing(fresh):
    world, bundle, brand_keys = fresh
    before = world.digest()
    dry = merge_bundle(world.central_home, brand_keys, bundle, dry_run=True)
    assert dry.new == 5 and world.digest() == before
    first = merge_bundle(world.central_home, brand_keys, bundle)
    after_first = world.digest()
    assert first.new == 5
    again = merge_bundle(world.central_home, brand_keys, bundle)
    assert (again.new, again.unchanged) == (0, 5)
    assert world.digest() == after_first
    assert world.count("SELECT count(*) FROM bundles") == 1


def _revisions(world, brand_keys, tmp_path):
    """Two bundles of the same records: revision 1 and revision 2 (another answer)."""
    central_keys = brand_keys
    signing = Ed25519PrivateKey.generate()
    admin.trust_station(world.central_home, StationIdentity(
        signing.public_key().public_bytes_raw()))
    project = parse(world.project_file.read_bytes())
    form = admin.load_form_files([synthetic_form()])[0][1]
    ids = [f"{i:032x}" for i in range(1, 51)]
    paths = []
    for revision in (1, 2):
        path = tmp_path / f"rev{revision}.bundle"
        synthetic.write_bundle(
            path, brand_public=central_keys.encryption.public_key().public_bytes_raw(),
            signing_key=signing, project_id=project.id,
            items=synthetic.records_for(form, project.id, 50, seed=revision, revision=revision,
                                        ids=ids))
        paths.append(path)
    return paths


def synthetic_form():
    from .sync_kit import FORMS

    return FORMS / "worker.xlsx"


def _answers(world):
    conn = sqlite3.connect(dataset.dataset_path(world.central_home))
    try:
        return conn.execute("SELECT r.id, r.revision, a.question, a.value FROM responses r "
                            "JOIN answers a ON a.response = r.key ORDER BY 1, 3").fetchall()
    finally:
        conn.close()


def test_newer_revision_wins_in_any_order(fresh, tmp_path):
    world, _, brand_keys = fresh
    old, new = _revisions(world, brand_keys, tmp_path)
    pristine = tmp_path / "pristine"
    shutil.copytree(world.central_home, pristine)
    merge_bundle(world.central_home, brand_keys, old)
    result = merge_bundle(world.central_home, brand_keys, new)
    assert (result.new, result.replaced) == (0, 50)
    in_order = _answers(world)
    assert {row[1] for row in in_order} == {2}
    shutil.rmtree(world.central_home)
    shutil.copytree(pristine, world.central_home)
    merge_bundle(world.central_home, brand_keys, new)
    late = merge_bundle(world.central_home, brand_keys, old)
    assert (late.new, late.replaced, late.unchanged) == (0, 0, 50)
    assert _answers(world) == in_order


def test_killed_merge_leaves_the_dataset_consistent(fresh, tmp_path):
    world, _, brand_keys = fresh
    signing = Ed25519PrivateKey.generate()
    admin.trust_station(world.central_home, StationIdentity(
        signing.public_key().public_bytes_raw()))
    project = parse(world.project_file.read_bytes())
    form = admin.load_form_files([synthetic_form()])[0][1]
    big = tmp_path / "big.bundle"
    synthetic.write_bundle(big, brand_public=brand_keys.encryption.public_key()
                           .public_bytes_raw(), signing_key=signing, project_id=project.id,
                           items=synthetic.records_for(form, project.id, 40000))
    before = world.digest()
    wal = dataset.dataset_path(world.central_home).with_name("central.db-wal")
    process = subprocess.Popen(
        [sys.executable, "-m", "survey_app.cli", "central", "merge", "--home",
         str(world.central_home), str(big)], env=env(BRAND_PASSPHRASE),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    # The merge is under way once its transaction spills pages into the WAL.
    while process.poll() is None and time.monotonic() < deadline and \
            (not wal.exists() or wal.stat().st_size < (1 << 20)):
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the merge finished before it was killed"
    assert world.digest() == before
    conn = sqlite3.connect(dataset.dataset_path(world.central_home))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    result = merge_bundle(world.central_home, brand_keys, big)
    assert result.new == 40000
    assert world.count("SELECT count(*) FROM responses") == 40000
