"""Synthetic bundles for the merge benchmark and the large-bundle tests.

Records are sealed exactly as a station seals them (``SealBatch``, one ephemeral key
per ``batch_size`` records, the same sealed document) and written with the real
``BundleWriter``; only the answers are random choices of the given form.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from survey_app.store.records import RecordMeta, encode, sealed_payload
from sync.bundle import BundleWriter
from sync.crypto.seal import SealBatch
from xlsform.model import FormDefinition


def random_answers(form: FormDefinition, rng: random.Random) -> dict[str, Any]:
    """A plausible record: every select answered with a random choice, numbers small."""
    answers: dict[str, Any] = {}
    for name, question in form.questions.items():
        choices = [c.name for c in form.choices_for(question)]
        if question.sensitivity == "identifying":
            continue
        if question.type == "select_one" and choices:
            answers[name] = rng.choice(choices)
        elif question.type == "select_multiple" and choices:
            answers[name] = sorted(rng.sample(choices, k=min(2, len(choices))))
        elif question.type == "integer":
            answers[name] = str(rng.randint(0, 20))
    return answers


def records_for(form: FormDefinition, project_id: str, count: int, seed: int = 1,
                revision: int = 1, ids: list[str] | None = None
                ) -> Iterator[tuple[RecordMeta, dict[str, Any]]]:
    rng = random.Random(seed)
    for index in range(count):
        meta = RecordMeta(
            id=ids[index] if ids else uuid.UUID(int=rng.getrandbits(128)).hex,
            form_id=form.form_id, form_version=form.version, project_id=project_id,
            mode="self", language="en", status="final", supplier_id=None, session_id=None,
            day=date.today().isoformat(), seq=index + 1, revision=revision)
        yield meta, random_answers(form, rng)


def write_bundle(path: Path, *, brand_public: bytes, signing_key: Ed25519PrivateKey,
                 project_id: str, items: Iterator[tuple[RecordMeta, dict[str, Any]]],
                 batch_size: int = 500) -> int:
    """Write a bundle of ``items``; return how many records it holds."""
    count = 0
    with open(path, "wb", buffering=1 << 20) as handle:
        writer = BundleWriter(handle, brand_public, signing_key, {
            "bundle_id": uuid.uuid4().hex, "project_id": project_id,
            "day": date.today().isoformat(), "brand_public": ""})
        batch = None
        for meta, answers in items:
            if batch is None or batch.sealed >= batch_size:
                batch = SealBatch.new(brand_public)
                writer.batch(batch.batch_id, batch.ephemeral_public)
            blob = batch.seal(meta.id, encode(sealed_payload(meta, answers)))
            writer.record(meta.id, meta.revision, batch.batch_id, blob)
            count += 1
        writer.close()
    return count
