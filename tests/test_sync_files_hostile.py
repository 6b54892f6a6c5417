"""The other files the brand and stations exchange, fuzzed: a project file, a station id file.

Both are parsed with the same bounds as a bundle's JSON (``sync.safejson``): before,
a file nested 100,000 deep raised RecursionError out of ``amplify project import`` and
``amplify central trust``. Whatever the bytes, each parser answers with its own error.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import projectfile
from sync.projectfile import FormFile, ProjectFileError
from sync.stationid import StationIdentity, StationIdError
from tests.hostile_bundles import deep_json
from tests.sync_kit import FORMS

SIGNING = Ed25519PrivateKey.generate()
STATION = StationIdentity(SIGNING.public_key().public_bytes_raw()).to_bytes()


@pytest.fixture(scope="module")
def project_bytes() -> bytes:
    source = (FORMS / "worker.xlsx").read_bytes()
    return projectfile.build(
        project_id="prj-0123456789abcdef", name="fuzz", created_day="2026-11-30",
        encryption_public=bytes(range(32)), signing_key=SIGNING,
        forms=[FormFile("amplify_worker", "1", "worker.xlsx", source)],
        pseudonym_wrapped=projectfile.wrap_pseudonym_key(bytes(32), "1111-2222", 12))


def test_real_files_parse_and_deep_ones_are_refused_by_name(project_bytes):
    assert projectfile.parse(project_bytes).name == "fuzz"
    assert StationIdentity.parse(STATION).public_key == SIGNING.public_key().public_bytes_raw()
    with pytest.raises(ProjectFileError, match="nested more than 16 deep"):
        projectfile.parse(deep_json(100_000))
    with pytest.raises(StationIdError, match="malformed station id file"):
        StationIdentity.parse(deep_json(5_000))
    with pytest.raises(StationIdError, match="must be a JSON object"):
        StationIdentity.parse(b"[1, 2]")


def _mutations(data: bytes):
    return st.one_of(
        st.binary(max_size=200),
        st.builds(lambda at, byte: data[:at] + bytes([byte]) + data[at + 1:],
                  st.integers(0, len(data) - 1), st.integers(0, 255)),
        st.builds(lambda at: data[:at], st.integers(0, len(data) - 1)),
        st.builds(lambda key, value: json.dumps({**json.loads(data), key: value}).encode(),
                  st.sampled_from(["format", "public_key", "project", "signature"]),
                  st.recursive(st.none() | st.integers() | st.text(max_size=5),
                               lambda inner: st.lists(inner, max_size=3)
                               | st.dictionaries(st.text(max_size=3), inner, max_size=3),
                               max_leaves=8)),
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_station_id_files_mutated_raise_only_station_id_errors(data):
    mutated = data.draw(_mutations(STATION))
    try:
        identity = StationIdentity.parse(mutated)
    except StationIdError:
        return
    assert len(identity.public_key) == 32  # the file is not signed: any key may be named


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_project_files_mutated_raise_only_project_file_errors(project_bytes, data):
    mutated = data.draw(_mutations(project_bytes))
    try:
        parsed = projectfile.parse(mutated)
    except ProjectFileError:
        return
    # Accepted only if the signed content is unchanged (a space became a newline, say).
    assert parsed.document == projectfile.parse(project_bytes).document
