"""The station's waitress server: whole responses under load, and no busy main loop."""

from __future__ import annotations

import http.client
import socket
import threading
import time

from waitress.channel import HTTPChannel

from survey_app.server import TaskFlushedChannel

from .conftest import LiveServer


def big_body_app(environ, start_response):
    """A response far larger than a socket buffer, in chunks: sends must be partial."""
    chunk = b"0123456789abcdef" * 4096  # 64 KiB
    start_response("200 OK", [("Content-Type", "application/octet-stream"),
                              ("Content-Length", str(len(chunk) * 64))])
    return (chunk for _ in range(64))


def serve(app) -> LiveServer:
    # A small high-water mark: a worker with more unsent bytes waits for the main loop.
    return LiveServer(app, threads=2, outbuf_high_watermark=64 * 1024)


def test_large_responses_arrive_whole_to_slow_readers():
    with serve(big_body_app) as live:
        port = live.server.effective_port

        def fetch(results: list[int]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            conn.connect()
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
            for _ in range(2):  # keep-alive: the second request follows the first
                conn.request("GET", "/")
                response = conn.getresponse()
                received = 0
                while block := response.read(64 * 1024):
                    received += len(block)
                    time.sleep(0.002)  # a slow phone: the server's sends come back partial
                results.append(received)
            conn.close()

        results: list[int] = []
        readers = [threading.Thread(target=fetch, args=(results,)) for _ in range(6)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=60)
        assert results == [4 * 1024 * 1024] * 12


def test_connections_are_task_flushed_and_nameless():
    with serve(lambda environ, start: (start("200 OK", []), [b"ok"])[1]) as live:
        conn = http.client.HTTPConnection("127.0.0.1", live.server.effective_port, timeout=10)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.read() == b"ok"
        assert response.getheader("Server") is None
        channels = [c for c in live.server._map.values() if isinstance(c, HTTPChannel)]
        assert channels and all(isinstance(c, TaskFlushedChannel) for c in channels)
        conn.close()


def channel_state(**state) -> TaskFlushedChannel:
    channel = TaskFlushedChannel.__new__(TaskFlushedChannel)
    defaults = {"requests": [], "total_outbufs_len": 0, "will_close": False,
                "close_when_flushed": False, "_left_behind": False}
    channel.__dict__.update({**defaults, **state})
    return channel


def test_main_loop_leaves_a_running_task_to_send_its_own_bytes():
    running = [object()]
    # A worker is between buffering its bytes and sending them: nothing for the loop.
    assert not channel_state(requests=running, total_outbufs_len=637).writable()
    # The worker's send was partial (full socket buffer): the loop must help.
    assert channel_state(requests=running, total_outbufs_len=637, _left_behind=True).writable()
    # No task runs: whatever is buffered is the loop's to send, as in waitress.
    assert channel_state(total_outbufs_len=637).writable()
    assert not channel_state().writable()
    # Closing always needs the loop.
    assert channel_state(requests=running, will_close=True).writable()
