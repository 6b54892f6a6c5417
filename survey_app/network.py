"""The laptop's addresses: which URLs phones on the same WiFi can open."""

from __future__ import annotations

import ipaddress

import psutil


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's interfaces, loopback and link-local left out."""
    found = []
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            try:
                ip = ipaddress.ip_address(address.address.split("%")[0])
            except ValueError:
                continue
            if ip.version == 4 and not (ip.is_loopback or ip.is_link_local):
                found.append(str(ip))
    return sorted(set(found))


def station_urls(host: str, port: int) -> list[str]:
    """Every URL the server is reachable on, given the interface it listens on."""
    everywhere = host in ("0.0.0.0", "::", "")
    hosts = ["127.0.0.1", *lan_addresses()] if everywhere else [host]
    return [f"http://{h}:{port}/" for h in hosts]


def phone_base_url(host: str, port: int) -> str | None:
    """The URL a phone would use (first LAN address), or None when listening on loopback."""
    urls = [u for u in station_urls(host, port) if "127.0.0.1" not in u and "localhost" not in u]
    return urls[0] if urls else None
