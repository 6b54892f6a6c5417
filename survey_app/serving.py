"""Where the running station listens, published in its home for the CLI and the screens.

``amplify serve`` writes ``HOME/serving.json`` (interface and port) when it starts and
removes it when it stops; ``amplify session new`` prints the phones' URL on the port the
station really uses, and the session page warns when phones cannot reach it at all
(the station listens on this laptop only).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import psutil

FILE = "serving.json"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    @property
    def phones_can_reach(self) -> bool:
        """False when the station listens on this laptop's loopback only."""
        return self.host not in LOOPBACK_HOSTS


def publish(home: Path, host: str, port: int) -> None:
    data = {"host": host, "port": port, "pid": os.getpid()}
    (home / FILE).write_text(json.dumps(data) + "\n", encoding="utf-8")


def withdraw(home: Path) -> None:
    path = home / FILE
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def published(home: Path) -> Address | None:
    """The address of the station serving this home now, or None (none serves it)."""
    try:
        data = json.loads((home / FILE).read_text(encoding="utf-8"))
        if not psutil.pid_exists(int(data["pid"])):
            return None
        return Address(str(data["host"]), int(data["port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
