"""SHACL validation of the graph with pySHACL.

pySHACL is given a plain in-memory rdflib Graph built from the store's quads, never an rdflib
Graph backed by Oxigraph (that combination was seen to report false ``sh:in`` violations).  A
result names the focus resource, the property, the constraint, the message and the graph file(s)
that describe the resource.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.errors import GovkgError
from govkg.load import parse_files
from govkg.namespaces import GRAPH_BASE, SH, compact
from govkg.project import Project, find_project
from govkg.rdf import graph_from_quads
from govkg.store import Store

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
    """What validation found.  ``conforms`` is False only when a result is a violation."""

    results: list[Result]
    triples: int
    results_graph: Graph = field(repr=False, compare=False)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == VIOLATION]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != VIOLATION]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        verdict = "Conforms" if self.conforms else "Does not conform"
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
            "triples": self.triples,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(body, indent=2, ensure_ascii=False)

    def to_turtle(self) -> str:
        return self.results_graph.serialize(format="turtle")


def _text_line(result: Result) -> str:
    where = ", ".join(result.files) or "(no file)"
    severity = compact(result.severity).removeprefix("sh:")
    path = f" {compact(result.path)}" if result.path else ""
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
    _conforms, results_graph, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    results = sorted(_results(results_graph, files_of or {}), key=_order)
    return ValidationReport(results=results, triples=len(data), results_graph=results_graph)


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
                path=_text(graph.value(node, SH.resultPath)),
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


def files_by_subject(store: Store) -> dict[str, tuple[str, ...]]:
    """For each subject IRI, the project files (named graphs) that describe it."""
    files: dict[str, set[str]] = defaultdict(set)
    for quad in store.quads():
        if isinstance(quad.graph_name, ox.NamedNode) and isinstance(quad.subject, ox.NamedNode):
            files[quad.subject.value].add(quad.graph_name.value.removeprefix(GRAPH_BASE))
    return {subject: tuple(sorted(names)) for subject, names in files.items()}


def validate_store(store: Store, project: Project) -> ValidationReport:
    """Validate everything in the store against the project's shapes."""
    data = graph_from_quads(store.quads())
    shapes = project_graph(project.shapes_files(), project)
    ontology = project_graph(project.ontology_files(), project)
    return validate_graph(data, shapes, ontology, project, files_by_subject(store))
