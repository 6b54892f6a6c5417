"""Serving the station with waitress (a production WSGI server, not Flask's dev server).

Measured on a 2-core machine: waitress with its default 4 threads collapses at 100
phones; 8 threads and a connection limit well above the number of phones hold. Both
come from settings (``threads``, ``connection_limit``).
"""

from __future__ import annotations

import logging

import click
from flask import Flask
from waitress import serve as waitress_serve

from . import qr
from .network import phone_base_url, station_urls

log = logging.getLogger("amplify")


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


def serve_wsgi(app: Flask, host: str, port: int, *, threads: int, connection_limit: int) -> None:
    """Serve a WSGI app the way the station does (the benchmarks serve their baseline so too).

    No ``Server`` header (``ident=""``): a network scan need not learn what runs here.
    """
    waitress_serve(app, host=host, port=port, threads=threads,
                   connection_limit=connection_limit, ident="",
                   clear_untrusted_proxy_headers=True, channel_timeout=120, _quiet=True)


def run(app: Flask, host: str, port: int, *, threads: int, connection_limit: int,
        show_qr: bool = True) -> None:
    click.echo(describe(host, port))
    target = phone_base_url(host, port) or station_urls(host, port)[0]
    if show_qr:
        click.echo(qr.terminal(target))
    log.info("station serving on port %s", port)
    serve_wsgi(app, host, port, threads=threads, connection_limit=connection_limit)
