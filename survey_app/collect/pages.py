"""Rendering worker pages: the page's CSS, fonts and its own CSP.

The page's CSS is inlined (one request on a slow network: an external stylesheet would
block the first paint for another round trip) and allowed by its SHA-256 in the
Content-Security-Policy, so the policy stays without 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from flask import render_template, url_for

from ..languages import language_info
from ..security import CSP

STATIC = Path(__file__).resolve().parent.parent / "static"


@cache
def _css_file() -> str:
    text = (STATIC / "collect.css").read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"\s*\n\s*", "", text).strip()


@cache
def _font_css(font: str) -> str:
    """A bundled font's @font-face, pointing at the no-store route under /f/static."""
    path = STATIC / "fonts" / f"{font}.css"
    if not path.exists():
        return ""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r'url\("([^"/]+)"\)', lambda m: f'url("/f/static/fonts/{m.group(1)}")', text)
    return re.sub(r"\s*\n\s*", "", text).strip()


# On the picker (body.pick) every text but the hidden status line is drawn with the tiny
# picker fonts, so the full fonts of the offered languages are not fetched there.
PICKER_RULE = 'html body.pick *:not(.st){font-family:"Amplify Picker",system-ui,sans-serif}'


def page_style(fonts: list[str | None]) -> str:
    """The page CSS plus the @font-face of every font the session's languages need, full
    and picker-sized.

    One style for every page of a session: a swapped-in page keeps the first page's
    CSP, so its style must hash the same. Fonts load only where their script appears
    (unicode-range) in their family, so a font a page does not use costs a few bytes of CSS.
    """
    names = sorted({f for f in fonts if f})
    style = _css_file() + "".join(_font_css(name) for name in names)
    if names:
        style += "".join(_font_css(f"{name}-picker") for name in names) + PICKER_RULE
    return style


@cache
def csp_for(style: str) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")


def render_worker(template: str, status: int = 200, lang: str | None = None,
                  fonts: list[str | None] | None = None,
                  **context: Any) -> tuple[str, int, dict[str, str]]:
    """A worker page with its headers: no-store, own CSP, neutral everything."""
    info = language_info(lang or "en")
    style = page_style(fonts or [])
    html = render_template(template, style=style, html_lang=info["html_lang"],
                           dir=info["direction"], script_url=url_for("collect.script"),
                           **context)
    return html, status, worker_headers(style)


def worker_headers(style: str) -> dict[str, str]:
    return {"Content-Security-Policy": csp_for(style), "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer"}
