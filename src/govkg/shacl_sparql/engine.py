"""Running the compiled shapes on a store: each constraint's query once, over the whole graph.

A shape without focus nodes is skipped after one ``ASK``.  An ``sh:sparql`` constraint runs once
per focus node with ``$this`` pre-bound (Oxigraph's substitutions), as SHACL and pySHACL do; its
rows become results as pySHACL makes them: the focus node, ``?path`` and ``?value`` when the query
returns them (else the focus node as the value), one result per distinct row, the message with
``{?var}`` and ``{$var}`` replaced by the row's values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import GRAPH_BASE, PREFIXES, SH
from govkg.rdf import to_oxigraph, to_rdflib
from govkg.shacl_sparql.checks import OxTerm
from govkg.shacl_sparql.compile import CompiledShape, Found, compile_shape, pairs_query
from govkg.shacl_sparql.components import ComponentUse
from govkg.shacl_sparql.nested import shape_findings
from govkg.shacl_sparql.paths import Path, iri, path_triples
from govkg.shacl_sparql.prebinding import nested_use, projected_variables, substitute
from govkg.shacl_sparql.shapes import (
    SHAPES_GRAPH,
    Shape,
    SparqlConstraint,
    read_shapes,
    uses_shapes_graph,
)
from govkg.store import Dataset, OxigraphStore, QueryResult, Row, Store

#: Focus IRIs looked up per query when finding the files that describe them; above FILES_SCAN
#: of them, one pass over the store is quicker.
FILES_BATCH = 500
FILES_SCAN = 20_000


@dataclass
class CompiledShapes:
    """The shapes graph compiled once, to validate any number of stores."""

    shapes: list[CompiledShape]
    graph: Graph
    #: A query uses $shapesGraph: the store is validated :func:`with_shapes_graph`.
    needs_shapes_graph: bool = False


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every targeted shape; raises :class:`UnsupportedShape` for anything this engine
    cannot evaluate exactly as SHACL defines it."""
    compiled = [compile_shape(shape) for shape in read_shapes(shapes)]
    return CompiledShapes(compiled, shapes, uses_shapes_graph(shapes))


def with_shapes_graph(store: OxigraphStore, shapes: Graph) -> Store:
    """A copy of the store with the shapes graph as the named graph :data:`SHAPES_GRAPH`, queried
    with the store's graphs as default graph (so the shapes are only seen through
    ``GRAPH $shapesGraph``)."""
    rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    graphs = tuple(sorted(g.value for (g,) in rows if isinstance(g, ox.NamedNode)))
    copy = store.copy()
    name = ox.NamedNode(SHAPES_GRAPH)
    copy.load(
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name)  # type: ignore[arg-type]
        for s, p, o in shapes
    )
    return _Scoped(copy, Dataset(default_graphs=graphs, named_graphs=(*graphs, SHAPES_GRAPH)))


class _Scoped(Store):
    """A store whose queries all run over one dataset."""

    def __init__(self, store: Store, dataset: Dataset) -> None:
        self.store, self.dataset = store, dataset

    def load(self, quads: Iterable[ox.Quad]) -> None:
        self.store.load(quads)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, OxTerm] | None = None,
        *,
        dataset: Dataset | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        return self.store.query(sparql, bindings, dataset=dataset or self.dataset, limit=limit)

    def clear(self) -> None:
        self.store.clear()

    def quads(self) -> Iterator[ox.Quad]:
        return self.store.quads()

    def __len__(self) -> int:
        return len(self.store)


def run(store: Store, compiled: CompiledShapes) -> list[Found]:
    """Every result of validating the store."""
    runner = _Runner(store)
    found: list[Found] = []
    for unit in compiled.shapes:
        found += runner.results(unit)
    return found


class _Runner:
    """Runs compiled shapes on one store; a shape nested in another (sh:node …) is validated
    once per focus pattern."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.failing_cache: dict[tuple[int, str], set[OxTerm]] = {}

    def results(self, unit: CompiledShape, depth: int = 0) -> list[Found]:
        """Every result of the unit, its nested property shapes' included: a value node that
        several focus nodes share is validated once per focus node, as SHACL validates each
        focus node, so its results repeat."""
        own, inner = self._run(unit, depth)
        for owner, found in inner:
            if found:
                shared = Counter(value for _focus, value in self._pairs(unit, owner))
                own += [f for f in found for _ in range(shared.get(f.focus, 1))]
        return own

    def _pairs(self, unit: CompiledShape, owner: Shape) -> list[tuple[OxTerm, OxTerm]]:
        rows = self.store.query(pairs_query(unit, owner)).records()
        return [(row.term("this"), v) for row in rows if (v := row["value"]) is not None]

    def _run(
        self, unit: CompiledShape, depth: int
    ) -> tuple[list[Found], list[tuple[Shape, list[Found]]]]:
        """The unit's own results (their focus nodes are the unit's), and those of each nested
        property shape (on the values of the property shape that owns it)."""
        if not self.store.query(f"{unit.prologue}ASK {{ {unit.focus} }}").boolean:
            return [], []
        found: list[Found] = []
        for query in unit.queries:
            found.extend(query.findings(self.store.query(query.text)))
        for owner, test in unit.checks:
            found += shape_findings(self.store, unit, owner, test, self.failing, depth)
        if unit.sparql or unit.components:
            select = f"{unit.prologue}SELECT DISTINCT ?this WHERE {{ {unit.focus} }}"
            focus = [row.term("this") for row in self.store.query(select).records()]
            for owner, constraint in unit.sparql:
                found += _sparql_findings(self.store, owner, constraint, focus)
            for owner, use in unit.components:
                found += self._component_findings(unit, owner, use, focus)
        inner = [(owner, self.results(child, depth + 1)) for owner, child in unit.children]
        return found, inner

    def _component_findings(
        self, unit: CompiledShape, owner: Shape, use: ComponentUse, focus: list[OxTerm]
    ) -> list[Found]:
        """A SPARQL-based constraint component: ASK per value node, SELECT per focus node."""
        parameters = {name: to_oxigraph(value) for name, value in use.parameters}
        constraint = SparqlConstraint(None, use.query, use.messages)  # type: ignore[arg-type]
        if not use.ask:
            return _sparql_findings(self.store, owner, constraint, focus, parameters,
                                    use.component)  # fmt: skip
        pairs = [(f, f) for f in focus] if owner.path is None else self._pairs(unit, owner)
        found = []
        for this, value in pairs:
            bound = {**parameters, "this": this, "value": value}
            if not _prebound(self.store, owner, use.query, bound).boolean:
                messages = _messages(constraint, owner, {**bound})
                found.append(Found(this, use.component, owner.node, owner.severity,
                                   str(messages[0]) if messages else "", owner.path, value,
                                   messages=messages))  # fmt: skip
        return found

    def failing(self, shape: Shape | None, focus: str, prologue: str, depth: int) -> set[OxTerm]:
        """The nodes of ``focus`` that do not conform to ``shape`` (none, when deactivated)."""
        if shape is None:
            return set()
        key = (id(shape), focus)
        if key not in self.failing_cache:
            unit = compile_shape(shape, focus, prologue, depth)
            own, inner = self._run(unit, depth)
            nodes = {f.focus for f in own}
            for owner, found in inner:
                nodes |= self._owners_of(unit, owner, {f.focus for f in found})
            self.failing_cache[key] = nodes
        return self.failing_cache[key]

    def _owners_of(self, unit: CompiledShape, owner: Shape, values: set[OxTerm]) -> set[OxTerm]:
        """The focus nodes of the unit that have one of ``values`` as a value of ``owner``."""
        if not values:
            return set()
        return {focus for focus, value in self._pairs(unit, owner) if value in values}


def _sparql_findings(
    store: Store,
    owner: Shape,
    constraint: SparqlConstraint,
    nodes: list[OxTerm],
    parameters: Mapping[str, OxTerm] | None = None,
    component: URIRef = SH.SPARQLConstraintComponent,
) -> list[Found]:
    """The constraint run once per focus node, ``$this`` (and a component's parameters)
    pre-bound as SHACL defines pre-binding (see :mod:`govkg.shacl_sparql.prebinding`)."""
    found = []
    for focus in nodes:
        result = _prebound(store, owner, constraint.query, {**(parameters or {}), "this": focus})
        seen: set[object] = set()
        for row in result.records():
            bound = {n: v for n, v in row.items() if v is not None}
            item = _sparql_finding(owner, constraint, focus, bound, seen, parameters or {})
            if item is not None:
                found.append(replace(item, component=component))
    return found


def _prebound(store: Store, owner: Shape, query: str, bound: dict[str, OxTerm]) -> QueryResult:
    """The query with each variable of ``bound`` pre-bound: written into the text (an IRI or
    a literal), or for a blank node by the store's substitution where that is exact."""
    written = {n: str(v) for n, v in bound.items() if not isinstance(v, ox.BlankNode)}  # N-Triples
    blank = {n: v for n, v in bound.items() if isinstance(v, ox.BlankNode)}
    text = substitute(query, written)
    if not blank:
        return store.query(text)
    projected = projected_variables(text) if text.lstrip().upper().find("ASK") != 0 else []
    for name in blank:
        if nested_use(text, name) or (projected and name not in projected):
            raise UnsupportedShape(
                f"{owner.name}: ${name} is a blank node, which cannot be written into the SPARQL "
                "query, and it is used below the query's top group (or not returned), where the "
                "store's pre-binding does not reach"
            )
    return store.query(text, blank)


def _sparql_finding(
    owner: Shape,
    constraint: SparqlConstraint,
    focus: OxTerm,
    bound: dict[str, OxTerm],
    seen: set[object],
    parameters: Mapping[str, OxTerm],
) -> Found | None:
    """One row as a result, or None for a row that repeats one (as pySHACL drops it)."""
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
    messages = _messages(constraint, owner, {**parameters, **variables})
    result_path = _result_path(path) or owner.path
    value = value if value is not None else this
    return Found(
        focus=this,
        component=SH.SPARQLConstraintComponent,
        shape=owner.node,
        severity=owner.severity,
        message=str(messages[0]) if messages else "",
        path=result_path,
        value=value,
        constraint=constraint.node,
        messages=messages,
    )


def _messages(
    constraint: SparqlConstraint, owner: Shape, variables: dict[str, OxTerm]
) -> tuple[Literal, ...]:
    """The constraint's messages (else the shape's), each in its language, with ``{?var}`` and
    ``{$var}`` replaced."""
    templates = constraint.messages or owner.messages
    return tuple(Literal(format_message(str(t), variables), lang=t.language) for t in templates)


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
        return _files(row for row in store.query(query).records() if row.iri("s") in wanted)
    rows = []
    for start in range(0, len(names), FILES_BATCH):
        values = " ".join(iri(n) for n in names[start : start + FILES_BATCH])
        query = (
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        rows += store.query(query).records()
    return _files(rows)


def _files(rows: Iterable[Row]) -> dict[str, tuple[str, ...]]:
    files: dict[str, set[str]] = {}
    for row in rows:
        subject, graph = row["s"], row["g"]
        if isinstance(subject, ox.NamedNode) and isinstance(graph, ox.NamedNode):
            files.setdefault(subject.value, set()).add(
                unquote(graph.value.removeprefix(GRAPH_BASE))
            )
    return {subject: tuple(sorted(found)) for subject, found in files.items()}


def count_triples(store: Store) -> int:
    """The number of distinct triples in the union of the graphs (what pySHACL is given).

    A triple in several files counts once.  Rather than hashing every triple, the largest graph
    is counted as it is and each other graph adds the triples no graph before it holds; with
    triples outside the named graphs, every triple is hashed after all.
    """
    sizes = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs = [(row.int("n"), row.term("g")) for row in sizes.records()]
    graphs.sort(key=lambda x: (-x[0], str(x[1])))
    union = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    if union != sum(n for n, _g in graphs):  # triples in the default graph
        distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        return _count(store, distinct)
    total = graphs[0][0] if graphs else 0
    for number in range(1, len(graphs)):
        earlier = " ".join(str(g) for _n, g in graphs[:number])
        total += _count(
            store,
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graphs[number][1]} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ VALUES ?h {{ {earlier} }} GRAPH ?h {{ ?s ?p ?o }} }} }}",
        )
    return total


def _count(store: Store, query: str) -> int:
    """The ``?n`` of a query's one row."""
    return store.query(query).records()[0].int("n")


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
        for message in item.messages or (Literal(item.message),):
            graph.add((node, SH.resultMessage, message))
        if item.path is not None:
            for triple in path_triples(shapes, item.path.node):
                graph.add(triple)
            graph.add((node, SH.resultPath, item.path.node))
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
