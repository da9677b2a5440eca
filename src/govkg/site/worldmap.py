"""World maps drawn on the server as inline SVG: no network, no JavaScript, no inline style.

The boundaries are Natural Earth's 1:110m countries as packaged by ``world-atlas`` 2.0.2
(``static/vendor/world-atlas/``, see its README), decoded from TopoJSON once and projected with the
Equal Earth projection (Šavrič, Patterson and Jenny 2018, "The Equal Earth map projection",
IJGIS 33(3)).  Coordinates are rounded to a tenth of a unit and written as relative moves, so a
whole map is 80 to 90 kB of HTML.  Antarctica (``010``) is left out: no state stands for it, and
without it the map is a tenth less tall (and 4 kB lighter).  Rings that cross the antimeridian
(Fiji, Chukotka) are cut there.

A shape is keyed by its ISO 3166-1 / UN M49 numeric code (``"250"`` for France), the codes the
graph's states carry as ``gk:m49``.  Three outlines of the data have no code (Kosovo, Northern
Cyprus, Somaliland) and are drawn in the default class; states too small for 1:110m (Singapore,
Malta, Andorra, most islands) have no outline: :func:`world_map` returns their keys so that the
page lists them in text under the map.

Colours come from CSS classes (:mod:`govkg.site.palette`, ``static/map.css``); the only paint
given by attribute is the hatch of :data:`HATCHED` shapes, a ``<pattern>`` of the map's own
``<defs>``, which the CSP ``default-src 'self'`` allows.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files
from itertools import pairwise

#: The TopoJSON file the maps are drawn from, inside the ``govkg.site`` package.
ATLAS = ("static", "vendor", "world-atlas", "countries-110m.json")
#: Left out of the map (Antarctica).
LEFT_OUT = frozenset({"010"})
#: Shapes of this class are filled with a hatch rather than a flat colour.
HATCHED = "st-no-record"
#: SVG units per radian of the projection: the map is about 1000 units wide.
SCALE = 184.0
#: Blank space around the drawing, in SVG units.
MARGIN = 2.0

# Equal Earth's coefficients.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Shape:
    """How one country is drawn: its M49 code, CSS class, accessible name and optional link."""

    key: str
    css: str
    title: str
    href: str | None = None


@dataclass(frozen=True)
class MapHtml:
    """A rendered map: the ``<figure>`` and the requested keys that have no outline on it
    (sorted), for the page to list in text."""

    html: str
    not_drawn: tuple[str, ...]


@dataclass(frozen=True)
class _Country:
    key: str  # M49 code, "" for the outlines the data gives none
    name: str
    d: str  # the SVG path data


def equal_earth(lon: float, lat: float) -> Point:
    """The Equal Earth projection of a point in degrees, in SVG units (y grows downwards)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x * SCALE, -y * SCALE


def _decode_arcs(topology: dict) -> list[list[Point]]:
    """The arcs of a quantized, delta-encoded topology as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: Iterable[int], arcs: list[list[Point]]) -> Ring:
    """A ring stitched from arcs; a negative index ``~i`` is arc ``i`` reversed."""
    ring: Ring = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def _unwrap(ring: Ring) -> Ring:
    """The ring with longitudes made continuous: a step of more than 180° is taken the short
    way round, past ±180°."""
    out: Ring = []
    offset = 0.0
    for lon, lat in ring:
        if out:
            step = lon + offset - out[-1][0]
            offset -= 360 * round(step / 360)
        out.append((lon + offset, lat))
    return out


def _clip(ring: Ring, edge: float, keep_below: bool) -> Ring:
    """Sutherland-Hodgman clipping: the part of the ring on one side of the meridian ``edge``."""

    def inside(p: Point) -> bool:
        return p[0] <= edge if keep_below else p[0] >= edge

    out: Ring = []
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        if inside(a):
            out.append(a)
        if inside(a) != inside(b):
            t = (edge - a[0]) / (b[0] - a[0])
            out.append((edge, a[1] + t * (b[1] - a[1])))
    return out


def _split(ring: Ring) -> list[Ring]:
    """The ring cut at the antimeridian: a ring that crosses it (Fiji, Chukotka) becomes one
    ring each side, so that no edge runs across the whole map."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in pairwise(ring)):
        return [ring]
    unwrapped = _unwrap(ring)
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        piece = _clip(_clip(unwrapped, shift - 180, False), shift + 180, True)
        if len(piece) >= 3:
            pieces.append([(lon - shift, lat) for lon, lat in piece])
    return pieces


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _number(value: float) -> str:
    """``value`` with at most one decimal and no needless zero: ``1``, ``-.3``, ``12.5``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("", "-", "-0"):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _join(numbers: Iterable[str]) -> str:
    """Numbers of SVG path data with the fewest separators: none before a minus sign, none
    before ``.5`` after a number that already has its decimal point."""
    out: list[str] = []
    previous = ""
    for text in numbers:
        needs_space = bool(previous) and not (
            text.startswith("-") or (text.startswith(".") and "." in previous)
        )
        out.append(" " + text if needs_space else text)
        previous = text
    return "".join(out)


def _tenths(ring: Ring) -> list[tuple[int, int]]:
    """The ring projected, in tenths of a unit, without repeated points or closing point."""
    points: list[tuple[int, int]] = []
    for lon, lat in ring:
        x, y = equal_earth(lon, lat)
        point = (round(x * 10), round(y * 10))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[-1] == points[0]:
        points.pop()
    return points


def _path_data(rings: Iterable[Ring]) -> str:
    """SVG path data: each ring as one absolute move, then relative lines between the rounded
    points (so rounding never drifts), closed with ``z``; rings that round to less than a
    triangle are dropped."""
    parts = []
    for ring in rings:
        points = _tenths(ring)
        if len(points) < 3:
            continue
        moves: list[str] = []
        for (ax, ay), (bx, by) in pairwise(points):
            moves.extend((_number((bx - ax) / 10), _number((by - ay) / 10)))
        (x0, y0) = points[0]
        parts.append(f"M{_join((_number(x0 / 10), _number(y0 / 10)))}l{_join(moves)}z")
    return "".join(parts)


@cache
def _atlas() -> tuple[tuple[_Country, ...], tuple[float, float, float, float]]:
    """The countries of the atlas, projected, and the drawing's viewBox (x, y, width, height)."""
    topology = json.loads(files("govkg.site").joinpath(*ATLAS).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    countries = []
    xs: list[float] = []
    ys: list[float] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        key = geometry.get("id", "")
        if key in LEFT_OUT:
            continue
        rings = [
            piece
            for polygon in _polygons(geometry)
            for indexes in polygon
            for piece in _split(_ring(indexes, arcs))
        ]
        for lon, lat in (p for r in rings for p in r):
            x, y = equal_earth(lon, lat)
            xs.append(x)
            ys.append(y)
        name = geometry.get("properties", {}).get("name", key)
        countries.append(_Country(key, name, _path_data(rings)))
    countries.sort(key=lambda c: (c.name, c.key))
    box = (
        math.floor(min(xs) - MARGIN),
        math.floor(min(ys) - MARGIN),
        math.ceil(max(xs) - min(xs) + 2 * MARGIN),
        math.ceil(max(ys) - min(ys) + 2 * MARGIN),
    )
    return tuple(countries), box


def map_codes() -> frozenset[str]:
    """The M49 codes the map has an outline for."""
    return frozenset(c.key for c in _atlas()[0] if c.key)


def world_map(
    shapes: Mapping[str, Shape],
    *,
    title: str,
    description: str,
    default_css: str = HATCHED,
    default_title: str = "no data",
    legend: Sequence[tuple[str, str, int]] = (),
    id_prefix: str | None = None,
) -> MapHtml:
    """A ``<figure class="map">`` holding an SVG world map and its legend.

    ``shapes`` maps M49 codes to how each country is drawn; a country without a shape takes
    ``default_css`` and the title "<its Natural Earth name>: ``default_title``".  A shape with an
    ``href`` is wrapped in a link (clickable and reachable by keyboard).  ``legend`` entries
    are (CSS class, label, count).  Element ids start with ``id_prefix`` (by default one derived
    from the title and description): give two maps of the same title on one page distinct
    prefixes.  The ``<svg>`` has role ``img``, or ``group`` when it holds links (the children
    of an image are hidden from screen readers).  The result also names the keys of ``shapes``
    that have no outline on the map.
    """
    prefix = id_prefix or _derived_prefix(title, description)
    countries, (x, y, width, height) = _atlas()
    hatch = f"{prefix}-hatch"
    flat: list[str] = []
    hatched: list[str] = []
    for country in countries:
        shape = shapes.get(country.key) if country.key else None
        css = shape.css if shape else default_css
        label = shape.title if shape else f"{country.name}: {default_title}"
        drawn = _country(country, css, label, shape.href if shape else None)
        (hatched if css == HATCHED else flat).append(drawn)
    # an image's children are hidden from assistive technology: a map with links is a group
    role = "group" if any(s.href for s in shapes.values()) else "img"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="{role}"'
        f' aria-labelledby="{escape(prefix)}-t {escape(prefix)}-d"'
        f' viewBox="{x} {y} {width} {height}">'
        f'<title id="{escape(prefix)}-t">{escape(title)}</title>'
        f'<desc id="{escape(prefix)}-d">{escape(description)}</desc>'
        f"{_hatch_pattern(hatch)}"
        f'<g class="map-countries">{"".join(flat)}'
        f'<g fill="url(#{escape(hatch)})">{"".join(hatched)}</g></g></svg>'
    )
    caption = _legend(legend) if legend else escape(title)
    html = f'<figure class="map">{svg}<figcaption>{caption}</figcaption></figure>'
    codes = map_codes()
    return MapHtml(html, tuple(sorted(k for k in shapes if k not in codes)))


def _derived_prefix(title: str, description: str) -> str:
    digest = hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:8]
    return f"map-{digest}"


def _hatch_pattern(pattern_id: str) -> str:
    """A white pattern with thin grey diagonal lines, for the shapes of :data:`HATCHED`."""
    return (
        f'<defs><pattern id="{escape(pattern_id)}" patternUnits="userSpaceOnUse" width="4"'
        ' height="4" patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
        '<path d="M0 0v4" stroke="#8a8a8a" stroke-width="1.2"/></pattern></defs>'
    )


def _country(country: _Country, css: str, label: str, href: str | None) -> str:
    """One country's ``<path>`` with its tooltip, in a link when it has one."""
    classes = f"{css} map-hatched" if css == HATCHED else css
    path = (
        f'<path class="{escape(classes)}" data-key="{escape(country.key)}" d="{country.d}">'
        f"<title>{escape(label)}</title></path>"
    )
    return f'<a href="{escape(href)}">{path}</a>' if href else path


def _legend(entries: Sequence[tuple[str, str, int]]) -> str:
    items = "".join(
        f'<li><span class="swatch {escape(css)}" aria-hidden="true"></span>'
        f' {escape(label)} <span class="count">({count})</span></li>'
        for css, label, count in entries
    )
    return f'<ul class="map-legend">{items}</ul>'
