"""Read-only SPARQL servers, for real on loopback: rdflib-endpoint (rdflib's engine; no SPARQL
Update, no Graph Store Protocol) and Comunica (``comunica-sparql-file-http``), each serving the
shipped project as ``govkg load`` builds it.

``govkg load`` there is refused before anything is dropped, in one line saying why and that
nothing changed; queries answer the embedded store's rows.  Where rdflib's engine cannot evaluate
a query, the answer is an error naming the server, never a shorter or empty answer.  Rows are
compared as multisets: engines order rows whose sort keys tie or mix datatypes differently.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from paths import ROOT
from test_virtuoso_catalogue import comparable

from govkg.cli import cli
from govkg.load import open_project
from govkg.namespaces import META_GRAPH
from govkg.project import Project
from govkg.queries import catalogue, find_query, run_query
from govkg.store import Store
from govkg.store.remote import Endpoints, RemoteStore

NAMES = [query.name for query in catalogue(Project(ROOT))]
#: Queries Comunica 4.5 answers otherwise than Oxigraph, Virtuoso and rdflib, which agree (its
#: engine, not the wire; no govkg can see it): an extra row, and OPTIONAL values left unbound.
COMUNICA_DIFFERS = {"article-claims-contradicted", "tracks"}
#: Queries that answer through ``govkg query`` on rdflib-endpoint today (the others are errors).
RDFLIB_ANSWERS = {
    "article-claims-contradicted", "attended-not-signed", "conflicting-counts", "dialogue-topics",
    "instruments-with-theme", "principles-of-instrument", "reported-counts", "roles",
    "signed-as-of", "single-source-facts", "summit-series",
}  # fmt: skip
READ_ONLY = "cannot be loaded (a read-only server, or one without the Graph Store Protocol): "
UNCHANGED = "; nothing was changed on the server"


def govkg(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(ROOT), *args])


def error_lines(result: Result) -> list[str]:
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if line.startswith("Error")]


def same_rows(project: Project, here: Store, there: Store, name: str) -> bool:
    query = find_query(project, name)
    mine = comparable(query, run_query(here, query))
    return Counter(comparable(query, run_query(there, query))) == Counter(mine)


@pytest.fixture(scope="module")
def rdflib_store(rdflib_endpoint_server: str) -> Store:
    return open_project(ROOT, rdflib_endpoint_server)[1]


@pytest.fixture(scope="module")
def comunica_store(comunica_server: str) -> Store:
    return open_project(ROOT, comunica_server)[1]


def test_load_on_rdflib_endpoint_is_refused_and_changes_nothing(
    rdflib_endpoint_server: str, shipped_nquads: Path
) -> None:
    """rdflib-endpoint answers a Graph Store POST 200 (its service description) and keeps
    nothing (issue 15: a load there printed "loaded 0 quads" and exited 0)."""
    held = len(RemoteStore.from_spec(rdflib_endpoint_server))
    result = govkg("load", "--store", rdflib_endpoint_server)
    base = Endpoints.from_spec(rdflib_endpoint_server).store
    assert result.exit_code == 2
    assert error_lines(result) == [
        f"Error: {base} {READ_ONLY}it accepted a test write but does not hold it{UNCHANGED}"
    ]
    assert len(RemoteStore.from_spec(rdflib_endpoint_server)) == held == _quads(shipped_nquads)


def test_load_where_no_store_endpoint_exists_is_refused(rdflib_endpoint_server: str) -> None:
    """Named by its query endpoint alone, the server's ``/store`` does not exist (404)."""
    spec = rdflib_endpoint_server.split("?")[0] + "?query=."
    store_url = Endpoints.from_spec(spec).store
    result = govkg("load", "--store", spec)
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert line.startswith(f"Error: {store_url} {READ_ONLY}a test write failed: {store_url}?graph=")
    assert " answered 404 Not Found: " in line
    assert line.endswith(UNCHANGED)


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_endpoint_answers_the_catalogue_as_embedded(
    project: Project, store: Store, rdflib_store: Store, name: str
) -> None:
    assert same_rows(project, store, rdflib_store, name)


@pytest.mark.parametrize("name", NAMES)
def test_govkg_query_on_rdflib_endpoint_answers_or_says_why_not(
    rdflib_endpoint_server: str, name: str
) -> None:
    """Through the CLI, each answer is the embedded store's rows, or one Error line naming the
    server's refusal (rdflib fails to ORDER BY unbound values in the coverage queries)."""
    there = govkg("--store", rdflib_endpoint_server, "query", name, "--format", "json")
    if there.exit_code == 2:
        [line] = error_lines(there)
        assert line.startswith(f"Error: {Endpoints.from_spec(rdflib_endpoint_server).query} ")
        assert " answered 4" in line
        assert name not in RDFLIB_ANSWERS
        return
    here = govkg("query", name, "--format", "json")
    assert (there.exit_code, error_lines(there)) == (here.exit_code, [])
    mine, theirs = json.loads(here.stdout), json.loads(there.stdout)
    assert theirs["variables"] == mine["variables"]
    assert Counter(map(json.dumps, theirs["rows"])) == Counter(map(json.dumps, mine["rows"]))


def test_load_on_comunica_is_refused_and_changes_nothing(
    comunica_server: str, shipped_nquads: Path
) -> None:
    held = len(RemoteStore.from_spec(comunica_server))
    store_url = Endpoints.from_spec(comunica_server).store
    result = govkg("load", "--store", comunica_server)
    assert result.exit_code == 2
    [line] = error_lines(result)
    assert line.startswith(f"Error: {store_url} {READ_ONLY}a test write failed: {store_url}?graph=")
    assert " answered 404 Not Found: " in line
    assert line.endswith(UNCHANGED)
    assert len(RemoteStore.from_spec(comunica_server)) == held == _quads(shipped_nquads)


def _quads(nquads: Path) -> int:
    """The quads of an N-Quads file the server was given (one a line)."""
    return sum(1 for line in nquads.read_bytes().splitlines() if line.strip())


def test_comunica_metadata_member_is_tolerated(comunica_server: str, shipped_nquads: Path) -> None:
    """Comunica's SPARQL JSON carries a ``metadata`` member beside ``head`` and ``results``."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    request = urllib.request.Request(
        Endpoints.from_spec(comunica_server).query,
        data=urllib.parse.urlencode({"query": count}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = json.loads(answer.read())
    assert set(body) == {"head", "results", "metadata"}
    [(n,)] = RemoteStore.from_spec(comunica_server).query(count).rows
    assert getattr(n, "value", None) == str(_quads(shipped_nquads))


@pytest.mark.parametrize("name", [name for name in NAMES if name not in COMUNICA_DIFFERS])
def test_comunica_answers_the_catalogue_as_embedded(
    project: Project, store: Store, comunica_store: Store, name: str
) -> None:
    assert same_rows(project, store, comunica_store, name)


@pytest.mark.parametrize("name", ["roles", "summit-series", "unga-votes"])
def test_govkg_query_on_comunica(comunica_server: str, name: str) -> None:
    """Answers and their coverage as embedded (Comunica counts 0 of the 45 named signatories
    of REAIM 2026 in the coverage of ``signatories``: its BIND(IF(?kind IN (...), ...)))."""
    there = govkg("--store", comunica_server, "query", name, "--format", "json")
    here = govkg("query", name, "--format", "json")
    assert (there.exit_code, error_lines(there)) == (0, [])
    mine, theirs = json.loads(here.stdout), json.loads(there.stdout)
    assert theirs["coverage"] == mine["coverage"]
    assert Counter(map(json.dumps, theirs["rows"])) == Counter(map(json.dumps, mine["rows"]))


def test_a_writable_server_keeps_no_trace_of_the_test_write(oxigraph_server: str) -> None:
    """On a server that can be loaded, the test graph is dropped with govkg's old graphs."""
    result = govkg("load", "--store", oxigraph_server)
    assert (result.exit_code, error_lines(result)) == (0, [])
    graphs = RemoteStore.from_spec(oxigraph_server).graphs()
    assert META_GRAPH in graphs
    assert [name for name in graphs if name.endswith("/load-check")] == []
