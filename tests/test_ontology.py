"""The ontology documents itself, and the data uses only terms and resources that exist."""

from __future__ import annotations

import re

import pytest

from govkg.namespaces import DATA_BASE, GK, ONTOLOGY_IRI
from govkg.project import Project
from govkg.store import Store

TERMS = """
SELECT ?term ?label ?definition ?definedBy WHERE {
  GRAPH <https://w3id.org/govkg/graph/ontology/govkg.ttl> {
    ?term a ?kind . VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
    OPTIONAL { ?term rdfs:label ?label }
    OPTIONAL { ?term skos:definition|rdfs:comment ?definition }
    OPTIONAL { ?term rdfs:isDefinedBy ?definedBy }
  }
}
"""


def _defined_terms(store: Store) -> dict[str, tuple]:
    return {row[0].value: row[1:] for row in store.query(TERMS).rows}


def test_every_class_and_property_is_documented(store: Store) -> None:
    terms = _defined_terms(store)
    assert len(terms) > 40
    missing = [
        term
        for term, (label, definition, defined_by) in terms.items()
        if label is None
        or definition is None
        or defined_by is None
        or defined_by.value != ONTOLOGY_IRI
    ]
    assert missing == []


def test_every_concept_scheme_term_is_documented(store: Store) -> None:
    rows = store.query(
        "SELECT ?c WHERE { ?c a skos:Concept "
        "FILTER NOT EXISTS { ?c skos:prefLabel ?l ; skos:definition ?d ; skos:inScheme ?s } }"
    ).rows
    assert rows == []


def test_every_gk_term_used_anywhere_is_defined(store: Store, project: Project) -> None:
    defined = set(_defined_terms(store)) | {ONTOLOGY_IRI}
    used: set[str] = set()
    for quad in store.quads():
        for term in (quad.subject, quad.predicate, quad.object):
            if getattr(term, "value", "").startswith(str(GK)):
                used.add(term.value)
    texts = [p.read_text(encoding="utf-8") for p in project.shapes_files()]
    texts += [p.read_text(encoding="utf-8") for p in project.queries_dir.rglob("*.rq")]
    for text in texts:
        used |= {str(GK) + local for local in re.findall(r"\bgk:([A-Za-z][A-Za-z0-9]*)", text)}
    assert sorted(used - defined) == []


@pytest.mark.parametrize("position", ["object", "subject"])
def test_every_data_iri_is_described(store: Store, position: str) -> None:
    """No dangling link: every id/ IRI that appears has a type somewhere in the graph."""
    pattern = "?x ?p ?iri" if position == "object" else "?iri ?p ?x"
    rows = store.query(
        f"SELECT DISTINCT ?iri WHERE {{ {pattern} FILTER(isIRI(?iri) && "
        f'STRSTARTS(STR(?iri), "{DATA_BASE}")) FILTER NOT EXISTS {{ ?iri a ?type }} }}'
    ).rows
    assert [r[0].value for r in rows] == []
