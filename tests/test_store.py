"""The store interface: union of graphs, bound parameters, and no fetching of remote data."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from held_answers import answers_held

from govkg.errors import QueryError
from govkg.store import OxigraphStore, open_store, planner_hint, refuse_federation
from govkg.store.oxigraph import query_errors
from govkg.store.sparql_text import local_query, names_graphs

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

EX = "http://example.org/"
EX_A = ox.NamedNode(EX + "a")


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
    assert local_query(query) is False
    assert _store().query(query).kind == "select"  # the embedded store runs it


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", True),
        ("SELECT * FROM NAMED <http://x/g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?s ?p "FROM <http://x/g>" } # FROM <http://x/h>', False),
        ("SELECT ?from WHERE { ?from ?p ?o }", False),
    ],
)
def test_a_query_names_graphs_only_with_a_from_clause(query: str, names: bool) -> None:
    assert local_query(query) is names is names_graphs(query)


@pytest.mark.parametrize(
    "query", ["select * { service <x:y> {} }", "SELECT * {\nSERVICE SILENT <x:y> {}}"]
)
def test_service_in_any_case_is_refused(query: str) -> None:
    with pytest.raises(QueryError):
        refuse_federation(query)
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        local_query(query)
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        _store().query(query)


def test_sparql_errors_are_query_errors() -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        _store().query("SELECT WHERE {")


def test_an_error_met_while_an_answer_is_read_keeps_no_answer() -> None:
    """The frames that were reading an answer when Oxigraph raised are cleared: the error
    govkg raises instead, and the one it carries, keep no answer alive (held_answers)."""

    def read(answer: ox.QuerySolutions) -> None:
        assert isinstance(answer, ox.QuerySolutions)
        assert [tuple(s) for s in answer] == [(ox.Literal("1", datatype=XSD_INTEGER),)]
        raise ValueError("met while reading")

    with pytest.raises(QueryError) as error, query_errors():  # no name here holds the answer
        read(ox.Store().query("SELECT ?x WHERE { VALUES ?x { 1 } }"))  # type: ignore[arg-type]
    assert str(error.value) == "query failed: met while reading"
    assert answers_held(error.value) == []
    assert isinstance(error.value.__context__, ValueError)  # carried, its frames cleared


def test_unknown_store_is_refused() -> None:
    from govkg.errors import StoreError

    with pytest.raises(StoreError, match="unknown store"):
        open_store("postgres://x")


@pytest.mark.parametrize("spec", ["memory", ":memory:", ""])
def test_memory_names_open_a_store_in_memory_and_make_no_folder(
    spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store(spec)
    assert store.embedded and store.folder is None
    assert list(tmp_path.iterdir()) == []


def test_the_planner_hint_goes_into_sub_selects_that_project_the_variable() -> None:
    query = (
        "SELECT ?x ?n WHERE { ?s ?p ?x "
        "OPTIONAL { SELECT ?x (true AS ?flag) WHERE { ?x ?q ?o } } "
        "OPTIONAL { SELECT ?n WHERE { ?x ?r ?n } } "
        "OPTIONAL { SELECT (1 AS ?x2) ?m WHERE { ?y ?r ?m } } }"
    )
    hinted = planner_hint(query, {"x": EX_A})
    values = f"VALUES ?x {{ {EX_A} }}"
    assert hinted.count(values) == 2  # the query's WHERE and the sub-select that projects ?x
    assert f"SELECT ?x (true AS ?flag) WHERE {{ {values}" in hinted
    assert f"SELECT ?n WHERE {{ {values}" not in hinted  # there ?x is another variable
    ox.Store().query(hinted)  # still a well-formed query


@pytest.mark.parametrize("head", ["(?y AS ?x)", "(1 as  ?x)", "?xx", "?x_1"])
def test_a_sub_select_that_only_names_the_variable_as_a_new_binding_is_not_hinted(
    head: str,
) -> None:
    query = f"SELECT ?x WHERE {{ ?x ?p ?o OPTIONAL {{ SELECT {head} WHERE {{ ?y ?p ?o }} }} }}"
    assert planner_hint(query, {"x": EX_A}).count("VALUES") == 1


def test_hinted_sub_selects_answer_as_oxigraph_binds_them() -> None:
    """The hint changes no answer: Oxigraph binds a projected variable inside the sub-select."""
    store = OxigraphStore()
    store.load(
        [ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.NamedNode(EX + o))
         for s, o in [("a", "b"), ("b", "c"), ("c", "a")]]
    )  # fmt: skip
    query = (
        "SELECT ?x ?y ?flag WHERE { ?x <http://example.org/p> ?y "
        "OPTIONAL { SELECT ?x (true AS ?flag) WHERE { ?z <http://example.org/p> ?x } } }"
    )
    bound = {"x": ox.NamedNode(EX + "a")}
    raw = store._store.query(query, substitutions={ox.Variable("x"): bound["x"]})
    assert sorted(map(str, store.query(query, bound).rows)) == sorted(map(str, map(tuple, raw)))
    assert len(store.query(query, bound).rows) == 1


def test_a_where_clause_that_is_one_sub_select_is_left_as_it_is() -> None:
    """``WHERE { SELECT … }`` may hold nothing else: the hint goes into the sub-select only."""
    query = (
        "SELECT ?x ?n WHERE { SELECT ?x (COUNT(*) AS ?n) WHERE { "
        "SELECT DISTINCT ?x ?o WHERE { ?x ?p ?o } } GROUP BY ?x }"
    )
    hinted = planner_hint(query, {"x": EX_A})
    assert hinted.count("VALUES") == 1
    assert f"SELECT DISTINCT ?x ?o WHERE {{ VALUES ?x {{ {EX_A} }}" in hinted
    ox.Store().query(hinted)  # still a well-formed query


def test_an_embedded_stores_generation_changes_with_every_write_and_only_then() -> None:
    store = _store()
    seen = [store.generation]
    store.query("SELECT * WHERE { ?s ?p ?o }")
    assert store.generation == seen[-1]  # reading changes nothing
    quad = ox.Quad(EX_A, ox.NamedNode(EX + "q"), ox.Literal("3"), ox.NamedNode(EX + "g3"))
    for write in (
        lambda: store.load([quad]),
        lambda: store.remove([quad]),
        lambda: store.remove_graph(EX + "g1"),
        store.clear,
    ):
        write()
        assert store.generation not in seen
        seen.append(store.generation)


def test_a_server_store_has_no_generation() -> None:
    assert open_store("sparql+http://127.0.0.1:9/sparql").generation is None
