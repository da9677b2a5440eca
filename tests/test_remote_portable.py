"""A remote store that answers as the embedded one, on a real Virtuoso 7.2 (and the functions
that make answers portable): reloads that replace, counts of govkg's graphs only, CONSTRUCT as a
graph, Virtuoso's blank nodes and booleans, a cut answer as an error, and a refusal on the
server's estimate of a query's time as an error that names the setting."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT
from virtuoso import running_virtuoso

from govkg.cli import cli
from govkg.errors import QueryError, StoreError
from govkg.load import open_project, rebuild
from govkg.namespaces import GRAPH_BASE
from govkg.store.remote import RemoteStore, portable_json
from govkg.store.sparql_text import prologue_for, query_form

XSD = "http://www.w3.org/2001/XMLSchema#"
BOOLEAN = f"{XSD}boolean"
GRAPH = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix state: <https://w3id.org/govkg/id/state/> .
@prefix instrument: <https://w3id.org/govkg/id/instrument/> .

state:FRA a gk:State ; rdfs:label "France"@en .
state:GBR a gk:State ; rdfs:label "United Kingdom"@en ;
    gk:note [ rdfs:label "a blank node" ] .
instrument:tiny-accord a gk:Declaration ; rdfs:label "Tiny Accord"@en .
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("portable")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "graph").mkdir()
    (root / "graph" / "things.ttl").write_text(GRAPH, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def loaded(tiny: Path, virtuoso_server: str) -> str:
    rebuild(tiny, virtuoso_server)
    return virtuoso_server


def _shown(quads: Iterator[ox.Quad]) -> list[str]:
    """Quads as text, each blank node as ``_:b`` (servers rename them)."""
    return sorted(
        " ".join("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in quad) for quad in quads
    )


def test_a_reload_replaces_and_only_govkgs_graphs_count(tiny: Path, loaded: str) -> None:
    """Virtuoso answers CLEAR ALL with 200 and removes nothing, and holds graphs of its own
    (2,496 triples of virtrdf#): a second load must not double the blank-node triples, and the
    store's size is that of govkg's graphs, as on the embedded store (plus the stamp)."""
    _project, memory = open_project(tiny)
    _project, remote = open_project(tiny, loaded)
    first = _shown(remote.quads())
    rebuild(tiny, loaded)
    assert _shown(remote.quads()) == first
    assert len(remote) == len(memory) + 1  # the stamp in the meta graph
    assert [q for q in first if "/graph/meta>" not in q] == _shown(memory.quads())
    system = remote.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert int(system[0][0].value) > len(remote)  # type: ignore[union-attr]


def test_validation_reads_virtuosos_blank_nodes(tiny: Path, loaded: str) -> None:
    """Virtuoso writes blank nodes as ``nodeID://b10000``, which SPARQL JSON readers refuse:
    govkg validate used to exit 2 on any graph with a blank node."""
    runner = CliRunner()
    here = runner.invoke(cli, ["--root", str(tiny), "validate", "--engine", "pyshacl"])
    there = runner.invoke(
        cli, ["--root", str(tiny), "--store", loaded, "validate", "--engine", "pyshacl"]
    )
    assert there.exit_code == here.exit_code, there.output
    assert there.output.splitlines()[:-1] == here.output.splitlines()[:-1]
    assert there.output.splitlines()[-1].split(":")[0] == here.output.splitlines()[-1].split(":")[0]


def test_construct_comes_back_as_a_graph(loaded: str) -> None:
    store = RemoteStore.from_spec(loaded)
    query = (
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_BASE}graph/things.ttl> "
        "{ ?s ?p ?o FILTER (isIRI(?s)) } }"
    )
    result = store.query(query)
    assert result.kind == "graph"
    assert len(result.triples) == 7  # France 2, United Kingdom 3, the accord 2


def test_booleans_come_back_as_true_and_false(loaded: str) -> None:
    store = RemoteStore.from_spec(loaded)
    rows = store.query("SELECT ?b WHERE { VALUES ?b { true false } }").rows
    assert sorted(str(b) for (b,) in rows) == [
        '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
    ]


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteStore]:
    """A Virtuoso that answers at most 5 rows and refuses a query it estimates at over 1 s."""
    with running_virtuoso(tmp_path_factory.mktemp("limited"), max_rows=5, cost_limit=1) as spec:
        yield RemoteStore.from_spec(spec)


def test_an_answer_cut_at_the_row_limit_is_an_error(limited: RemoteStore) -> None:
    values = " ".join(str(n) for n in range(8))
    with pytest.raises(QueryError) as error:
        limited.query(f"SELECT ?n WHERE {{ VALUES ?n {{ {values} }} }}")
    assert str(error.value) == (
        f"{limited.endpoints.query} cut the answer at its row limit of 5 (X-SPARQL-MaxRows): "
        "the answer is incomplete; raise the server's limit (Virtuoso: [SPARQL] "
        "ResultSetMaxRows)"
    )
    assert len(limited.query("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }").rows) == 3


def test_a_query_refused_on_its_estimated_time_names_the_setting(limited: RemoteStore) -> None:
    """Virtuoso refuses before running a query it estimates to take longer than
    ``MaxQueryCostEstimationTime`` (a product of its own 2,496 triples four times over: far
    more than 1 s); the message says so and names the setting to remove."""
    product = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(StoreError) as error:
        limited.query(product)
    message = str(error.value)
    assert re.fullmatch(
        re.escape(f"{limited.endpoints.query} answered 500 ")
        + r"SPARQL Request Failed: Virtuoso 42000 Error The estimated execution time \d+ \(sec\) "
        r"exceeds the limit of 1 \(sec\)\. \(the server refused the query before running it, "
        r"on its own estimate of its time, which can be far off; remove \[SPARQL\] "
        r"MaxQueryCostEstimationTime from virtuoso\.ini\)",
        message,
    ), message
    assert len(limited.query("SELECT ?n WHERE { VALUES ?n { 1 2 } }").rows) == 2


def test_an_answer_stopped_at_the_time_limit_is_an_error(virtuoso_server: str) -> None:
    """Virtuoso's "anytime" queries (a ``timeout`` parameter, here in the endpoint's URL) answer a
    longer query with 200 and a partial result (a count of 0 of 27,000,000 rows), saying so only
    in a header."""
    spec = virtuoso_server.replace("?query=sparql&", "?query=sparql%3Ftimeout%3D500&")
    store = RemoteStore.from_spec(spec)
    assert store.endpoints.query.endswith("/sparql?timeout=500")
    values = " ".join(str(n) for n in range(300))
    query = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
        f"VALUES ?c {{ {values} }} }}"
    )
    with pytest.raises((QueryError, StoreError)) as error:
        store.query(query)
    if isinstance(error.value, QueryError):  # the usual answer: 200 and a partial count
        assert str(error.value) == (
            f"{store.endpoints.query} stopped the query at its time limit and sent what it had "
            "found so far (X-SQL-State S1TAT): the answer is incomplete; raise the server's limit "
            "(Virtuoso: [SPARQL] MaxQueryExecutionTime) or simplify the query"
        )
    else:  # on a loaded machine Virtuoso may cancel the statement instead: an error, too
        assert str(error.value).startswith(f"{store.endpoints.query} answered 500 ")
        assert "HY008" in str(error.value)
    small = store.query("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { 1 2 } }").rows
    assert small[0][0] == ox.Literal("2", datatype=ox.NamedNode(f"{XSD}integer"))


def test_prefixes_a_query_declares_are_not_declared_again() -> None:
    query = "PREFIX gk: <https://example.org/other#>\nprefix : <urn:x#>\nSELECT * { ?s gk:p :o }"
    prologue = prologue_for(query)
    assert "PREFIX gk:" not in prologue and "PREFIX :" not in prologue
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" in prologue
    assert "PREFIX gk:" in prologue_for("SELECT * { ?s ?p 'PREFIX gk: <x>' }")


def test_the_query_form_decides_what_is_asked_for() -> None:
    assert query_form("PREFIX s: <urn:select#> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == (
        "construct"
    )
    assert query_form("# SELECT\nASK { { SELECT ?x { ?x ?p ?o } } }") == "ask"
    assert query_form("DESCRIBE <urn:x>") == "describe"
    assert query_form("select ?x { ?x ?p ?o }") == "select"


def test_sparql_json_is_read_as_sparql_defines_it() -> None:
    body = {
        "head": {"vars": ["x", "b"]},
        "results": {
            "bindings": [
                {
                    "x": {"type": "bnode", "value": "nodeID://b10000"},
                    "b": {"type": "typed-literal", "value": "1", "datatype": BOOLEAN},
                }
            ]
        },
        "metadata": {"httpRequests": 3},
    }
    read = json.loads(portable_json(json.dumps(body).encode()))
    assert set(read) == {"head", "results"}
    binding = read["results"]["bindings"][0]
    assert (binding["x"]["value"], binding["b"]["value"]) == ("b10000", "true")


def _auth_spec(spec: str, user: str, password: str) -> str:
    """The same Virtuoso through its login endpoints (HTTP Digest), with credentials."""
    base = spec.split("?")[0].replace("http://", f"http://{user}:{password}@")
    return base + "?query=sparql-auth&update=sparql-auth&store=sparql-graph-crud-auth"


def test_credentials_answer_digest_and_are_never_shown(
    tiny: Path, virtuoso_server: str, runner: CliRunner
) -> None:
    """Virtuoso's -auth endpoints want HTTP Digest (dba's password is dba in a new database)."""
    spec = _auth_spec(virtuoso_server, "dba", "dba")
    loaded = runner.invoke(cli, ["--root", str(tiny), "--store", spec, "load"])
    assert loaded.exit_code == 0, loaded.output
    assert f"into {spec.replace(':dba@', ':***@')} (" in loaded.stdout
    assert "dba@" not in loaded.output.replace("dba:***@", "")
    found = runner.invoke(cli, ["--root", str(tiny), "--store", spec, "stats"])
    assert found.exit_code == 0, found.output
    wrong = _auth_spec(virtuoso_server, "dba", "s3cret-wrong")
    refused = runner.invoke(cli, ["--root", str(tiny), "--store", wrong, "stats"])
    assert refused.exit_code == 2
    assert refused.output.startswith("Error: ") and len(refused.output.splitlines()) == 1
    assert "401" in refused.output and "s3cret-wrong" not in refused.output


def test_credentials_from_the_environment(
    tiny: Path, virtuoso_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVKG_STORE_USER", "dba")
    monkeypatch.setenv("GOVKG_STORE_PASSWORD", "dba")
    spec = _auth_spec(virtuoso_server, "", "").replace("http://:@", "http://")
    store = RemoteStore.from_spec(spec)
    assert store.query("ASK { }").boolean is True
    assert "dba" not in repr(store.__dict__)
