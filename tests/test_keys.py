"""Keys: the passphrase wraps data keys; sealing; fingerprints."""

from __future__ import annotations

import json

import pytest

from survey_app.keys import identity, keyring
from sync.crypto import aead, fingerprint, seal


@pytest.fixture
def ring(tmp_path):
    keys = keyring.create(tmp_path, "first passphrase", 12)
    return tmp_path, keys


def test_wrong_passphrase_is_refused_and_changes_nothing(ring):
    home, _ = ring
    before = (home / "keys.json").read_bytes()
    with pytest.raises(keyring.WrongPassphrase, match="wrong passphrase"):
        keyring.unlock(home, "not the passphrase")
    with pytest.raises(keyring.WrongPassphrase):
        keyring.change_passphrase(home, "not the passphrase", "another one entirely", 12)
    assert (home / "keys.json").read_bytes() == before


def test_changing_passphrase_rewraps_the_same_data_keys(ring):
    home, keys = ring
    keyring.change_passphrase(home, "first passphrase", "second passphrase", 12)
    reopened = keyring.unlock(home, "second passphrase")
    assert (reopened.records, reopened.vault) == (keys.records, keys.vault)
    with pytest.raises(keyring.WrongPassphrase):
        keyring.unlock(home, "first passphrase")


def test_keyring_file_holds_kdf_parameters_and_no_raw_key(ring):
    home, keys = ring
    text = (home / "keys.json").read_text()
    document = json.loads(text)
    assert document["kdf"]["name"] == "scrypt" and document["kdf"]["log2_n"] == 12
    for raw in (keys.records, keys.vault, keys.local_project_private):
        assert raw not in (home / "keys.json").read_bytes()
        assert raw.hex() not in text
    assert (home / "keys.json").stat().st_mode & 0o077 == 0


def test_short_passphrase_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 12"):
        keyring.create(tmp_path, "short", 12)
    assert not (tmp_path / "keys.json").exists()


def test_ciphertext_is_bound_to_its_record():
    key = aead.new_key()
    blob = aead.encrypt(key, b"answer", b"draft:r1")
    assert aead.decrypt(key, blob, b"draft:r1") == b"answer"
    with pytest.raises(aead.DecryptionError):
        aead.decrypt(key, blob, b"draft:r2")
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    with pytest.raises(aead.DecryptionError):
        aead.decrypt(key, bytes(flipped), b"draft:r1")


def test_sealed_batch_opens_only_with_the_project_private_key(ring):
    home, keys = ring
    public = keyring.local_project_public(home)
    sealer = seal.BatchSealer(limit=2)
    batches = [sealer.current(public) for _ in range(3)]
    sealed = [b.seal(f"r{i}", f"payload {i}".encode()) for i, b in enumerate(batches)]
    assert batches[0] is batches[1] and batches[2] is not batches[0]
    for i, (batch, blob) in enumerate(zip(batches, sealed, strict=True)):
        key = seal.open_batch_key(keys.local_project_private, batch.ephemeral_public)
        assert seal.unseal(key, batch.batch_id, f"r{i}", blob) == f"payload {i}".encode()
    other = keyring.create(home / "other", "other passphrase", 12)
    wrong = seal.open_batch_key(other.local_project_private, batches[0].ephemeral_public)
    with pytest.raises(aead.DecryptionError):
        seal.unseal(wrong, batches[0].batch_id, "r0", sealed[0])


def test_fingerprint_is_digits_in_groups_and_depends_on_the_key(tmp_path):
    key = identity.station_signing_key(tmp_path)
    again = identity.station_signing_key(tmp_path)
    assert fingerprint.public_bytes(key) == fingerprint.public_bytes(again)
    printed = fingerprint.fingerprint(fingerprint.public_bytes(key))
    groups = printed.split(" ")
    assert len(groups) == 5 and all(len(g) == 4 and g.isdigit() for g in groups)
    other = identity.station_signing_key(tmp_path / "x")
    assert fingerprint.fingerprint(fingerprint.public_bytes(other)) != printed
