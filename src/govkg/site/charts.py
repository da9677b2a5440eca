"""Small charts drawn on the server as SVG: a timeline of stances, bars of counts and a share by
year.

Every chart works with no network and no JavaScript under ``default-src 'self'``: no ``style``
attribute, no ``<style>`` element, only CSS classes (the palette's ``st-*`` and ``ag-*``, and the
rules of ``static/charts.css``) and SVG presentation attributes.  Each chart is a
``<figure class="chart">`` holding an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (a
timeline whose marks are links is a ``role="group"`` instead, since an image hides its links from
screen readers), a
``<title>`` tooltip on every mark and a ``<figcaption>`` (title, description, what was left out,
legend); the caller prints a table of the same data next to it.  Marks carry their swatch letter,
so nothing is read from colour alone.  All text is escaped and every number is written the same
way on every run.
"""

from __future__ import annotations

import calendar
import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from govkg.site import palette

__all__ = ["TimelinePoint", "YearPoint", "bars", "by_year", "timeline"]

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SVG_NS = "http://www.w3.org/2000/svg"
#: About how wide one character of the charts' 14-unit text is, to size label columns.
_CHAR = 8.4


@dataclass(frozen=True)
class TimelinePoint:
    """One stance on the timeline: its ISO date (day, month or year; empty when unknown), the
    instrument's label, the stance kind's slug, the lane it is drawn in, the page it links to,
    and whether the date is the as-of date of a list rather than the date of the act."""

    date: str
    label: str
    kind: str
    lane: str
    href: str | None = None
    as_of: bool = False


@dataclass(frozen=True)
class YearPoint:
    """One year of a share (0 to 1, ``None`` when nothing was measured) and the ``n`` it rests
    on."""

    year: int
    value: float | None
    n: int


# --- shared pieces -------------------------------------------------------------------------


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(x: float) -> str:
    """A coordinate written the same way on every run: at most one decimal, no ``-0``."""
    text = f"{round(x, 1):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def _check_prefix(id_prefix: str) -> None:
    if not _ID.match(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r} is not a valid HTML id (a letter, then [\\w-])")


def _safe_href(href: str | None) -> str | None:
    """``href`` when it is a relative, http or https link; anything else is not linked."""
    if not href:
        return None
    return href if urlsplit(href).scheme.lower() in ("", "http", "https") else None


def _clip(text: str, width: float) -> str:
    """``text`` cut with an ellipsis so it fits about ``width`` units."""
    most = max(4, int(width / _CHAR))
    return text if len(text) <= most else text[: most - 1].rstrip() + "\u2026"


def _svg(
    id_prefix: str, width: float, height: float, title: str, description: str, role: str = "img"
) -> str:
    """The opening ``<svg>`` tag with its accessible title and description."""
    p = _esc(id_prefix)
    w, h = _num(width), _num(height)
    return (
        f'<svg xmlns="{_SVG_NS}" class="chart-svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="{role}" aria-labelledby="{p}-title {p}-desc">'
        f'<title id="{p}-title">{_esc(title)}</title><desc id="{p}-desc">{_esc(description)}</desc>'
    )


def _figure(id_prefix: str, kind: str, svg: str, caption: str) -> str:
    return (
        f'<figure class="chart chart-{kind}" id="{_esc(id_prefix)}">'
        f'<div class="chart-scroll">{svg}</div><figcaption>{caption}</figcaption></figure>'
    )


def _caption(title: str, description: str, notes: Iterable[str] = (), legend: str = "") -> str:
    """The figcaption's content: the title, the description, notes (already escaped), a legend."""
    parts = [f'<span class="chart-title">{_esc(title)}</span>', f" {_esc(description)}"]
    parts += [f' <span class="chart-note">{note}</span>' for note in notes]
    return "".join(parts) + legend


def _text(x: float, y: float, text: str, cls: str, anchor: str = "start") -> str:
    return (
        f'<text class="{cls}" x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}">'
        f"{_esc(text)}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f'<line class="{cls}" x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}"/>'


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- timeline ------------------------------------------------------------------------------

_TL_WIDTH = 720
_TL_SIDE = 10
_TL_R = 10
_TL_ROW = 2 * _TL_R + 3
_TL_HEAD = 24
_TL_LANE_PAD = 6
_TL_AXIS = 34


def _year_fraction(iso: str) -> float | None:
    """A date as a fractional year (the middle of its day, month or year); ``None`` when it is
    missing or not a date."""
    found = _DATE.match(iso.strip()) if iso else None
    if found is None:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    days = 366 if calendar.isleap(year) else 365
    try:
        if month is None:
            return year + 0.5
        if day is None:
            start = date(year, month, 1).timetuple().tm_yday - 1
            return year + (start + calendar.monthrange(year, month)[1] / 2) / days
        return year + (date(year, month, day).timetuple().tm_yday - 0.5) / days
    except ValueError:
        return None


def _year_step(span: int, room: float, each: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 25, 50, 100 years between ticks that leaves ``each``
    units for a tick's label over ``room`` units."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if room / max(1, math.ceil(span / step)) >= each:
            return step
    return 100


@dataclass(frozen=True)
class _Placed:
    point: TimelinePoint
    x: float
    row: int


def _pack(points: Sequence[tuple[TimelinePoint, float]], gap: float) -> list[_Placed]:
    """Points of one lane placed in rows so no two are nearer than ``gap`` on one row: each point,
    in order of x (then label, kind, link), goes in the first row it fits."""
    ordered = sorted(points, key=lambda px: (px[1], px[0].label, px[0].kind, px[0].href or ""))
    last: list[float] = []
    placed = []
    for point, x in ordered:
        row = next((i for i, end in enumerate(last) if x - end >= gap), len(last))
        if row == len(last):
            last.append(x)
        last[row] = x
        placed.append(_Placed(point, x, row))
    return placed


def _mark(placed: _Placed, cy: float) -> str:
    """One point: a circle in the kind's class with its letter; an as-of point is a ring with a
    dashed edge; a tooltip; a link when the point has one."""
    point, cx = placed.point, placed.x
    sw = palette.swatch(point.kind)
    when = (
        f"listed by {point.date} (the date of the list, not of the act)"
        if point.as_of
        else (point.date)
    )
    classes = f"mark {sw.css}" + (" as-of" if point.as_of else "")
    body = (
        f'<g class="{classes}"><circle class="dot" cx="{_num(cx)}" cy="{_num(cy)}" r="{_TL_R}"/>'
        + (
            f'<circle class="hole" cx="{_num(cx)}" cy="{_num(cy)}" r="{_TL_R - 3.5}"/>'
            if point.as_of
            else ""
        )
        + f'<text class="letter" x="{_num(cx)}" y="{_num(cy)}" text-anchor="middle" '
        f'dominant-baseline="central">{_esc(sw.letter)}</text></g>'
    )
    tip = "<title>" + _esc(f"{point.label} \u2014 {sw.name}, {when}") + "</title>"
    href = _safe_href(point.href)
    if href is None:
        return f'<g class="mark-wrap">{tip}{body}</g>'
    return f'<a class="mark-link" href="{_esc(href)}">{tip}{body}</a>'


def _time_axis(start: int, end: int, scale: _Scale, top: float, bottom: float) -> list[str]:
    """Gridlines at the year boundaries, the year labels under them (centred in their year when
    every year is labelled) and, over three years or fewer, a small tick at each quarter."""
    step = _year_step(end - start, scale.x1 - scale.x0, 48)
    out = [_line(scale.x0, bottom, scale.x1, bottom, "axis")]
    if end - start <= 3:
        quarters = (start + q / 4 for q in range(1, 4 * (end - start)) if q % 4)
        out += [_line(scale.at(t), bottom, scale.at(t), bottom + 4, "minor") for t in quarters]
    first = start if step == 1 else start + (-start) % step
    for year in range(first, end + 1, step):
        x = scale.at(year)
        out.append(_line(x, top, x, bottom + 4, "grid"))
        if step == 1 and year < end:
            out.append(_text(scale.at(year + 0.5), bottom + 20, str(year), "tick", "middle"))
        elif step > 1:
            out.append(_text(x, bottom + 20, str(year), "tick", "middle"))
    return out


@dataclass(frozen=True)
class _Scale:
    """A linear map from ``lo``..``hi`` onto ``x0``..``x1``."""

    lo: float
    hi: float
    x0: float
    x1: float

    def at(self, value: float) -> float:
        return self.x0 + (value - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def _legend(kinds: Iterable[str], as_of: bool) -> str:
    """An HTML legend of the kinds drawn, in the palette's order, and the as-of mark if used."""
    order = {s.key: i for i, s in enumerate(palette.SWATCHES)}
    swatches = {palette.swatch(k).key: palette.swatch(k) for k in kinds}
    items = [
        f'<li><span class="key {s.css}">{_esc(s.letter)}</span> {_esc(s.name)}</li>'
        for s in sorted(swatches.values(), key=lambda s: (order.get(s.key, len(order)), s.key))
    ]
    if as_of:
        items.append(
            '<li><span class="key key-as-of">S</span> ring, dashed edge: the date is the as-of '
            "date of a list (listed by)</li>"
        )
    return f'<ul class="chart-legend">{"".join(items)}</ul>' if items else ""


def timeline(
    points: Sequence[TimelinePoint], *, title: str, description: str, id_prefix: str
) -> str:
    """Stances on a time axis, one lane per distinct ``lane`` (in order of first appearance), each
    a circle in its kind's colour with the kind's letter; points too close for one row are stacked
    in more; undated points are counted in the caption, not drawn."""
    _check_prefix(id_prefix)
    dated = [(p, t) for p in points if (t := _year_fraction(p.date)) is not None]
    missing = len(points) - len(dated)
    notes = []
    if missing:
        verb = "is" if missing == 1 else "are"
        notes.append(
            _esc(f"{_plural(missing, 'stance', 'stances')} without a date {verb} not drawn.")
        )
    if not dated:
        return _figure(id_prefix, "timeline", "", _caption(title, description, notes))
    start = math.floor(min(t for _p, t in dated))
    end = math.floor(max(t for _p, t in dated)) + 1
    scale = _Scale(start, end, _TL_SIDE + _TL_R, _TL_WIDTH - _TL_SIDE - _TL_R)
    lanes, bottom = _lanes(dated, scale)
    svg = (
        _svg(id_prefix, _TL_WIDTH, bottom + _TL_AXIS, title, description, _role(dated))
        + "".join(_lane_band(lane, i) for i, lane in enumerate(lanes))
        + "".join(_time_axis(start, end, scale, 0, bottom))
        + "".join(_lane_marks(lane) for lane in lanes)
        + "</svg>"
    )
    legend = _legend((p.kind for p, _t in dated), any(p.as_of for p, _t in dated))
    return _figure(id_prefix, "timeline", svg, _caption(title, description, notes, legend))


def _role(dated: Sequence[tuple[TimelinePoint, float]]) -> str:
    """``img``, or ``group`` when a mark is a link (an image's children are hidden from screen
    readers, its links with them)."""
    return "group" if any(_safe_href(p.href) for p, _t in dated) else "img"


@dataclass(frozen=True)
class _Lane:
    name: str
    top: float
    height: float
    placed: list[_Placed]


def _lanes(
    dated: Sequence[tuple[TimelinePoint, float]], scale: _Scale
) -> tuple[list[_Lane], float]:
    """The lanes, in order of first appearance, with their points placed, and the lanes' bottom."""
    lanes, top = [], 0.0
    for name in dict.fromkeys(p.lane for p, _t in dated):
        placed = _pack([(p, scale.at(t)) for p, t in dated if p.lane == name], 2 * _TL_R + 2)
        height = _TL_HEAD + (max(pl.row for pl in placed) + 1) * _TL_ROW + _TL_LANE_PAD
        lanes.append(_Lane(name, top, height, placed))
        top += height
    return lanes, top


def _lane_band(lane: _Lane, index: int) -> str:
    band = "lane-band alt" if index % 2 else "lane-band"
    return (
        f'<rect class="{band}" x="0" y="{_num(lane.top)}" width="{_TL_WIDTH}" '
        f'height="{_num(lane.height)}"/>'
    )


def _lane_marks(lane: _Lane) -> str:
    """A lane's name over its top left corner (cut, in full in a tooltip) and its marks."""
    label = _clip(lane.name, _TL_WIDTH - 2 * _TL_SIDE)
    tip = f"<title>{_esc(lane.name)}</title>" if label != lane.name else ""
    first = lane.top + _TL_HEAD + _TL_R + 2
    marks = "".join(_mark(pl, first + pl.row * _TL_ROW) for pl in lane.placed)
    name = _text(_TL_SIDE, lane.top + 17, label, "lane-label")
    return f'<g class="lane"><g class="lane-name">{tip}{name}</g>{marks}</g>'


# --- bars ----------------------------------------------------------------------------------

_BAR_WIDTH = 540
_BAR_ROW = 32
_BAR_HEIGHT = 22
_BAR_COUNT = 52


def bars(
    counts: Sequence[tuple[str, str, int]], *, title: str, description: str, id_prefix: str
) -> str:
    """Horizontal bars, one per ``(css class, label, count)`` in the order given, each as long as
    its count (the longest the widest) with the count written at its end."""
    _check_prefix(id_prefix)
    if any(count < 0 for _c, _l, count in counts):
        raise ValueError("bars: a count is negative")
    if not counts:
        return _figure(id_prefix, "bars", "", _caption(title, description, ["Nothing to draw."]))
    label_w = min(262.0, max(60.0, max(len(label) for _c, label, _n in counts) * _CHAR)) + 12
    room = _BAR_WIDTH - label_w - _BAR_COUNT
    most = max(count for _c, _l, count in counts) or 1
    rows = []
    for i, (css, label, count) in enumerate(counts):
        y = 6 + i * _BAR_ROW
        length = room * count / most
        rows.append(
            f'<g class="bar-row"><title>{_esc(f"{label}: {count}")}</title>'
            + _text(
                label_w - 8, y + _BAR_HEIGHT / 2 + 5, _clip(label, label_w - 12), "bar-label", "end"
            )
            + f'<rect class="bar {_esc(css)}" x="{_num(label_w)}" y="{_num(y)}" '
            f'width="{_num(length)}" height="{_BAR_HEIGHT}"/>'
            + _text(label_w + length + 6, y + _BAR_HEIGHT / 2 + 5, str(count), "bar-count")
            + "</g>"
        )
    height = 12 + len(counts) * _BAR_ROW
    axis = _line(label_w, 0, label_w, height, "axis")
    svg = _svg(id_prefix, _BAR_WIDTH, height, title, description) + "".join(rows) + axis + "</svg>"
    total = sum(count for _c, _l, count in counts)
    return _figure(id_prefix, "bars", svg, _caption(title, description, [_esc(f"Total {total}.")]))


# --- share by year -------------------------------------------------------------------------

_BY_WIDTH = 560
_BY_LEFT = 70
_BY_RIGHT = 16
_BY_TOP = 30
_BY_PLOT = 200
_BY_BOTTOM = 40


def _years(points: Sequence[YearPoint]) -> list[YearPoint]:
    """Every year from the first to the last, a year not given counting as no value (n=0)."""
    given = {p.year: p for p in points}
    if len(given) != len(points):
        raise ValueError("by_year: a year is given twice")
    for p in points:
        if p.value is not None and not 0 <= p.value <= 1:
            raise ValueError(f"by_year: the value of {p.year} is {p.value}, not between 0 and 1")
    first, last = min(given), max(given)
    return [given.get(y, YearPoint(y, None, 0)) for y in range(first, last + 1)]


def _runs(years: Sequence[YearPoint]) -> list[list[int]]:
    """The indexes of the runs of consecutive years that have a value."""
    runs: list[list[int]] = []
    for i, p in enumerate(years):
        if p.value is None:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _share_axis(y_label: str, bottom: float) -> list[str]:
    """Gridlines and labels at 0, 25, 50, 75 and 100 %, and the y axis's title."""
    out = []
    for share in (0, 0.25, 0.5, 0.75, 1):
        y = bottom - share * _BY_PLOT
        out.append(_line(_BY_LEFT, y, _BY_WIDTH - _BY_RIGHT, y, "grid" if share else "axis"))
        out.append(_text(_BY_LEFT - 6, y + 5, _pct(share), "tick", "end"))
    mid = _num(bottom - _BY_PLOT / 2)
    out.append(
        f'<text class="axis-title" x="0" y="0" text-anchor="middle" '
        f'transform="translate(16 {mid}) rotate(-90)">{_esc(y_label)}</text>'
    )
    return out


def by_year(
    points: Sequence[YearPoint], *, title: str, description: str, id_prefix: str, y_label: str
) -> str:
    """A share (0 to 100 %) by year: a point per year joined by lines, ``n`` written at each
    point; a year with no value (given as ``None`` or not given) is a gap, named in the caption."""
    _check_prefix(id_prefix)
    if not points:
        return _figure(id_prefix, "by-year", "", _caption(title, description, ["Nothing to draw."]))
    years = _years(points)
    slot = (_BY_WIDTH - _BY_LEFT - _BY_RIGHT) / len(years)
    bottom = _BY_TOP + _BY_PLOT

    def x(i: int) -> float:
        return _BY_LEFT + (i + 0.5) * slot

    def y(p: YearPoint) -> float:
        return bottom - (p.value or 0) * _BY_PLOT

    out = _share_axis(y_label, bottom)
    step = _year_step(len(years), slot * len(years), 46)
    out += [
        _text(x(i), bottom + 22, str(p.year), "tick", "middle")
        for i, p in enumerate(years)
        if (p.year - years[0].year) % step == 0
    ]
    for run in _runs(years):
        coords = " ".join(f"{_num(x(i))},{_num(y(years[i]))}" for i in run)
        out.append(f'<polyline class="line" fill="none" points="{coords}"/>')
    short = slot < 36
    for i, p in enumerate(years):
        out.append(_year_mark(p, x(i), y(p), bottom, y_label, short))
    svg = (
        _svg(id_prefix, _BY_WIDTH, bottom + _BY_BOTTOM, title, description)
        + "".join(out)
        + "</svg>"
    )
    return _figure(
        id_prefix, "by-year", svg, _caption(title, description, _year_notes(years, short))
    )


def _year_mark(p: YearPoint, cx: float, cy: float, bottom: float, y_label: str, short: bool) -> str:
    """A year's point with its tooltip and ``n`` over it, or for a gap only ``n`` on the axis."""
    n = str(p.n) if short else f"n={p.n}"
    if p.value is None:
        tip = f"{p.year}: no value (n={p.n})"
        return (
            f'<g class="gap"><title>{_esc(tip)}</title>'
            + _text(cx, bottom - 6, n, "n-label gap-label", "middle")
            + "</g>"
        )
    tip = f"{p.year}: {y_label} {_pct(p.value)} (n={p.n})"
    bin_ = palette.agreement_bin(p.value)
    return (
        f'<g class="year-point"><title>{_esc(tip)}</title>'
        f'<circle class="pt ag-{bin_}" cx="{_num(cx)}" cy="{_num(cy)}" r="6"/>'
        + _text(cx, cy - 12, n, "n-label", "middle")
        + "</g>"
    )


def _year_notes(years: Sequence[YearPoint], short: bool) -> list[str]:
    notes = []
    if short:
        notes.append("The number over each point is n, how many instruments it rests on.")
    else:
        notes.append("n is how many instruments each point rests on.")
    gaps = [str(p.year) for p in years if p.value is None]
    if gaps:
        names = gaps[0] if len(gaps) == 1 else ", ".join(gaps[:-1]) + " and " + gaps[-1]
        notes.append(f"No value for {names}: shown as {'a gap' if len(gaps) == 1 else 'gaps'}.")
    return [_esc(note) for note in notes]
