"""Long stance lists on the profile pages come a page at a time (issue 22, item 4): a state with
more stances than a page shows one page of them in date order, says how many there are in all and
links to the next page; the next page shows the next ones, and the pages together are every stance
once, each with its own sources.  A ``?page=`` that is not a page number is a 400 naming it.  A
part of the page drawn from a whole-graph computation that is not ready says so, and the rest of
the page does not wait for it; what the pages keep is read once however many ask at once."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import lxml.html
import pyoxigraph as ox
import pytest
from lxml.html import HtmlElement
from servers import in_process

from govkg.namespaces import DATA_BASE
from govkg.server import ServerSettings, create_app
from govkg.site import state_profiles
from govkg.site.agreement import Alignment
from govkg.site.kept import Kept, KeptByKey
from govkg.site.resources import PAGE_SIZE
from govkg.site.state_pages import stance_pager
from govkg.store import Store
from govkg.store.oxigraph import OxigraphStore

_GRAPH = "https://w3id.org/govkg/graph/paging-test.ttl"
DASH = "\N{EN DASH}"
#: Stances of the state XPG: more than two pages.
_STANCES = 2 * PAGE_SIZE + 37
_PREFIXES = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix i: <https://w3id.org/govkg/id/instrument/> .
@prefix st: <https://w3id.org/govkg/id/state/> .
@prefix s: <https://w3id.org/govkg/id/stance/> .
@prefix src: <https://w3id.org/govkg/id/source/> .
@prefix k: <https://w3id.org/govkg/id/stance-kind/> .
"""


def _date(n: int) -> str:
    """Stance ``n``'s date: not in the order of ``n`` (the page must sort by date)."""
    day = (n * 7919) % _STANCES
    return f"{2000 + day // 12:04d}-{day % 12 + 1:02d}-01"


def _turtle() -> str:
    lines = [_PREFIXES, 'st:XPG a gk:State ; rdfs:label "Paging test state" .']
    lines.append('st:YPG a gk:State ; rdfs:label "Another state" .')
    lines.append('k:signed skos:prefLabel "signed" .')
    for n in range(_STANCES):
        lines += [
            f'i:p{n} a gk:Instrument ; rdfs:label "Instrument {n:03d}" .',
            f'src:p{n} rdfs:label "Source of stance {n}" .',
            f"s:p{n}--XPG a gk:Stance ; gk:actor st:XPG ; gk:instrument i:p{n} ;",
            f'  gk:stanceKind k:signed ; dcterms:date "{_date(n)}"^^xsd:date ;',
            f"  prov:wasDerivedFrom src:p{n} .",
        ]
        if n % 3 == 0:  # the other state shares every third instrument
            lines.append(f"s:p{n}--YPG a gk:Stance ; gk:actor st:YPG ; gk:instrument i:p{n} ;")
            lines.append("  gk:stanceKind k:signed .")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def paging_store() -> Store:
    store = OxigraphStore()
    triples = ox.parse(_turtle().encode(), ox.RdfFormat.TURTLE)
    store.load(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(_GRAPH)) for t in triples)
    return store


@pytest.fixture(scope="module")
def client(paging_store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(paging_store, ServerSettings(query_workers=0))) as http:
        yield http


def _page(client: httpx.Client, path: str) -> HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return lxml.html.fromstring(response.text)


def _table_rows(page: HtmlElement) -> list[HtmlElement]:
    """The body rows of the table after the "Stances by date" heading."""
    heading = "//h2[starts-with(normalize-space(.), 'Stances by date')]"
    tables = page.xpath(f"{heading}/following::table[1]")
    assert tables, "no stance table"
    rows: list[HtmlElement] = tables[0].xpath("tbody/tr")
    return rows


def _stance_numbers(page: HtmlElement) -> list[int]:
    """The number ``n`` of each stance ``s:pN--XPG`` the table shows, in its order."""
    found = []
    for row in _table_rows(page):
        (href,) = [h for h in row.xpath(".//a/@href") if "/doc/stance/" in h]
        match = re.search(r"/stance/p(\d+)--XPG", href)
        assert match, href
        found.append(int(match.group(1)))
    return found


def _by_date(numbers: list[int]) -> list[int]:
    return sorted(numbers, key=lambda n: (_date(n), f"instrument {n:03d}"))


def _pager(page: HtmlElement) -> HtmlElement:
    (found,) = page.xpath("//p[contains(@class, 'stance-pages')]")
    return found


def test_a_long_stance_table_shows_one_page_says_how_many_and_links_the_next(
    client: httpx.Client,
) -> None:
    page = _page(client, "/doc/state/XPG")
    shown = _stance_numbers(page)
    assert len(shown) == PAGE_SIZE
    assert shown == _by_date(list(range(_STANCES)))[:PAGE_SIZE]  # the first 100 by date
    heading = page.xpath("//h2[starts-with(normalize-space(.), 'Stances by date')]")[0]
    assert f"(1{DASH}{PAGE_SIZE} of {_STANCES})" in heading.text_content()
    pager = _pager(page)
    assert f"stances 1{DASH}{PAGE_SIZE} of {_STANCES}" in pager.text_content()
    assert pager.xpath("a[@rel='next']/@href") == ["./XPG.page-2.html"]
    assert not pager.xpath("a[@rel='prev']")


def test_the_pages_together_are_every_stance_once_in_date_order(client: httpx.Client) -> None:
    second = _page(client, "/doc/state/XPG.page-2.html")
    third = _page(client, "/doc/state/XPG?page=3")
    ordered = _by_date(list(range(_STANCES)))
    assert _stance_numbers(second) == ordered[PAGE_SIZE : 2 * PAGE_SIZE]
    assert _stance_numbers(third) == ordered[2 * PAGE_SIZE :]
    assert _pager(second).xpath("a/@href") == ["./XPG.html", "./XPG.page-3.html"]
    last = _pager(third)
    assert f"stances {2 * PAGE_SIZE + 1}{DASH}{_STANCES} of {_STANCES}" in last.text_content()
    assert last.xpath("a/@href") == ["./XPG.page-2.html"] and not last.xpath("a[@rel='next']")
    assert _stance_numbers(_page(client, "/doc/state/XPG.page-2.html")) == ordered[100:200]


def test_each_row_of_a_later_page_cites_its_own_source(client: httpx.Client) -> None:
    for row in _table_rows(_page(client, "/doc/state/XPG.page-2.html")):
        (stance,) = [h for h in row.xpath(".//a/@href") if "/doc/stance/" in h]
        number = re.search(r"/stance/p(\d+)--", stance).group(1)  # type: ignore[union-attr]
        cited = [h for h in row.xpath(".//details[@class='cite']//a/@href") if "/source/" in h]
        assert cited == [f"../../doc/source/p{number}.html"], (stance, cited)
        assert f"Source of stance {number}" in row.text_content()


def test_a_page_with_few_stances_is_whole_and_says_nothing_of_pages(client: httpx.Client) -> None:
    page = _page(client, "/doc/state/YPG")
    assert len(_table_rows(page)) == len(range(0, _STANCES, 3)) < PAGE_SIZE
    assert not page.xpath("//p[contains(@class, 'stance-pages')]")
    other = _page(client, "/doc/instrument/p3")
    assert len(_table_rows(other)) == 2
    assert not other.xpath("//p[contains(@class, 'stance-pages')]")


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "2.5", "", "\u0661"])
def test_a_bad_page_number_is_a_clear_400(client: httpx.Client, bad: str) -> None:
    for path in ("/doc/state/XPG", "/doc/instrument/p4"):
        response = client.get(path, params={"page": bad})
        assert response.status_code == 400, (path, bad)
        assert f"page {bad!r}: expected a whole number, 1 or more" in response.text


def test_a_page_past_the_last_shows_the_last(client: httpx.Client) -> None:
    assert _stance_numbers(_page(client, "/doc/state/XPG?page=99")) == _stance_numbers(
        _page(client, "/doc/state/XPG?page=3")
    )


# --- parts that need the whole graph ------------------------------------------------------------


def test_an_actors_page_says_its_agreement_is_not_ready_and_does_not_wait(
    paging_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    reads: list[int] = []

    def slow(store: Store) -> Alignment:
        reads.append(1)
        release.wait(30)
        return state_profiles._aligned(store)

    monkeypatch.setattr(state_profiles, "_ALIGNED", Kept(slow, "agreement between actors"))
    monkeypatch.setattr(state_profiles, "ALIGNMENT_WAIT_S", 0.0)
    iri = DATA_BASE + "state/YPG"
    try:
        started = time.monotonic()
        first = state_profiles.state_profile(paging_store, iri)
        again = state_profiles.state_profile(paging_store, iri)
        assert time.monotonic() - started < 10  # it did not wait for the 30 s read
        assert first.alignment is None and again.alignment is None and first.neighbours == []
        assert len(first.stances) == len(range(0, _STANCES, 3))  # the rest of the profile
        assert reads == [1]  # read once, in the background
    finally:
        release.set()
    deadline = time.monotonic() + 30
    while state_profiles.ready_alignment(paging_store) is None:
        assert time.monotonic() < deadline, "the alignment was not kept once read"
        time.sleep(0.02)
    ready = state_profiles.state_profile(paging_store, iri)
    assert ready.alignment is not None
    assert [n.iri for n in ready.neighbours] == [DATA_BASE + "state/XPG"]
    assert reads == [1]


def test_the_page_says_what_is_not_ready(
    paging_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow(store: Store) -> Alignment:
        release.wait(30)
        return state_profiles._aligned(store)

    monkeypatch.setattr(state_profiles, "_ALIGNED", Kept(slow, "agreement between actors"))
    monkeypatch.setattr(state_profiles, "ALIGNMENT_WAIT_S", 0.0)
    try:
        with in_process(create_app(paging_store, ServerSettings(query_workers=0))) as http:
            # a page of its own: another page's kept HTML was drawn with the alignment ready
            page = _page(http, "/doc/state/XPG?page=2")
    finally:
        release.set()
    (notice,) = page.xpath("//p[contains(@class, 'not-ready')]")
    assert "has not finished yet" in notice.text_content()
    assert not page.xpath("//h3[normalize-space(.)='Agrees most with']")
    assert len(_stance_numbers(page)) == PAGE_SIZE


def test_kept_ready_starts_one_read_and_gives_none_until_it_ends() -> None:
    release = threading.Event()
    reads: list[Store] = []

    def load(store: Store) -> str:
        reads.append(store)
        release.wait(10)
        return "value"

    kept: Kept[str] = Kept(load, "test value")
    store = OxigraphStore()
    assert kept.ready(store) is None and kept.ready(store) is None
    release.set()
    assert kept.get(store) == "value"  # waits for the read under way, reads nothing more
    assert kept.ready(store) == "value" and len(reads) == 1


def test_kept_by_key_reads_a_key_once_for_callers_asking_at_once() -> None:
    reads: list[str] = []
    release = threading.Event()

    def load(_store: Store, key: str) -> str:
        reads.append(key)
        release.wait(10)
        return key.upper()

    kept: KeptByKey[str, str] = KeptByKey(load, 4)
    store = OxigraphStore()
    answers: list[str] = []
    callers = [
        threading.Thread(target=lambda: answers.append(kept.get(store, "a"))) for _ in range(8)
    ]
    for caller in callers:
        caller.start()
    time.sleep(0.2)
    release.set()
    for caller in callers:
        caller.join(10)
    assert answers == ["A"] * 8 and reads == ["a"]


def test_a_long_instrument_table_says_how_many_and_links_the_next(store: Store) -> None:
    """The shipped UN vote's 193 stances: two pages, each saying which stances it shows."""
    count = (
        "SELECT ?i (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Stance ; gk:instrument ?i } "
        "GROUP BY ?i"
    )
    iri = ox.NamedNode(DATA_BASE + "instrument/unga-res-78-241")
    total = store.query(count, {"i": iri}).records()[0].int("n")
    assert PAGE_SIZE < total <= 2 * PAGE_SIZE
    with in_process(create_app(store, ServerSettings(query_workers=0))) as http:
        first = _pager(_page(http, "/doc/instrument/unga-res-78-241"))
        second = _pager(_page(http, "/doc/instrument/unga-res-78-241.page-2.html"))
    assert f"stances 1{DASH}{PAGE_SIZE} of {total}" in first.text_content()
    assert first.xpath("a[@rel='next']/@href") == ["./unga-res-78-241.page-2.html"]
    assert f"stances {PAGE_SIZE + 1}{DASH}{total} of {total}" in second.text_content()
    assert second.xpath("a/@href") == ["./unga-res-78-241.html"]


def test_a_page_of_links_past_the_stances_says_where_they_are() -> None:
    """An actor's pages are as many as its links need; a later page has no stance on it."""
    total = PAGE_SIZE + 20
    text = stance_pager(total, 4, "XPG")
    assert f"The {total} stances are on pages 1&ndash;2, none on this one." in text
    assert 'href="./XPG.page-2.html"' in text and "the last 20" in text
    assert stance_pager(PAGE_SIZE, 1, "XPG") == ""  # a whole table says nothing of pages
