"""What the resource pages read (issue 22, item 4): an actor's coverage notice from the lists kept
per store gives :func:`govkg.coverage.page_coverage`'s answer; a page with a profile counts its
stances without reading them; the server's modules import no numerical library until a page
needs one; a paged query page says how many rows the whole answer has."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from imported import imported_packages
from paths import ROOT

from govkg.coverage import Coverage, page_coverage
from govkg.namespaces import DATA_BASE
from govkg.queries import Query
from govkg.site.kept import KeptByKey
from govkg.site.layout import Layout
from govkg.site.query_pages import Capped, Covered, query_body
from govkg.site.resources import describe, view, with_stances
from govkg.site.unlisted import actor_coverage
from govkg.store import QueryResult, Store
from govkg.store.oxigraph import OxigraphStore

_GRAPH = "https://w3id.org/govkg/graph/test.ttl"
# Five lists: a (open, a company on it), b (open, a research institution), c (open, a state),
# d (complete: no one is missing from it), e (complete as of a date, a company on it).
_SMALL = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix i: <https://w3id.org/govkg/id/instrument/> .
@prefix o: <https://w3id.org/govkg/id/org/> .
@prefix st: <https://w3id.org/govkg/id/state/> .
@prefix s: <https://w3id.org/govkg/id/stance/> .
i:a a gk:Instrument ; rdfs:label "A" .
i:b a gk:Instrument ; rdfs:label "B" ; gk:listComplete false .
i:c a gk:Instrument ; rdfs:label "C" .
i:d a gk:Instrument ; rdfs:label "D" ; gk:listComplete true .
i:e a gk:Instrument ; rdfs:label "E" ; gk:listComplete true ;
  gk:listCompleteAsOf "2025-01-01"^^xsd:date .
o:co a gk:Company . o:co2 a gk:Company . o:ri a gk:ResearchInstitution .
o:both a gk:Company, gk:ResearchInstitution .
s:1 a gk:Stance ; gk:actor o:co ; gk:instrument i:a .
s:2 a gk:Stance ; gk:actor o:ri ; gk:instrument i:b .
s:3 a gk:Stance ; gk:actor st:X ; gk:instrument i:c .
s:4 a gk:Stance ; gk:actor o:co ; gk:instrument i:d .
s:5 a gk:Stance ; gk:actor o:co ; gk:instrument i:e .
s:6 a gk:Stance ; gk:actor st:Y ; gk:instrument i:e .
"""


def _small_store() -> Store:
    store = OxigraphStore()
    triples = ox.parse(_SMALL.encode(), ox.RdfFormat.TURTLE)
    store.load(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(_GRAPH)) for t in triples)
    return store


@pytest.mark.parametrize(
    "actor", ["org/co", "org/co2", "org/ri", "org/both", "state/X", "state/Y", "state/Z"]
)
def test_an_actors_notice_is_page_coverages_on_a_small_graph(actor: str) -> None:
    store = _small_store()
    iri = DATA_BASE + actor
    assert actor_coverage(store, iri) == page_coverage(store, iri)
    assert actor_coverage(store, iri) == page_coverage(store, iri)  # the kept lists, again


def test_actors_notices_are_page_coverages_on_the_shipped_graph(store: Store) -> None:
    rows = store.query(
        "SELECT DISTINCT ?a WHERE { ?s a gk:Stance ; gk:actor ?a "
        f'FILTER(STRSTARTS(STR(?a), "{DATA_BASE}state/") || STRSTARTS(STR(?a), "{DATA_BASE}org/"))'
        "} ORDER BY ?a"
    ).records()
    found = [row.text("a") for row in rows]
    assert len(found) > 50 and any("/org/" in a for a in found)
    # the organisations, a state in ten and three companies (page_coverage takes a second each)
    actors = [a for a in found if "/org/" in a] + found[::10]
    companies = store.query("SELECT ?a WHERE { ?a a gk:Company } ORDER BY ?a").records()
    actors += [row.text("a") for row in companies][:3]
    for iri in actors:
        assert actor_coverage(store, iri) == page_coverage(store, iri), iri


@pytest.mark.parametrize("path", ["state/USA", "instrument/reaim-2026-pathways-to-action"])
def test_stances_read_after_the_count_are_the_same_view(store: Store, path: str) -> None:
    description = describe(store, DATA_BASE + path, incoming=False)
    whole = view(store, description, 1)
    counted = view(store, description, 1, stances=False)
    assert whole.stances is not None and whole.stances.rows and counted.stances is None
    assert counted.pages == whole.pages
    assert with_stances(store, counted) == whole


def test_kept_by_key_reads_each_key_once_and_drops_the_oldest() -> None:
    reads: list[str] = []

    def load(_store: Store, key: str) -> str:
        reads.append(key)
        return key.upper()

    kept: KeptByKey[str, str] = KeptByKey(load, 2)
    store = OxigraphStore()
    assert [kept.get(store, k) for k in ("a", "b", "a", "c", "a", "b")] == list("ABACAB")
    assert reads == ["a", "b", "c", "b"]  # b was dropped when c came (a was asked for later)


def test_the_server_imports_no_numerical_library() -> None:
    modules = ["govkg.server.browse", "govkg.site.profile_pages", "govkg.site.state_pages"]
    assert imported_packages(modules, ["scipy", "numpy", "networkx"]) == []


def test_a_paged_query_page_counts_the_whole_answer() -> None:
    result = QueryResult("select", ["x"], [(ox.Literal(str(n)),) for n in range(100)])
    query = Query("q", ROOT / "q.rq", "Q", "What q answers.", (), "SELECT ?x WHERE {}")
    covered = Covered(Capped(result, False, 5000), Coverage("none"))
    body = query_body(query, {}, covered, Layout(), ".")
    assert "<p>5000 rows in all.</p>" in body and "100 rows." not in body
