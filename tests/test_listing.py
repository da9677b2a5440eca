"""A catalogue answer read once into a file of rows (govkg.listing) gives every page and the total
as the query paged in Oxigraph gives them; a server reads each listing once and removes its file
when it stops.  Oxigraph's own ORDER BY is the referee of the order sorted here."""

from __future__ import annotations

import gc
from collections.abc import Mapping

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import ROOT
from servers import in_process

from govkg import listing as listing_module
from govkg.errors import QueryError
from govkg.listing import read_listing
from govkg.load import open_project
from govkg.paging import Page, run_page
from govkg.project import ROOT_ENV
from govkg.queries import catalogue, sorted_concatenations
from govkg.server import ServerSettings, create_app
from govkg.server import listings as listings_module
from govkg.server.listings import listed_page
from govkg.store import OxigraphStore, QueryResult, Store, Term
from govkg.store.paged_text import paged_text, plain_ordering

EX = "http://example.org/"
P, Q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("SELECT * { ?s ?p ?o } ORDER BY ?s ?o", (("s", False), ("o", False))),
        (
            "SELECT * { ?s ?p ?o } ORDER BY DESC(?s) ASC( ?o ) $p",
            (("s", True), ("o", False), ("p", False)),
        ),
        (
            "SELECT ?s (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s ORDER BY ?n ?s",
            (("n", False), ("s", False)),
        ),
        ("SELECT * { ?s ?p ?o } ORDER BY ?s VALUES ?s { <a> }", (("s", False),)),
    ],
)
def test_an_order_by_variables_is_taken_off_the_query(
    text: str, keys: tuple[tuple[str, bool], ...]
) -> None:
    ordering = plain_ordering(text)
    assert ordering is not None and ordering.keys == keys
    assert "ORDER" not in ordering.unordered and len(ordering.unordered) == len(text)
    assert ordering.unordered.replace(" ", "") == text[: text.index("ORDER")].replace(" ", "") + (
        "VALUES?s{<a>}" if "VALUES" in text else ""
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o }",  # no order
        "SELECT * { ?s ?p ?o } ORDER BY STR(?s)",  # an expression
        "SELECT * { ?s ?p ?o } ORDER BY DESC(?s) (?o)",
        "SELECT * { ?s ?p ?o } ORDER BY ?s LIMIT 5",  # the rows would depend on the order
        "SELECT * { ?s ?p ?o } ORDER BY ?s OFFSET 2",
        "ASK { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o } ORDER BY DESC(?s",  # not SPARQL: running it says why
    ],
)
def test_any_other_order_is_left_to_oxigraph(text: str) -> None:
    assert plain_ordering(text) is None


def _store(rows: list[tuple[str, str | None]]) -> OxigraphStore:
    store = OxigraphStore()
    quads = []
    for subject, other in rows:
        quads.append(ox.Quad(ox.NamedNode(EX + subject), P, ox.Literal("x")))
        if other is not None:
            quads.append(ox.Quad(ox.NamedNode(EX + subject), Q, ox.NamedNode(EX + other)))
    store.load(quads)
    return store


def _direct(store: Store, sparql: str, page: Page | None = None) -> QueryResult:
    return store.query(paged_text(sparql, page or Page()))


#: IRI endings that sort differently by text than with their brackets (``a`` < ``a/``), by
#: codepoint beyond ASCII, with escapes, and that share prefixes.
_NAMES = st.sampled_from(
    ["a", "a/", "a0", "ab", "A", "é", "z", "%41", "a/b", "ä/", "\U0001d538", "~"]
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(_NAMES, st.none() | _NAMES), min_size=0, max_size=25),
    directions=st.tuples(st.booleans(), st.booleans()),
    first=st.booleans(),
    offset=st.integers(0, 30),
    limit=st.integers(1, 30),
)
def test_rows_sorted_here_are_oxigraphs_order(
    rows: list[tuple[str, str | None]],
    directions: tuple[bool, bool],
    first: bool,
    offset: int,
    limit: int,
) -> None:
    """Any mix of ascending and descending keys over IRIs and unbound values, any page."""
    store = _store(rows)
    keys = [("?s", directions[0]), ("?o", directions[1])]
    keys = keys if first else keys[::-1]
    clause = " ".join(f"DESC({v})" if down else v for v, down in keys)
    where = f"?s <{P.value}> ?x OPTIONAL {{ ?s <{Q.value}> ?o }}"
    sparql = f"SELECT ?s ?o WHERE {{ {where} }} ORDER BY {clause}"
    found = read_listing(store, sparql)
    assert found is not None
    assert found.rows(Page()).rows == _direct(store, sparql).rows
    assert found.rows(Page(limit, offset)).rows == _direct(store, sparql, Page(limit, offset)).rows
    assert len(found) == len(_direct(store, sparql).rows)


def test_every_kind_of_term_reads_back_as_the_query_gives_it() -> None:
    store = OxigraphStore()
    xsd = "http://www.w3.org/2001/XMLSchema#"
    values = [
        ox.Literal('tab\there, line\nend, "quoted" \\ back'),
        ox.Literal("colour", language="en-GB"),
        ox.Literal("7", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("2024-05", datatype=ox.NamedNode(xsd + "gYearMonth")),
        ox.Literal("é😀"),
        ox.BlankNode("b1"),
        ox.NamedNode(EX + "ü"),
    ]
    store.load([ox.Quad(ox.NamedNode(f"{EX}s{k}"), P, v) for k, v in enumerate(values)])
    sparql = f"SELECT ?s ?v ?none WHERE {{ ?s <{P.value}> ?v }} ORDER BY ?s"
    found = read_listing(store, sparql)
    assert found is not None and len(found) == len(values)
    assert found.rows(Page()).rows == _direct(store, sparql).rows
    assert {row[1] for row in found.rows(Page()).rows} == set(values)


@pytest.mark.parametrize(
    "order",
    [
        "ORDER BY ?v ?s",  # a literal in a key: Oxigraph orders it
        "ORDER BY ?s",  # ?v in no order: Oxigraph's order
        "ORDER BY DESC(STR(?v)) ?s",
        "ORDER BY ?s LIMIT 3 OFFSET 1",
    ],
)
def test_orders_not_sorted_here_are_oxigraphs(order: str) -> None:
    store = OxigraphStore()
    store.load(
        ox.Quad(ox.NamedNode(f"{EX}s{k % 4}"), P, ox.Literal(str(k * 7 % 5))) for k in range(12)
    )
    sparql = f"SELECT ?s ?v WHERE {{ ?s <{P.value}> ?v }} {order}"
    found = read_listing(store, sparql)
    assert found is not None
    assert found.rows(Page()).rows == _direct(store, sparql).rows


def test_other_forms_and_long_answers_are_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store([("a", "b"), ("c", None)])
    assert read_listing(store, f"ASK {{ ?s <{P.value}> ?o }}") is None
    assert read_listing(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") is None
    assert read_listing(store, "SELECT * WHERE { ?s ?p ?o }") is None  # paged as it is found
    monkeypatch.setattr(listing_module, "MAX_BYTES", 10)
    files = _listing_files(monkeypatch)
    assert read_listing(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o") is None
    assert files and not any(path.exists() for path in files)


def test_a_query_that_fails_leaves_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _listing_files(monkeypatch)
    with pytest.raises(QueryError):
        read_listing(
            _store([("a", None)]), "SELECT ?s WHERE { ?s ?p ?o FILTER(?s + ) } ORDER BY ?s"
        )
    assert files and not any(path.exists() for path in files)


def test_a_listing_no_longer_used_has_its_file_removed() -> None:
    found = read_listing(_store([("a", "b")]), "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
    assert found is not None
    path = found.path
    assert path.exists()
    del found
    gc.collect()
    assert not path.exists()


def _listing_files(monkeypatch: pytest.MonkeyPatch) -> list:
    """The paths of the files listings create from now on."""
    made: list = []
    real = listing_module.tempfile.mkstemp

    def noted(*args: object, **kwargs: object) -> tuple[int, str]:
        handle, name = real(*args, **kwargs)  # type: ignore[call-overload]
        made.append(listing_module.Path(name))
        return handle, name

    monkeypatch.setattr(listing_module.tempfile, "mkstemp", noted)
    return made


class CountingStore(OxigraphStore):
    """The shipped graph in a real Oxigraph store, counting the queries it evaluates."""

    def __init__(self) -> None:
        super().__init__()
        self.evaluated: list[str] = []

    def evaluate(  # type: ignore[override]
        self, sparql: str, bindings: Mapping[str, Term] | None = None, **options: object
    ) -> object:
        self.evaluated.append(sparql)
        return super().evaluate(sparql, bindings, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shipped() -> CountingStore:
    store = CountingStore()
    store.load(open_project(ROOT)[1].quads())
    return store


def test_every_catalogue_query_pages_as_paged_in_the_query(shipped: CountingStore) -> None:
    """Each SELECT of the catalogue, its parameters' defaults: a page from its listing is the
    page the query gives with LIMIT and OFFSET, and its total the count of its rows."""
    project = open_project(ROOT)[0]
    compared = 0
    for query in catalogue(project):
        if any(p.default is None for p in query.parameters):
            continue
        bindings = query.bindings({})
        for page in (Page(4, 0), Page(3, 5)):
            listed = listed_page(shipped, query, bindings, page)
            if listed is None:  # not a SELECT
                continue
            paged = run_page(shipped, query, None, page)
            assert listed.result.variables == paged.result.variables, query.name
            assert listed.result.rows == paged.result.rows, query.name
            assert listed.total == paged.total, query.name
            compared += 1
    assert compared > 40


def test_a_server_reads_a_listing_once_and_removes_it_when_it_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = CountingStore()
    store.load(open_project(ROOT)[1].quads())
    monkeypatch.setenv(ROOT_ENV, str(ROOT))
    app = create_app(store, ServerSettings())
    path = "/queries/single-source-facts.json"
    with in_process(app) as http:
        pages = [http.get(path, params={"page": n, "limit": 7}) for n in (1, 2, 3)]
        reads = [t for t in store.evaluated if "another" in t]
        whole = http.get(path).json()["results"]["bindings"]
        files = [value[2].path for value in listings_module._KEPT.found[store].values()]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert len(reads) == 1  # three pages, one read of the listing
    assert len([t for t in store.evaluated if "another" in t]) == 1  # the whole answer too
    total = int(pages[0].headers["X-Govkg-Total"])
    assert total == len(whole) > 14
    bindings = [p.json()["results"]["bindings"] for p in pages]
    assert bindings[0] + bindings[1] == whole[:14]
    assert bindings[2] == whole[14:21]
    query = next(q for q in catalogue(open_project(ROOT)[0]) if q.name == "single-source-facts")
    direct = run_page(store, query, None, Page(7, 7))
    assert [[row["fact"]["value"] for row in bindings[1]]] == [
        [str(row[0].value) for row in sorted_concatenations(query.text, direct.result).rows]
    ]
    assert files and not any(path.exists() for path in files)


def test_a_listing_that_cannot_be_written_leaves_the_page_to_the_query(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk: no listing (a warning says why), and the server's page is paged in the
    query, the same page."""
    sparql = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"
    store = _store([("a", "b"), ("c", "d")])

    def full(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(listing_module.tempfile, "mkstemp", full)
    assert read_listing(store, sparql) is None
    assert "could not be made" in caplog.text and "No space left" in caplog.text
    monkeypatch.setenv(ROOT_ENV, str(ROOT))
    shipped = open_project(ROOT)[1]
    with in_process(create_app(shipped, ServerSettings())) as http:
        page = http.get("/queries/single-source-facts.json", params={"page": 2, "limit": 5})
    assert page.status_code == 200 and page.headers["X-Govkg-Total"] != "0"
    query = next(q for q in catalogue(open_project(ROOT)[0]) if q.name == "single-source-facts")
    direct = run_page(shipped, query, None, Page(5, 5))
    assert [b["fact"]["value"] for b in page.json()["results"]["bindings"]] == [
        row[0].value for row in direct.result.rows
    ]


def test_iris_too_long_to_sort_here_are_ordered_by_oxigraph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past SORT_BYTES of fixed-width keys, the answer is read with the query's own ORDER BY:
    the same rows in the same order."""
    monkeypatch.setattr(listing_module, "SORT_BYTES", 8)
    store = _store([(f"s{k % 7}/{'x' * k}", f"o{k % 3}") for k in range(20)])
    sparql = f"SELECT ?s ?o WHERE {{ ?s <{Q.value}> ?o }} ORDER BY DESC(?o) ?s"
    evaluated: list[str] = []
    real = store.evaluate

    def noted(text: str, *args: object, **kwargs: object) -> object:
        evaluated.append(text)
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "evaluate", noted)
    found = read_listing(store, sparql)
    assert found is not None and len(found) == 20
    assert found.rows(Page()).rows == _direct(store, sparql).rows
    assert any("ORDER BY" in text for text in evaluated[:-1])  # read again, ordered by Oxigraph
