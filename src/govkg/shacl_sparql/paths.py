"""SHACL property paths as SPARQL property paths.

A predicate path is shown as its IRI (as pySHACL reports it); any other path (inverse, sequence,
alternative, zero-or-more ...) as SPARQL property-path text with full IRIs, e.g.
``<https://w3id.org/govkg/ontology#speakerRole>/<http://www.w3.org/ns/org#member>``, the same for
both validation engines (pySHACL itself reports such a path as a blank node).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import SH, compact

#: What an IRI between angle brackets may not contain (SPARQL's IRIREF).
_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_UNARY = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


@dataclass(frozen=True)
class Path:
    """A shape's ``sh:path``: its node in the shapes graph, its SPARQL form and how it is shown."""

    node: Node
    sparql: str
    text: str


def iri(value: str, where: str = "") -> str:
    """An IRI written for a SPARQL query, ``<…>``."""
    if _BAD_IRI.search(value):
        raise UnsupportedShape(f"{where or value}: the IRI {value!r} cannot be written in SPARQL")
    return f"<{value}>"


def read_path(shapes: Graph, node: Node, shape: str) -> Path:
    """The path ``node`` of ``shape`` (a name for errors)."""
    sparql = _sparql(shapes, node, shape)
    return Path(node, sparql, str(node) if isinstance(node, URIRef) else sparql)


def _sparql(shapes: Graph, node: Node, shape: str) -> str:
    if isinstance(node, URIRef):
        return iri(str(node), shape)
    if not isinstance(node, BNode):
        raise UnsupportedShape(f"{shape}: sh:path {node} is not an IRI or a path expression")
    if shapes.value(node, RDF.first) is not None:
        parts = [_sparql(shapes, item, shape) for item in Collection(shapes, node)]
        return "(" + "/".join(parts) + ")"
    inverse = shapes.value(node, SH.inversePath)
    if inverse is not None:
        return f"(^{_sparql(shapes, inverse, shape)})"
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        parts = [_sparql(shapes, item, shape) for item in Collection(shapes, alternatives)]
        return "(" + "|".join(parts) + ")"
    for predicate, operator in _UNARY.items():
        inner = shapes.value(node, predicate)
        if inner is not None:
            return f"({_sparql(shapes, inner, shape)}{operator})"
    raise UnsupportedShape(f"{shape}: sh:path is a blank node that is not a SHACL path")


def path_triples(shapes: Graph, node: Node) -> list[tuple[Node, Node, Node]]:
    """The triples of the path ``node`` as it was read: a node that also carries other path
    statements (an ill-formed path) gives only the one its SPARQL form came from."""
    if not isinstance(node, BNode):
        return []
    if shapes.value(node, RDF.first) is not None:
        found: list[tuple[Node, Node, Node]] = []
        cell: Node | None = node
        while cell is not None and cell != RDF.nil:
            item, rest = shapes.value(cell, RDF.first), shapes.value(cell, RDF.rest)
            found += [(cell, RDF.first, item), (cell, RDF.rest, rest), *path_triples(shapes, item)]  # type: ignore[list-item,arg-type]
            cell = rest
        return found
    for predicate in (SH.inversePath, SH.alternativePath, *_UNARY):  # as _sparql reads them
        inner = shapes.value(node, predicate)
        if inner is not None:
            return [(node, predicate, inner), *path_triples(shapes, inner)]
    return []


_IRI_IN_PATH = re.compile(r"<([^<>]*)>")


def path_text(graph: Graph, node: Node) -> str:
    """How a result's path is shown: its IRI, or SPARQL path text for a path expression."""
    return str(node) if isinstance(node, URIRef) else _sparql(graph, node, "result path")


def compact_path(text: str) -> str:
    """A path for display: ``gk:speakerRole`` or ``(gk:speakerRole/org:member)``."""
    if not text.startswith("("):
        return compact(text)
    return _IRI_IN_PATH.sub(_compact_iri, text)


def _compact_iri(match: re.Match[str]) -> str:
    short = compact(match.group(1))
    return match.group(0) if short == match.group(1) else short
