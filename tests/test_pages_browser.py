"""The researcher pages in headless Chromium, offline: instrument and state profiles, the
comparison of two states, the matrix and its P5 preset.

Each page is served for real (uvicorn on 127.0.0.1) and opened at a laptop's and a phone's size
in a Chromium that resolves no host but 127.0.0.1 (test_query_page's DevTools driver).  For each:
every request went to the loopback server, the console reports no Content-Security-Policy
violation, the server-drawn map and charts are in the page and styled by ``/style.css`` (the
palette's colour for a declined stance on the map, marks on the timeline, ``n`` labels on the
by-year chart), nothing but a table or a chart's scroll box is wider than a phone's screen, and
Tab from the top of the page reaches a state on the map.  The screenshots are kept under
``tests/output/screenshots/pages-*.png`` for a person to look at.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from paths import ROOT
from servers import serve_url
from test_browser import SHOTS, SIZES, _ink, _png_size
from test_query_page import OFFLINE, DevTools, Tab

from govkg.project import ROOT_ENV
from govkg.server import ServerSettings, create_app
from govkg.site.palette import BY_KEY
from govkg.store import Store

INSTRUMENT = "/doc/instrument/reaim-2026-pathways-to-action.html"
STATE = "/doc/state/USA.html"
#: name → path of each page type
PAGES = {
    "instrument": INSTRUMENT,
    "state": STATE,
    "compare": "/compare/CHN/USA.html",
    "matrix": "/matrix.html",
    "p5": "/matrix/p5.html",
}
#: A page's SVG: the expression counting what must be drawn, and the least count.
DRAWN = {
    "instrument": ("document.querySelectorAll('figure.map svg path').length", 150),
    "state": ("document.querySelectorAll('figure.map svg path').length", 150),
    "compare": ("document.querySelectorAll('figure.chart-by-year text.n-label').length", 4),
    "matrix": ("document.querySelectorAll('table.matrix tbody td').length", 1000),
    "p5": ("document.querySelectorAll('table.matrix tbody td').length", 50),
}
#: Elements that may be wider than the screen: they scroll inside themselves.
SCROLLERS = ".table-wrap, .chart-scroll"
#: Every element (not inside a scroll box) whose right edge is past the screen's (the page's
#: width as its viewport meta tag sets it: ``innerWidth`` grows with an element too wide).
WIDER_JS = f"""Array.from(document.body.querySelectorAll('*'))
  .filter(e => !e.closest({SCROLLERS!r})
          && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
       ? '.' + e.className : '')).slice(0, 10)"""
#: Tables whose rows stack on a phone and are still wider than their box (cut off there).
STACKED_WIDER_JS = """Array.from(document.querySelectorAll('table.stack'))
  .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
  .map(t => t.closest('.table-wrap').previousElementSibling?.textContent)"""
#: Cells of stacked tables that show a label with nothing in it (": compare").
EMPTY_LABEL_JS = """Array.from(document.querySelectorAll('table.stack td[data-label=""]'))
  .filter(td => getComputedStyle(td, '::before').content !== 'none').length"""
#: The fill Chromium computed for the USA on the REAIM 2026 map (declined).
USA_FILL_JS = """getComputedStyle(document.querySelector(
  'figure.map a[href$="state/USA.html"] path')).fill"""
TAB_KEY = 9


def _rgb(colour: str) -> str:
    """``#cc79a7`` as getComputedStyle gives it: ``rgb(204, 121, 167)``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


class Page(Tab):
    """A tab opened at one of test_browser's sizes, its console's log entries collected."""

    def __init__(self, browser: DevTools, url: str, size: str) -> None:
        super().__init__(browser, "about:blank")
        width, height = SIZES[size]
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=size == "phone")  # fmt: skip
        self.call("Log.enable")
        self.call("Page.navigate", url=url)
        self.wait_for(f"location.href === {url!r} && document.readyState === 'complete'")

    def _events(self, method: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self.browser.events
            if e.get("method") == method and e.get("sessionId") == self.session
        ]

    def requested(self) -> list[str]:
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    def console(self) -> list[str]:
        """The console's messages (log entries: CSP violations, failed loads, errors)."""
        self.value("0")  # reads the events Chromium sent since the last call
        return [e["entry"]["text"] for e in self._events("Log.entryAdded")]

    def save(self, name: str) -> Path:
        """A screenshot of the viewport as ``screenshots/NAME.png``."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{name}.png"
        shot.write_bytes(base64.b64decode(self.call("Page.captureScreenshot")["data"]))
        return shot


@pytest.fixture(scope="module")
def base_url(store: Store) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_ENV, str(ROOT))
        app = create_app(store, ServerSettings())
    with serve_url(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    """One offline Chromium for the module; each test opens its own tab."""
    chromium = DevTools(tmp_path_factory.mktemp("chromium") / "profile", OFFLINE)
    yield chromium
    chromium.close()


Opener = Callable[[str, str], Page]


@pytest.fixture
def open_page(browser: DevTools, base_url: str) -> Iterator[Opener]:
    """Opens one of PAGES at one of SIZES in a new tab; the test's tabs are closed after it."""
    opened: list[Page] = []

    def opener(name: str, size: str) -> Page:
        opened.append(Page(browser, base_url + PAGES[name], size))
        return opened[-1]

    yield opener
    for page in opened:
        page.call("Page.close")


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_renders_offline(open_page: Opener, base_url: str, name: str, size: str) -> None:
    page = open_page(name, size)
    count, least = DRAWN[name]
    drawn = page.value(count)
    width = page.value("[document.documentElement.scrollWidth, innerWidth]")
    screen = SIZES[size][0]
    wider = page.value(WIDER_JS)
    stacked, empty = page.value(STACKED_WIDER_JS), page.value(EMPTY_LABEL_JS)
    shot = page.save(f"pages-{name}-{size}")
    requested, console = page.requested(), page.console()
    hosts = {urlsplit(url).hostname for url in requested if urlsplit(url).scheme != "data"}
    assert hosts == {"127.0.0.1"}, requested
    assert base_url + "/style.css" in requested
    assert not [m for m in console if "Content Security Policy" in m], console
    assert drawn >= least, (count, drawn)
    assert width[0] <= screen + 1 and width[1] == screen, (width, wider)
    assert wider == [], wider
    assert empty == 0
    if size == "phone":
        assert stacked == [], stacked  # a stacked table fits the screen: nothing is cut off
    assert _png_size(shot) == SIZES[size] and _ink(shot) > 0.02, shot


def test_console_reports_a_csp_violation(open_page: Opener) -> None:
    """The check above can fail: an inline style the page adds is refused and logged."""
    page = open_page("compare", "laptop")
    page.value("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    deadline = time.monotonic() + 10
    while not (violations := [m for m in page.console() if "Content Security Policy" in m]):
        assert time.monotonic() < deadline, page.console()
        time.sleep(0.1)
    assert len(violations) == 1 and "style-src" in violations[0], violations


def test_map_colours_a_declined_state_with_the_palette(open_page: Opener) -> None:
    page = open_page("instrument", "laptop")
    assert page.value(USA_FILL_JS) == _rgb(BY_KEY["declined"].colour) == "rgb(204, 121, 167)"
    title = "document.querySelector('figure.map a[href$=\"state/USA.html\"] title').textContent"
    assert page.value(title) == "United States of America: declined"
    kinds = page.value("Array.from(document.querySelectorAll('#kinds rect.bar'))"
                       ".map(r => [r.classList[1], getComputedStyle(r).fill])")  # fmt: skip
    assert kinds == [
        [f"st-{k}", _rgb(BY_KEY[k].colour)] for k in ("signed", "endorsed", "declined")
    ]
    left = page.value("Array.from(document.querySelectorAll('#kinds text.bar-label'))"
                      ".map(t => [t.textContent, t.getBBox().x])")  # fmt: skip
    assert [label for label, _x in left] == ["signed", "endorsed", "declined"]
    assert all(x >= 0 for _label, x in left), left  # no label cut at the chart's left edge


@pytest.mark.parametrize("size", sorted(SIZES))
def test_ideal_point_scale_ends_under_the_strips_ends(open_page: Opener, size: str) -> None:
    """The strip's scale (HTML under the SVG) is as wide as the strip, at any screen width."""
    page = open_page("state", size)
    svg, axis = page.value(
        "['#ideal-point svg', '#ideal-point .chart-strip-axis'].map(s => {"
        " const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right]; })"
    )
    assert abs(svg[0] - axis[0]) <= 1 and abs(svg[1] - axis[1]) <= 1, (svg, axis)


def test_matrix_leaves_room_for_its_cells_on_a_phone(open_page: Opener) -> None:
    """The actors' column stays put while the cells scroll: on a phone it takes at most two
    fifths of the screen, so the first cells are seen next to it."""
    page = open_page("matrix", "phone")
    widths = page.value("Array.from(document.querySelectorAll('table.matrix tbody th'))"
                        ".map(th => th.getBoundingClientRect().width)")  # fmt: skip
    assert len(widths) > 150 and max(widths) <= 0.4 * page.value("innerWidth"), max(widths)
    assert min(widths) >= 100, min(widths)  # names wrap between words, not after each letter
    cells = page.value(
        "Array.from(document.querySelector('table.matrix tbody tr').cells)"
        ".filter(c => c.getBoundingClientRect().right <= innerWidth).length"
    )
    assert cells >= 6, cells


def test_state_timeline_and_agreement_map(open_page: Opener) -> None:
    page = open_page("state", "laptop")
    marks = page.value("document.querySelectorAll('#timeline a.mark-link g.mark').length")
    rows = page.value("document.querySelectorAll('h2 ~ .table-wrap table tbody tr').length")
    assert marks >= 10 and rows > marks
    box = page.value("(() => { const r = document.querySelector('#timeline svg')"
                     ".getBoundingClientRect(); return [r.width, r.height] })()")  # fmt: skip
    assert box[0] > 500 and box[1] > 150, box  # drawn at its size, not collapsed
    agreement = page.value(
        "Array.from(document.querySelectorAll('figure.map svg path[class^=\"ag-\"]'))"
        ".map(p => getComputedStyle(p).fill)"
    )
    assert len(agreement) > 20 and len(set(agreement)) >= 3, agreement
    assert "rgb(0, 0, 0)" not in agreement  # every bin has its colour from the stylesheet


def test_by_year_chart_labels_each_point_with_n(open_page: Opener) -> None:
    page = open_page("compare", "phone")
    labels = page.value(
        "Array.from(document.querySelectorAll('#years g.year-point text.n-label'))"
        ".map(t => t.textContent)"
    )
    table = page.value("Array.from(document.querySelectorAll('#years + .table-wrap tbody tr'))"
                       ".filter(tr => tr.cells[2].textContent.trim() !== 'undefined')"
                       ".map(tr => 'n=' + tr.cells[1].textContent)")  # fmt: skip
    assert labels == table and len(labels) >= 4, (labels, table)
    points = page.value("document.querySelectorAll('#years circle.pt').length")
    assert points == len(labels)
    gaps = page.value(
        "Array.from(document.querySelectorAll('#years g.gap text.n-label')).map(t => t.textContent)"
    )
    assert gaps and set(gaps) == {"n=0"}  # 2019 (no instrument in common) and the years between


@pytest.mark.parametrize("name", ["instrument", "state"])
def test_tab_reaches_the_map(open_page: Opener, name: str) -> None:
    page = open_page(name, "laptop")
    seen = []
    for _ in range(400):
        page.key("Tab", TAB_KEY)
        focused = page.value(
            "(() => { const e = document.activeElement; return e && e.closest('figure.map')"
            " ? e.getAttribute('href') : null })()"
        )
        if focused:
            break
        seen.append(page.value("document.activeElement.tagName"))
    assert focused and focused.endswith(".html") and "/state/" in focused, seen[-10:]
    outline = page.value("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focused state is seen: map.css outlines it
