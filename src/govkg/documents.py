"""RDF documents written by Oxigraph in the formats govkg serves (no rdflib: a query process
writes CONSTRUCT answers with it)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from govkg.namespaces import PREFIXES

#: Media type → Oxigraph's serializer, for the RDF documents govkg writes.
OX_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def serialize(triples: Iterable[ox.Triple], media: str) -> bytes:
    """Triples in one of :data:`OX_FORMATS` (Turtle with govkg's prefixes), by Oxigraph: about
    ten times faster than rdflib's serializers."""
    fmt = OX_FORMATS[media]
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(list(triples), format=fmt, prefixes=prefixes) or b""
