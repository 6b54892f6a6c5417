"""Only the host names the station serves: a defence against DNS rebinding.

A page of another origin can make the laptop's browser send requests to the station
under the attacker's own name (``Host: rebind.example:8080``, the name re-pointed at
127.0.0.1). Every request whose ``Host`` is not one the station serves gets 400
before any view runs: the loopback names with the port, and the LAN addresses
``serve`` prints (looked up again, at most every ``REFRESH_SECONDS``, when the
laptop's address may have changed). Without a bound server (Flask's test client) the
bare loopback names are the served ones.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, Response, abort, current_app, request

from .network import lan_addresses

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
EVERY_INTERFACE = ("0.0.0.0", "::", "")  # noqa: S104 - recognised here, never bound
REFRESH_SECONDS = 5.0


class ServedHosts:
    """The ``Host`` values this app answers, kept per listening port."""

    def __init__(self) -> None:
        self._hosts: set[str] = set(LOOPBACK_NAMES)
        self._lan_ports: set[int] = set()
        self._bound = False
        self._refreshed = 0.0
        self._lock = threading.Lock()

    def serve_on(self, host: str, port: int) -> None:
        """Called once a server is bound: from now on only names with a port count."""
        with self._lock:
            if not self._bound:
                self._hosts.clear()
                self._bound = True
            names = [*LOOPBACK_NAMES, *([] if host in EVERY_INTERFACE else [host])]
            self._hosts.update(with_port(name, port) for name in names)
            if host in EVERY_INTERFACE:
                self._lan_ports.add(port)
                self._add_lan(lan_addresses())

    def _add_lan(self, addresses: list[str]) -> None:
        self._hosts.update(with_port(a, p) for a in addresses for p in self._lan_ports)
        self._refreshed = time.monotonic()

    def allows(self, host: str) -> bool:
        host = host.lower()
        if host in self._hosts:
            return True
        if self._lan_ports and time.monotonic() - self._refreshed > REFRESH_SECONDS:
            with self._lock:
                self._add_lan(lan_addresses())
            return host in self._hosts
        return False


def with_port(name: str, port: int) -> str:
    return name if port == 80 else f"{name}:{port}"


def served_hosts(app: Flask) -> ServedHosts:
    return app.extensions.setdefault("amplify.hosts", ServedHosts())


def refuse_foreign_host() -> None:
    if not served_hosts(current_app).allows(request.host):
        abort(Response("This station does not answer to that host name.\n", 400,
                       mimetype="text/plain"))


def init_app(app: Flask) -> None:
    served_hosts(app)
    app.before_request(refuse_foreign_host)
