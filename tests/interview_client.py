"""Drive the interpreter's screens like a browser without scripts: real forms, real CSRF.

Two transports with one interface: ``FlaskBrowser`` (Flask's test client) and
``HttpBrowser`` (urllib over real HTTP against ``live_server``, cookies kept).
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

CSRF_FIELD = "~csrf"  # the station's Flask-WTF field (WTF_CSRF_FIELD_NAME)
CSRF = re.compile(r'<input[^>]*name="~csrf"[^>]*value="([^"]+)"')
Data = dict[str, Any]


@dataclass
class Page:
    status: int
    path: str
    text: str


def encode_pairs(data: Data) -> list[tuple[str, str]]:
    """Form fields as pairs; a list value posts the name once per item (checkboxes)."""
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs


class Browser:
    token: str | None = None

    def get(self, path: str) -> Page:
        raise NotImplementedError

    def _post(self, path: str, pairs: list[tuple[str, str]]) -> Page:
        raise NotImplementedError

    def post(self, path: str, data: Data | None = None) -> Page:
        """POST a form with the session's CSRF token (fetched once from the page)."""
        if self.token is None:
            self.token = csrf_token(self.get("/unlock").text)
        return self._post(path, [(CSRF_FIELD, self.token), *encode_pairs(data or {})])


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class FlaskBrowser(Browser):
    def __init__(self, client, remote_addr: str = "127.0.0.1") -> None:
        self.client = client
        self.environ = {"REMOTE_ADDR": remote_addr}

    def _page(self, response) -> Page:
        return Page(response.status_code, response.request.path,
                    response.get_data(as_text=True))

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path, follow_redirects=True,
                                          environ_base=self.environ))

    def _post(self, path: str, pairs: list[tuple[str, str]]) -> Page:
        from werkzeug.datastructures import MultiDict

        return self._page(self.client.post(path, data=MultiDict(pairs), follow_redirects=True,
                                           environ_base=self.environ))


class HttpBrowser(Browser):
    """A browser over real HTTP; like any browser it must unlock for itself (``unlock``)."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Page(response.status, urllib.parse.urlsplit(response.geturl()).path,
                            response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Page(error.code, urllib.parse.urlsplit(error.url).path,
                        error.read().decode("utf-8"))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))

    def _post(self, path: str, pairs: list[tuple[str, str]]) -> Page:
        body = urllib.parse.urlencode(pairs).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))


def unlock(browser: Browser, passphrase: str) -> Page:
    """Type the passphrase on the unlock page: this browser may now see the screens."""
    page = browser.post("/unlock", {"passphrase": passphrase})
    assert page.status == 200 and page.path != "/unlock", page.text
    return page


def start_interview(browser: Browser, form_id: str, supplier_name: str,
                    country: str = "KH", os_id: str = "", language: str = "en") -> Page:
    """Start an interview with a new supplier; returns its first page."""
    page = browser.post("/interviews/new", {
        "form_id": form_id, "language": language, "supplier": "new",
        "supplier_name": supplier_name, "supplier_country": country, "supplier_os_id": os_id})
    assert page.status == 200 and "/page/" in page.path, page.text
    return page


def record_id_of(path: str) -> str:
    return path.split("/")[2]


def page_path(record_id: str, page_name: str) -> str:
    return f"/interviews/{record_id}/page/{page_name}"


def answer(browser: Browser, record_id: str, page_name: str, answers: Data,
           action: str = "next") -> Page:
    return browser.post(page_path(record_id, page_name), {**answers, "~action": action})
