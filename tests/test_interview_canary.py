"""Nothing the interpreter typed is readable from the disk, over real HTTP.

Canary strings go into the supplier's name and the free-text answers through a real
server on 127.0.0.1; after saving a draft and finalising, every file in the home folder
(database, WAL, shared memory, logs, keys) is read as bytes and searched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.store import records
from sync.crypto import aead

from .conftest import PASSPHRASE
from .interview_client import (
    HttpBrowser,
    answer,
    page_path,
    record_id_of,
    start_interview,
    unlock,
)

CANARY_SUPPLIER = "CanarySupplierQ7x Garments"
CANARY_WISH = "CanaryWishZ3k meetings without supervisors"
CANARY_COMMENT = "CanaryCommentJ9p ឈ្មោះ टिप्पणी"
CANARIES = (CANARY_SUPPLIER, CANARY_WISH, CANARY_COMMENT, "CanarySupplierQ7x",
            "CanaryWishZ3k", "CanaryCommentJ9p", "ឈ្មោះ", "टिप्पणी")


def every_file(home: Path) -> list[Path]:
    return [path for path in home.rglob("*") if path.is_file()]


def assert_no_canary_on_disk(home: Path) -> None:
    files = every_file(home)
    assert "amplify.db" in {path.name for path in files} and "keys.json" in {
        path.name for path in files}
    for path in files:
        data = path.read_bytes()
        for canary in CANARIES:
            assert canary.encode("utf-8") not in data, f"{canary!r} readable in {path.name}"


def test_the_disk_search_finds_a_canary_left_in_clear(home):
    (home / "logs" / "leak.log").write_text(f"saved {CANARY_COMMENT}", encoding="utf-8")
    with pytest.raises(AssertionError, match="leak.log"):
        assert_no_canary_on_disk(home)


@pytest.fixture
def http(live_server) -> HttpBrowser:
    browser = HttpBrowser(live_server.url)
    unlock(browser, PASSPHRASE)
    return browser


def test_typed_text_never_reaches_the_disk_in_clear(http, app, home):
    page = start_interview(http, "amplify_worker", CANARY_SUPPLIER)
    record_id = record_id_of(page.path)
    answer(http, record_id, "consent_page", {"safe_place": "yes", "consent": "yes"})
    saved = answer(http, record_id, "closing",
                   {"change_wish": CANARY_WISH, "other_comments": CANARY_COMMENT}, action="save")
    assert saved.status == 200 and CANARY_WISH in saved.text
    assert CANARY_SUPPLIER in http.get("/interviews").text
    assert_no_canary_on_disk(home)

    done = answer(http, record_id, "closing",
                  {"change_wish": CANARY_WISH, "other_comments": CANARY_COMMENT},
                  action="finalise")
    assert done.status == 200 and done.path == "/interviews"
    assert http.get(page_path(record_id, "closing")).status == 409
    assert_no_canary_on_disk(home)

    station = app.extensions["amplify"]
    keys = station.keys()
    row = station.store.read()["records"].get(record_id)
    assert row["status"] == "final"
    with pytest.raises(aead.DecryptionError):
        aead.decrypt(keys.records, row["payload"], f"draft:{record_id}".encode())
    with pytest.raises(records.NotADraft):
        records.load_draft(station.store, keys.records, record_id)
    # Only the project's private key opens it (this is the local project).
    sealed = records.read_sealed(station.store, keys.local_project_private, record_id)
    assert sealed["answers"]["change_wish"] == CANARY_WISH
