"""Conversion between Oxigraph's terms and rdflib's, for libraries that need an rdflib Graph.

Two differences are handled here.  Oxigraph gives every plain literal the datatype xsd:string,
which rdflib keeps apart from an untyped literal: a literal typed xsd:string becomes an untyped
rdflib literal (the same RDF 1.1 term).  Ill-typed literals such as ``"2021-13-45"^^xsd:date`` pass
through unchanged so that SHACL can flag them (and a literal of an exact view, which the
validation engine sees encoded under ``urn:govkg:written:``, comes back as written, see
:mod:`govkg.written`); rdflib's log of a traceback (and its warning) for
each of them is silenced, since the SHACL report names them in one line each.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govkg.documents import OX_FORMATS, serialize
from govkg.namespaces import PREFIXES, WRITTEN_DATATYPE

__all__ = ["OX_FORMATS", "graph_from_quads", "serialize", "to_oxigraph", "to_rdflib"]

_XSD_STRING = str(XSD.string)


class _IllTypedLiterals(logging.Filter):
    """Drops rdflib's record (with a traceback) of a literal whose lexical form is ill-typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiterals())
_BOOLEANS = frozenset({"true", "false", "1", "0"})
_XSD_BOOLEAN = str(XSD.boolean)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """One Oxigraph term as an rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value.removeprefix(WRITTEN_DATATYPE)  # an exact view's literal
        if datatype == _XSD_STRING:
            return Literal(term.value)
        if datatype == _XSD_BOOLEAN and term.value not in _BOOLEANS:
            with warnings.catch_warnings():  # rdflib warns of each ill-typed boolean
                warnings.simplefilter("ignore")
                return Literal(term.value, datatype=URIRef(datatype), normalize=False)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)  # as written
    raise TypeError(f"cannot convert {term!r} to rdflib")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to Oxigraph")


def graph_from_quads(quads: Iterable[ox.Quad | ox.Triple]) -> Graph:
    """A plain in-memory rdflib Graph of the quads' triples (graph names dropped)."""
    graph = Graph()
    for name, iri in PREFIXES.items():
        graph.bind(name, iri, replace=True)
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph
