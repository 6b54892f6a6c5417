"""`amplify push` to `amplify central serve`'s POST /api/bundles over real HTTP."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest
from waitress import create_server

from central import create_app, keys

from .sync_kit import (
    BRAND_PASSPHRASE,
    WORKER_ANSWERS,
    add_station,
    amplify,
    finalise,
    make_world,
    open_station,
)


@pytest.fixture
def served(tmp_path):
    world = make_world(tmp_path, forms=("worker",))
    app = create_app(world.central_home, {"MAX_CONTENT_LENGTH": 1024 * 1024},
                     central_keys=keys.unlock(world.central_home, BRAND_PASSPHRASE))
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield world, f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def test_push_merges_and_tampered_push_is_refused(served):
    world, url = served
    home = add_station(world, "station1")
    station = open_station(home)
    try:
        for _ in range(3):
            finalise(station, "amplify_worker", WORKER_ANSWERS)
    finally:
        station.close()
    bundle = world.root / "b.bundle"
    amplify("export", "--home", home, "--project", world.project_id, "--out", bundle)
    out = amplify("push", "--url", url, bundle).stdout
    assert "3 new" in out
    assert world.count("SELECT count(*) FROM responses") == 3
    replay = amplify("push", "--url", url, bundle).stdout
    assert "0 new" in replay and "3 unchanged" in replay
    before = world.digest()
    tampered = world.root / "t.bundle"
    data = bytearray(bundle.read_bytes())
    data[100] ^= 0x04
    tampered.write_bytes(bytes(data))
    refused = amplify("push", "--url", url, tampered, check=False)
    assert refused.returncode != 0 and "HTTP 422" in refused.stderr
    assert world.digest() == before


def test_oversized_and_non_post_requests(served):
    world, url = served
    request = urllib.request.Request(f"{url}/api/bundles", data=b"x" * (2 * 1024 * 1024),
                                     method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=30)
    assert info.value.code == 413
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{url}/api/bundles", timeout=30)
    assert info.value.code == 405
    junk = urllib.request.Request(f"{url}/api/bundles", data=b"hello", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(junk, timeout=30)
    assert info.value.code == 422
    assert not list((world.central_home / "inbox").iterdir()), "no bundle left behind"
