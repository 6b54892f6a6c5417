"""Charts drawn on the server as SVG: stacked bars per source, trend lines across rounds.

No script, nothing fetched, no ``style`` attribute (the strict CSP allows none): only SVG
presentation attributes. Every label is escaped, and stripped of bidi overrides and control
characters, so it is text and only text. Values are told apart by pattern, dash style,
marker shape and a direct label beside every number, never by colour alone, so a chart
reads in print and in grey. A hidden value (``None``, withheld by disclosure control) is a
hatched "fewer than k" mark, never a zero; its width or position says nothing about its size.
``data_table`` gives the same numbers as an HTML table for screen readers.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

Value = int | float | None
Rows = Sequence[tuple[str, Sequence[tuple[str, Value]] | None]]

WIDTH = 640
FONT = 12
INK = "#222222"
HIDDEN_FILL = "#ffffff"
COLOURS = ("#1f4e79", "#f4b183", "#548235", "#d9d9d9", "#7030a0", "#ffd966", "#c00000",
           "#9dc3e6")
OVERLAYS = ("none", "dots", "horizontal", "vertical", "grid", "backslash")
DASHES = ("none", "8 4", "2 3", "10 3 2 3", "4 4", "1 6")
MARKERS = ("circle", "square", "triangle", "diamond")

_SPACE_LIKE = re.compile(r"[\t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e"
                        "\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


# ---- text -------------------------------------------------------------------------------

def clean(label: object) -> str:
    """Label text without bidi controls or control characters (line breaks become spaces)."""
    text = _SPACE_LIKE.sub(" ", str.__str__(str(label)))
    return _INVISIBLE.sub("", text).strip()


def _esc(label: object, limit: int | None = None) -> Markup:
    text = clean(label)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return escape(text)


def _text_width(text: str, size: int = FONT) -> float:
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return (len(text) - wide) * size * 0.55 + wide * size


def fmt(value: int | float) -> str:
    """A number as charts and tables print it: whole numbers plain, else two decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def hidden_text(k: int) -> str:
    return f"fewer than {k}"


def _check_value(value: Value, where: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {value!r} is not a number")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{where}: {value!r} is not a finite number ≥ 0")


def _check(rows: Rows, k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a whole number ≥ 1, not {k!r}")
    for label, cells in rows:
        for name, value in cells or ():
            _check_value(value, f"{clean(label)} / {clean(name)}")


def _chart_id(kind: str, title: str, rows: Rows, k: int) -> str:
    return "chart-" + hashlib.sha256(repr((kind, title, rows, k)).encode()).hexdigest()[:10]


# ---- SVG pieces ------------------------------------------------------------------------

def _overlay(kind: str) -> str:
    ink = f'stroke="{INK}" stroke-opacity="0.6" stroke-width="1.2"'
    return {
        "none": "",
        "dots": f'<circle cx="4" cy="4" r="1.4" fill="{INK}" fill-opacity="0.6"/>',
        "horizontal": f'<path d="M0 4H8" {ink}/>',
        "vertical": f'<path d="M4 0V8" {ink}/>',
        "grid": f'<path d="M0 4H8M4 0V8" {ink}/>',
        "backslash": f'<path d="M0 0L8 8" {ink}/>',
    }[kind]


def _patterns(cid: str, count: int) -> str:
    parts = []
    for index in range(count):
        colour = COLOURS[index % len(COLOURS)]
        overlay = _overlay(OVERLAYS[index % len(OVERLAYS)])
        parts.append(f'<pattern id="{cid}-p{index}" width="8" height="8" '
                     f'patternUnits="userSpaceOnUse"><rect width="8" height="8" '
                     f'fill="{colour}"/>{overlay}</pattern>')
    parts.append(f'<pattern id="{cid}-hidden" width="6" height="6" patternUnits="userSpaceOnUse"'
                 f' patternTransform="rotate(45)"><rect width="6" height="6" fill="{HIDDEN_FILL}"/>'
                 f'<path d="M0 0V6" stroke="{INK}" stroke-width="2.2"/></pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def _svg(cid: str, title: str, desc: str, height: float, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {math.ceil(height)}" width="100%" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="sans-serif" '
        f'font-size="{FONT}" fill="{INK}">'
        f'<title id="{cid}-title">{_esc(title)}</title><desc id="{cid}-desc">{_esc(desc)}</desc>'
        f"{body}</svg>")


def _text(x: float, y: float, label: object, *, limit: int | None = None, size: int = FONT,
          anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
            f"{weight}>{_esc(label, limit)}</text>")


def _swatch(x: float, y: float, fill: str, tip: str = "") -> str:
    tooltip = f"<title>{_esc(tip)}</title>" if tip else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="url(#{fill})" '
            f'stroke="{INK}" stroke-width="0.8">{tooltip}</rect>')


def _flow(items: list[tuple[str, str]], x0: float, y: float, width: float,
          ) -> tuple[str, float]:
    """Lay out (pattern id, text) items left to right, wrapping; return SVG and next y."""
    parts, x = [], x0
    for fill, text in items:
        step = 18 + _text_width(text) + 14
        if x > x0 and x + step > x0 + width:
            x, y = x0, y + 18
        parts.append(_swatch(x, y - 10, fill) + _text(x + 17, y, text))
        x += step
    return "".join(parts), y + 18


# ---- stacked bars ----------------------------------------------------------------------

def _answer_order(rows: Rows) -> list[str]:
    order: dict[str, None] = {}
    for _, cells in rows:
        for name, _value in cells or ():
            order.setdefault(clean(name), None)
    return list(order)


def _segments(cells: Sequence[tuple[str, Value]], width: float, hidden_width: float,
              ) -> list[tuple[str, Value, float]]:
    hidden = sum(value is None for _, value in cells)
    hidden_width = min(hidden_width, width / (hidden + 1))
    shown_total = sum(value for _, value in cells if value is not None)
    room = max(width - hidden * hidden_width, 0.0)
    return [(clean(name), value, hidden_width if value is None
             else (room * value / shown_total if shown_total else 0.0))
            for name, value in cells]


def _bar(cid: str, y: float, source: str, cells, fills: dict[str, str], k: int,
         ) -> tuple[str, float]:
    """One source: its label, its bar, then every value labelled beside a swatch."""
    parts = [_text(0, y + 12, source, limit=80, bold=True)]
    y += 18
    if not cells or all(value is None for _, value in cells):
        tip = f"{clean(source)}: {hidden_text(k)} respondents"
        parts.append(f'<rect x="0" y="{y}" width="{WIDTH}" height="22" fill="url(#{cid}-hidden)"'
                     f' stroke="{INK}" stroke-dasharray="4 2"><title>{_esc(tip)}</title></rect>')
        parts.append(_text(0, y + 38, f"{hidden_text(k)} respondents: not shown"))
        return "".join(parts), y + 50
    x = 0.0
    for name, value, width in _segments(cells, WIDTH, 64.0):
        fill = f"{cid}-hidden" if value is None else fills[name]
        shown = hidden_text(k) if value is None else fmt(value)
        dash = ' stroke-dasharray="4 2"' if value is None else ""
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="22" '
                     f'fill="url(#{fill})" stroke="{INK}" stroke-width="0.8"{dash}>'
                     f"<title>{_esc(f'{clean(source)}, {name}: {shown}')}</title></rect>")
        x += width
    labels = [(f"{cid}-hidden" if value is None else fills[clean(name)],
               f"{clean(name)[:40]} {hidden_text(k) if value is None else fmt(value)}")
              for name, value in cells]
    flowed, y = _flow(labels, 0, y + 40, WIDTH)
    return "".join(parts) + flowed, y + 6


def _bars_desc(title: str, rows: Rows, k: int) -> str:
    parts = []
    for source, cells in rows:
        if not cells or all(value is None for _, value in cells):
            parts.append(f"{clean(source)}: {hidden_text(k)} respondents, not shown")
            continue
        values = ", ".join(f"{clean(name)} {hidden_text(k) if value is None else fmt(value)}"
                           for name, value in cells)
        parts.append(f"{clean(source)}: {values}")
    return f"{clean(title)}. Answers per source, as counts. " + "; ".join(parts) + "."


def stacked_bars(rows: Rows, *, title: str, k: int) -> Markup:
    """One bar per source, one segment per answer.

    ``rows`` = [(source_label, [(answer_label, count or None), ...] or None), ...]; None is
    a count withheld by disclosure control, drawn hatched as "fewer than k"; a source whose
    counts are all withheld (or None) is one hatched bar.
    """
    rows = [(label, None if cells is None else list(cells)) for label, cells in rows]
    _check(rows, k)
    cid = _chart_id("bars", title, rows, k)
    answers = _answer_order(rows)
    fills = {name: f"{cid}-p{index}" for index, name in enumerate(answers)}
    legend = [(fills[name], name[:40]) for name in answers]
    if any(value is None for _, cells in rows for _, value in (cells or [("", None)])):
        legend.append((f"{cid}-hidden", f"{hidden_text(k)} (hidden)"))
    body, y = _flow(legend, 0, 44, WIDTH)
    parts = [_patterns(cid, len(answers)), _text(0, 16, title, limit=90, size=14, bold=True),
             body]
    for source, cells in rows:
        drawn, y = _bar(cid, y + 4, source, cells, fills, k)
        parts.append(drawn)
    return _svg(cid, clean(title), _bars_desc(title, rows, k), y + 4, "".join(parts))


# ---- trend lines -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Plot:
    left: float
    top: float
    width: float
    height: float

    @property
    def hidden_y(self) -> float:
        """Top of the rows of hatched markers, below the round labels."""
        return self.top + self.height + 28


@dataclass(frozen=True)
class _Cell:
    name: str
    x: float
    value: Value
    present: bool
    y: float | None


def _nice_max(values: list[float]) -> float:
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= top:
            return step * magnitude
    return 10 * magnitude


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    paint = f'fill="{colour}" stroke="{INK}" stroke-width="0.8"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {paint}/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {paint}/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}H{x - 5:.1f}Z" {paint}/>'
    return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}' \
           f'L{x - 5:.1f} {y:.1f}Z" {paint}/>'


def _line_style(index: int) -> tuple[str, str, str]:
    return (COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)],
            MARKERS[index % len(MARKERS)])


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Consecutive known points; a gap (hidden or absent) ends a run."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _series_svg(cid: str, index: int, label: str, cells: list[_Cell], plot: _Plot,
                k: int) -> str:
    colour, dash, shape = _line_style(index)
    points = [None if cell.y is None else (cell.x, cell.y) for cell in cells]
    parts = []
    for run in _runs(points):
        path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in run)
        dashes = "" if dash == "none" else f' stroke-dasharray="{dash}"'
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.2"'
                     f"{dashes}/>")
    hidden_row = plot.hidden_y + 16 * index
    for cell in cells:
        if cell.y is not None:
            parts.append(_marker(shape, cell.x, cell.y, colour))
            parts.append(_text(cell.x, cell.y - 8, fmt(cell.value), size=10, anchor="middle"))
        elif cell.present:
            tip = f"{clean(label)}, {cell.name}: {hidden_text(k)}"
            parts.append(_swatch(cell.x - 6, hidden_row, f"{cid}-hidden", tip))
    if any(cell.present and cell.value is None for cell in cells):
        parts.append(_marker(shape, 12, hidden_row + 6, colour))
    known = [point for point in points if point is not None]
    if known:
        x, y = known[-1]
        parts.append(_text(x + 9, y + 4, label, limit=22, size=11, bold=True))
    return "".join(parts)


def _axes(plot: _Plot, rounds: list[str], top_value: float, y_label: str) -> str:
    left, top, width, height = plot.left, plot.top, plot.width, plot.height
    parts = [_text(0, top - 14, y_label, limit=60, size=11)]
    for step in range(5):
        value = top_value * step / 4
        y = top + height - height * step / 4
        parts.append(f'<path d="M{left} {y:.1f}H{left + width}" stroke="#bbbbbb" '
                     f'stroke-width="0.6"/>')
        parts.append(_text(left - 6, y + 4, fmt(value), size=10, anchor="end"))
    parts.append(f'<path d="M{left} {top}V{top + height}H{left + width}" fill="none" '
                 f'stroke="{INK}"/>')
    for position, name in enumerate(rounds):
        x = left + width * _fraction(position, len(rounds))
        parts.append(_text(x, top + height + 16, name, limit=16, size=11, anchor="middle"))
    return "".join(parts)


def _fraction(position: int, count: int) -> float:
    return 0.5 if count == 1 else position / (count - 1)


def _legend_lines(cid: str, series, y: float, k: int, any_hidden: bool) -> tuple[str, float]:
    parts, x = [], 0.0
    for index, (label, _values) in enumerate(series):
        colour, dash, shape = _line_style(index)
        text = clean(label)[:30]
        step = 40 + _text_width(text) + 14
        if x > 0 and x + step > WIDTH:
            x, y = 0.0, y + 18
        dashes = "" if dash == "none" else f' stroke-dasharray="{dash}"'
        parts.append(f'<path d="M{x:.1f} {y - 4:.1f}h30" stroke="{colour}" stroke-width="2.2"'
                     f"{dashes}/>" + _marker(shape, x + 15, y - 4, colour)
                     + _text(x + 36, y, text))
        x += step
    if any_hidden:
        if x > 0 and x + 140 > WIDTH:
            x, y = 0.0, y + 18
        parts.append(_swatch(x, y - 10, f"{cid}-hidden") + _text(x + 17, y,
                                                                  f"{hidden_text(k)} (hidden)"))
    return "".join(parts), y + 18


def _trend_desc(title: str, series, y_label: str, k: int) -> str:
    parts = []
    for label, values in series:
        told = ", ".join(f"{clean(name)} {hidden_text(k) if value is None else fmt(value)}"
                         for name, value in values)
        parts.append(f"{clean(label)}: {told}")
    return f"{clean(title)}. {clean(y_label)} by round. " + "; ".join(parts) + "."


def trend_lines(series: Rows, *, title: str, k: int, y_label: str) -> Markup:
    """One line per series across rounds.

    ``series`` = [(line_label, [(round_label, value or None), ...]), ...]; None is a value
    withheld by disclosure control: the line has a gap there and a hatched marker below
    the axis (in the row marked with the line's marker shape) says "fewer than k".
    """
    series = [(label, list(values or [])) for label, values in series]
    _check(series, k)
    cid = _chart_id("trend", title, series, k)
    rounds = list(dict.fromkeys(clean(name) for _, values in series for name, _ in values))
    any_hidden = any(value is None for _, values in series for _, value in values)
    legend, top = _legend_lines(cid, series, 44, k, any_hidden)
    plot = _Plot(left=64.0, top=top + 30, width=WIDTH - 64.0 - 150, height=220.0)
    known = [float(value) for _, values in series for _, value in values if value is not None]
    top_value = _nice_max(known)
    parts = [_patterns(cid, 0), _text(0, 16, title, limit=90, size=14, bold=True), legend,
             _axes(plot, rounds, top_value, y_label)]
    for index, (label, values) in enumerate(series):
        cells = _cells(plot, rounds, values, top_value)
        parts.append(_series_svg(cid, index, label, cells, plot, k))
    height = plot.hidden_y + 16 * len(series) + 8
    return _svg(cid, clean(title), _trend_desc(title, series, y_label, k), height,
                "".join(parts))


def _cells(plot: _Plot, rounds: list[str], values, top_value: float) -> list[_Cell]:
    by_round = {clean(name): value for name, value in values}
    cells = []
    for position, name in enumerate(rounds):
        x = plot.left + plot.width * _fraction(position, len(rounds))
        value = by_round.get(name)
        y = None if value is None else plot.top + plot.height * (1 - value / top_value)
        cells.append(_Cell(name, x, value, name in by_round, y))
    return cells


# ---- table -----------------------------------------------------------------------------

def data_table(rows: Rows, *, title: str, k: int, row_header: str = "Source") -> Markup:
    """The numbers of either chart as an HTML table (same rows, same formatting)."""
    rows = [(label, None if cells is None else list(cells)) for label, cells in rows]
    _check(rows, k)
    columns = _answer_order(rows)
    head = "".join(f'<th scope="col"><bdi>{_esc(name)}</bdi></th>' for name in columns)
    body = []
    for label, cells in rows:
        values = {clean(name): value for name, value in cells or ()}
        tds = "".join(f"<td>{_cell(name, values, cells is None, k)}</td>" for name in columns)
        body.append(f'<tr><th scope="row"><bdi>{_esc(label)}</bdi></th>{tds}</tr>')
    return Markup(f'<table class="chart-data"><caption>{_esc(title)}</caption><thead><tr>'
                  f'<th scope="col">{_esc(row_header)}</th>{head}</tr></thead>'
                  f"<tbody>{''.join(body)}</tbody></table>")


def _cell(name: str, values: dict[str, Value], all_hidden: bool, k: int) -> str:
    if all_hidden or (name in values and values[name] is None):
        return hidden_text(k)
    if name not in values:
        return "no data"
    return fmt(values[name])
