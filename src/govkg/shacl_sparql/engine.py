"""Running the compiled shapes on a store: each constraint's query once, over the whole graph.

A shape without focus nodes is skipped after one ``ASK``.  An ``sh:sparql`` constraint runs once
per focus node with ``$this`` pre-bound (Oxigraph's substitutions), as SHACL and pySHACL do; its
rows become results as pySHACL makes them: the focus node, ``?path`` and ``?value`` when the query
returns them (else the focus node as the value), one result per distinct row, the message with
``{?var}`` and ``{$var}`` replaced by the row's values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.namespaces import GRAPH_BASE, PREFIXES, SH
from govkg.rdf import to_rdflib
from govkg.shacl_sparql.checks import OxTerm
from govkg.shacl_sparql.paths import Path, iri
from govkg.shacl_sparql.prebinding import projected_variables
from govkg.shacl_sparql.queries import CompiledShape, Found, compile_shape
from govkg.shacl_sparql.shapes import SparqlConstraint, read_shapes
from govkg.store import Store

#: Focus IRIs looked up per query when finding the files that describe them; above FILES_SCAN
#: of them, one pass over the store is quicker.
FILES_BATCH = 500
FILES_SCAN = 20_000


@dataclass
class CompiledShapes:
    """The shapes graph compiled once, to validate any number of stores."""

    shapes: list[CompiledShape]
    graph: Graph


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every targeted shape; raises :class:`UnsupportedShape` for anything this engine
    cannot evaluate exactly as pySHACL does."""
    compiled = []
    for shape in read_shapes(shapes):
        unit = compile_shape(shape)
        for constraint in shape.sparql:
            projected_variables(constraint.query, shape.name)  # refuses what cannot be pre-bound
            unit.sparql.append(constraint)
        compiled.append(unit)
    return CompiledShapes(compiled, shapes)


def run(store: Store, compiled: CompiledShapes) -> list[Found]:
    """Every result of validating the store."""
    found: list[Found] = []
    for unit in compiled.shapes:
        if unit.sparql:  # their focus nodes, one by one
            focus = [row[0] for row in store.query(f"{unit.prologue}SELECT DISTINCT ?this "
                                                   f"WHERE {{ {unit.focus} }}").rows]  # fmt: skip
            if not focus:
                continue
        elif not store.query(f"{unit.prologue}ASK {{ {unit.focus} }}").boolean:
            continue
        for query in unit.queries:
            found.extend(query.findings(store.query(query.text)))
        if unit.sparql:
            found.extend(_sparql_findings(store, unit, focus))  # type: ignore[arg-type]
    return found


def _sparql_findings(store: Store, unit: CompiledShape, nodes: list[OxTerm]) -> list[Found]:
    """Each SPARQL constraint run once per focus node, ``$this`` pre-bound to it (as pySHACL
    does; a constraint is meant to have a SPARQL target that selects few nodes)."""
    found = []
    for constraint in unit.sparql:
        for focus in nodes:
            result = store.query(constraint.query, {"this": focus})  # type: ignore[dict-item]
            seen: set[object] = set()
            for row in result.rows:
                bound = {n: v for n, v in zip(result.variables, row, strict=True) if v is not None}
                finding = _sparql_finding(unit, constraint, focus, bound, seen)  # type: ignore[arg-type]
                if finding is not None:
                    found.append(finding)
    return found


def _sparql_finding(
    unit: CompiledShape,
    constraint: SparqlConstraint,
    focus: OxTerm,
    bound: dict[str, OxTerm],
    seen: set[object],
) -> Found | None:
    """One row as pySHACL reports it, or None for a row it drops as a duplicate."""
    this = bound.pop("this", focus)
    path = value = None
    if bound.pop("failure", None) is not None:
        key: object = (this, "failure")
        variables = dict(bound)
    else:
        path, value = bound.pop("path", None), bound.pop("value", None)
        key = (this, path, value, frozenset(bound.items()))
        variables = {**bound, "this": this, **({"path": path} if path else {})}
        variables["value"] = value if value is not None else this
    if key in seen:
        return None
    seen.add(key)
    shape = unit.shape
    templates = [*constraint.messages, *(m for m in shape.messages if m not in constraint.messages)]
    return Found(
        focus=this,
        component=SH.SPARQLConstraintComponent,
        shape=shape.node,
        severity=shape.severity,
        message=format_message(str(templates[0]), variables) if templates else "",
        path=_result_path(path),
        value=value if value is not None else this,
        constraint=constraint.node,
    )


def _result_path(term: OxTerm | None) -> Path | None:
    if not isinstance(term, ox.NamedNode):
        return None
    return Path(URIRef(term.value), iri(term.value), term.value)


def format_message(template: str, variables: dict[str, OxTerm]) -> str:
    """pySHACL's substitution of ``{?var}`` / ``{$var}`` by each variable's value (its text)."""
    message = template
    for name, value in variables.items():
        text = str(to_rdflib(value))
        pattern = f"{{[?$]{name}}}"
        try:
            message = re.sub(pattern, text, message)
        except re.error:  # a backslash in the value: pySHACL would fail here
            message = re.sub(pattern, lambda _m, t=text: t, message)  # type: ignore[misc]
    return message


def files_of(store: Store, subjects: Iterable[OxTerm]) -> dict[str, tuple[str, ...]]:
    """For each IRI, the project files (named graphs) where it is a subject, as
    :func:`govkg.validate.files_by_subject` gives them: by asking for those IRIs, or with one pass
    over the store when there are very many."""
    names = sorted({s.value for s in subjects if isinstance(s, ox.NamedNode)})
    if len(names) > FILES_SCAN:
        wanted = set(names)
        query = "SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (isIRI(?s)) }"
        return _files(row for row in store.query(query).rows if row[0].value in wanted)  # type: ignore[union-attr]
    rows = []
    for start in range(0, len(names), FILES_BATCH):
        values = " ".join(iri(n) for n in names[start : start + FILES_BATCH])
        query = (
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        rows += store.query(query).rows
    return _files(rows)


def _files(rows: Iterable[tuple[OxTerm | None, ...]]) -> dict[str, tuple[str, ...]]:
    files: dict[str, set[str]] = {}
    for subject, graph in rows:
        if isinstance(subject, ox.NamedNode) and isinstance(graph, ox.NamedNode):
            files.setdefault(subject.value, set()).add(graph.value.removeprefix(GRAPH_BASE))
    return {subject: tuple(sorted(found)) for subject, found in files.items()}


def count_triples(store: Store) -> int:
    """The number of distinct triples in the union of the graphs (what pySHACL is given).

    A triple in several files counts once.  Rather than hashing every triple, the largest graph
    is counted as it is and each other graph adds the triples no graph before it holds; with
    triples outside the named graphs, every triple is hashed after all.
    """
    sizes = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs = sorted(((_int(n), g) for g, n in sizes.rows), key=lambda x: (-x[0], str(x[1])))
    union = _int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])
    if union != sum(n for n, _g in graphs):  # triples in the default graph
        distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        return _int(store.query(distinct).rows[0][0])
    total = graphs[0][0] if graphs else 0
    for number in range(1, len(graphs)):
        earlier = " ".join(str(g) for _n, g in graphs[:number])
        total += _int(store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graphs[number][1]} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ VALUES ?h {{ {earlier} }} GRAPH ?h {{ ?s ?p ?o }} }} }}"
        ).rows[0][0])  # fmt: skip
    return total


def _int(term: OxTerm | None) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def results_graph(found: list[Found], conforms: bool, shapes: Graph) -> Graph:
    """The SHACL validation report as RDF, as pySHACL builds it (blank-node shapes and paths are
    copied from the shapes graph)."""
    graph = Graph()
    for name, namespace in PREFIXES.items():
        graph.bind(name, namespace, replace=True)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for item in found:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, to_rdflib(item.focus)))
        graph.add((node, SH.resultSeverity, item.severity))
        graph.add((node, SH.sourceConstraintComponent, item.component))
        graph.add((node, SH.sourceShape, _copied(shapes, item.shape, graph)))
        graph.add((node, SH.resultMessage, Literal(item.message)))
        if item.path is not None:
            graph.add((node, SH.resultPath, _copied(shapes, item.path.node, graph)))
        if item.value is not None:
            graph.add((node, SH.value, to_rdflib(item.value)))
        if item.constraint is not None:
            graph.add((node, SH.sourceConstraint, _copied(shapes, item.constraint, graph)))
    return graph


def _copied(shapes: Graph, node: Node, into: Graph) -> Node:
    """A shapes-graph node for the report: an IRI as is, a blank node with what it describes."""
    if isinstance(node, BNode):
        for triple in shapes.cbd(node):
            into.add(triple)
    return node
