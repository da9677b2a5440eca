"""The pages in a real browser: headless Chromium renders them at a phone's and a laptop's size.

Each screenshot is checked (a PNG of the requested size, not one flat colour) and kept under
``tests/output/screenshots/`` for a person to look at; ``--dump-dom`` gives the DOM Chromium
built, which must have the page's heading and its links.  Chromium comes from Debian
(``scripts/install-test-tools.sh``); without it these tests fail, they are never skipped.
"""

from __future__ import annotations

import re
import struct
import subprocess
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT
from PIL import Image
from servers import running_serve

from govkg.cli import cli
from govkg.namespaces import DATA_BASE
from govkg.store import Store

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "output" / "screenshots"
TIMEOUT_S = 90
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
#: name → (path, the text its h1 must have; None: the resource's rdfs:label in the store)
PAGES = {
    "home": ("/", "govkg"),
    "state": ("/doc/state/USA", None),
    "instrument": ("/doc/instrument/reaim-2026-pathways-to-action", None),
    "index": ("/instruments.html", "Instruments"),
    "search": ("/search?q=united", "Search"),
}
LABEL = "SELECT ?s ?l WHERE { ?s rdfs:label ?l }"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _require_chromium() -> None:
    """Fail (never skip) when the browser is missing, saying how to install it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-test-tools.sh (Debian's chromium)")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """``govkg serve`` as a user runs it over the shipped project (the pages relayed by its
    query processes to its pages' process)."""
    with running_serve("--query-workers", "1") as (url, _process):
        yield url


def _heading(store: Store, name: str) -> str:
    path, heading = PAGES[name]
    if heading is not None:
        return heading
    iri = DATA_BASE + path.removeprefix("/doc/")
    return str(getattr(store.query(LABEL, {"s": ox.NamedNode(iri)}).rows[0][1], "value", ""))


def _run(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    _require_chromium()
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (the signature, then the IHDR chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def _ink(path: Path) -> float:
    """The share of pixels that differ from the most common colour (the background)."""
    with Image.open(path) as image:
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=pixels.width * pixels.height) or []
    assert len(colours) > 1, f"{path} is one flat colour"
    background = max(count for count, _colour in colours)
    return 1 - background / (pixels.width * pixels.height)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_screenshot(base_url: str, tmp_path: Path, name: str, size: str) -> None:
    width, height = SIZES[size]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}-{size}.png"
    shot.unlink(missing_ok=True)
    url = base_url + PAGES[name][0]
    _run(tmp_path / "profile", f"--window-size={width},{height}",
         f"--screenshot={shot}", url)  # fmt: skip
    print(f"screenshot of {url} at {width}x{height}: {shot}")
    assert shot.exists(), f"Chromium wrote no screenshot to {shot}"
    assert _png_size(shot) == (width, height)
    assert _ink(shot) > 0.02, f"{shot} is nearly blank"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_rendered_dom(base_url: str, store: Store, tmp_path: Path, name: str) -> None:
    path, heading = PAGES[name][0], _heading(store, name)
    assert heading
    dom = _run(tmp_path / "profile", "--dump-dom", base_url + path).stdout
    h1 = re.search(r"<h1>(.*?)</h1>", dom, re.DOTALL)
    assert h1 is not None, dom[:2000]
    assert unescape(h1.group(1).strip()) == heading
    links = re.findall(r'<a [^>]*href="([^"]+)"', dom)
    assert len(links) >= 10
    assert any("doc/" in link for link in links)
    assert 'class="site"' in dom and 'action="' in dom


# --- the published static site, served by a plain static file server --------------------------


@pytest.fixture(scope="module")
def static_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A slice of the project published with ``govkg publish``, served by http.server."""
    from test_publish import _static, copy_slice  # the publishing tests' slice and server

    root = copy_slice(tmp_path_factory.mktemp("browser-slice"))
    site = tmp_path_factory.mktemp("browser-site") / "site"
    args = ["--root", str(root), "publish", str(site), "--base-url", "https://example.org/kg/"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    with _static(site) as client:
        yield str(client.base_url).rstrip("/")


@pytest.mark.parametrize("path", ["/index.html", "/doc/state/USA.html", "/states.html"])
def test_published_pages_render(static_url: str, tmp_path: Path, path: str) -> None:
    width, height = SIZES["laptop"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"published-{path.strip('/').replace('/', '-')}.png"
    shot.unlink(missing_ok=True)
    _run(tmp_path / "profile", f"--window-size={width},{height}", f"--screenshot={shot}",
         static_url + path)  # fmt: skip
    assert _png_size(shot) == (width, height)
    assert _ink(shot) > 0.02, f"{shot} is nearly blank"
    dom = _run(tmp_path / "profile2", "--dump-dom", static_url + path).stdout
    assert re.search(r"<h1>.+?</h1>", dom, re.DOTALL), dom[:2000]
    assert 'href="' in dom and "style.css" in dom
