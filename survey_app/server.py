"""Serving the station with waitress (a production WSGI server, not Flask's dev server).

Measured on a 2-core machine: waitress with its default 4 threads collapses at 100
phones; 8 threads and a connection limit well above the number of phones hold. Both
come from settings (``threads``, ``connection_limit``). Two more changes keep a
hundred phones from slowing every request down: ``TaskFlushedChannel`` (below) and a
quiet queue logger.

Hostile connections (``create_wsgi_server``): the main loop uses ``poll`` (``select``
fails past file descriptor 1023, and the station then died under ~1,000 idle sockets);
the open-file limit is raised to the OS's hard limit at start and the connection limit
kept below it; idle connections close after ``IDLE_SECONDS``; a body over
``max_request_kb`` is refused from its declared length (413) before it is read, so it
never reaches a temporary file.
"""

from __future__ import annotations

import logging
import select
from typing import Any

import click
from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from . import qr
from .hosts import served_hosts
from .network import phone_base_url, station_urls
from .settle import settle

log = logging.getLogger("amplify")

# Descriptors kept free for what is not a connection: the database and its WAL per
# thread, logs, the trigger pipe, imports. A connection limit above the open-file limit
# minus these would let a flood make the process fail to open its own files.
RESERVED_FILES = 128
# An idle keep-alive connection (no request running) closes after this many seconds;
# waitress checks every CLEANUP_SECONDS. Phones reconnect on their next tap.
IDLE_SECONDS = 60
CLEANUP_SECONDS = 10

try:  # POSIX only; elsewhere the limit is what it is
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


def raise_open_file_limit(wanted: int) -> int:
    """Raise this process's soft open-file limit towards ``wanted`` (never above the hard
    limit) and return the soft limit now in force; unchanged where the OS refuses."""
    if resource is None:  # pragma: no cover - Windows
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # macOS caps below RLIM_INFINITY: keep what we have
            log.warning("could not raise the open-file limit above %s", soft)
    return wanted if soft == resource.RLIM_INFINITY else soft


def fit_connection_limit(wanted: int) -> int:
    """The connection limit that fits under the open-file limit (raised first if allowed)."""
    files = raise_open_file_limit(wanted + RESERVED_FILES)
    fitted = max(1, min(wanted, files - RESERVED_FILES))
    if fitted < wanted:
        log.warning("connection limit lowered to %s (open-file limit %s)", fitted, files)
    return fitted


def hardening(app: Any) -> dict[str, Any]:
    """waitress adjustments against idle floods and huge bodies (see the module doc)."""
    adjustments: dict[str, Any] = {
        "asyncore_use_poll": hasattr(select, "poll"),
        "channel_timeout": IDLE_SECONDS, "cleanup_interval": CLEANUP_SECONDS}
    body_limit = app.config.get("MAX_CONTENT_LENGTH") if isinstance(app, Flask) else None
    if body_limit:
        # waitress refuses a declared length >= its limit; Flask's own 413 is for > limit.
        adjustments["max_request_body_size"] = body_limit + 1
    return adjustments


class TaskFlushedChannel(HTTPChannel):
    """waitress's connection, without a busy loop while a worker thread writes.

    waitress asks its main loop to write for a connection whenever the connection's
    output buffer holds bytes, even while a worker thread is running that
    connection's request and about to send those very bytes itself. The main loop
    then finds nothing it may do and polls again at once. With a hundred phones
    connected it went round about a hundred times per request, each time over every
    connection, and took the interpreter lock from the workers: throughput fell four-
    fold. Here the main loop is asked to write during a request only when the
    worker's own send left bytes behind (a full socket buffer); when the request
    ends, waitress wakes the main loop as before to send whatever remains.
    """

    _left_behind = False

    def write_soon(self, data: Any) -> int:
        written = super().write_soon(data)
        self._left_behind = self.total_outbufs_len > 0
        return written

    def send_continue(self) -> None:
        super().send_continue()
        self._left_behind = True

    def writable(self) -> bool:
        closing = self.will_close or self.close_when_flushed
        if self.requests and not (self._left_behind or closing):
            return False
        return bool(super().writable())


def describe(host: str, port: int) -> str:
    urls = station_urls(host, port)
    lines = ["Amplify is running. Open it on this laptop:", f"  {urls[0]}"]
    if len(urls) > 1:
        lines.append("Phones on the same WiFi can reach:")
        lines += [f"  {u}" for u in urls[1:]]
    elif host in ("127.0.0.1", "localhost", "::1"):
        lines.append("Listening on this laptop only: phones cannot reach it. "
                     "Restart with --lan to let phones on the laptop's WiFi in.")
    return "\n".join(lines)


def create_wsgi_server(app: Flask, host: str, port: int, *, threads: int,
                       connection_limit: int, **adjustments: Any) -> Any:
    """The station's waitress server, bound but not yet running (call ``.run()``).

    No ``Server`` header (``ident=""``): a network scan need not learn what runs here.
    Tests and benchmarks build their servers here too, so they measure what ships.
    ``adjustments`` override the hardening defaults (``hardening``).
    """
    # "Task queue depth is N" for every queued request: on a busy hotspot that is
    # a line per phone tap in the interpreter's terminal and log, not an error.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    listeners: dict[int, Any] = {}
    server = create_server(app, map=listeners, host=host, port=port, threads=threads,
                           connection_limit=fit_connection_limit(connection_limit), ident="",
                           clear_untrusted_proxy_headers=True,
                           **{**hardening(app), **adjustments})
    for listener in list(listeners.values()):
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = TaskFlushedChannel
    if isinstance(app, Flask):
        served_hosts(app).serve_on(host, server.effective_port)
    return server


def serve_wsgi(app: Flask, host: str, port: int, *, threads: int, connection_limit: int) -> None:
    """Serve a WSGI app the way the station does (the benchmarks serve their baseline so too).

    The app is settled first (``settle``): templates compiled, catalogs read, what start
    built frozen out of the garbage collector's way."""
    server = create_wsgi_server(app, host, port, threads=threads,
                                connection_limit=connection_limit)
    settle(app)
    server.run()


def run(app: Flask, host: str, port: int, *, threads: int, connection_limit: int,
        show_qr: bool = True) -> None:
    click.echo(describe(host, port))
    target = phone_base_url(host, port) or station_urls(host, port)[0]
    if show_qr:
        click.echo(qr.terminal(target))
    log.info("station serving on port %s", port)
    serve_wsgi(app, host, port, threads=threads, connection_limit=connection_limit)
