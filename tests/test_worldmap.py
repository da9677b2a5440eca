"""The server-side world map: valid SVG, one outline per country, each shape on its country,
every text escaped, the states too small for 1:110m reported, ids unique on a page."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from importlib.resources import files

import pyoxigraph as ox
import pytest
from paths import ROOT

from govkg.namespaces import expand
from govkg.site.worldmap import HATCHED, MapHtml, Shape, equal_earth, map_codes, world_map

SVG = "{http://www.w3.org/2000/svg}"
#: Outlines of the atlas (Antarctica left out), and those of them without a code.
OUTLINES = 176
UNCODED = 3


def _tree(rendered: MapHtml) -> ET.Element:
    return ET.fromstring(rendered.html)


def _paths(root: ET.Element) -> dict[str, ET.Element]:
    """The country outlines by code (the ones without a code left out)."""
    return {p.get("data-key", ""): p for p in root.iter(f"{SVG}path") if p.get("data-key")}


def _title(path: ET.Element) -> str:
    title = path.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def _state_codes() -> set[str]:
    """The M49 codes of the states of the shipped reference graph."""
    m49 = expand("gk:m49")
    quads = ox.parse(path=str(ROOT / "graph/reference/states.ttl"), format=ox.RdfFormat.TURTLE)
    return {q.object.value for q in quads if q.predicate.value == m49}


SHAPES = {
    "250": Shape("250", "st-signed", "France: signed", "../state/FRA.html"),
    "840": Shape("840", "st-voted-no", "United States: voted no", "../state/USA.html"),
    "156": Shape("156", "st-abstained", "China: abstained"),
    "702": Shape("702", "st-signed", "Singapore: signed", "../state/SGP.html"),
}


def test_the_map_is_svg_with_one_path_per_country() -> None:
    root = _tree(world_map({}, title="Stances", description="A world map"))
    svg = root.find(f"{SVG}svg")
    assert root.tag == "figure" and root.get("class") == "map"
    assert svg is not None and svg.get("role") == "img"
    countries = [p for p in root.iter(f"{SVG}path") if p.get("data-key") is not None]
    assert len(countries) == OUTLINES
    assert set(_paths(root)) == map_codes()
    assert len(map_codes()) == OUTLINES - UNCODED
    assert "010" not in map_codes()  # Antarctica is left out


def test_each_shape_lands_on_its_country() -> None:
    paths = _paths(_tree(world_map(SHAPES, title="Stances", description="d")))
    assert paths["250"].get("class") == "st-signed"
    assert _title(paths["250"]) == "France: signed"
    assert paths["840"].get("class") == "st-voted-no"
    assert _title(paths["840"]) == "United States: voted no"
    assert paths["156"].get("class") == "st-abstained"
    assert _title(paths["156"]) == "China: abstained"


def test_a_country_without_a_shape_takes_the_default() -> None:
    paths = _paths(
        _tree(world_map(SHAPES, title="t", description="d", default_title="not on the list"))
    )
    assert paths["276"].get("class") == f"{HATCHED} map-hatched"
    assert _title(paths["276"]) == "Germany: not on the list"
    other = _paths(_tree(world_map({}, title="t", description="d", default_css="st-not-listed")))
    assert other["276"].get("class") == "st-not-listed"


def test_hatched_shapes_are_painted_by_the_maps_own_pattern() -> None:
    root = _tree(world_map(SHAPES, title="t", description="d", id_prefix="m1"))
    pattern = root.find(f".//{SVG}pattern")
    assert pattern is not None and pattern.get("id") == "m1-hatch"
    group = next(g for g in root.iter(f"{SVG}g") if g.get("fill"))
    assert group.get("fill") == "url(#m1-hatch)"
    inside = {p.get("data-key") for p in group.iter(f"{SVG}path")}
    assert "276" in inside and "250" not in inside


def test_links_only_where_given_and_escaped() -> None:
    href = '../state/A&B.html?x="1"'
    shapes = {
        "250": Shape("250", "st-signed", "France", href),
        "156": Shape("156", "st-signed", "China"),
    }
    rendered = world_map(shapes, title="t", description="d")
    links = list(_tree(rendered).iter(f"{SVG}a"))
    assert len(links) == 1
    assert links[0].get("href") == href
    svg = _tree(rendered).find(f"{SVG}svg")
    assert svg is not None and svg.get("role") == "group"  # an img's links are hidden
    (path,) = list(links[0])
    assert path.get("data-key") == "250"
    assert 'href="../state/A&amp;B.html?x=&quot;1&quot;"' in rendered.html


def test_every_text_is_escaped() -> None:
    evil = "<script>alert(\"x\")</script> & 'quote'"
    shapes = {"250": Shape("250", '"><script>', evil)}
    rendered = world_map(
        shapes, title=evil, description=evil, legend=[('x"><script>', evil, 3)], id_prefix="p"
    )
    assert "<script>" not in rendered.html
    root = _tree(rendered)
    assert _title(_paths(root)["250"]) == evil
    assert _paths(root)["250"].get("class") == '"><script>'
    title = root.find(f".//{SVG}title")
    desc = root.find(f".//{SVG}desc")
    assert title is not None and title.text == evil
    assert desc is not None and desc.text == evil
    caption = root.find("figcaption")
    assert caption is not None and evil in "".join(caption.itertext())


def test_the_legend_shows_a_swatch_label_and_count() -> None:
    legend = [("st-signed", "signed", 35), ("st-no-record", "no record", 12)]
    root = _tree(world_map({}, title="t", description="d", legend=legend))
    items = root.findall("figcaption/ul/li")
    assert [" ".join("".join(li.itertext()).split()) for li in items] == [
        "signed (35)",
        "no record (12)",
    ]
    swatch = items[0].find("span")
    assert swatch is not None and swatch.get("class") == "swatch st-signed"
    assert swatch.get("aria-hidden") == "true"


def test_small_states_are_reported_not_drawn() -> None:
    shapes = {**SHAPES, "470": Shape("470", "st-signed", "Malta"), "020": Shape("020", "x", "A")}
    rendered = world_map(shapes, title="t", description="d")
    assert rendered.not_drawn == ("020", "470", "702")
    assert "702" not in _paths(_tree(rendered))


def test_every_state_is_drawn_or_reported() -> None:
    codes = _state_codes()
    shapes = {c: Shape(c, "st-signed", f"state {c}") for c in codes}
    rendered = world_map(shapes, title="t", description="d")
    drawn = set(_paths(_tree(rendered))) & codes
    assert drawn | set(rendered.not_drawn) == codes
    assert not drawn & set(rendered.not_drawn)
    assert len(codes) > 190 and len(drawn) >= 160
    assert {"702", "470", "020", "492", "336"} <= set(rendered.not_drawn)


def test_a_full_map_stays_small() -> None:
    shapes = {
        c: Shape(c, "st-did-not-sign", f"State {c}: did not sign", f"../../state/{c}.html")
        for c in _state_codes()
    }
    legend = [("st-signed", "signed", 35), ("st-did-not-sign", "did not sign", 50)]
    html = world_map(shapes, title="Stances", description="d", legend=legend).html
    assert len(html.encode()) < 150_000


def test_two_maps_on_a_page_have_distinct_ids() -> None:
    first = world_map(SHAPES, title="Stances on A", description="d")
    second = world_map(SHAPES, title="Agreement with B", description="d")
    same_title = world_map(SHAPES, title="Stances on A", description="d", id_prefix="other")
    ids = re.findall(r'\sid="([^"]+)"', first.html + second.html + same_title.html)
    assert len(ids) == 9 and len(set(ids)) == len(ids)
    for rendered in (first, second, same_title):
        svg = _tree(rendered).find(f"{SVG}svg")
        assert svg is not None
        own = set(re.findall(r'\sid="([^"]+)"', rendered.html))
        assert set(svg.get("aria-labelledby", "").split()) <= own


def test_no_edge_runs_across_the_map() -> None:
    """Regression: rings crossing the antimeridian (Fiji, Chukotka) drew lines across the map."""
    root = _tree(world_map({}, title="t", description="d"))
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    width = float(svg.get("viewBox", "").split()[2])
    number = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
    for path in _paths(root).values():
        for ring in path.get("d", "").split("M")[1:]:
            steps = [float(n) for n in number.findall(ring.split("l")[1])]
            assert max(abs(dx) for dx in steps[::2]) < width / 4, path.get("data-key")


def test_equal_earth_orientation() -> None:
    assert equal_earth(0, 0) == (0.0, 0.0)
    east, north = equal_earth(90, 45)
    assert east > 0 and north < 0  # east is right, north is up
    # the pole is a line about 0.59 times as long as the equator (Šavrič et al. 2018, fig. 1)
    assert equal_earth(180, 90)[0] / equal_earth(180, 0)[0] == pytest.approx(0.5925, abs=0.001)


def test_the_vendored_atlas_is_the_one_its_readme_names() -> None:
    folder = files("govkg.site") / "static" / "vendor" / "world-atlas"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((folder / "countries-110m.json").read_bytes()).hexdigest()
    assert digest in readme
    assert "ISC" in readme
    assert "Permission to use, copy, modify" in (folder / "LICENSE").read_text(encoding="utf-8")
