"""Connection floods against the real station server: idle sockets past descriptor 1023
(where ``select`` fails) and a huge declared body refused before it is read."""

from __future__ import annotations

import socket
import time
import urllib.request

import pytest

from survey_app.server import IDLE_SECONDS, raise_open_file_limit

from .conftest import LiveServer

IDLE_SOCKETS = 2000


def open_idle(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sockets.append(sock)
    return sockets


def wait_for_channels(live: LiveServer, count: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while len(live.server._map) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(live.server._map) >= count, len(live.server._map)


def test_a_real_request_is_served_beside_two_thousand_idle_sockets(app):
    # Both ends live in this process: the client sockets and the server's accepted ones.
    if raise_open_file_limit(2 * IDLE_SOCKETS + 600) < 2 * IDLE_SOCKETS + 600:
        pytest.skip("the OS will not allow enough open files for this test")
    with LiveServer(app, threads=4, connection_limit=IDLE_SOCKETS + 100) as live:
        assert live.server.adj.asyncore_use_poll
        assert live.server.adj.channel_timeout == IDLE_SECONDS
        idle = open_idle(live.server.effective_port, IDLE_SOCKETS)
        try:
            wait_for_channels(live, IDLE_SOCKETS)
            assert max(live.server._map) > 1024, "the flood must pass select()'s limit"
            with urllib.request.urlopen(live.url + "/unlock", timeout=20) as response:
                assert response.status == 200
        finally:
            for sock in idle:
                sock.close()


def test_a_huge_declared_body_is_refused_before_it_is_read(app):
    with LiveServer(app, threads=2) as live:
        port = live.server.effective_port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(f"POST /unlock HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                         "Content-Type: application/x-www-form-urlencoded\r\n"
                         f"Content-Length: {300 * 1024 * 1024}\r\n\r\n".encode())
            sock.sendall(b"passphrase=" + b"x" * 65536)  # a start: the rest never comes
            reply = sock.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413"), reply[:80]
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert live.server.adj.max_request_body_size == limit + 1
