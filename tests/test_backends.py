"""Known differences between Oxigraph and rdflib, handled at the boundary and tested here."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from govkg.load import parse_file
from govkg.project import Project
from govkg.rdf import graph_from_quads, to_oxigraph, to_rdflib
from govkg.validate import files_by_subject, validate_graph, validate_store

EX = "http://example.org/"


def test_xsd_string_literals_become_plain_rdflib_literals() -> None:
    # Oxigraph types every plain literal as xsd:string; rdflib keeps "x" and "x"^^xsd:string apart.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x")))
    (quad,) = list(store)
    assert quad.object.datatype == ox.NamedNode(str(XSD.string))
    graph = graph_from_quads([quad])
    assert (URIRef(EX + "a"), URIRef(EX + "p"), Literal("x")) in graph
    assert to_oxigraph(to_rdflib(quad.object)) == quad.object


def test_language_tags_survive_the_round_trip_lower_cased(tmp_path: Path) -> None:
    path = tmp_path / "lang.ttl"
    path.write_text(f'<{EX}a> <{EX}p> "colour"@EN-GB .\n', encoding="utf-8")
    (quad,) = parse_file(path)
    assert quad.object.language == "en-gb"  # Oxigraph normalises tags to lower case
    term = to_rdflib(quad.object)
    assert isinstance(term, Literal) and term.language == "en-gb"


def test_ill_typed_date_is_kept_by_oxigraph_and_flagged_by_the_shapes(
    tmp_path: Path, project: Project
) -> None:
    path = tmp_path / "bad-date.ttl"
    path.write_text(
        "@prefix gk: <https://w3id.org/govkg/ontology#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/govkg/id/source/x> a gk:Document ; rdfs:label "x"@en ;\n'
        '    dcterms:date "2021-13-45"^^xsd:date .\n',
        encoding="utf-8",
    )
    quads = parse_file(path)  # Oxigraph accepts the ill-typed literal
    assert any(getattr(q.object, "value", "") == "2021-13-45" for q in quads)
    report = validate_graph(graph_from_quads(quads), project=project)
    assert not report.conforms
    assert any(
        r.path == "http://purl.org/dc/terms/date" and r.value == "2021-13-45"
        for r in report.violations
    )


def test_validation_does_not_depend_on_the_back_end(project: Project, store) -> None:
    """The shipped graph parsed straight into rdflib gives the same report as via Oxigraph."""
    direct = Graph()
    for path in project.data_files():
        direct.parse(path, format="turtle")
    via_store = validate_store(store, project)
    straight = validate_graph(direct, project=project, files_of=files_by_subject(store))
    assert via_store.triples == straight.triples
    assert via_store.results == straight.results


def test_validation_of_broken_data_does_not_depend_on_the_back_end(
    project: Project, tmp_path: Path
) -> None:
    """The same violations whether pySHACL gets rdflib's own parse or the store's quads: a bad
    stance beside the reference states (which conform alone), so that every violation is the
    stance's; the whole shipped graph is compared by the test above."""
    from govkg.store import OxigraphStore

    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix gk: <https://w3id.org/govkg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix stancekind: <https://w3id.org/govkg/id/stance-kind/> .\n"
        '<https://w3id.org/govkg/id/stance/x--USA> a gk:Stance ; rdfs:label "x" ;\n'
        "    gk:actor <https://w3id.org/govkg/id/state/USA> ;\n"
        "    gk:stanceKind <https://w3id.org/govkg/id/stance-kind/maybe> .\n",
        encoding="utf-8",
    )
    files = [project.graph_dir / "reference" / "states.ttl", bad]
    direct = Graph()
    for path in files:
        direct.parse(path, format="turtle")
    store = OxigraphStore()
    for path in files:
        store.load(parse_file(path))
    via_store = validate_graph(graph_from_quads(store.quads()), project=project)
    straight = validate_graph(direct, project=project)
    assert not via_store.conforms
    assert len(via_store.violations) >= 3  # no instrument, no source, kind not in the scheme
    assert {r.focus for r in via_store.violations} == {"https://w3id.org/govkg/id/stance/x--USA"}
    assert via_store.results == straight.results
