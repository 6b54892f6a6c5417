"""Forged and hostile bundles are refused with a reason, recorded, and change nothing.

Issue 13 item 6: five unsigned, forged bundles crashed ``central merge`` with
AttributeError, RecursionError and sqlite3.ProgrammingError. Each case here is one
such bundle (or one a trusted but broken station could send), written with the real
writer (``tests.hostile_bundles``).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.dataset import dataset_path
from central.ledger import refused
from central.merge import BundleRefused, merge_bundle
from tests import hostile_bundles as hb
from tests.sync_kit import central, table_digest


@pytest.fixture(scope="module")
def brand(tmp_path_factory) -> hb.Brand:
    return hb.make_brand(tmp_path_factory.mktemp("hostile") / "central")


def _record(brand: hb.Brand, plaintext: bytes | None = None, **changes):
    """A ``build`` adding one record whose sealed document has ``changes`` applied."""
    record_id = uuid.uuid4().hex

    def build(writer: hb.HostileWriter) -> None:
        doc = hb.document(brand, record_id)
        for name, value in changes.items():
            if name.startswith("answer_"):
                doc["answers"][name[len("answer_"):]] = value
            else:
                doc[name] = value
        writer.sealed_record(record_id, plaintext if plaintext is not None
                             else json.dumps(doc).encode())  # \ud800 stays an escape

    return build


def _raw_record(data: bytes):
    """A ``build`` writing ``data`` as it is, counted as a record so the trailer agrees."""

    def build(writer: hb.HostileWriter) -> None:
        writer.raw(data)
        writer.counts["records"] += 1

    return build


def _forged(brand):
    """Forgeries: the header names the trusted station; another key signs."""
    stranger = Ed25519PrivateKey.generate()
    return {
        "unsigned record that is not an object (AttributeError)":
            (dict(build=_record(brand, b"[]"), signer=stranger), "signature"),
        "unsigned record nested 100,000 deep (RecursionError)":
            (dict(build=_record(brand, hb.deep_json(100_000)), signer=stranger), "signature"),
        "header nested 5,000 deep (RecursionError)":
            (dict(build=hb.good_records(brand), header_payload=hb.deep_json(5_000)),
             "header is nested"),
        "header of 200 kB": (dict(build=hb.good_records(brand),
                                  header_payload=hb.deep_json(100_000)), "header is larger"),
        "unsigned header whose project id is an object (ProgrammingError)":
            (dict(build=hb.good_records(brand), signer=stranger,
                  header_fields=hb.header(brand, project_id={"a": 1})), "header"),
        "unsigned header whose bundle id is a number": (dict(
            build=hb.good_records(brand), signer=stranger,
            header_fields=hb.header(brand, bundle_id=12345678901234567890123456789012)),
            "header"),
        "unsigned bundle with a valid record": (dict(build=hb.good_records(brand),
                                                     signer=stranger), "signature"),
    }


def _broken_station(brand):
    """Signed by the trusted station, but the content is hostile."""
    deep_answer = json.loads(b"[" * 40 + b"]" * 40)
    return {
        "record that is not an object": (dict(build=_record(brand, b"[]")), "JSON object"),
        "record nested 100,000 deep": (dict(build=_record(brand, hb.deep_json(100_000))),
                                       "nested"),
        "answer nested 40 deep": (dict(build=_record(brand, answer_gender=deep_answer)),
                                  "nested"),
        "record that is not JSON": (dict(build=_record(brand, b"\xff\xfe")), "JSON"),
        "integer past SQLite's range (OverflowError)":
            (dict(build=_record(brand, answer_worker_meetings_12m="9" * 30)), "number"),
        "integer one below SQLite's range (a float would round it into range)":
            (dict(build=_record(brand, answer_worker_meetings_12m=str(-(2 ** 63) - 1))),
             "range"),
        "calculated value past SQLite's range":
            (dict(build=_record(brand, answer_union_led=2 ** 70)), "range"),
        "NaN for an integer": (dict(build=_record(brand, answer_worker_meetings_12m="NaN")),
                               "number"),
        "choices that are numbers": (dict(build=_record(brand, answer_interference_types=[1])),
                                     "choice"),
        "a choice listed twice": (dict(build=_record(
            brand, answer_interference_types=["threats"] * 3)), "twice"),
        "language with a lone surrogate": (dict(build=_record(brand, language="\ud800")),
                                           "unicode"),
        "revision true instead of 1": (dict(build=_record(brand, revision=True)),
                                       "manifest"),
        "signed trailer that is a list": (dict(build=hb.good_records(brand),
                                               trailer_body=b"[]"), "trailer"),
        "signed trailer nested deep": (dict(build=hb.good_records(brand),
                                            trailer_body=hb.deep_json(5_000)), "trailer is nested"),
        "frame claiming 4 GiB": (dict(build=lambda w: w.raw(b"R\xff\xff\xff\xff")), "frame"),
        "frame cut short": (dict(build=lambda w: w.raw(b"R\x00\x00\x10\x00abc")), "frame"),
        "second header": (dict(build=lambda w: w.raw(b"H\x00\x00\x00\x02{}")), "frame"),
        "record entry of three bytes": (dict(build=_raw_record(b"R\x00\x00\x00\x03\x05ab")),
                                        "entry is malformed"),
        "record id with a terminal escape": (dict(
            build=lambda w: w.sealed_record("\x1b[2J", b"{}")), "id is malformed"),
    }


def _assert_refused(brand: hb.Brand, path, match: str) -> None:
    before, seen = table_digest(dataset_path(brand.home)), len(refused(brand.home))
    with pytest.raises(BundleRefused) as info:
        merge_bundle(brand.home, brand.keys, path)
    assert match.lower() in info.value.reason.lower(), info.value.reason
    assert table_digest(dataset_path(brand.home)) == before, "the dataset must not change"
    ledger = refused(brand.home)
    assert len(ledger) == seen + 1 and ledger[-1]["file_name"] == path.name
    assert ledger[-1]["reason"] == info.value.reason


@pytest.mark.parametrize("family", ["forged", "broken station"])
def test_each_hostile_bundle_is_refused_recorded_and_changes_nothing(brand, tmp_path, family):
    cases = _forged(brand) if family == "forged" else _broken_station(brand)
    for index, (name, (options, match)) in enumerate(cases.items()):
        path = hb.write(tmp_path / f"case-{index}.bundle", brand, **options)
        try:
            _assert_refused(brand, path, match)
        except BaseException as exc:
            raise AssertionError(f"case {name!r}: {type(exc).__name__}: {exc}") from exc


def test_one_command_merges_the_good_bundle_after_forged_ones(brand, tmp_path):
    cases = _forged(brand)
    forged = [hb.write(tmp_path / f"forged-{i}.bundle", brand, **options)
              for i, (options, _) in enumerate(cases.values())]
    good = hb.write(tmp_path / "good.bundle", brand, hb.good_records(brand, 3, seed=7))
    seen = len(refused(brand.home))
    result = central("merge", "--home", brand.home, *forged, good, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "3 new" in result.stdout, "the good bundle after the forged ones is merged"
    assert f"{len(forged)} of {len(forged) + 1} bundles refused" in result.stderr
    names = [row["file_name"] for row in refused(brand.home)[seen:]]
    assert names == [path.name for path in forged]


def test_inbox_answers_422_with_the_reason_for_every_hostile_bundle(brand, tmp_path):
    cases = {**_forged(brand), **_broken_station(brand)}
    paths = [hb.write(tmp_path / f"http-{i}.bundle", brand, **options)
             for i, (options, _) in enumerate(cases.values())]
    before, seen = table_digest(dataset_path(brand.home)), len(refused(brand.home))
    with hb.inbox(brand) as url:
        answers = [hb.post(url, path) for path in paths]
        assert table_digest(dataset_path(brand.home)) == before
        status, merged = hb.post(url, hb.write(tmp_path / "good.bundle", brand,
                                               hb.good_records(brand, 2, seed=11)))
    for name, (_, match), (code, body) in zip(cases, cases.values(), answers, strict=True):
        assert code == 422, f"case {name!r}: HTTP {code} {body}"
        assert match.lower() in body["error"].lower(), f"case {name!r}: {body}"
    assert (status, merged["new"]) == (200, 2), "the inbox still merges a good bundle"
    assert len(refused(brand.home)) == seen + len(paths)
    assert not list((brand.home / "inbox").iterdir()), "no bundle left behind"


def test_file_names_that_are_not_utf8_are_recorded_and_reported(brand, tmp_path):
    folder = os.fsencode(tmp_path)
    junk = Path(os.fsdecode(folder + b"/caf\xe9-junk.bundle"))
    junk.write_bytes(b"not a bundle")
    good = hb.write(Path(os.fsdecode(folder + b"/caf\xe9-good.bundle")), brand,
                    hb.good_records(brand, 1, seed=21))
    seen = len(refused(brand.home))
    with pytest.raises(BundleRefused, match="not an Amplify bundle"):
        merge_bundle(brand.home, brand.keys, junk)
    assert [row["file_name"] for row in refused(brand.home)[seen:]] == ["caf\\xe9-junk.bundle"]
    result = merge_bundle(brand.home, brand.keys, good)
    assert (result.file, result.new) == ("caf\\xe9-good.bundle", 1)
