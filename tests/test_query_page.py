"""The query page (``/query``): YASGUI vendored and served by govkg, and a plain form without it.

Over HTTP (the app in-process): the page loads scripts and styles from its own origin only, under
the site's CSP; the vendored files come with their media types; without JavaScript a query sent
to ``/query`` comes back as an escaped HTML table (SELECT, ASK, CONSTRUCT, errors); ``govkg
publish`` writes the page and its files.  In headless Chromium with every non-loopback host
unresolvable, on ``govkg serve`` as a user runs it: the page starts YASGUI, a query typed into the
editor runs on Ctrl-Enter against ``/sparql`` and YASGUI's table shows the rows the store gives;
the screenshot is kept for a person to look at.  Chromium is driven over the DevTools protocol on
a pipe (``--remote-debugging-pipe``).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from cdp import DevTools, Tab
from click.testing import CliRunner
from paths import ROOT
from servers import in_process, running_serve
from test_browser import SIZES, _ink, _png_size

from govkg.cli import cli
from govkg.project import find_project
from govkg.queries import catalogue
from govkg.server import ServerSettings, create_app
from govkg.server.catalogue import example_text
from govkg.server.querypage import PATHS, VENDOR_FILES, static_file
from govkg.store import Store

VENDOR = "/static/vendor/yasgui/"
#: Two states' labels: the rows every path of the page must show.
LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX state: <https://w3id.org/govkg/id/state/>
SELECT ?s ?label WHERE { VALUES ?s { state:CHN state:USA } ?s rdfs:label ?label } ORDER BY ?s"""
#: The catalogue query the plain form is checked against (its rows at ``/queries/NAME.json``).
EXAMPLE = "stances-on-instrument"


class _Page(HTMLParser):
    """The URLs a page loads (script src, link href) and the cells of each table."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.loads.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.loads.append(str(values["href"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(store, ServerSettings())) as http_client:
        yield http_client


def _ask(client: httpx.Client, query: str) -> httpx.Response:
    return client.get("/query", params={"query": query})


# --- over HTTP ----------------------------------------------------------------------------------


def test_page_loads_only_its_own_files(client: httpx.Client) -> None:
    response = client.get("/query")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'self'"
    page = _parse(response.text)
    assert "./static/vendor/yasgui/yasgui.min.js" in page.loads
    assert "./static/vendor/yasgui/yasgui.min.css" in page.loads
    for url in page.loads:
        assert not urlsplit(url).scheme and not url.startswith("//"), url
        assert client.get(url.removeprefix(".")).status_code == 200, url
    assert "cdn" not in response.text.lower()
    assert "▶" not in response.text  # the intro names the Run button every version of it has
    assert "<button>Run</button>" in response.text


@pytest.mark.parametrize("name", sorted(VENDOR_FILES))
def test_vendored_files_are_served(client: httpx.Client, name: str) -> None:
    response = client.get(VENDOR + name)
    assert response.status_code == 200
    assert response.headers["content-type"] == VENDOR_FILES[name]
    assert response.content == static_file("vendor/yasgui/" + name)
    assert response.headers["cache-control"] == "public, max-age=86400"
    again = client.get(VENDOR + name, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""  # 1 MB not sent twice


def test_vendored_files_and_licence(client: httpx.Client) -> None:
    assert (
        client.get(VENDOR + "yasgui.min.js").headers["content-type"].startswith("text/javascript")
    )
    assert client.get(VENDOR + "yasgui.min.css").headers["content-type"].startswith("text/css")
    assert "MIT License" in client.get(VENDOR + "LICENSE").text
    assert "@zazuko/yasgui" in client.get(VENDOR + "README.md").text
    assert client.get(VENDOR + "yasgui.esm.js").status_code == 404
    assert client.get(VENDOR + "..%2F..%2Fquery.js").status_code == 404


def test_plain_form_shows_a_table(client: httpx.Client) -> None:
    response = _ask(client, LABELS)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == "default-src 'self'"
    assert "<sparql" not in response.text
    (table,) = _parse(response.text).tables[-1:]
    assert table == [
        ["s", "label"],
        ["state:CHN", "China"],
        ["state:USA", "United States of America"],
    ]
    assert "<p>2 rows.</p>" in response.text
    assert 'href="./doc/state/CHN.html"' in response.text


def test_plain_form_answers_a_catalogue_query_as_the_catalogue_does(client: httpx.Client) -> None:
    query = next(q for q in catalogue(find_project(ROOT)) if q.name == EXAMPLE)
    page = _parse(_ask(client, example_text(query)).text)
    expected = client.get(f"/queries/{EXAMPLE}.json").json()
    table = page.tables[-1]
    assert table[0] == expected["head"]["vars"]
    assert len(table) - 1 == len(expected["results"]["bindings"]) > 10
    literal = [
        [b[v]["value"] if b.get(v, {}).get("type") == "literal" else None for v in table[0]]
        for b in expected["results"]["bindings"]
    ]
    for row, values in zip(table[1:], literal, strict=True):
        for cell, value in zip(row, values, strict=True):
            if value is not None:  # GROUP_CONCAT's order is the store's: compare as sets
                assert sorted(cell.removesuffix(" xsd:date").split()) == sorted(value.split())


def test_plain_form_ask_construct_and_escaping(client: httpx.Client) -> None:
    assert "Answer: <strong>yes</strong>" in _ask(client, "ASK { ?s ?p ?o }").text
    construct = LABELS.replace("SELECT ?s ?label", "CONSTRUCT { ?s rdfs:label ?label }")
    table = _parse(_ask(client, construct.replace(" ORDER BY ?s", "")).text).tables[-1]
    assert table[0] == ["subject", "predicate", "object"]
    assert sorted(table[1:]) == [
        ["state:CHN", "rdfs:label", "China"],
        ["state:USA", "rdfs:label", "United States of America"],
    ]
    text = _ask(client, 'SELECT ?x WHERE { BIND("<script>x</script>" AS ?x) }').text
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "<script>x" not in text


def test_plain_form_reports_a_bad_query(client: httpx.Client) -> None:
    response = _ask(client, "SELEC ?x")
    assert response.status_code == 400
    assert '<p class="error">The query failed (400): SPARQL syntax error' in response.text
    assert "SELEC ?x</textarea>" in response.text  # the query stays in the form to fix


def _publish(tmp_path: Path, *options: str) -> Path:
    from test_publish import BASE, copy_slice

    outdir = tmp_path / "site"
    args = ["--root", str(copy_slice(tmp_path / "slice")), "publish", str(outdir)]
    result = CliRunner().invoke(cli, [*args, "--base-url", BASE, *options])
    assert result.exit_code == 0, result.output
    return outdir


def test_publish_writes_the_query_page(tmp_path: Path) -> None:
    """A static copy runs no query: its editor sends them to the graph's endpoint elsewhere, and
    its pages may connect there (and nowhere else)."""
    outdir = _publish(tmp_path, "--sparql-endpoint", "https://example.org/sparql")
    assert {f"/static/vendor/yasgui/{name}" for name in VENDOR_FILES} < set(PATHS)
    for path in PATHS:
        assert (outdir / path.lstrip("/")).is_file(), path
    vendored = outdir / "static/vendor/yasgui/yasgui.min.js"
    assert vendored.read_bytes() == static_file("vendor/yasgui/yasgui.min.js")
    page = (outdir / "query.html").read_text()
    assert "./static/vendor/yasgui/yasgui.min.js" in page
    assert 'data-endpoint="https://example.org/sparql"' in page
    assert '<form id="plain-query" method="get" action="https://example.org/sparql">' in page
    policy = "default-src 'self'; connect-src 'self' https://example.org"
    assert f'Header set Content-Security-Policy "{policy}"' in (outdir / ".htaccess").read_text()


def test_a_copy_without_an_endpoint_says_so_on_its_query_page(tmp_path: Path) -> None:
    outdir = _publish(tmp_path)
    page = (outdir / "query.html").read_text()
    assert "This copy of the site has no SPARQL endpoint." in page
    assert 'href="./sparql/"' in page  # where to download the graph
    for absent in ('id="yasgui"', "yasgui.min.js", 'id="plain-query"'):  # nothing that cannot run
        assert absent not in page
    assert "<h2>Examples</h2>" in page  # the catalogue's answers (none in this slice) stay listed
    htaccess = (outdir / ".htaccess").read_text()
    assert "Header set Content-Security-Policy \"default-src 'self'\"" in htaccess


# --- in Chromium, offline -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """``govkg serve`` as a user runs it over the shipped project: the page from the pages'
    process, the editor's queries answered by the query processes."""
    with running_serve("--query-workers", "1") as (url, _process):
        yield url


ROWS_JS = """Array.from(document.querySelectorAll('.yasr table.dataTable tbody tr'))
  .map(tr => Array.from(tr.querySelectorAll('td')).slice(1).map(td => td.innerText.trim()))"""
CONTROL = 2  # the DevTools protocol's modifier bit for Ctrl
#: Every host but the loopback address is unresolvable: the network is unplugged for the page.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def test_editor_runs_a_typed_query_offline(base_url: str, tmp_path: Path) -> None:
    browser = DevTools(tmp_path / "profile", OFFLINE)
    try:
        tab = Tab(browser, base_url + "/query")
        tab.wait_for("document.querySelector('.yasqe .CodeMirror') !== null")
        assert tab.value("document.getElementById('plain-query').hidden") is True
        tab.value(
            "document.querySelector('.yasqe .CodeMirror').CodeMirror.execCommand('selectAll')"
        )
        tab.value("document.querySelector('.yasqe .CodeMirror textarea').focus()")
        tab.call("Input.insertText", text=LABELS)
        assert tab.value("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()") == (
            LABELS
        )
        tab.key("Escape", 27)  # closes the variable completer's list the typing opened
        tab.key("Enter", 13, CONTROL)
        rows = tab.wait_for(f"(() => {{ const r = {ROWS_JS}; return r.length ? r : null }})()")
        shots = {size: tab.screenshot(size) for size in sorted(SIZES)}
        requested = tab.requested()
    finally:
        browser.close()
    assert rows == [
        ["state:CHN", '"China"@en'],
        ["state:USA", '"United States of America"@en'],
    ]
    for size, shot in shots.items():
        assert _png_size(shot) == SIZES[size] and _ink(shot) > 0.02, shot
    hosts = {urlsplit(url).hostname for url in requested if urlsplit(url).scheme != "data"}
    assert hosts == {"127.0.0.1"}, requested
    assert any(url.endswith("/sparql") for url in requested)
    assert base_url + VENDOR + "yasgui.min.js" in requested


def test_form_link_runs_in_the_editor_too(base_url: str, tmp_path: Path) -> None:
    """``/query?query=…`` opens the query in YASGUI and runs it (the no-JS answer is hidden)."""
    browser = DevTools(tmp_path / "profile", OFFLINE)
    try:
        tab = Tab(browser, base_url + "/query?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
        answer = tab.wait_for(
            "(() => { const e = document.querySelector('.yasr .yasr_results');"
            " return e && e.innerText.trim() })()"
        )
        hidden = tab.value("document.getElementById('plain-answer').hidden")
    finally:
        browser.close()
    assert "true" in answer.lower()
    assert hidden is True
