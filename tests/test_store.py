"""The store interface: union of graphs, bound parameters, and no fetching of remote data."""

from __future__ import annotations

import contextlib
import socket
import threading

import pyoxigraph as ox
import pytest

from govkg.errors import QueryError
from govkg.store import OxigraphStore, open_store, refuse_federation

EX = "http://example.org/"


def _store() -> OxigraphStore:
    store = OxigraphStore()
    store.load(
        [
            ox.Quad(
                ox.NamedNode(EX + "a"),
                ox.NamedNode(EX + "p"),
                ox.Literal("1"),
                ox.NamedNode(EX + "g1"),
            ),
            ox.Quad(
                ox.NamedNode(EX + "b"),
                ox.NamedNode(EX + "p"),
                ox.Literal("2"),
                ox.NamedNode(EX + "g2"),
            ),
        ]
    )
    return store


def test_queries_see_the_union_of_all_graphs() -> None:
    result = _store().query(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s")
    assert [row[0].value for row in result.rows] == [EX + "a", EX + "b"]


def test_bindings_restrict_the_answer() -> None:
    result = _store().query(
        f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }}", {"s": ox.NamedNode(EX + "b")}
    )
    assert [(r[0].value, r[1].value) for r in result.rows] == [(EX + "b", "2")]


def test_ask_and_construct() -> None:
    store = _store()
    assert store.query("ASK { ?s ?p ?o }").boolean is True
    assert len(store.query("CONSTRUCT WHERE { ?s ?p ?o }").triples) == 2


def test_service_is_refused_and_nothing_is_fetched() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    port = listener.getsockname()[1]
    connections: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            connections.append(listener.accept())

    thread = threading.Thread(target=accept)
    thread.start()
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        _store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}")
    thread.join()
    listener.close()
    assert connections == []


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/>",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
    ],
)
def test_the_word_service_elsewhere_is_allowed(query: str) -> None:
    refuse_federation(query)


@pytest.mark.parametrize(
    "query", ["select * { service <x:y> {} }", "SELECT * {\nSERVICE SILENT <x:y> {}}"]
)
def test_service_in_any_case_is_refused(query: str) -> None:
    with pytest.raises(QueryError):
        refuse_federation(query)


def test_sparql_errors_are_query_errors() -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        _store().query("SELECT WHERE {")


def test_unknown_store_is_refused() -> None:
    from govkg.errors import StoreError

    with pytest.raises(StoreError, match="unknown store"):
        open_store("postgres://x")
