"""The HTML side of the server, called in process: resource pages (paged links, stances and their
sources, embedded JSON-LD), the search, the index pages, escaping, and relative links that resolve.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from paths import ROOT
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO
from servers import in_process

from govkg.namespaces import DATA_BASE, GK
from govkg.rdf import to_oxigraph, to_rdflib
from govkg.server import ServerSettings, create_app
from govkg.site.paths import INDEX_PATHS
from govkg.store import OxigraphStore, Store

USA = DATA_BASE + "state/USA"
STANCE = DATA_BASE + "stance/paris-statement-2025--USA"
HUB = DATA_BASE + "source/hub"
MANY = DATA_BASE + "series/many"
XSS = DATA_BASE + "state/XSS"
EVIL = "javascript:alert(1)"
RDFS_LABEL = str(RDFS.label)


class Parsed(HTMLParser):
    """What the tests look at in a page: links, headings, table rows and data blocks."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.h1 = ""
        self.rows = 0
        self.scripts: list[tuple[str, str]] = []
        self._in: list[str] = []
        self._script_type: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "href" in values:
            self.hrefs.append(values["href"] or "")
        if tag == "tr" and "tbody" in self._in:
            self.rows += 1
        if tag == "script":
            self._script_type = values.get("type") or ""
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "h1":
            self.h1 += data
        if self._script_type is not None:
            self.scripts.append((self._script_type, data))
            self._script_type = None


def _get(client: httpx.Client, path: str) -> Parsed:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["content-security-policy"] == "default-src 'self'"
    return Parsed(response.text)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(store, ServerSettings())) as http:
        yield http


def _fixture_triples() -> Graph:
    """A hub with 250 incoming links, a resource with 250 values, and markup everywhere else."""
    graph = Graph()
    hub, many, xss = URIRef(HUB), URIRef(MANY), URIRef(XSS)
    graph.add((hub, RDF.type, GK.Article))
    graph.add((hub, RDFS.label, Literal("The hub")))
    for number in range(250):
        stance = URIRef(f"{DATA_BASE}stance/s{number:03d}")
        graph.add((stance, PROV.wasDerivedFrom, hub))
        graph.add((stance, RDFS.label, Literal(f"Stance {number:03d}")))
        graph.add((many, SDO.hasPart, URIRef(f"{DATA_BASE}event/e{number:03d}")))
    markup = "<b>bold</b> <img src=x onerror=alert(1)> </script><script>alert(1)</script>"
    evil = URIRef(EVIL)
    instrument, source = URIRef(DATA_BASE + "instrument/x"), URIRef(DATA_BASE + "source/x")
    stance = URIRef(DATA_BASE + "stance/x--XSS")
    theme = URIRef(DATA_BASE + "theme/x")
    for subject, kind in [
        (xss, GK.State),
        (evil, GK.State),
        (instrument, GK.Instrument),
        (URIRef(DATA_BASE + "event/x"), SDO.Event),
        (URIRef(DATA_BASE + "person/x"), URIRef("http://xmlns.com/foaf/0.1/Person")),
        (theme, URIRef("http://www.w3.org/2004/02/skos/core#Concept")),
    ]:
        graph.add((subject, RDF.type, kind))
        graph.add((subject, RDFS.label, Literal(markup, lang="en")))
    graph.add((theme, URIRef("http://www.w3.org/2004/02/skos/core#inScheme"),
               URIRef(DATA_BASE + "scheme/theme")))  # fmt: skip
    graph.add((theme, URIRef("http://www.w3.org/2004/02/skos/core#broader"), evil))
    graph.add((URIRef(DATA_BASE + "event/x"), SDO.location, evil))
    graph.add((xss, GK.iso3, Literal(markup)))
    graph.add((xss, RDFS.seeAlso, evil))
    graph.add((evil, RDFS.seeAlso, xss))
    graph.add((stance, RDF.type, GK.Stance))
    graph.add((stance, GK.actor, xss))
    graph.add((stance, GK.instrument, instrument))
    graph.add((stance, PROV.wasDerivedFrom, source))
    graph.add((source, DCTERMS.title, Literal(markup)))
    graph.add((source, SDO.url, evil))
    return graph


@pytest.fixture(scope="module")
def fixture_store() -> Store:
    store = OxigraphStore()
    store.load(ox.Quad(*(to_oxigraph(term) for term in triple)) for triple in _fixture_triples())
    return store


@pytest.fixture(scope="module")
def small(fixture_store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(fixture_store, ServerSettings())) as http:
        yield http


# --- paging -------------------------------------------------------------------------------------


def _stance_links(page: Parsed) -> list[str]:
    return [h for h in page.hrefs if "/doc/stance/s" in h]


def test_incoming_links_are_paged(small: httpx.Client) -> None:
    first = _get(small, "/doc/source/hub")
    assert len(_stance_links(first)) == 100
    assert "./hub.page-2.html" in first.hrefs and "./hub.page-3.html" in first.hrefs
    assert not any("page-0" in h or "page-1." in h for h in first.hrefs)
    following = urljoin(str(small.base_url) + "/doc/source/hub", "./hub.page-2.html")
    second = Parsed(small.get(following).text)
    assert len(_stance_links(second)) == 100
    assert {"./hub.html", "./hub.page-3.html"} <= set(second.hrefs)
    third = _get(small, "/doc/source/hub.page-3.html")
    assert len(_stance_links(third)) == 50
    assert "./hub.page-2.html" in third.hrefs
    assert not any("page-4" in h for h in third.hrefs)
    assert _stance_links(_get(small, "/doc/source/hub?page=3")) == _stance_links(third)
    assert set(_stance_links(first)).isdisjoint(_stance_links(third))


def test_page_counts_and_out_of_range(small: httpx.Client) -> None:
    text = small.get("/doc/source/hub?page=3").text
    assert "201&ndash;250 of 250" in text
    assert "Page 3 of 3" in text
    assert _stance_links(_get(small, "/doc/source/hub?page=99")) == _stance_links(
        _get(small, "/doc/source/hub?page=3")
    )
    refused = small.get("/doc/source/hub?page=abc")
    assert refused.status_code == 400
    assert "page 'abc': expected a whole number, 1 or more" in refused.text


def test_properties_are_paged(small: httpx.Client) -> None:
    events = [
        [h for h in _get(small, f"/doc/series/many?page={n}").hrefs if "/doc/event/e" in h]
        for n in (1, 2, 3)
    ]
    assert [len(e) for e in events] == [100, 100, 50]
    assert len(set(events[0] + events[1] + events[2])) == 250


def test_rdf_documents_are_not_paged(small: httpx.Client) -> None:
    graph = Graph().parse(data=small.get("/doc/source/hub.ttl").text, format="turtle")
    assert len(set(graph.subjects(PROV.wasDerivedFrom, URIRef(HUB)))) == 250


# --- stances and their sources -------------------------------------------------------------------


def _sources_in_sources_ttl() -> dict[str, tuple[str, str]]:
    """Source IRI → (title, URL) for the sources graph/sources.ttl gives a URL and title."""
    graph = Graph().parse(ROOT / "graph" / "sources.ttl")
    return {
        str(source): (str(graph.value(source, DCTERMS.title)), str(url))
        for source, url in graph.subject_objects(SDO.url)
        if graph.value(source, DCTERMS.title) is not None
    }


def _values(store: Store, query: str, **bindings: str) -> list[str]:
    """The last column of a query's rows, as text (bindings are IRIs)."""
    terms = {name: ox.NamedNode(iri) for name, iri in bindings.items()}
    return [str(getattr(row[-1], "value", "")) for row in store.query(query, terms).rows]


def _cited(store: Store, stance: str) -> set[str]:
    query = "SELECT ?s ?src WHERE { ?s prov:wasDerivedFrom ?src }"
    return set(_values(store, query, s=stance))


def test_stance_page_shows_its_sources(client: httpx.Client, store: Store) -> None:
    response = client.get("/doc/stance/paris-statement-2025--USA")
    page = Parsed(response.text)
    known = _sources_in_sources_ttl()
    cited = _cited(store, STANCE) & set(known)
    assert cited, "the stance cites a source that graph/sources.ttl describes"
    assert "Sources behind this stance" in response.text
    for source in cited:
        title, url = known[source]
        assert url in page.hrefs
        assert "../../doc/source/" + source.rsplit("/", 1)[1] + ".html" in page.hrefs
        assert escape(title) in response.text


def test_us_page_shows_the_sources_of_its_stances(client: httpx.Client, store: Store) -> None:
    response = client.get("/doc/state/USA")
    page = Parsed(response.text)
    assert "Stances by date" in response.text
    known = _sources_in_sources_ttl()
    cited = _cited(store, STANCE) & set(known)
    assert any(known[source][1] in page.hrefs for source in cited)
    query = (
        "SELECT ?a (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Stance ; gk:actor ?a } GROUP BY ?a"
    )
    stances = int(_values(store, query, a=USA)[0])
    assert f'Stances by date <span class="count">({stances})' in response.text


def test_instrument_page_lists_its_stances(client: httpx.Client) -> None:
    text = client.get("/doc/instrument/paris-statement-2025").text
    assert "Stances by date" in text
    assert 'href="../../doc/state/USA.html"' in text
    assert "declined" in text


_DATE = re.compile(
    r'<td data-label="Date"[^>]*><abbr class="date ([a-z-]+)" title="([^"]+)">([^<]*)</abbr>'
)
_ROW = re.compile(r"<tr>.*?</tr>", re.S)


def _stance_dates(text: str, linked: str) -> list[tuple[str, str, str]]:
    """The (css class, explanation, shown text) of the date of every stance row linking to a
    resource (``state/ALB``, ``instrument/reaim-2026-pathways-to-action``)."""
    return [
        date.groups()
        for row in _ROW.findall(text)
        if f"/doc/{linked}.html" in row and (date := _DATE.search(row))
    ]


def test_reaim_2026_page_shows_the_as_of_dates_as_listings(client: httpx.Client) -> None:
    text = client.get("/doc/instrument/reaim-2026-pathways-to-action").text
    shown = [d for row in _ROW.findall(text) if (d := _DATE.search(row))]
    listed = [d.groups() for d in shown if d.group(1) == "date-as-of"]
    assert len(listed) == 38
    assert {text for _css, _title, text in listed} == {"listed by 2026-07-17"}
    assert all("as-of date" in title and "may be earlier" in title for _css, title, _t in listed)
    # the rolling list's date is never shown as a plain (act) date
    assert not [d for d in shown if d.group(3) == "2026-07-17"]
    assert _stance_dates(text, "state/ALB") == [
        ("date-as-of", "An as-of date: a list named this actor by then; the act may be earlier.",
         "listed by 2026-07-17")
    ]  # fmt: skip
    # Canada signed on the day, as the articles say: the date of the act
    assert ("date-act", "The date of the act.", "2026-02-05") in _stance_dates(text, "state/CAN")


def test_state_pages_show_each_kind_of_date(client: httpx.Client) -> None:
    albania = client.get("/doc/state/ALB").text
    assert _stance_dates(albania, "instrument/reaim-2026-pathways-to-action")[0][2] == (
        "listed by 2026-07-17"
    )
    austria = client.get("/doc/state/AUT").text
    assert _stance_dates(austria, "instrument/paris-statement-2025")[0][2] == "listed by 2026-10-01"
    assert _stance_dates(albania, "instrument/unga-res-79-62")[0][:3:2] == (
        "date-act",
        "2024-12-02",
    )
    bosnia = client.get("/doc/state/BIH").text
    assert _stance_dates(bosnia, "instrument/coe-cets-225") == [
        ("date-unknown", "The record has no date for this stance.", "date unknown")
    ]
    malaysia = client.get("/doc/state/MYS").text
    assert _stance_dates(malaysia, "instrument/hiroshima-ai-process-friends-group") == [
        ("date-act", "The date of the act; only the year is known.", "2025 (year)")
    ]


# --- JSON-LD ------------------------------------------------------------------------------------


def _json_ld(page: Parsed) -> Graph:
    blocks = [data for kind, data in page.scripts if kind == "application/ld+json"]
    assert len(blocks) == 1
    json.loads(blocks[0])
    return Graph().parse(data=blocks[0], format="json-ld")


def test_embedded_json_ld_has_the_resource_triples(client: httpx.Client, store: Store) -> None:
    graph = _json_ld(_get(client, "/doc/state/USA"))
    own = store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", {"s": ox.NamedNode(USA)})
    expected = {tuple(to_rdflib(term) for term in row) for row in own.rows}  # type: ignore[arg-type]
    assert len(expected) > 5
    assert set(graph) == expected
    assert (URIRef(USA), GK.iso3, Literal("USA")) in graph


def test_script_end_in_a_literal_does_not_break_out(small: httpx.Client) -> None:
    text = small.get("/doc/state/XSS").text
    assert text.lower().count("</script") == 1
    assert text.lower().count("<script") == 1
    graph = _json_ld(Parsed(text))
    labels = [str(o) for o in graph.objects(URIRef(XSS), RDFS.label)]
    assert labels == ["<b>bold</b> <img src=x onerror=alert(1)> </script><script>alert(1)</script>"]


# --- search -------------------------------------------------------------------------------------


def _search(client: httpx.Client, text: str) -> Parsed:
    response = client.get("/search", params={"q": text})
    assert response.status_code == 200
    return Parsed(response.text)


def _doc_links(page: Parsed) -> list[str]:
    return [h for h in page.hrefs if h.startswith("./doc/")]


def test_search_finds_labels_in_any_case(client: httpx.Client) -> None:
    found = _search(client, "united")
    assert "./doc/state/USA.html" in found.hrefs
    assert found.rows > 1
    assert _doc_links(_search(client, "UNITED")) == _doc_links(found)
    text = client.get("/search", params={"q": "united"}).text
    assert "<mark>United</mark> States of America" in text  # the matched word marked
    assert '<span class="tag">state</span>' in text


def test_search_text_is_words_never_query_syntax(client: httpx.Client) -> None:
    """The text search (tests/test_textsearch.py) takes the words of the text: no SPARQL, no
    FTS5 syntax; each attack finds what its words alone find."""
    miss = _search(client, "zzzz-no-such-label")
    assert miss.rows == 0
    attacks = {
        'x" } UNION { ?s ?p ?o } #': "x UNION s p o",
        "x') || true || ('": "x true",
        'x" ) || ("" = "': "x",
        'china" OR "united': "china OR united",
        "NEAR(china united)": "NEAR china united",
    }
    for attack, words in attacks.items():
        assert _doc_links(_search(client, attack)) == _doc_links(_search(client, words)), attack


def test_search_is_paged(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "e"})
    assert Parsed(response.text).rows == 20
    assert "Page 1 of " in response.text
    assert 'rel=next href="./search?q=e&amp;page=2"' in response.text


def test_search_box_on_every_page(client: httpx.Client) -> None:
    for path in ["/", "/doc/state/USA", "/states", "/search?q=x"]:
        assert 'action="' in client.get(path).text
        assert '/search"' in client.get(path).text


# --- index pages --------------------------------------------------------------------------------

EXPECTED = {
    "states": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:State }",
    "instruments": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Instrument }",
    "events": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a/rdfs:subClassOf* schema:Event }",
    "people": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a foaf:Person }",
    "themes": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s skos:inScheme scheme:theme }",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_index_lists_every_item(client: httpx.Client, store: Store, name: str) -> None:
    expected = int(_values(store, EXPECTED[name])[0])
    assert expected > 0
    page = _get(client, f"/{name}.html")
    assert page.rows == expected
    kind = {"states": "state", "people": "person", "themes": "theme"}.get(name, name[:-1])
    assert len({h for h in page.hrefs if h.startswith(f"./doc/{kind}/")}) == expected
    assert client.get(f"/{name}").text == client.get(f"/{name}.html").text


def test_index_paths_and_home(client: httpx.Client) -> None:
    names = ("states", "instruments", "events", "people", "themes")
    assert tuple(f"/{name}.html" for name in names) == INDEX_PATHS
    home = _get(client, "/")
    for path in INDEX_PATHS:
        assert "." + path in home.hrefs


def test_states_are_sorted_with_iso_codes(client: httpx.Client) -> None:
    text = client.get("/states").text
    assert ">USA<" in text
    rows = [h for h in Parsed(text).hrefs if h.startswith("./doc/state/")]
    assert rows.index("./doc/state/ARE.html") < rows.index("./doc/state/USA.html")
    assert text.index("Afghanistan") < text.index("Zimbabwe")


# --- escaping -----------------------------------------------------------------------------------

MARKUP_PAGES = [
    "/doc/state/XSS",
    "/doc/instrument/x",
    "/doc/stance/x--XSS",
    "/doc/theme/x",
    "/doc/event/x",
    "/",
    *INDEX_PATHS,
    "/search?q=bold",
    "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
]


@pytest.mark.parametrize("path", MARKUP_PAGES)
def test_markup_is_escaped_and_no_link_is_live_script(small: httpx.Client, path: str) -> None:
    response = small.get(path)
    assert response.status_code == 200
    text = response.text.lower()
    assert "<b>" not in text and "<img" not in text
    assert text.count("<script") == text.count('<script type="application/ld+json">')
    page = Parsed(response.text)
    assert not [h for h in page.hrefs if not h.strip().lower().startswith(("http", ".", "#"))]
    assert not [h for h in page.hrefs if "javascript" in h.lower()]


def test_markup_is_shown_as_text(small: httpx.Client) -> None:
    assert "&lt;b&gt;bold&lt;/b&gt;" in small.get("/states").text
    assert "&lt;b&gt;<mark>bold</mark>&lt;/b&gt;" in small.get("/search", params={"q": "BOLD"}).text
    assert "javascript:alert(1)" in small.get("/doc/stance/x--XSS").text  # as text, not a link


# --- relative links -----------------------------------------------------------------------------


def _local_links(client: httpx.Client, url: str) -> set[str]:
    """Every href of the page at ``url`` that stays on this server, resolved against ``url``."""
    response = client.get(url)
    assert response.status_code == 200, url
    if not response.headers["content-type"].startswith("text/html"):
        return set()
    host = urlsplit(str(client.base_url)).netloc
    resolved = {urljoin(url, href).split("#", 1)[0] for href in Parsed(response.text).hrefs}
    return {link for link in resolved if urlsplit(link).netloc == host}


def test_relative_links_resolve(client: httpx.Client) -> None:
    """Crawl the home page and one level down: every link on them answers 200."""
    home = str(client.base_url) + "/"
    first = _local_links(client, home)
    assert len(first) >= 8
    second: set[str] = set()
    for url in sorted(first):
        second |= _local_links(client, url)
    failures = [url for url in sorted(second - first) if client.get(url).status_code != 200]
    assert not failures, failures[:10]
    assert len(second) > 300


def test_relative_links_resolve_on_paged_and_fixture_pages(small: httpx.Client) -> None:
    base = str(small.base_url)
    for path in ["/doc/source/hub?page=2", "/doc/state/XSS", "/doc/stance/x--XSS"]:
        for url in _local_links(small, base + path):
            assert small.get(url).status_code == 200, (path, url)


# --- readable labels and stance kinds (issue 13) -------------------------------------------------


def test_china_page_shows_seoul_as_took_part_not_declined(client: httpx.Client) -> None:
    text = client.get("/doc/state/CHN").text
    row = next(r for r in text.split("<tr>") if "seoul-ministerial-statement-2024--CHN" in r)
    assert "</span> took part, did not sign</span></a>" in row
    assert "declined" not in row


def test_catalogue_cells_show_text_without_language_tags(client: httpx.Client) -> None:
    text = client.get("/queries/p5-matrix.html").text
    assert "@en" not in text
    assert '<td><span lang="en">signed</span></td>' in text


def test_literals_keep_only_date_datatypes() -> None:
    from govkg.site.pages import term_html

    settings = ServerSettings()
    tagged = term_html(ox.Literal("signed", language="en"), settings)
    assert tagged == '<span lang="en">signed</span>'
    number = ox.Literal("35", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert term_html(number, settings) == "35"
    year = ox.Literal("2025", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    assert term_html(year, settings) == "2025 <small>xsd:gYear</small>"


def test_a_source_without_title_or_label_shows_its_host() -> None:
    from govkg.site.pages import source_html
    from govkg.site.resources import Source

    bare = Source(DATA_BASE + "source/x", None, None, "https://www.example.org/a/b", None, None)
    html = source_html(bare, bare.iri, ServerSettings(), ".")
    assert html.startswith('<a href="./doc/source/x.html">example.org</a>')
    titled = Source(bare.iri, "label", "A title", None, "TechCrunch", "2025-02-11")
    html = source_html(titled, titled.iri, ServerSettings(), ".")
    assert html.endswith('A title</a> <span class="meta">— TechCrunch, 2025-02-11</span>')
