"""The full view: the whole RDF graph in the store (ontology, vocabularies and data).

- Every IRI that is a subject, or the object of a predicate other than ``rdf:type``, is a node.
- Literals are node attributes named by their predicate's compact IRI (``rdfs:label``,
  ``gk:iso3``), typed from their XSD datatypes; a predicate with several values on some node is
  a ``liststring``.
- ``rdf:type`` is the node attribute ``type`` (compact IRIs), the one to partition by; ``file`` is
  the graph file(s) describing the node, to tell the ontology from the data.
- Every other triple between IRIs is an edge labelled with its predicate's compact IRI (also its
  GEXF edge ``kind`` and its ``predicate`` attribute).
- Blank nodes are folded into the IRI that refers to them: a triple ``_:b q o`` reached through
  ``s p _:b`` becomes an attribute ``p/q`` of ``s`` (a literal or, for ``rdf:type``, the class) or
  an edge ``s → o`` labelled ``p/q``.  Blank nodes no IRI refers to are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox

from govkg.export.describe import Catalogue, local_name
from govkg.export.model import ViewGraph
from govkg.export.palette import colour_for
from govkg.export.request import ExportRequest
from govkg.namespaces import GRAPH_BASE, RDF, XSD, compact
from govkg.store import Store
from govkg.written import written_quads

_INTEGERS = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
}
_DOUBLES = {"decimal", "double", "float"}
_INT_MAX = 2**31 - 1
TYPE = str(RDF.type)
#: Compact IRIs of predicates and classes (a few hundred, met once a triple): each made once.
_compact = lru_cache(maxsize=4096)(compact)
_TYPE = compact(TYPE)

Literal = tuple[str, str]  # (lexical form, GEXF kind: integer, double, boolean or string)


def _kind(literal: ox.Literal) -> str:
    datatype = literal.datatype.value
    name = datatype[len(str(XSD)) :] if datatype.startswith(str(XSD)) else ""
    if name in _INTEGERS:
        return "integer"
    if name in _DOUBLES:
        return "double"
    return "boolean" if name == "boolean" else "string"


class _Collector:
    """Walks the triples once, folding blank nodes into the IRIs that refer to them."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.triples: set[tuple[ox.NamedNode, ox.NamedNode, object]] = set()
        self.blank: dict[ox.BlankNode, set[tuple[ox.NamedNode, object]]] = defaultdict(set)
        self.files: dict[str, set[str]] = defaultdict(set)
        for quad in quads:
            subject = quad.subject
            if isinstance(subject, ox.BlankNode):
                self.blank[subject].add((quad.predicate, quad.object))
            elif isinstance(subject, ox.NamedNode):
                self.triples.add((subject, quad.predicate, quad.object))
                if isinstance(quad.graph_name, ox.NamedNode):
                    self.files[subject.value].add(quad.graph_name.value.removeprefix(GRAPH_BASE))
        self.nodes: set[str] = {s.value for s, _p, _o in self.triples}
        self.types: dict[str, set[str]] = defaultdict(set)
        self.literals: dict[str, dict[str, list[Literal]]] = defaultdict(lambda: defaultdict(list))
        self.edges: set[tuple[str, str, str]] = set()
        for subject, predicate, obj in sorted(self.triples, key=str):
            self.add(subject.value, _compact(predicate.value), obj, frozenset())

    def add(self, subject: str, path: str, obj: object, seen: frozenset[ox.BlankNode]) -> None:
        if isinstance(obj, ox.Literal):
            self.literals[subject][path].append((obj.value, _kind(obj)))
        elif isinstance(obj, ox.NamedNode):
            self.add_iri(subject, path, obj.value)
        elif isinstance(obj, ox.BlankNode) and obj not in seen:
            for predicate, value in self.blank.get(obj, ()):
                self.add(subject, f"{path}/{_compact(predicate.value)}", value, seen | {obj})

    def add_iri(self, subject: str, path: str, iri: str) -> None:
        if path == _TYPE:
            self.types[subject].add(iri)
        elif path.endswith("/" + _TYPE):
            self.literals[subject][path].append((_compact(iri), "string"))
        else:
            self.nodes.add(iri)
            self.edges.add((subject, path, iri))


def _attribute_types(literals: dict[str, dict[str, list[Literal]]]) -> dict[str, str]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for attributes in literals.values():
        for name, values in attributes.items():
            kinds[name].update(kind for _v, kind in values)
    return {name: _combined(found, literals, name) for name, found in sorted(kinds.items())}


def _combined(kinds: set[str], literals: dict[str, dict[str, list[Literal]]], name: str) -> str:
    if kinds == {"integer"}:
        try:
            numbers = [int(v) for a in literals.values() for v, _k in a.get(name, ())]
        except ValueError:
            return "string"
        return "integer" if all(abs(n) <= _INT_MAX for n in numbers) else "long"
    if kinds <= {"integer", "double"}:
        return "double"
    return "boolean" if kinds == {"boolean"} else "string"


def _convert(values: list[Literal], kind: str) -> list[object]:
    lexical = [v for v, _k in values]
    try:
        if kind in ("integer", "long"):
            return [int(v) for v in lexical]
        if kind == "double":
            return [float(v) for v in lexical]
    except ValueError:
        return list(lexical)
    if kind == "boolean":
        return [v in ("true", "1") for v in lexical]
    return list(lexical)


def full_view(
    store: Store, request: ExportRequest, catalogue: Catalogue | None = None
) -> ViewGraph:
    """Every IRI resource, its literals as attributes, its links to other IRIs as edges."""
    catalogue = catalogue or Catalogue.labelled(store)
    found = _Collector(written_quads(store))  # literals as the files wrote them
    literal_types = _attribute_types(found.literals)
    view = ViewGraph(
        "full", True, {"type": "string", "file": "string", **literal_types}, {"predicate": "string"}
    )
    for node in sorted(found.nodes):
        types = found.types.get(node, set())
        attrs: dict[str, object] = {
            name: _convert(values, literal_types[name])
            for name, values in found.literals.get(node, {}).items()
        }
        attrs.update(type=[_compact(t) for t in types], file=found.files.get(node, set()))
        view.add_node(
            node, catalogue.label(node), attrs, colour=colour_for(local_name(t) for t in types)
        )
    for subject, path, obj in sorted(found.edges):
        view.add_edge(
            f"{subject}|{path}|{obj}",
            subject,
            obj,
            label=path,
            attrs={"predicate": path},
            kind=path,
        )
    view.lists = tuple(item for iri, item in sorted(catalogue.coverage.items()) if iri in view)
    return view
