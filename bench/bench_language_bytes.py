"""Font bytes a first page load costs per language, as the station serves them.

Only Burmese and Khmer pages get a bundled font; every other language costs 0 font bytes.
The numbers are fetched over HTTP from a real app (Flask's test client on a fresh home),
raw and gzip (woff2 is already compressed, so gzip gains nothing there). Add these to
`bench/bench_phone.py --part bytes` (page HTML, CSS and script per language) for the
whole first load; the page budget (30 KB gzip) is for the page without its font.

    python bench/bench_language_bytes.py [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("AMPLIFY_KDF_LOG2_N", "12")

from survey_app import create_app  # noqa: E402
from survey_app.i18n import languages  # noqa: E402
from survey_app.setup import initialise  # noqa: E402
from survey_app.station import Station  # noqa: E402


def _fetch(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response.get_data()


def font_bytes(client, font: str) -> dict[str, int]:
    """The stylesheet and every woff2 it names, raw and gzip."""
    css = _fetch(client, f"/static/fonts/{font}.css")
    files = re.findall(rb'url\("([^"]+)"\)', css)
    woff2 = b"".join(_fetch(client, f"/static/fonts/{name.decode()}") for name in files)
    return {"css": len(css), "css_gzip": len(gzip.compress(css, 9)),
            "woff2": len(woff2), "woff2_gzip": len(gzip.compress(woff2, 9))}


def measure() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        station = Station(home)
        try:
            initialise(station, "benchmark passphrase")
        finally:
            station.close()
        app = create_app(home)
        try:
            client = app.test_client()
            cache: dict[str, dict[str, int]] = {}
            rows = []
            for item in languages():
                sizes = {"css": 0, "css_gzip": 0, "woff2": 0, "woff2_gzip": 0}
                if item.font:
                    sizes = cache.setdefault(item.font, font_bytes(client, item.font))
                rows.append({"code": item.code, "language": item.english_name,
                             "font": item.font or "", **sizes,
                             # woff2 is sent as it is: gzip would not make it smaller
                             "on_the_wire": sizes["css_gzip"]
                             + min(sizes["woff2"], sizes["woff2_gzip"])})
            return rows
        finally:
            app.extensions["amplify"].close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    rows = measure()
    if parser.parse_args().json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'lang':<5}{'font':<9}{'css':>7}{'css gz':>8}{'woff2':>8}{'woff2 gz':>10}"
          f"{'on wire':>9}")
    for row in rows:
        print(f"{row['code']:<5}{row['font'] or '-':<9}{row['css']:>7}{row['css_gzip']:>8}"
              f"{row['woff2']:>8}{row['woff2_gzip']:>10}{row['on_the_wire']:>9}")


if __name__ == "__main__":
    main()
