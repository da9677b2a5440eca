"""Describing one resource: its outgoing triples and the triples that point at it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph

from govkg.rdf import graph_from_quads
from govkg.store import Store, Term

_OUTGOING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o"
_INCOMING = "SELECT ?o ?s ?p WHERE { ?s ?p ?o } ORDER BY ?p ?s"


@dataclass
class Description:
    """A resource's outgoing (property, value) and incoming (subject, property) pairs."""

    iri: str
    outgoing: list[tuple[ox.NamedNode, Term]] = field(default_factory=list)
    incoming: list[tuple[Term, ox.NamedNode]] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def triples(self) -> list[ox.Triple]:
        node = ox.NamedNode(self.iri)
        out = [ox.Triple(node, p, o) for p, o in self.outgoing]
        return out + [ox.Triple(s, p, node) for s, p in self.incoming]  # type: ignore[arg-type]

    def graph(self) -> Graph:
        """The description as an rdflib graph, for the serializers."""
        return graph_from_quads(self.triples())


def describe(store: Store, iri: str) -> Description:
    """The description of ``iri``: every triple with it as subject or as object."""
    description = Description(iri)
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # not a valid IRI: nothing in the graph can have it
        return description
    for _s, p, o in store.query(_OUTGOING, {"s": node}).rows:
        if isinstance(p, ox.NamedNode) and o is not None:
            description.outgoing.append((p, o))
    for _o, s, p in store.query(_INCOMING, {"o": node}).rows:
        if isinstance(p, ox.NamedNode) and s is not None:
            description.incoming.append((s, p))
    return description
