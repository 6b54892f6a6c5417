"""`amplify push` against a server that is not the brand's: any answer ends as a clear error.

Anyone on the network can answer a push. A server on 127.0.0.1 gives hostile answers
(a list, JSON nested 100,000 deep, 1 MB, counts that are text, a reason with terminal
escapes); ``sync.push.push`` must raise only PushError, and the command must say why
without a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.push import PushError, push
from tests.hostile_bundles import deep_json

ANSWERS = {
    "/list": (200, b"[1, 2, 3]", "not answer as an Amplify inbox"),
    "/deep": (200, deep_json(100_000), "not answer as an Amplify inbox"),
    "/huge": (200, b'{"new": 1, "pad": "' + b"x" * 1_000_000 + b'"}',
              "not answer as an Amplify inbox"),
    "/text-counts": (200, b'{"new": "\\u001b[2J lots"}', "counts are not numbers"),
    "/escapes": (422, b'{"error": "\\u001b[2Jwiped \\u0007"}', "wiped"),
    "/deep-error": (500, deep_json(100_000), "HTTP 500"),
    "/good": (200, b'{"new": 2, "replaced": 0, "unchanged": 1}', ""),
}


class Hostile(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, body, _ = ANSWERS[self.path]
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def bundle(tmp_path):
    path = tmp_path / "b.bundle"
    path.write_bytes(b"AMPLBND1" + bytes(100))
    return path


@pytest.mark.parametrize("route", [r for r in ANSWERS if r != "/good"])
def test_a_hostile_answer_raises_push_error_with_printable_text(server, bundle, route):
    with pytest.raises(PushError) as info:
        push(bundle, server + route)
    message = str(info.value)
    assert ANSWERS[route][2] in message
    assert message.isprintable() and len(message) < 600


def test_a_good_answer_gives_numbers(server, bundle):
    assert push(bundle, server + "/good")["new"] == 2


def test_the_command_says_why_without_a_traceback(server, bundle):
    result = subprocess.run([sys.executable, "-m", "survey_app.cli", "push", "--url",
                             server + "/deep", str(bundle)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "not answer as an Amplify inbox" in result.stderr
    assert "Traceback" not in result.stderr
