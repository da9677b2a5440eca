"""SELECT answers written by Oxigraph's own writers in a query process (govkg.server.native):
the same rows as govkg's general writers, the row cap exact, errors as the general path gives them.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from xml.sax import saxutils

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from imported import imported_packages

from govkg.server.execute import Job, execute, execute_natively
from govkg.server.native import native_answer
from govkg.server.results import TRUNCATED, quoteattr, xml_escape
from govkg.store import OxigraphStore

EX = "http://example.org/"
JSON_TYPE = "application/sparql-results+json"
XML_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def numbers() -> OxigraphStore:
    """Twelve subjects, each with a number, a label in English and one without a language."""
    store = OxigraphStore()
    quads = []
    for n in range(12):
        subject = ox.NamedNode(f"{EX}s{n:02d}")
        graph = ox.NamedNode(f"{EX}g")
        quads += [
            ox.Quad(subject, ox.NamedNode(f"{EX}n"), ox.Literal(str(n), datatype=XSD_INT), graph),
            ox.Quad(
                subject, ox.NamedNode(f"{EX}label"), ox.Literal(f"s {n}", language="en"), graph
            ),
            ox.Quad(subject, ox.NamedNode(f"{EX}note"), ox.Literal(f'"{n}",\n'), graph),
        ]
    store.load(quads)
    return store


XSD_INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
ALL = f"SELECT ?s ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n"


def _both(store: OxigraphStore, query: str, accept: str, max_rows: int) -> tuple[object, object]:
    job = Job(query, accept, max_rows)
    return execute_natively(store, job), execute(store, job)


def _json_rows(body: bytes) -> list[dict[str, object]]:
    return json.loads(body)["results"]["bindings"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("max_rows", [11, 12, 13, 100])
def test_the_row_cap_is_exact(numbers: OxigraphStore, max_rows: int) -> None:
    native, general = _both(numbers, ALL, JSON_TYPE, max_rows)
    assert native.status == general.status == 200  # type: ignore[attr-defined]
    # written by Oxigraph (compact JSON), not by the general writer (json.dumps' spacing)
    assert native.body.startswith(b'{"head":{"vars":["s","n"]}')  # type: ignore[attr-defined]
    assert general.body.startswith(b'{"head": {"vars": ["s", "n"]}')  # type: ignore[attr-defined]
    rows = _json_rows(native.body)  # type: ignore[attr-defined]
    assert rows == _json_rows(general.body)  # type: ignore[attr-defined]
    assert len(rows) == min(12, max_rows)
    truncated = max_rows < 12
    assert (TRUNCATED in native.headers) is truncated  # type: ignore[attr-defined]
    assert native.headers == general.headers  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query",
    [
        ALL + " LIMIT 5",
        ALL + " LIMIT 5 OFFSET 9",
        ALL + " OFFSET 3",
        f"SELECT ?s WHERE {{ ?s <{EX}n> ?n }} ORDER BY DESC(?n) VALUES ?n {{ 1 3 5 7 9 11 }}",
        "SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o }",
        f"SELECT ?s ?label WHERE {{ ?s <{EX}label> ?label OPTIONAL {{ ?s <{EX}x> ?x }} }}",
        f"SELECT * FROM <{EX}g> WHERE {{ ?s <{EX}note> ?note }}",
    ],
)
def test_the_same_rows_as_the_general_writers(numbers: OxigraphStore, query: str) -> None:
    """A query's own LIMIT, OFFSET and trailing VALUES keep their meaning under the cap."""
    for max_rows in (4, 10_000):
        native, general = _both(numbers, query, JSON_TYPE, max_rows)
        assert native.status == 200, native.body  # type: ignore[attr-defined]
        assert _json_rows(native.body) == _json_rows(general.body)  # type: ignore[attr-defined]
        assert native.headers == general.headers  # type: ignore[attr-defined]


def test_xml_and_csv_give_the_same_rows(numbers: OxigraphStore) -> None:
    query = f"SELECT ?s ?note WHERE {{ ?s <{EX}note> ?note }} ORDER BY ?s"
    native, general = _both(numbers, query, "application/sparql-results+xml", 5)
    assert native.media_type == general.media_type  # type: ignore[attr-defined]
    results = [ET.fromstring(a.body).iter(f"{XML_NS}result") for a in (native, general)]  # type: ignore[attr-defined]
    texts = [[ET.tostring(r) for r in found] for found in results]
    assert len(texts[0]) == 5
    assert [t.replace(b" ", b"") for t in texts[0]] == [t.replace(b" ", b"") for t in texts[1]]
    native, general = _both(numbers, query, "text/csv", 5)
    assert native.media_type == general.media_type == "text/csv; charset=utf-8"  # type: ignore[attr-defined]
    rows = [list(csv.reader(io.StringIO(a.body.decode()))) for a in (native, general)]  # type: ignore[attr-defined]
    assert rows[0] == rows[1]
    assert len(rows[0]) == 6  # the header and five rows, a note's quote and newline kept
    assert rows[0][1][1] == '"0",\n'
    assert native.headers[TRUNCATED] == "true"  # type: ignore[attr-defined]
    # both written by Oxigraph when they can be: XML counted by its parser, CSV under the cap
    assert native_answer(numbers, query, "application/sparql-results+xml", 5, None) is not None
    written = native_answer(numbers, query, "text/csv", 10_000, None)
    assert written is not None
    assert list(csv.reader(io.StringIO(written.body.decode())))[1][1] == '"0",\n'


def test_a_long_csv_answer_and_other_forms_go_the_general_way(numbers: OxigraphStore) -> None:
    """Oxigraph cannot read CSV back to count its rows: a CSV answer that may be over the cap is
    the general writers'; ASK, CONSTRUCT and TSV answers are too."""
    assert native_answer(numbers, ALL, "text/csv", 11, None) is None
    assert native_answer(numbers, ALL, "text/tab-separated-values", 100, None) is None
    ask = native_answer(numbers, "ASK { ?s ?p ?o }", JSON_TYPE, 100, None)
    assert ask is not None and json.loads(ask.body) == {"head": {}, "boolean": True}
    graph = native_answer(numbers, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", 5, None)
    assert graph is not None and graph.headers[TRUNCATED] == "true"
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.TURTLE))) == 5


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s WHERE { ?s ?p }",  # a syntax error
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 VALUES ?s { <broken }",  # after the cap's place
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_errors_are_the_general_paths(numbers: OxigraphStore, query: str) -> None:
    native, general = _both(numbers, query, JSON_TYPE, 100)
    assert native.status == general.status >= 400  # type: ignore[attr-defined]
    assert native.message == general.message  # type: ignore[attr-defined]


def test_a_format_nobody_writes_is_refused_with_406(numbers: OxigraphStore) -> None:
    native, general = _both(numbers, ALL, "image/png", 100)
    assert native.status == general.status == 406  # type: ignore[attr-defined]
    assert native.message == general.message  # type: ignore[attr-defined]


def test_a_query_process_imports_neither_rdflib_nor_the_web_stack() -> None:
    """The query process starts lean: ~0.2 s and ~35 MB, not the server's ~140 MB."""
    heavy = ("rdflib", "starlette", "uvicorn", "numpy", "scipy", "networkx", "httpx")
    assert imported_packages(["govkg.server.worker", "govkg.server.execute"], heavy) == []


def test_the_endpoints_query_process_holds_no_http_client() -> None:
    """``govkg serve``'s query processes import no HTTP client, ``ssl`` or ``email`` (a remote
    store's, and ``xml.sax.saxutils``'s through ``urllib.request``: ~3 MB each) and none of
    ``multiprocessing``."""
    unneeded = ("ssl", "email", "multiprocessing", "xml")
    assert imported_packages(["govkg.server.endpoint_worker"], unneeded) == []


@given(st.text(alphabet=st.sampled_from("a&<>\"'\n\r\t é]")))
def test_xml_results_escape_text_and_attributes_as_the_standard_library(text: str) -> None:
    assert xml_escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)
