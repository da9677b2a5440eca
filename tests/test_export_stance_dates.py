"""A stance with several act dates or as-of dates is one edge, dated by the earliest of each: the
stances query gives a row for each pair of its dates and the view keeps the earliest (the query
once took the minimum in SPARQL, by a GROUP BY that held every stance in the store's memory).
On a fixture graph of its own, in memory and on disk (where the view runs its query by scans)."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import ROOT

from govkg.export import ExportRequest, ViewGraph, build_view
from govkg.load import load_files
from govkg.namespaces import GRAPH_BASE
from govkg.project import Project
from govkg.store import OxigraphStore, TurtleFile

ID = "https://w3id.org/govkg/id/"
FIXTURE = b"""
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kind: <https://w3id.org/govkg/id/stance-kind/> .
@prefix state: <https://w3id.org/govkg/id/state/> .
@prefix instrument: <https://w3id.org/govkg/id/instrument/> .
@prefix stance: <https://w3id.org/govkg/id/stance/> .

state:AAA a gk:State ; rdfs:label "Aland"@en .
instrument:treaty-x a gk:Convention ; rdfs:label "Treaty X"@en .
instrument:treaty-y a gk:Convention ; rdfs:label "Treaty Y"@en .
instrument:treaty-z a gk:Convention ; rdfs:label "Treaty Z"@en .

stance:two-dates a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:signed ; dcterms:date "2024-09-05"^^xsd:date , "2024-02-01"^^xsd:date ;
    gk:asOf "2025-06-01"^^xsd:date , "2025-01-15"^^xsd:date .
stance:two-as-of a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:treaty-y ;
    gk:stanceKind kind:endorsed ; gk:asOf "2025-03-01"^^xsd:date , "2024-12-24"^^xsd:date .
stance:none a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:treaty-z ;
    gk:stanceKind kind:signed .
"""


@pytest.fixture(scope="module", params=["memory", "disk"])
def view(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> ViewGraph:
    """The stances view of the shipped ontology and the fixture, in memory or on disk."""
    folder: Path | None = None
    if request.param == "disk":
        folder = tmp_path_factory.mktemp("dates") / "store"
    project = Project(ROOT)
    store = OxigraphStore(folder)
    load_files(project, store, project.ontology_files())
    store.load_turtle([TurtleFile(FIXTURE, f"{GRAPH_BASE}graph/dates.ttl", ID)])
    return build_view(store, ExportRequest.create("gexf", "stances"))


def _edge(view: ViewGraph, name: str) -> dict[str, object]:
    edges = [data for edge_id, data in view.edges() if edge_id == f"{ID}stance/{name}"]
    assert len(edges) == 1, f"{name}: {len(edges)} edges"
    return edges[0]


def test_a_stance_with_two_act_dates_is_one_edge_from_the_earliest(view: ViewGraph) -> None:
    edge = _edge(view, "two-dates")
    assert edge["attrs"]["date"] == ("2024-02-01",)  # type: ignore[index]
    assert edge["attrs"]["date_kind"] == ("act",)  # type: ignore[index]
    assert (edge["date"], edge["start"]) == ("2024-02-01", "2024-02-01")


def test_a_stance_with_two_as_of_dates_is_dated_by_the_earliest(view: ViewGraph) -> None:
    edge = _edge(view, "two-as-of")
    assert edge["attrs"]["date"] == ("2024-12-24",)  # type: ignore[index]
    assert edge["attrs"]["date_kind"] == ("as_of",)  # type: ignore[index]
    assert edge["attrs"]["as_of"] == (True,)  # type: ignore[index]


def test_a_stance_without_dates_stays_undated(view: ViewGraph) -> None:
    edge = _edge(view, "none")
    assert "date" not in edge["attrs"]  # type: ignore[operator]
    assert edge["date"] is None
    assert view.edge_count == 3
