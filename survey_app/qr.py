"""QR codes, made offline with ``qrcode``: SVG for pages, text for the terminal."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg


def svg(data: str) -> str:
    """An SVG QR code (no inline style, so it passes a strict CSP)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def terminal(data: str) -> str:
    """A QR code drawn with block characters, for the console."""
    code = qrcode.QRCode(border=1)
    code.add_data(data)
    buffer = io.StringIO()
    code.print_ascii(out=buffer, invert=True)
    return buffer.getvalue()


def _escape_wifi(value: str) -> str:
    for char in "\\;,:\"":
        value = value.replace(char, "\\" + char)
    return value


def wifi_payload(ssid: str, password: str, security: str = "WPA") -> str:
    """The ``WIFI:`` payload phones understand; nothing of it is stored."""
    if not ssid:
        raise ValueError("WiFi name (SSID): required")
    if not password:
        return f"WIFI:T:nopass;S:{_escape_wifi(ssid)};;"
    return f"WIFI:T:{security};S:{_escape_wifi(ssid)};P:{_escape_wifi(password)};;"
