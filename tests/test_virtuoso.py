"""Virtuoso 7.2 as a govkg store: a real server (Debian's ``virtuoso-t``, started on loopback by
tests/virtuoso.py through conftest's ``virtuoso_server``), loaded and queried through govkg.

A tiny project (the shipped ontology and two shipped catalogue queries, a graph of three stances)
is loaded with ``govkg load``; its queries must give the same lines as on the embedded store.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli
from govkg.load import open_project
from govkg.namespaces import DATA_BASE, GRAPH_BASE
from govkg.store.remote import Endpoints

ID = DATA_BASE

GRAPH = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix instrument: <https://w3id.org/govkg/id/instrument/> .
@prefix source: <https://w3id.org/govkg/id/source/> .
@prefix stance: <https://w3id.org/govkg/id/stance/> .
@prefix stancekind: <https://w3id.org/govkg/id/stance-kind/> .
@prefix state: <https://w3id.org/govkg/id/state/> .

state:FRA a gk:State ; rdfs:label "France"@en .
state:GBR a gk:State ; rdfs:label "United Kingdom"@en .
state:USA a gk:State ; rdfs:label "United States"@en .
instrument:tiny-accord a gk:Declaration ; rdfs:label "Tiny Accord"@en .

stance:tiny-accord--FRA a gk:Stance ; gk:instrument instrument:tiny-accord ;
    gk:actor state:FRA ; gk:stanceKind stancekind:signed ; prov:wasDerivedFrom source:one .
stance:tiny-accord--GBR a gk:Stance ; gk:instrument instrument:tiny-accord ;
    gk:actor state:GBR ; gk:stanceKind stancekind:endorsed ;
    prov:wasDerivedFrom source:two .
stance:tiny-accord--USA a gk:Stance ; gk:instrument instrument:tiny-accord ;
    gk:actor state:USA ; gk:stanceKind stancekind:declined ; prov:wasDerivedFrom source:two .
"""
QUERIES = ("signatories.rq", "decliners.rq")
# One source per stance: the order GROUP_CONCAT joins several in is undefined in SPARQL.


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of the shipped ontology, two shipped catalogue queries and a small graph."""
    root = tmp_path_factory.mktemp("tiny")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "queries").mkdir()
    for name in QUERIES:
        shutil.copy(ROOT / "queries" / name, root / "queries" / name)
    (root / "graph").mkdir()
    (root / "graph" / "stances.ttl").write_text(GRAPH, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def loaded(tiny: Path, virtuoso_server: str) -> str:
    """The Virtuoso server after ``govkg load`` of the tiny project; its --store value."""
    result = CliRunner().invoke(cli, ["--root", str(tiny), "--store", virtuoso_server, "load"])
    assert result.exit_code == 0, result.output
    return virtuoso_server


def _post_query(url: str, query: str) -> dict:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200
        return json.loads(answer.read())


def test_the_fixture_gives_a_sparql_endpoint_on_loopback(virtuoso_server: str) -> None:
    endpoints = Endpoints.from_spec(virtuoso_server)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/sparql", endpoints.query)
    assert endpoints.update == endpoints.query
    assert endpoints.store == endpoints.query + "-graph-crud"
    assert _post_query(endpoints.query, "ASK { }") == {"head": {"link": []}, "boolean": True}


def test_anonymous_requests_may_write_over_http(virtuoso_server: str) -> None:
    """The grants let SPARQL Update and the Graph Store Protocol write without a login."""
    endpoints = Endpoints.from_spec(virtuoso_server)
    update = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:p> 'u' } }"
    body = urllib.parse.urlencode({"update": update}).encode()
    urllib.request.urlopen(endpoints.update, data=body, timeout=30).close()
    request = urllib.request.Request(
        endpoints.store + "?" + urllib.parse.urlencode({"graph": "urn:test:g"}),
        data=b'<urn:test:b> <urn:test:p> "g" .\n', method="POST",
        headers={"Content-Type": "application/n-triples"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 200  # 201 Created when the graph is new
    found = _post_query(endpoints.query, "SELECT ?s ?o WHERE { GRAPH <urn:test:g> { ?s ?p ?o } }")
    rows = sorted((b["s"]["value"], b["o"]["value"]) for b in found["results"]["bindings"])
    assert rows == [("urn:test:a", "u"), ("urn:test:b", "g")]
    clear = urllib.parse.urlencode({"update": "CLEAR GRAPH <urn:test:g>"}).encode()
    urllib.request.urlopen(endpoints.update, data=clear, timeout=30).close()


def test_govkg_loads_every_file_of_the_project_into_its_graph(tiny: Path, loaded: str) -> None:
    _project, memory = open_project(tiny)
    _project, remote = open_project(tiny, loaded)  # checks the stamp govkg wrote
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH_BASE}graph/stances.ttl> {{ ?s ?p ?o }} }}"
    rows = sorted(remote.query(query).rows)
    assert len(rows) == 23  # 4 resources with 2 triples, 3 stances with 5
    assert rows == sorted(memory.query(query).rows)


@pytest.mark.parametrize(
    ("args", "actor"),
    [
        (["signatories", "-p", "instrument=instrument:tiny-accord"], "United Kingdom"),
        (["decliners", "-p", "instrument=instrument:tiny-accord"], "United States"),
        (["signatories", "-p", "instrument=instrument:tiny-accord", "--format", "json"], "France"),
    ],
)
def test_catalogue_queries_answer_as_on_the_embedded_store(
    tiny: Path, loaded: str, args: list[str], actor: str
) -> None:
    runner = CliRunner()
    here = runner.invoke(cli, ["--root", str(tiny), "query", *args])
    there = runner.invoke(cli, ["--root", str(tiny), "--store", loaded, "query", *args])
    assert here.exit_code == 0, here.output
    assert (there.exit_code, there.stdout) == (0, here.stdout)
    assert actor in here.stdout


def test_the_signatories_lines(tiny: Path, loaded: str) -> None:
    """The exact table a user sees from Virtuoso."""
    args = ["--root", str(tiny), "--store", loaded, "query", "signatories",
            "-p", "instrument=instrument:tiny-accord", "--format", "csv"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "instrument,actor,actorLabel,kind,sources",
        f"{ID}instrument/tiny-accord,{ID}state/FRA,France,signed,{ID}source/one",
        f"{ID}instrument/tiny-accord,{ID}state/GBR,United Kingdom,endorsed,{ID}source/two",
    ]
