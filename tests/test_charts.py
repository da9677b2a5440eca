"""The server-drawn SVG charts: they parse, draw one mark per datum in the right place and class,
keep same-day points apart, mark as-of dates, count what they leave out, escape every text and
need nothing the page's CSP forbids."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest
from paths import ROOT

from govkg.site import palette
from govkg.site.charts import TimelinePoint, YearPoint, bars, by_year, timeline

SVG = "{http://www.w3.org/2000/svg}"
CHARTS_CSS = ROOT / "src" / "govkg" / "site" / "static" / "charts.css"


def parse(html: str) -> ET.Element:
    root = ET.fromstring(html)
    assert root.tag == "figure"
    assert "chart" in root.get("class", "").split()
    return root


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def find_all(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(SVG + tag)
    return [e for e in found if cls is None or cls in classes(e)]


def caption(root: ET.Element) -> str:
    figcaption = root.find("figcaption")
    assert figcaption is not None
    return " ".join("".join(figcaption.itertext()).split())


def marks(root: ET.Element) -> list[ET.Element]:
    return find_all(root, "g", "mark")


def centre(mark: ET.Element) -> tuple[float, float]:
    dot = next(c for c in mark.iter(SVG + "circle") if "dot" in classes(c))
    return float(dot.get("cx", "nan")), float(dot.get("cy", "nan"))


def tooltip(mark_wrap: ET.Element) -> str:
    title = mark_wrap.find(SVG + "title")
    assert title is not None and title.text is not None
    return title.text


def wraps(root: ET.Element) -> list[ET.Element]:
    """The elements holding each mark and its tooltip: a link, or a plain group."""
    return [e for e in root.iter() if classes(e) & {"mark-link", "mark-wrap"}]


def point(
    date: str,
    label: str = "An instrument",
    kind: str = "signed",
    lane: str = "UN votes",
    href: str | None = "/id/instrument/x",
    as_of: bool = False,
) -> TimelinePoint:
    return TimelinePoint(date, label, kind, lane, href, as_of)


def draw(points: list[TimelinePoint]) -> ET.Element:
    return parse(timeline(points, title="Stances", description="By date.", id_prefix="tl"))


# --- timeline ------------------------------------------------------------------------------


@pytest.mark.parametrize(("href", "role"), [(None, "img"), ("/id/instrument/x", "group")])
def test_timeline_is_an_accessible_svg_figure(href: str | None, role: str) -> None:
    """An image when nothing in it is a link; a group when its marks are links, which an image
    would hide from screen readers."""
    root = draw([point("2024-05-21", href=href)])
    svg = root.find(f".//{SVG}svg")
    assert svg is not None
    assert svg.get("role") == role
    assert svg.get("aria-labelledby") == "tl-title tl-desc"
    assert svg.get("viewBox", "").startswith("0 0 ")
    titles = {e.get("id"): e.text for e in svg if e.get("id")}
    assert titles == {"tl-title": "Stances", "tl-desc": "By date."}
    assert root.get("id") == "tl"
    assert caption(root).startswith("Stances By date.")


def test_timeline_draws_one_mark_per_dated_point_with_its_palette_class_and_letter() -> None:
    kinds = ["signed", "voted-no", "declined", "abstained", "no-record", "something-new"]
    root = draw([point(f"20{10 + i}-01-01", kind=k) for i, k in enumerate(kinds)])
    drawn = marks(root)
    assert len(drawn) == len(kinds)
    for mark, kind in zip(sorted(drawn, key=lambda m: centre(m)[0]), kinds, strict=True):
        swatch = palette.swatch(kind)
        assert swatch.css in classes(mark)
        letter = next(t for t in mark.iter(SVG + "text") if "letter" in classes(t))
        assert letter.text == swatch.letter
    legend = root.findall(".//figcaption/ul/li")
    assert [" ".join("".join(li.itertext()).split()) for li in legend] == [
        "S signed",
        "A abstained",
        "D declined",
        "N voted no",
        "? no record (the list is partial)",
        "\u00b7 something new",
    ]


def test_a_later_date_is_further_right_in_every_lane() -> None:
    dates = ["2019", "2020-05", "2020-06-02", "2021-01-01", "2021-12-31", "2024-02-29"]
    points = [point(d, label=d, lane=lane) for d in dates for lane in ("UN votes", "Other")]
    root = draw(points)
    by_label: dict[str, set[float]] = {}
    for wrap in wraps(root):
        label = tooltip(wrap).split(" \u2014 ")[0]
        mark = next(m for m in wrap.iter(SVG + "g") if "mark" in classes(m))
        by_label.setdefault(label, set()).add(centre(mark)[0])
    xs = [by_label[d] for d in dates]
    assert all(len(x) == 1 for x in xs), "both lanes share one time axis"
    flat = [x.pop() for x in xs]
    assert flat == sorted(flat) and len(set(flat)) == len(flat)


def test_year_labels_cover_the_range_of_the_data() -> None:
    root = draw([point("2021-03-01"), point("2024-11-05")])
    ticks = [t.text for t in find_all(root, "text", "tick")]
    assert ticks == ["2021", "2022", "2023", "2024"]
    assert find_all(root, "line", "minor") == []
    short = draw([point("2024-05-21"), point("2025-01-02")])
    assert [t.text for t in find_all(short, "text", "tick")] == ["2024", "2025"]
    assert len(find_all(short, "line", "minor")) == 6, "a tick at each quarter but the years'"


def test_points_on_the_same_day_in_a_lane_do_not_overlap() -> None:
    same_day = [
        point("2024-12-02", label=f"Resolution {i}", kind=k)
        for i, k in enumerate(["voted-yes", "voted-no", "abstained", "did-not-vote"])
    ]
    near = [point("2024-12-03", label="Next day"), point("2024-12-01", label="Day before")]
    root = draw(same_day + near)
    dots = [next(c for c in m.iter(SVG + "circle") if "dot" in classes(c)) for m in marks(root)]
    assert len(dots) == 6
    for a, b in itertools.combinations(dots, 2):
        ax, ay, ar = (float(a.get(k, "nan")) for k in ("cx", "cy", "r"))
        bx, by, br = (float(b.get(k, "nan")) for k in ("cx", "cy", "r"))
        assert math.dist((ax, ay), (bx, by)) >= ar + br


def test_stacking_is_deterministic_whatever_the_input_order() -> None:
    points = [
        point("2024-12-02", label=f"R{i}", kind=k)
        for i, k in enumerate(["voted-yes", "voted-no", "abstained"])
    ]
    once = timeline(points, title="t", description="d", id_prefix="a")
    assert once == timeline(points[::-1], title="t", description="d", id_prefix="a")


def test_lanes_are_drawn_in_order_of_first_appearance() -> None:
    root = draw(
        [
            point("2024", lane="Summit documents"),
            point("2023", lane="UN votes"),
            point("2022", lane="Summit documents"),
            point("2021", lane="Other"),
        ]
    )
    lanes = [t.text for t in find_all(root, "text", "lane-label")]
    assert lanes == ["Summit documents", "UN votes", "Other"]


def test_as_of_points_are_rings_and_their_tooltip_says_listed_by() -> None:
    root = draw(
        [
            point("2026-02-05", label="REAIM 2026 on the day"),
            point("2026-07-01", label="REAIM 2026 ministry list", as_of=True),
        ]
    )
    by_tip = {tooltip(w): w for w in wraps(root)}
    assert set(by_tip) == {
        "REAIM 2026 on the day \u2014 signed, 2026-02-05",
        "REAIM 2026 ministry list \u2014 signed, listed by 2026-07-01 "
        "(the date of the list, not of the act)",
    }
    as_of = [m for m in marks(root) if "as-of" in classes(m)]
    assert len(as_of) == 1
    assert "listed by" in tooltip(next(w for w in wraps(root) if as_of[0] in list(w.iter())))
    assert len(find_all(as_of[0], "circle", "hole")) == 1
    plain = next(m for m in marks(root) if "as-of" not in classes(m))
    assert find_all(plain, "circle", "hole") == []
    assert "listed by" in caption(root)


@pytest.mark.parametrize(
    ("undated", "sentence"),
    [
        (1, "1 stance without a date is not drawn."),
        (3, "3 stances without a date are not drawn."),
    ],
)
def test_undated_points_are_counted_in_the_caption_not_drawn(undated: int, sentence: str) -> None:
    points = [
        point("2024-05-21"),
        *[point("", label=f"u{i}") for i in range(undated - 1)],
        point("not a date"),
    ]
    root = draw(points)
    assert len(marks(root)) == 1
    assert sentence in caption(root)


def test_a_timeline_with_no_date_has_no_svg_and_says_why() -> None:
    root = draw([point(""), point("2024-02-30")])
    assert root.find(f".//{SVG}svg") is None
    assert "2 stances without a date are not drawn." in caption(root)


def test_a_point_with_a_link_is_a_keyboard_reachable_link_and_only_safe_links_are_kept() -> None:
    root = draw(
        [
            point("2024", label="linked", href="/id/instrument/a?x=1&y=2"),
            point("2023", label="plain", href=None),
            point("2022", label="evil", href="javascript:alert(1)"),
        ]
    )
    links = [e for e in root.iter(SVG + "a")]
    assert [(a.get("href"), tooltip(a).split(" ")[0]) for a in links] == [
        ("/id/instrument/a?x=1&y=2", "linked")
    ]
    assert len(find_all(links[0], "g", "mark")) == 1
    assert len(marks(root)) == 3


def test_every_text_is_escaped() -> None:
    nasty = '<script>alert("x")</script> O\'Brien & co'
    html = timeline(
        [point("2024", label=nasty, lane=nasty, href='/a"onmouseover="x')],
        title=nasty,
        description=nasty,
        id_prefix="tl",
    )
    assert "<script" not in html
    assert 'onmouseover="' not in html
    root = parse(html)
    assert tooltip(wraps(root)[0]).startswith(nasty + " \u2014 ")
    assert next(iter(root.iter(SVG + "a"))).get("href") == '/a"onmouseover="x'
    assert find_all(root, "text", "lane-label")[0].text == nasty
    assert caption(root).startswith(f"{nasty} {nasty}")
    html = bars([("st-signed", nasty, 1)], title=nasty, description=nasty, id_prefix="b")
    assert "<script" not in html and parse(html) is not None
    html = by_year(
        [YearPoint(2020, 0.5, 1)], title=nasty, description=nasty, id_prefix="y", y_label=nasty
    )
    assert "<script" not in html and parse(html) is not None


@pytest.mark.parametrize("prefix", ["", "1abc", 'a"b', "a b"])
def test_a_bad_id_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        timeline([point("2024")], title="t", description="d", id_prefix=prefix)


# --- bars ----------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_the_counts_and_the_counts_are_written() -> None:
    counts = [
        ("st-signed", "signed", 35),
        ("st-declined", "declined", 7),
        ("st-no-record", "no record", 0),
        ("st-did-not-sign", "did not sign", 70),
    ]
    root = parse(bars(counts, title="Per kind", description="Counts.", id_prefix="b"))
    rects = find_all(root, "rect", "bar")
    assert [sorted(classes(r) - {"bar"}) for r in rects] == [[c] for c, _l, _n in counts]
    widths = [float(r.get("width", "nan")) for r in rects]
    longest = widths[3]
    for width, (_c, _l, n) in zip(widths, counts, strict=True):
        assert width == pytest.approx(longest * n / 70, abs=0.1)
    assert [t.text for t in find_all(root, "text", "bar-count")] == ["35", "7", "0", "70"]
    assert [t.text for t in find_all(root, "text", "bar-label")] == [
        name for _c, name, _n in counts
    ]
    tips = [e.findtext(SVG + "title") for e in find_all(root, "g", "bar-row")]
    assert tips == ["signed: 35", "declined: 7", "no record: 0", "did not sign: 70"]
    assert "Total 112." in caption(root)


def test_bars_of_nothing_say_so() -> None:
    root = parse(bars([], title="Per kind", description="Counts.", id_prefix="b"))
    assert root.find(f".//{SVG}svg") is None
    assert caption(root) == "Per kind Counts. Nothing to draw."


# --- share by year -------------------------------------------------------------------------


def agreement(points: list[YearPoint]) -> ET.Element:
    html = by_year(
        points, title="By year", description="Agreement.", id_prefix="y", y_label="agreement"
    )
    return parse(html)


def test_by_year_writes_n_at_each_point_and_places_shares_on_a_0_to_100_axis() -> None:
    points = [YearPoint(2015, 0.0, 7), YearPoint(2016, 0.5, 10), YearPoint(2017, 1.0, 3)]
    root = agreement(points)
    groups = find_all(root, "g", "year-point")
    assert [g.findtext(SVG + "title") for g in groups] == [
        "2015: agreement 0% (n=7)",
        "2016: agreement 50% (n=10)",
        "2017: agreement 100% (n=3)",
    ]
    assert [t.text for g in groups for t in find_all(g, "text", "n-label")] == [
        "n=7",
        "n=10",
        "n=3",
    ]
    ys = [float(c.get("cy", "nan")) for c in find_all(root, "circle", "pt")]
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2]) and ys[0] > ys[2]
    xs = [float(c.get("cx", "nan")) for c in find_all(root, "circle", "pt")]
    assert xs == sorted(xs)
    ticks = [t.text for t in find_all(root, "text", "tick")]
    assert ticks == ["0%", "25%", "50%", "75%", "100%", "2015", "2016", "2017"]
    bins = [classes(c) - {"pt"} for c in find_all(root, "circle", "pt")]
    assert bins == [{"ag-0"}, {"ag-2"}, {"ag-4"}]


def test_by_year_leaves_a_gap_for_a_year_without_value_and_names_it() -> None:
    points = [
        YearPoint(2015, 0.7, 7),
        YearPoint(2016, 0.8, 10),
        YearPoint(2017, None, 0),
        YearPoint(2018, 0.5, 12),
        YearPoint(2020, 0.6, 9),
    ]
    root = agreement(points)
    assert len(find_all(root, "circle", "pt")) == 4
    lines = [p.get("points", "").split() for p in find_all(root, "polyline", "line")]
    assert [len(line) for line in lines] == [2, 1, 1]
    gaps = find_all(root, "g", "gap")
    assert [g.findtext(SVG + "title") for g in gaps] == [
        "2017: no value (n=0)",
        "2019: no value (n=0)",
    ]
    assert [t.text for g in gaps for t in g.iter(SVG + "text")] == ["n=0", "n=0"]
    assert "No value for 2017 and 2019: shown as gaps." in caption(root)


def test_by_year_refuses_a_share_outside_0_to_1() -> None:
    with pytest.raises(ValueError, match="not between 0 and 1"):
        agreement([YearPoint(2015, 1.5, 7)])


# --- all charts ----------------------------------------------------------------------------


def all_charts() -> list[str]:
    return [
        timeline(
            [point("2024-05-21", as_of=True), point("2023", href=None)],
            title="t",
            description="d",
            id_prefix="tl",
        ),
        bars([("st-signed", "signed", 3)], title="b", description="d", id_prefix="b"),
        by_year(
            [YearPoint(2020, 0.5, 2), YearPoint(2022, 0.2, 1)],
            title="y",
            description="d",
            id_prefix="y",
            y_label="agreement",
        ),
    ]


def test_no_chart_needs_what_the_content_security_policy_forbids() -> None:
    for html in all_charts():
        assert "style=" not in html
        assert "<style" not in html
        assert "<script" not in html
        assert "on" not in {a[:2] for e in parse(html).iter() for a in e.attrib}


def test_every_class_a_chart_uses_is_styled() -> None:
    styled = set(re.findall(r"\.([A-Za-z][\w-]*)", CHARTS_CSS.read_text() + palette.stylesheet()))
    used = {c for html in all_charts() for e in parse(html).iter() for c in classes(e)}
    assert used - styled <= {
        "mark-wrap",
        "lane",
        "lane-name",
        "lane-marks",
        "bar-row",
        "year-point",
        "gap",
        "chart-note",
    }
    assert {"chart", "chart-svg", "mark", "dot", "as-of", "hole", "bar", "pt"} <= used & styled
