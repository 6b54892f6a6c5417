"""Fuzzing the merge (issue 13 items 6 and 8): real bundles, mutated; always refused, never a crash.

Two kinds of mutation. Outer: bytes of a real bundle flipped, cut, inserted, or lengths
and magic overwritten; the envelope's authentication must refuse every one. Inner: a
bundle written by the real writer to this brand and signed by its trusted station,
but with one hostile part (a header field, a sealed document field or answer, a
sealed payload, a supplier's sealed details, a seal batch, a frame's kind or length,
the signed trailer, or a signature by another key). Every hostile value drawn here is
wrong wherever it is put, so every bundle must be refused: with a reason, in the
ledger, the dataset digest unchanged; and over HTTP the inbox answers 422.
"""

from __future__ import annotations

import json
import struct
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.dataset import dataset_path
from central.ledger import refused
from central.merge import BundleRefused, merge_bundle
from sync import frames as fr
from sync.projectfile import b64
from tests import hostile_bundles as hb
from tests.sync_kit import table_digest

FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
QUESTIONS = ["gender", "interference_types", "worker_meetings_12m", "union_led",
             "change_wish", "safe_place", "_pseudonym", "no_such_question"]
DOCUMENT_FIELDS = ["record_id", "form_id", "form_version", "language", "mode",
                   "supplier_id", "day", "revision", "answers"]
HEADER_FIELDS = ["format", "bundle_id", "project_id", "day", "round", "station_public"]
SUPPLIER_FIELDS = ["id", "name", "country", "os_id"]


def _nest(depth: int) -> object:
    value: object = []
    for level in range(depth):
        value = [value] if level % 2 else {"x": value}
    return value


# Values that are wrong in every field and answer they are put in.
HOSTILE = st.one_of(
    st.integers(17, 60).map(_nest),
    st.dictionaries(st.text(max_size=5), st.integers(), min_size=1, max_size=3),
    st.integers(2 ** 63, 2 ** 80), st.integers(-(2 ** 80), -(2 ** 63) - 1),
    st.lists(st.one_of(st.none(), st.integers()), min_size=1, max_size=3),
    st.sampled_from(["\ud800", "a\udfff", "\udc80" * 3]),
)


@pytest.fixture(scope="module")
def brand(tmp_path_factory) -> hb.Brand:
    return hb.make_brand(tmp_path_factory.mktemp("fuzz") / "central")


@pytest.fixture(scope="module")
def original(brand, tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("fuzz-original") / "good.bundle"
    return hb.write(path, brand, hb.good_records(brand, 2)).read_bytes()


def _refused_cleanly(brand: hb.Brand, path) -> str:
    """Merge ``path``; it must be refused, recorded, and change nothing. The reason."""
    before, seen = table_digest(dataset_path(brand.home)), len(refused(brand.home))
    with pytest.raises(BundleRefused) as info:
        merge_bundle(brand.home, brand.keys, path)
    reason = info.value.reason
    assert reason and "\n" not in reason and len(reason) <= 301
    assert table_digest(dataset_path(brand.home)) == before
    ledger = refused(brand.home)
    assert len(ledger) == seen + 1 and ledger[-1]["reason"] == reason
    return reason


@st.composite
def outer_mutations(draw, size: int) -> list[tuple[str, int, bytes]]:
    offsets = st.integers(0, size - 1)
    one = st.one_of(
        st.tuples(st.just("flip"), offsets, st.binary(min_size=1, max_size=4)),
        st.tuples(st.just("cut"), offsets, st.just(b"")),
        st.tuples(st.just("insert"), offsets, st.binary(min_size=1, max_size=64)),
        st.tuples(st.just("overwrite"), offsets,
                  st.sampled_from([b"\xff\xff\xff\xff", b"AMPLBND1", b"\x00" * 32])),
    )
    return draw(st.lists(one, min_size=1, max_size=3))


def _mutate(data: bytes, mutations: list[tuple[str, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, offset, extra in mutations:
        offset = min(offset, len(out))
        if kind == "flip":
            for index, mask in enumerate(extra):
                if offset + index < len(out):
                    out[offset + index] ^= mask or 1
        elif kind == "cut":
            del out[offset:]
        elif kind == "insert":
            out[offset:offset] = extra
        else:
            out[offset:offset + len(extra)] = extra
    return bytes(out)


@FAST
@given(data=st.data())
def test_outer_bytes_mutated_are_always_refused(brand, original, tmp_path, data):
    mutated = _mutate(original, data.draw(outer_mutations(len(original))))
    if mutated == original:
        return
    path = tmp_path / f"outer-{uuid.uuid4().hex[:8]}.bundle"
    path.write_bytes(mutated)
    _refused_cleanly(brand, path)


def _document_with(brand, record_id, place, name, value) -> bytes:
    document = hb.document(brand, record_id)
    if place == "answer":
        document["answers"][name] = value
    else:
        document[name] = value
    return json.dumps(document).encode()


@st.composite
def inner_plans(draw) -> dict:
    """How to write one hostile bundle: keyword arguments for ``hostile_bundles.write``."""
    kind = draw(st.sampled_from(["header", "document", "answer", "sealed", "supplier",
                                 "batch", "frame", "trailer", "signer"]))
    value = draw(HOSTILE)
    record_id = uuid.uuid4().hex
    return {"kind": kind, "value": value, "record_id": record_id,
            "field": draw(st.sampled_from(
                {"header": HEADER_FIELDS, "document": DOCUMENT_FIELDS, "answer": QUESTIONS,
                 "supplier": SUPPLIER_FIELDS}.get(kind, [""]))),
            "raw": draw(st.one_of(st.binary(max_size=64),
                                  st.integers(17, 3000).map(hb.deep_json),
                                  st.sampled_from([b"[]", b"null", b"1e999", b"NaN"]))),
            "frame_kind": draw(st.sampled_from([b"X", b"\x00", b"R", b"S", b"B", b"H"])),
            "length": draw(st.sampled_from([fr.MAX_FRAME + 1, 0xFFFFFFFF, 1000, 70_000]))}


def _options(brand: hb.Brand, plan: dict) -> dict:
    kind, value, record_id, name = (plan["kind"], plan["value"], plan["record_id"],
                                    plan["field"])
    if kind == "header":
        fields = {**hb.header(brand), "format": "amplify-bundle-1", "station_public":
                  b64(brand.station.public_key().public_bytes_raw()), name: value}
        return {"build": hb.good_records(brand), "header_payload": json.dumps(fields).encode()}
    if kind in ("document", "answer"):
        if name == "answers" and isinstance(value, dict):
            value = [value]  # an object is the right type for the answers themselves
        sealed = _document_with(brand, record_id, kind, name, value)
        return {"build": lambda w: w.sealed_record(record_id, sealed)}
    if kind == "supplier":
        details = {"id": record_id, "name": "Canary Garments", "country": "BD",
                   "os_id": "BD2019123ABC456", name: value}
        sealed = json.dumps(details).encode()
        return {"build": lambda w: (w.sealed_supplier(record_id, sealed),
                                    hb.good_records(brand)(w))}
    if kind == "sealed":
        return {"build": lambda w: w.sealed_record(record_id, plan["raw"])}
    if kind == "batch":
        payload = json.dumps({"id": value, "ephemeral_public": value}).encode()
        return {"build": lambda w: _counted(w, fr.frame(fr.BATCH, payload), "batches")}
    if kind == "frame":
        head = plan["frame_kind"] + struct.pack(">I", plan["length"])
        return {"build": lambda w: (hb.good_records(brand)(w), w.raw(head + plan["raw"]))}
    if kind == "trailer":
        body = json.dumps({"counts": value, "transcript": value}).encode()
        return {"build": hb.good_records(brand), "trailer_body": body}
    return {"build": hb.good_records(brand), "signer": Ed25519PrivateKey.generate()}


def test_the_same_bundles_without_the_hostile_part_merge(brand, tmp_path):
    """Control: each kind of plan with a harmless value merges, so refusals are earned."""
    harmless = {"header": ("round", "R1"), "document": ("language", "km"),
                "answer": ("gender", "woman"), "supplier": ("name", "Other Name Ltd")}
    for kind, (name, value) in harmless.items():
        plan = {"kind": kind, "field": name, "value": value, "record_id": uuid.uuid4().hex}
        path = hb.write(tmp_path / f"control-{kind}.bundle", brand, **_options(brand, plan))
        result = merge_bundle(brand.home, brand.keys, path)
        assert result.records >= 1 and result.suppliers == (kind == "supplier"), kind


def _counted(writer: hb.HostileWriter, data: bytes, what: str) -> None:
    writer.raw(data)
    writer.counts[what] += 1


@FAST
@given(plan=inner_plans())
def test_hostile_inner_content_signed_by_a_trusted_station_is_always_refused(
        brand, tmp_path, plan):
    path = hb.write(tmp_path / f"inner-{plan['record_id'][:8]}.bundle", brand,
                    **_options(brand, plan))
    _refused_cleanly(brand, path)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=inner_plans(), data=st.data())
def test_inbox_answers_422_to_hostile_bundles(brand, original, tmp_path, plan, data, inbox_url):
    path = tmp_path / f"http-{plan['record_id'][:8]}.bundle"
    if data.draw(st.booleans()):
        hb.write(path, brand, **_options(brand, plan))
    else:
        path.write_bytes(_mutate(original, data.draw(outer_mutations(len(original)))) + b"!")
    before = table_digest(dataset_path(brand.home))
    status, body = hb.post(inbox_url, path)
    assert status == 422 and body["error"], (status, body)
    assert table_digest(dataset_path(brand.home)) == before


@pytest.fixture(scope="module")
def inbox_url(brand):
    with hb.inbox(brand) as url:
        yield url
