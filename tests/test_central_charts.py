"""Server-drawn SVG charts: valid XML, inert labels, hidden values never drawn as zero."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from central import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>alert(1)</script>", '" onload="alert(2)', "'><img src=x onerror=alert(3)>",
           "\u202eevil\u202c", Markup("<b onclick=alert(4)>bold</b>"), "a & b",
           "tab\tline\nbreak\x00nul"]
ROWS = [("Workers", [("Yes", 23), ("No", 41), ("Don't know", None), ("Prefer not to say", 0)]),
        ("Representatives", [("Yes", 6), ("No", None)]),
        ("Management", [("Yes", 1)]),
        ("Small group", None)]
SERIES = [("Workers", [("R1", 40.5), ("R2", None), ("R3", 62)]),
          ("Representatives", [("R1", None), ("R2", 30), ("R3", 35)])]


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def tips(root: ET.Element) -> list[str]:
    return [element.findtext(f"{SVG}title") for element in root.iter()
            if element.find(f"{SVG}title") is not None and element.tag != f"{SVG}svg"]


def assert_inert(markup: Markup) -> None:
    """Parsed as XML: no element or attribute a label could have added, no bidi override."""
    root = ET.fromstring(str(markup))
    allowed = {"svg", "title", "desc", "defs", "pattern", "rect", "circle", "path", "text",
               "table", "caption", "thead", "tbody", "tr", "th", "td", "bdi"}
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in allowed, element.tag
        assert not any(name.lower().startswith("on") for name in element.attrib)
        assert "style" not in element.attrib
    assert "\u202e" not in markup and "\x00" not in markup


@pytest.fixture(scope="module")
def bars() -> ET.Element:
    return parse(charts.stacked_bars(ROWS, title="Trade union present", k=5))


@pytest.fixture(scope="module")
def trend() -> ET.Element:
    return parse(charts.trend_lines(SERIES, title="Secret ballot", k=5, y_label="% saying so"))


@pytest.mark.parametrize("chart", ["bars", "trend"])
def test_chart_is_an_accessible_image(chart, request):
    root = request.getfixturevalue(chart)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text in ("Trade union present", "Secret ballot")


def test_bars_label_every_value_directly_and_hidden_ones_as_fewer_than_k(bars):
    drawn = texts(bars)
    for label in ("Yes 23", "No 41", "Don't know fewer than 5", "Prefer not to say 0",
                  "Yes 6", "No fewer than 5", "Yes 1", "fewer than 5 respondents: not shown"):
        assert label in drawn
    assert "Don't know 0" not in drawn and "No 0" not in drawn
    assert "Workers, Don't know: fewer than 5" in tips(bars)
    desc = bars[1].text
    assert "Workers: Yes 23, No 41, Don't know fewer than 5, Prefer not to say 0" in desc
    assert "Small group: fewer than 5 respondents, not shown" in desc


def hidden_rects(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect")
            if rect.get("fill", "").endswith("-hidden)") and rect.find(f"{SVG}title") is not None]


def test_hidden_segments_are_hatched_with_width_and_a_hidden_row_is_one_hatched_bar(bars):
    hatched = hidden_rects(bars)
    titles = [rect.findtext(f"{SVG}title") for rect in hatched]
    assert titles == ["Workers, Don't know: fewer than 5", "Representatives, No: fewer than 5",
                      "Small group: fewer than 5 respondents"]
    assert all(float(rect.get("width")) > 20 for rect in hatched)
    assert float(hatched[-1].get("width")) == charts.WIDTH


def test_answers_differ_by_pattern_not_colour_alone(bars):
    patterns = {p.get("id"): p for p in bars.iter(f"{SVG}pattern")}
    shapes = [tuple((child.tag, tuple(sorted(child.attrib.items()))) for child in p
                    if child.get("fill") not in charts.COLOURS) for p in patterns.values()]
    assert len(shapes) == 5 and len(set(shapes)) == 5  # 4 answers + the hidden hatch


def test_trend_breaks_the_line_at_a_hidden_value_and_marks_it(trend):
    lines = [path for path in trend.iter(f"{SVG}path") if path.get("stroke-width") == "2.2"
             and path.get("d", "").count("L") >= 1 and "h30" not in path.get("d")]
    assert len(lines) == 1  # workers' R1-R3 is broken at R2, only R2-R3 of representatives
    assert "Workers, R2: fewer than 5" in tips(trend)
    assert "Representatives, R1: fewer than 5" in tips(trend)
    drawn = texts(trend)
    assert {"40.5", "62", "30", "35"} <= set(drawn) and "0" in drawn  # 0 only as the axis tick
    assert drawn.count("0") == 1
    assert "Workers: R1 40.5, R2 fewer than 5, R3 62" in trend[1].text


def test_dash_styles_and_markers_tell_lines_apart():
    styles = {charts._line_style(index)[1:] for index in range(4)}
    assert len(styles) == 4


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_labels_come_out_as_text(hostile):
    rows = [(hostile, [(hostile, 3), ("No", None)])]
    series = [(hostile, [(hostile, 2.5), ("R2", None)])]
    for markup in (charts.stacked_bars(rows, title=hostile, k=5),
                   charts.trend_lines(series, title=hostile, k=5, y_label=hostile),
                   charts.data_table(rows, title=hostile, k=5, row_header=hostile)):
        assert_inert(markup)
        root = ET.fromstring(str(markup))
        assert charts.clean(hostile)[:10] in "".join(root.itertext())


def test_data_table_holds_the_same_numbers():
    table = ET.fromstring(str(charts.data_table(ROWS, title="Trade union present", k=5)))
    assert table.findtext("caption") == "Trade union present"
    header = [th.findtext("bdi") or th.text for th in table.find("thead/tr")]
    assert header == ["Source", "Yes", "No", "Don't know", "Prefer not to say"]
    body = {tr[0].findtext("bdi"): [td.text for td in tr[1:]] for tr in table.find("tbody")}
    assert body["Workers"] == ["23", "41", "fewer than 5", "0"]
    assert body["Representatives"] == ["6", "fewer than 5", "no data", "no data"]
    assert body["Small group"] == ["fewer than 5"] * 4
    assert all(th.get("scope") == "row" for th in table.iter("th") if th.find("bdi") is not None
               and th.findtext("bdi") in body)


@pytest.mark.parametrize("rows,k,message", [
    ([("W", [("Yes", -1)])], 5, "W / Yes: -1 is not a finite number"),
    ([("W", [("Yes", True)])], 5, "W / Yes: True is not a number"),
    ([("W", [("Yes", float("nan"))])], 5, "not a finite number"),
    ([("W", [("Yes", "3")])], 5, "W / Yes: '3' is not a number"),
    ([("W", [("Yes", 3)])], 0, "k must be a whole number"),
])
def test_bad_numbers_are_refused_naming_where(rows, k, message):
    for draw in (lambda: charts.stacked_bars(rows, title="t", k=k),
                 lambda: charts.trend_lines(rows, title="t", k=k, y_label="y"),
                 lambda: charts.data_table(rows, title="t", k=k)):
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            draw()


LABEL = st.text(min_size=1, max_size=12).filter(lambda text: charts.clean(text) != "")
COUNT = st.one_of(st.none(), st.integers(0, 500))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(LABEL, st.one_of(st.none(), st.lists(st.tuples(LABEL, COUNT),
                                                                 max_size=5))),
                min_size=1, max_size=4),
       st.integers(2, 11))
def test_any_rows_parse_and_hidden_counts_never_show_as_zero(rows, k):
    sources = [f"s{index} {label}" for index, (label, _) in enumerate(rows)]
    rows = [(source, None if cells is None else
             [(f"a{index} {name}", count) for index, (name, count) in enumerate(cells)])
            for source, (_, cells) in zip(sources, rows, strict=True)]
    markup = charts.stacked_bars(rows, title="t", k=k)
    assert_inert(markup)
    segment_tips = set(tips(ET.fromstring(str(markup))))
    for source, cells in rows:
        if not cells or all(count is None for _, count in cells):
            assert f"{charts.clean(source)}: fewer than {k} respondents" in segment_tips
            continue
        for name, count in cells:
            shown = f"fewer than {k}" if count is None else str(count)
            assert f"{charts.clean(source)}, {charts.clean(name)}: {shown}" in segment_tips
    assert_inert(charts.data_table(rows, title="t", k=k))


def test_hostile_chart_fires_nothing_in_a_real_browser(browser):
    rows = [(label, [(label, 2), ("No", None)]) for label in HOSTILE]
    series = [(label, [("R1", 1), ("R2", None)]) for label in HOSTILE]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content("<!doctype html><meta charset=utf-8><body>"
                     + charts.stacked_bars(rows, title=HOSTILE[0], k=5)
                     + charts.trend_lines(series, title=HOSTILE[1], k=5, y_label=HOSTILE[2])
                     + charts.data_table(rows, title=HOSTILE[3], k=5) + "</body>")
    page.mouse.move(100, 100)
    page.click("svg", position={"x": 20, "y": 20})
    assert dialogs == []
    assert page.locator("script, img").count() == 0
    assert page.locator("svg").count() == 2
    page.close()
