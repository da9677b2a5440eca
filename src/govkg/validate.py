"""SHACL validation of the graph, with pySHACL or with the shapes compiled into SPARQL.

pySHACL is given a plain in-memory rdflib Graph built from the store's quads, never an rdflib
Graph backed by Oxigraph (that combination was seen to report false ``sh:in`` violations).  The
``sparql`` engine (:mod:`govkg.shacl_sparql`) runs the shapes as SPARQL queries on the store
itself and gives the same results; ``auto`` is the SPARQL engine on the embedded store and pySHACL
on a remote one (:func:`engine_for`).  A result names the focus resource, the property, the
constraint, the message and the graph file(s) that describe the resource.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.errors import GovkgError, UnsupportedShape
from govkg.load import parse_file, parse_files
from govkg.namespaces import GRAPH_BASE, PREFIXES, SH, compact
from govkg.project import Project, find_project
from govkg.rdf import graph_from_quads, to_oxigraph, to_rdflib
from govkg.shacl_sparql import (
    CompiledShapes,
    Found,
    compact_path,
    compile_shapes,
    count_triples,
    files_of,
    path_text,
    results_graph,
    run,
    with_shapes_graph,
)
from govkg.store import Store
from govkg.written import exact_store, exact_view, stamp_size, written_quads

VIOLATION = str(SH.Violation)
WARNING = str(SH.Warning)


@dataclass(frozen=True)
class Result:
    """One SHACL result, with full IRIs (``compact()`` them for display)."""

    files: tuple[str, ...]
    focus: str
    path: str | None
    constraint: str
    severity: str
    message: str
    shape: str
    value: str | None


@dataclass
class ValidationReport:
    """What validation found.  ``conforms`` is SHACL's: False whenever there is a result, a
    warning included; ``passes`` is False only when a result is a violation (the exit code)."""

    results: list[Result]
    triples: int
    results_graph: Graph = field(default_factory=Graph, repr=False, compare=False)
    #: Builds the results graph when asked for (the SPARQL engine's, for --format turtle only).
    graph_builder: Callable[[], Graph] | None = field(default=None, repr=False, compare=False)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == VIOLATION]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != VIOLATION]

    @property
    def conforms(self) -> bool:
        return not self.results

    @property
    def passes(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        verdict = (
            "Conforms" if self.conforms
            else "Does not conform (warnings only)" if self.passes
            else "Does not conform"
        )  # fmt: skip
        return (
            f"{verdict}: {self.triples} triples, {len(self.violations)} violation(s), "
            f"{len(self.warnings)} warning(s)"
        )

    def to_text(self) -> str:
        lines = [_text_line(r) for r in self.results]
        return "\n".join([*lines, self.summary()])

    def to_json(self) -> str:
        body = {
            "conforms": self.conforms,
            "passes": self.passes,
            "triples": self.triples,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(body, indent=2, ensure_ascii=False)

    def report_graph(self) -> Graph:
        """The SHACL validation report as RDF (``sh:ValidationReport`` with its results)."""
        if self.graph_builder is not None:
            self.results_graph, self.graph_builder = self.graph_builder(), None
        return self.results_graph

    def to_turtle(self) -> str:
        """The report in Turtle, each literal as written (rdflib's serializer rewrites
        ``"4"^^xsd:decimal`` as ``4.0`` and writes an ill-typed boolean as a bare word)."""
        triples = [ox.Triple(*map(to_oxigraph, t)) for t in self.report_graph()]  # type: ignore[arg-type]
        text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return text.decode() if text else ""


def _text_line(result: Result) -> str:
    where = ", ".join(result.files) or "(no file)"
    severity = compact(result.severity).removeprefix("sh:")
    path = f" {compact_path(result.path)}" if result.path else ""
    value = f" (value: {_short(result.value)})" if result.value else ""
    constraint = compact(result.constraint).removeprefix("sh:").removesuffix("ConstraintComponent")
    focus = compact(result.focus)
    return f"{where}: {severity}: {focus}{path}: {result.message}{value} [{constraint}]"


def _short(value: str) -> str:
    text = compact(value)
    return text if len(text) <= 60 else text[:57] + "..."


def project_graph(files: list[Path], project: Project) -> Graph:
    """Parse project files (ontology or shapes) into one plain rdflib Graph."""
    return graph_from_quads(parse_files(project, files))


def validate_graph(
    data: Graph,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
    project: Project | None = None,
    files_of: dict[str, tuple[str, ...]] | None = None,
) -> ValidationReport:
    """Validate an rdflib Graph against the project's shapes, with its ontology mixed in.

    ``files_of`` maps a resource IRI to the files that describe it, for the report.
    """
    if shapes is None or ontology is None:
        project = project or find_project()
        shapes = shapes if shapes is not None else project_graph(project.shapes_files(), project)
        ontology = (
            ontology if ontology is not None else project_graph(project.ontology_files(), project)
        )
    if len(shapes) == 0:
        raise GovkgError("no SHACL shapes found: expected ontology/shapes.ttl")
    try:
        _conforms, results_graph, _text = shacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology if len(ontology) else None,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    except ReportableRuntimeError as error:  # pySHACL's word for shapes it cannot use
        raise UnsupportedShape(f"pySHACL refused the shapes: {_one_line(error)}") from None
    except Exception as error:  # pySHACL has no other contract: never a traceback for the user
        raise GovkgError(f"pySHACL failed ({type(error).__name__}): {_one_line(error)}") from None
    if not isinstance(results_graph, Graph):  # pySHACL's ValidationFailure: a shape it refuses
        reason = getattr(results_graph, "message", None) or str(results_graph)
        raise UnsupportedShape(f"pySHACL refused the shapes: {_one_line(Exception(reason))}")
    results = sorted(_results(results_graph, files_of or {}), key=_order)
    _state_conformance(results_graph, not results)
    return ValidationReport(results=results, triples=len(data), results_graph=results_graph)


def _one_line(error: Exception) -> str:
    text = " ".join(str(getattr(error, "message", None) or error).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _state_conformance(graph: Graph, conforms: bool) -> None:
    """SHACL's sh:conforms: false whenever there is a result (pySHACL, told to allow warnings,
    says true when every result is a warning)."""
    for report in graph.subjects(RDF.type, SH.ValidationReport):
        graph.set((report, SH.conforms, Literal(conforms)))


def _order(result: Result) -> tuple[object, ...]:
    return (result.files, result.focus, result.path or "", result.constraint, result.message,
            result.value or "")  # fmt: skip


def _results(graph: Graph, files_of: dict[str, tuple[str, ...]]) -> list[Result]:
    found = []
    nodes = [
        n
        for report in graph.subjects(RDF.type, SH.ValidationReport)
        for n in graph.objects(report, SH.result)
    ]  # not the sh:detail results nested in them
    for node in nodes:
        focus = _text(graph.value(node, SH.focusNode)) or ""
        found.append(
            Result(
                files=files_of.get(focus, ()),
                focus=focus,
                path=_path(graph, graph.value(node, SH.resultPath)),
                constraint=_text(graph.value(node, SH.sourceConstraintComponent)) or "",
                severity=_text(graph.value(node, SH.resultSeverity)) or VIOLATION,
                message=_text(graph.value(node, SH.resultMessage)) or "",
                shape=_named(graph.value(node, SH.sourceShape)),
                value=_text(graph.value(node, SH.value)),
            )
        )
    return found


def _named(node: Node | None) -> str:
    """A shape's IRI; an anonymous (blank-node) shape has none worth showing."""
    return str(node) if isinstance(node, URIRef) else ""


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _path(graph: Graph, node: Node | None) -> str | None:
    """A result's path: its IRI, or SPARQL path text for a path expression (not a blank node)."""
    if node is None:
        return None
    try:
        return path_text(graph, node)
    except GovkgError:  # not a well-formed path: show the node
        return str(node)


def files_by_subject(store: Store) -> dict[str, tuple[str, ...]]:
    """For each subject IRI, the project files (named graphs) that describe it."""
    files: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads():
        if isinstance(quad.graph_name, ox.NamedNode) and isinstance(quad.subject, ox.NamedNode):
            files[quad.subject.value].add(unquote(quad.graph_name.value.removeprefix(GRAPH_BASE)))
    return {subject: tuple(sorted(names)) for subject, names in files.items()}


ENGINES = ("auto", "pyshacl", "sparql")


def engine_for(store: Store, engine: str = "auto") -> str:
    """The engine ``engine`` stands for on this store: ``pyshacl`` or ``sparql``.

    ``auto`` is the SPARQL engine on the embedded Oxigraph store (in memory or in a folder): it
    passes all 120 tests of the W3C SHACL suite where pySHACL passes 117, gives pySHACL's
    report on every shape fixture and on the shipped graph, and takes 0.3 s on the shipped graph
    where pySHACL takes 8-9 s (``bench/validate_bench.py``).  It pre-binds ``$this`` by writing
    the focus node into the query and runs a query per constraint on the whole store, which a
    remote server is not asked to do: ``auto`` uses pySHACL on a remote store.
    """
    if engine not in ENGINES:
        raise GovkgError(f"unknown validation engine {engine!r}: use {', '.join(ENGINES)}")
    embedded = store.embedded
    if engine == "sparql" and not embedded:
        raise GovkgError(
            "the sparql engine validates the embedded store (memory or a folder), not a SPARQL "
            "server: use --engine pyshacl, or load the graph into a folder store"
        )
    if engine == "auto":
        return "sparql" if embedded else "pyshacl"
    return engine


def validate_store(store: Store, project: Project, engine: str = "auto") -> ValidationReport:
    """Validate everything in the store against the project's shapes, with pySHACL or the SPARQL
    engine (``auto``: see :func:`engine_for`)."""
    shapes = project_graph(project.shapes_files(), project)
    if engine_for(store, engine) == "sparql":
        return validate_store_sparql(store, shapes)
    data = graph_from_quads(written_quads(store))  # literals as the files wrote them
    ontology = project_graph(project.ontology_files(), project)
    return validate_graph(data, shapes, ontology, project, files_by_subject(store))


def validate_files(
    data: Sequence[Path], shapes: Sequence[Path] | None = None, engine: str = "sparql"
) -> ValidationReport:
    """Validate Turtle files against the shapes in other files (or in the data files themselves,
    when ``shapes`` is None), outside any project: each data file is its own named graph of an
    in-memory store, the shapes an rdflib Graph, both parsed with the file's URL as base IRI."""
    if engine not in ENGINES:
        raise GovkgError(f"unknown validation engine {engine!r}: use {', '.join(ENGINES)}")
    quads: list[ox.Quad] = []
    for path in data:
        quads += parse_file(path, GRAPH_BASE + quote(str(path)), str(path))
    shapes_graph = graph_from_quads(
        [q for path in (data if shapes is None else shapes) for q in parse_file(path, None)]
    )
    store = exact_store(quads)  # every literal as written (see govkg.written)
    if engine_for(store, engine) == "sparql":
        return validate_store_sparql(store, shapes_graph)
    files = files_by_subject(store)
    return validate_graph(graph_from_quads(quads), shapes_graph, Graph(), files_of=files)


def validate_store_sparql(
    store: Store, shapes: Graph, compiled: CompiledShapes | None = None
) -> ValidationReport:
    """Validate the store with the shapes compiled into SPARQL queries, run on the store itself
    (the store holds the ontology, as pySHACL's ont_graph would add it), or on its
    :func:`~govkg.written.exact_view` when it keeps a literal in another form than written.
    ``compiled`` reuses shapes compiled once for many stores."""
    if len(shapes) == 0:
        raise GovkgError("no SHACL shapes found: expected ontology/shapes.ttl")
    compiled = compiled or compile_shapes(shapes)
    store = exact_view(store)  # the store itself, unless a literal is stored in another form
    checked = with_shapes_graph(store, shapes) if compiled.needs_shapes_graph else store  # type: ignore[arg-type]
    found = run(checked, compiled)
    files = files_of(store, (f.focus for f in found))
    results = sorted((_result_of(f, files) for f in found), key=_order)
    report = ValidationReport(results=results, triples=count_triples(store) - stamp_size(store))
    report.graph_builder = lambda: results_graph(found, report.conforms, compiled.graph)
    return report


def _result_of(found: Found, files: dict[str, tuple[str, ...]]) -> Result:
    focus = str(to_rdflib(found.focus))
    return Result(
        files=files.get(focus, ()) if isinstance(found.focus, ox.NamedNode) else (),
        focus=focus,
        path=found.path.text if found.path is not None else None,
        constraint=str(found.component),
        severity=str(found.severity),
        message=found.message,
        shape=_named(found.shape),
        value=str(to_rdflib(found.value)) if found.value is not None else None,
    )
