"""Merging a bundle: verify → decrypt → validate → upsert, all in one transaction.

The bundle is read twice, as a stream. The first read acts on nothing but the header
(parsed with bounds; the station must be trusted): it decrypts the envelope, splits the
frames and verifies the station's signature over the transcript of every frame
(``sync.bundleread``), so a forged bundle is refused before any record is parsed. The
second read does the work: each seal batch costs one X25519 agreement, each record one
AES-GCM open and one bounded JSON parse (``sync.safejson``), and rows go to SQLite in
groups with ``executemany``. It checks the same signature again at its end (the file
could have changed in between), and only then is the transaction committed. Any
failure rolls everything back: the dataset is as it was, and the refusal, with its
reason, goes to the ledger (``ledger.py``); nothing a bundle holds can raise anything else.

Upsert by record id: a record not seen before is inserted; a higher revision replaces
the stored one (its answers, repeat instances included, are replaced as a whole); the
same or a lower revision changes nothing, so merging a bundle twice, or bundles out of
order, gives the same dataset. A record id already stored from another station is refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sync import bundleread
from sync import frames as fr
from sync.crypto.aead import DecryptionError
from sync.crypto.fingerprint import fingerprint
from sync.crypto.seal import batch_id_for, open_batch_key, unseal
from sync.envelope import EnvelopeError, decrypt_chunks
from sync.safejson import JsonRefused, load_object
from sync.stationid import station_id_for

from . import dataset, factories, ledger, rounds
from .keys import CentralKeys
from .mergelock import merge_lock
from .validate import RESPONSE_COLUMNS, Checked, FormRules, Refusal, load_rules

FLUSH_RECORDS = 500
BATCH_BYTES = 4096
SUPPLIER_TEXT = 200
REASON_CHARS = 300
# What a hostile bundle can raise while it is read; each one refuses the bundle. Content
# is checked before use, so most of these are a second line behind a clear reason.
REFUSALS = (ValueError, KeyError, TypeError, IndexError, AttributeError, OverflowError,
            RecursionError, DecryptionError, OSError, sqlite3.IntegrityError,
            sqlite3.ProgrammingError)


class BundleRefused(Exception):
    """A bundle was refused as a whole; the dataset is unchanged."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: refused: {reason}")
        self.file, self.reason = file, reason


@dataclass
class MergeResult:
    file: str
    bundle_id: str = ""
    project_id: str = ""
    station_id: str = ""
    day: str = ""
    records: int = 0
    suppliers: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    dry_run: bool = False
    sha256: str = ""
    round: str = ""


class _CountingReader:
    """Hash the raw file while it is read, and report progress in bytes."""

    def __init__(self, raw: BinaryIO, progress: Callable[[int], None] | None) -> None:
        self._raw, self._progress = raw, progress
        self.sha256 = hashlib.sha256()

    def rewind(self, progress: Callable[[int], None] | None) -> None:
        """Read again from the start (the second read reports progress)."""
        self._raw.seek(0)
        self._progress, self.sha256 = progress, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.sha256.update(data)
        if self._progress and data:
            self._progress(len(data))
        return data


# A merged bundle takes about 1.25x its size in the dataset, and in WAL mode the whole
# transaction also sits in the WAL until the checkpoint after commit (bench_merge.py: disk
# peak 2.0x the final growth), so a merge needs about 2.5x the bundle's size free.
DISK_PER_BUNDLE_BYTE = 2.5


class NotEnoughDisk(Exception):
    """Too little free disk to merge this bundle safely; nothing was read or changed."""


def check_disk(home: Path, path: Path) -> None:
    need = int(path.stat().st_size * DISK_PER_BUNDLE_BYTE)
    free = shutil.disk_usage(home).free
    if free < need:
        raise NotEnoughDisk(f"{path.name}: merging needs about {need // 2**20} MB free beside "
                            f"the dataset, and {home} has {free // 2**20} MB: free some space "
                            "first (nothing was changed)")


def merge_bundle(home: Path, central_keys: CentralKeys, path: Path, *, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None) -> MergeResult:
    """Merge one bundle file, or raise BundleRefused (and record the refusal).

    Raises NotEnoughDisk, recording nothing, when the home's disk cannot hold the merge.
    """
    if not dry_run and path.is_file():
        check_disk(home, path)
    try:
        with merge_lock(home), open(path, "rb") as raw:
            merge = _Merge(home, central_keys, _CountingReader(raw, None),
                           MergeResult(ledger.file_label(path), dry_run=dry_run))
            return merge.run(progress)
    except REFUSALS as exc:
        reason = _reason(exc)
        if not dry_run:
            ledger.record_refusal(home, path, reason)
        raise BundleRefused(str(path), reason) from None


class _Merge:
    def __init__(self, home: Path, central_keys: CentralKeys, reader: _CountingReader,
                 result: MergeResult) -> None:
        self.home, self.keys, self.reader, self.result = home, central_keys, reader, result
        self.batches: list[tuple[str, bytes]] = []
        self.pending: list[tuple[tuple, Checked]] = []
        self.counts = {"batches": 0, "suppliers": 0, "records": 0}
        self.header: bundleread.Header | None = None
        self.rules: dict[tuple[str, str], FormRules] = {}
        self.trailer_seen = False
        self.next_key: int | None = None
        # (supplier, form, period) → records new or replaced by this bundle
        self.touched: Counter[tuple[str, str, str]] = Counter()

    def run(self, progress: Callable[[int], None] | None) -> MergeResult:
        conn = dataset.connect(dataset.dataset_path(self.home))
        try:
            self.header = self._verify(conn)
            self.reader.rewind(progress)
            frames = self._frames()
            if bundleread.parse_header(self._first(frames)) != self.header:
                raise Refusal("the bundle changed while it was being merged")
            self._check_project(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._body(conn, frames)
                self._finish(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        return self.result

    def _frames(self) -> fr.FrameReader:
        return fr.FrameReader(decrypt_chunks(self.reader, self.keys.encryption))

    @staticmethod
    def _first(frames: fr.FrameReader) -> bytes:
        first = frames.next()
        if first is None or first[0] != fr.HEADER:
            raise Refusal("the bundle has no header")
        return first[1]

    def _verify(self, conn: sqlite3.Connection) -> bundleread.Header:
        """First read: header, a trusted station, its signature over every frame."""
        frames = self._frames()
        header = bundleread.parse_header(self._first(frames))
        station_id = station_id_for(header.station_public)
        row = conn.execute("SELECT revoked_day FROM stations WHERE id = ?",
                           [station_id]).fetchone()
        if row is None or row[0] is not None:
            state = "unknown" if row is None else "revoked"
            raise Refusal(f"{state} station {station_id} (fingerprint "
                          f"{fingerprint(header.station_public)}): check it with the "
                          "interpreter, then `amplify central trust`")
        bundleread.verify_signed(frames, header.station_public)
        return header

    def _check_project(self, conn: sqlite3.Connection) -> None:
        header = self.header
        project = conn.execute("SELECT document FROM projects WHERE id = ?",
                               [header.project_id]).fetchone()
        if project is None:
            raise Refusal(f"project {header.project_id!r} is not a project of this central home")
        self.rules = load_rules(conn, json.loads(project[0]))
        result = self.result
        result.bundle_id, result.project_id, result.round = (header.bundle_id,
                                                             header.project_id, header.round)
        result.station_id, result.day = station_id_for(header.station_public), header.day

    def _body(self, conn: sqlite3.Connection, frames: fr.FrameReader) -> None:
        handlers = {fr.BATCH: self._batch, fr.SUPPLIER: lambda p: self._supplier(conn, p),
                    fr.RECORD: lambda p: self._record(conn, p)}
        for kind, payload in iter(frames.next, None):
            if self.trailer_seen:
                if kind != fr.PADDING:
                    raise Refusal("data after the signed trailer")
                continue
            if kind == fr.TRAILER:
                self._flush(conn)
                self._trailer(payload, frames.transcript.hexdigest())
            elif kind in handlers:
                handlers[kind](payload)
            else:
                raise Refusal(f"unexpected frame {kind!r} before the signed trailer")
        if not self.trailer_seen:
            raise Refusal("the bundle is cut short: no signed trailer")

    def _batch(self, payload: bytes) -> None:
        data = load_object(payload, "a seal batch", max_bytes=BATCH_BYTES)
        ephemeral = bundleread.key_field(data.get("ephemeral_public"), "a seal batch's key")
        batch_id = batch_id_for(ephemeral)
        if batch_id != data.get("id"):
            raise Refusal("a seal batch id does not match its key")
        private = self.keys.encryption.private_bytes_raw()
        self.batches.append((batch_id, open_batch_key(private, ephemeral)))
        self.counts["batches"] += 1

    def _open(self, entry: fr.Entry, sealed_id: str) -> dict[str, Any]:
        if entry.batch_index >= len(self.batches):
            raise Refusal(f"{sealed_id} names a seal batch the bundle does not carry")
        batch_id, key = self.batches[entry.batch_index]
        return load_object(unseal(key, batch_id, sealed_id, entry.blob),
                           f"the sealed content of {sealed_id}", max_bytes=fr.MAX_FRAME)

    def _supplier(self, conn: sqlite3.Connection, payload: bytes) -> None:
        entry = fr.parse_entry(payload)
        details = self._open(entry, f"supplier:{entry.item_id}")
        if details.get("id") != entry.item_id:
            raise Refusal(f"supplier {entry.item_id}: sealed content names another supplier")
        owner = conn.execute("SELECT station_id FROM suppliers WHERE id = ?",
                             [entry.item_id]).fetchone()
        if owner is not None and owner[0] != self.result.station_id:
            raise Refusal(f"supplier {entry.item_id} was sent by another station")
        values = [_supplier_text(entry.item_id, details, k) for k in ("name", "country", "os_id")]
        conn.execute(
            "INSERT INTO suppliers (id, project_id, name, country, os_id, station_id, first_day) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
            "country = excluded.country, os_id = excluded.os_id WHERE (name, country, os_id) "
            "IS NOT (excluded.name, excluded.country, excluded.os_id)",
            [entry.item_id, self.result.project_id, *values, self.result.station_id,
             self.result.day])
        factories.assign(conn, entry.item_id)
        self.counts["suppliers"] += 1

    def _record(self, conn: sqlite3.Connection, payload: bytes) -> None:
        entry = fr.parse_entry(payload)
        document = self._open(entry, entry.item_id)
        revision = document.get("revision") or 0  # a record never revised may say null
        if document.get("record_id") != entry.item_id or revision.__class__ is not int \
                or revision != entry.revision:
            raise Refusal(f"record {entry.item_id}: sealed content does not match the manifest")
        key = (str(document.get("form_id")), str(document.get("form_version")))
        rules = self.rules.get(key)
        if rules is None:
            raise Refusal(f"record {entry.item_id}: form {key[0]!r} version {key[1]!r} is not "
                          f"part of project {self.result.project_id}")
        checked = rules.answers(entry.item_id, document.get("answers"))
        response = rules.response_row(entry.item_id, document, self.result, checked.pseudonym)
        self.pending.append((response, checked))
        self.counts["records"] += 1
        if len(self.pending) >= FLUSH_RECORDS:
            self._flush(conn)

    def _flush(self, conn: sqlite3.Connection) -> None:
        if not self.pending:
            return
        ids = [response[0] for response, _ in self.pending]
        marks = ",".join("?" * len(ids))
        existing = {row[0]: row[1:] for row in conn.execute(
            f"SELECT id, key, revision, station_id FROM responses WHERE id IN ({marks})", ids)}
        if self.next_key is None:
            self.next_key = conn.execute("SELECT coalesce(max(key), 0) + 1 FROM responses"
                                         ).fetchone()[0]
        responses, answers, instances, replaced = [], [], [], []
        for response, checked in self.pending:
            old = existing.get(response[0])
            if old is not None and old[2] != self.result.station_id:
                raise Refusal(f"record {response[0]} was sent by another station")
            if old is None:
                key, self.next_key = self.next_key, self.next_key + 1
                self.result.new += 1
            elif response[8] > old[1]:
                key = old[0]
                replaced.append((key,))
                self.result.replaced += 1
            else:
                self.result.unchanged += 1
                continue
            responses.append((key, *response))
            answers.extend((key, name, value) for name, value in checked.rows)
            instances.extend((key, *row) for row in checked.instances)
        if replaced:
            conn.executemany("DELETE FROM answers WHERE response = ?", replaced)
            conn.executemany("DELETE FROM repeat_answers WHERE response = ?", replaced)
            conn.executemany("DELETE FROM responses WHERE key = ?", replaced)
        columns = ("key", *RESPONSE_COLUMNS)
        conn.executemany(f"INSERT INTO responses ({', '.join(columns)}) VALUES "
                         f"({', '.join('?' * len(columns))})", responses)
        conn.executemany("INSERT INTO answers (response, question, value) VALUES (?, ?, ?)",
                         answers)
        if instances:
            conn.executemany("INSERT INTO repeat_answers (response, repeat, instance, question, "
                             "value) VALUES (?, ?, ?, ?, ?)", instances)
        self.touched.update((r[7], r[3], r[13]) for r in responses)
        self.pending.clear()

    def _trailer(self, payload: bytes, transcript: str) -> None:
        bundleread.check_trailer(payload, self.header.station_public, transcript, self.counts)
        self.trailer_seen = True

    def _finish(self, conn: sqlite3.Connection) -> None:
        result = self.result
        result.records, result.suppliers = self.counts["records"], self.counts["suppliers"]
        result.sha256 = self.reader.sha256.hexdigest()
        if result.dry_run:
            conn.execute("ROLLBACK")
            return
        rounds.reopen_touched(conn, result.project_id, self.touched, result.file)
        conn.execute(
            "INSERT OR IGNORE INTO bundles (id, project_id, station_id, day, merged_day, records, "
            "suppliers, new, replaced, unchanged, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [result.bundle_id, result.project_id, result.station_id, result.day,
             ledger.today(), result.records, result.suppliers, result.new, result.replaced,
             result.unchanged, result.sha256])
        conn.execute("COMMIT")
        # Hand the WAL's pages to the database now, not at some later reader's commit, and
        # shrink the WAL back: a large bundle's transaction would otherwise keep its size.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _supplier_text(supplier_id: str, details: dict[str, Any], name: str) -> str:
    value = details.get(name)
    if value is not None and not isinstance(value, str):
        raise Refusal(f"supplier {supplier_id}: {name} is not text")
    return (value or "")[:SUPPLIER_TEXT]


def _reason(exc: Exception) -> str:
    """A message for people, one line and short; never any decrypted content."""
    text = _what_went_wrong(exc).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= REASON_CHARS else text[:REASON_CHARS] + "…"


def _what_went_wrong(exc: Exception) -> str:
    if isinstance(exc, (Refusal, EnvelopeError, fr.FrameError, JsonRefused)):
        return str(exc)
    if isinstance(exc, DecryptionError):
        return "a sealed record failed authentication (changed, or sealed to another key)"
    if isinstance(exc, OSError):
        return f"cannot read the file ({exc.strerror or exc})"
    if isinstance(exc, sqlite3.IntegrityError):
        return "the bundle carries the same record twice"
    return f"malformed content inside the bundle ({type(exc).__name__})"
