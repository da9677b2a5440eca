"""W3C Web Annotations that tie an accepted fact to the words of its source.

Each fact gets one ``oa:Annotation``: its body is the fact, its target the article (the source
record) narrowed by two selectors, a ``oa:TextQuoteSelector`` (the exact words, with up to 32
characters before and after) and a ``oa:TextPositionSelector`` (character offsets into the text
whose SHA-256 the source records as ``gk:sha256``)::

    annotation:SLUG--ID a oa:Annotation ;
        rdfs:label "Evidence for …"@en ;
        oa:hasBody stance:… ;
        oa:hasTarget [ a oa:SpecificResource ; oa:hasSource source:SLUG ;
            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "…" ;
                             oa:prefix "…" ; oa:suffix "…" ] ,
                           [ a oa:TextPositionSelector ; oa:start 120 ; oa:end 161 ] ] .
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from govkg.ingest.model import Selector
from govkg.namespaces import OA, data_namespace

ANNOTATION = data_namespace("annotation")


def annotation_iri(slug: str, candidate_id: str) -> URIRef:
    return ANNOTATION[f"{slug}--{candidate_id}"]


def add_annotation(
    graph: Graph, iri: URIRef, body: URIRef, source: URIRef, selector: Selector, label: str
) -> None:
    """Add the annotation ``iri`` whose body is ``body`` and whose target is ``selector``'s words
    of ``source``."""
    local = str(iri).rsplit("/", 1)[-1]  # named after the annotation: the same Turtle every time
    target, quote, position = (BNode(f"{local}-{part}") for part in ("t", "q", "p"))
    graph.add((iri, RDF.type, OA.Annotation))
    graph.add((iri, RDFS.label, Literal(label, lang="en")))
    graph.add((iri, OA.hasBody, body))
    graph.add((iri, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, source))
    graph.add((target, OA.hasSelector, quote))
    graph.add((target, OA.hasSelector, position))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal(selector.exact)))
    graph.add((quote, OA.prefix, Literal(selector.prefix)))
    graph.add((quote, OA.suffix, Literal(selector.suffix)))
    graph.add((position, RDF.type, OA.TextPositionSelector))
    graph.add((position, OA.start, Literal(selector.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position, OA.end, Literal(selector.end, datatype=XSD.nonNegativeInteger)))
