"""Write the tiny fonts: the bundled Burmese and Khmer fonts subset to the phone picker's own
texts (native names, headings, Exit, sending states), and to the native names alone for the
interpreter's language lists (``<Font>-Names.woff2``, family "Amplify Names" in app.css).

Run after a catalog changes one of those texts (tests/test_phone_picker.py says when):

    pip install fonttools brotli   # a one-off tool, not a dependency
    python3 tools/picker_fonts.py

Writes, per bundled font, ``<Font>-Picker.woff2``, ``<font>-picker.css`` and
``<Font>-Names.woff2`` under survey_app/static/fonts, and ``picker.json`` / ``names.json``
(the texts each subset covers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools import subset

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from survey_app.collect.picker import picker_text  # noqa: E402
from survey_app.i18n import languages  # noqa: E402

FONTS = REPO / "survey_app" / "static" / "fonts"
FAMILY = "Amplify Picker"
FILES = {"myanmar": "NotoSansMyanmar", "khmer": "NotoSansKhmer"}
RANGES = {"myanmar": "U+1000-109F, U+200B-200D, U+25CC",
          "khmer": "U+1780-17FF, U+19E0-19FF, U+200B-200D, U+25CC"}


def subset_font(font: str, text: str, kind: str) -> Path:
    """``<Font>-<kind>.woff2``: the bundled font cut down to the glyphs ``text`` shapes to."""
    source = FONTS / f"{FILES[font]}-Regular.subset.woff2"
    target = FONTS / f"{FILES[font]}-{kind}.woff2"
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    loaded = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(loaded)
    subset.save_font(loaded, str(target), options)
    return target


def write_subset(font: str, text: str) -> Path:
    target = subset_font(font, text, "Picker")
    css = (f"/* The picker's {font} subset: tools/picker_fonts.py writes this file. */\n"
           f'@font-face {{\n  font-family: "{FAMILY}";\n  font-display: swap;\n'
           f'  src: url("{target.name}") format("woff2");\n'
           f"  unicode-range: {RANGES[font]};\n}}\n")
    (FONTS / f"{font}-picker.css").write_text(css, encoding="utf-8")
    return target


def write_names() -> None:
    """The native names of the languages with a bundled font, one subset per font."""
    names = {font: " ".join(item.native_name for item in languages() if item.font == font)
             for font in FILES}
    for font, text in names.items():
        path = subset_font(font, text, "Names")
        print(f"{path.relative_to(REPO)}: {path.stat().st_size} bytes")
    (FONTS / "names.json").write_text(json.dumps(names, ensure_ascii=False, indent=1,
                                                 sort_keys=True) + "\n", encoding="utf-8")


def main() -> None:
    covered: dict[str, str] = {}
    for item in languages():
        if item.font in FILES:
            covered[item.code] = picker_text(item.code)
    for font in FILES:
        text = " ".join(t for code, t in covered.items() if
                        next(i for i in languages() if i.code == code).font == font)
        path = write_subset(font, text)
        print(f"{path.relative_to(REPO)}: {path.stat().st_size} bytes")
    (FONTS / "picker.json").write_text(json.dumps(covered, ensure_ascii=False, indent=1,
                                                  sort_keys=True) + "\n", encoding="utf-8")
    write_names()


if __name__ == "__main__":
    main()
