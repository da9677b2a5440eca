"""The SHACL shapes (ontology/shapes.ttl), tested with data.

Every shape has a folder ``tests/shapes/<shape>/`` (``gks:StanceShape`` → ``stance``) holding a
``valid.ttl`` that must report nothing, and one Turtle file per way to break the shape.  A breaking
fixture states at its top, in comments, every result it must report::

    # expect-focus: stance:x--USA
    # expect-constraint: sh:MinCountConstraintComponent
    # expect-path: prov:wasDerivedFrom          (optional)
    # expect-severity: sh:Warning               (optional, default sh:Violation)
    # expect-message: signatories               (optional, a part of the message)

Each ``expect-focus`` line opens a block.  The test fails when an expected result is missing and
also when a fixture reports a result it does not expect, so that a fixture cannot pass by breaking
something else.  Fixtures are parsed as the store parses files (Oxigraph, then rdflib) and
validated with :func:`govkg.validate.validate_graph`, with the ontology as pySHACL's ont_graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from paths import ROOT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.load import parse_file
from govkg.namespaces import SH, compact, expand
from govkg.project import Project
from govkg.rdf import graph_from_quads
from govkg.validate import Result, ValidationReport, project_graph, validate_graph

FIXTURES = ROOT / "tests" / "shapes"
SHAPES_IRI = URIRef("https://w3id.org/govkg/shapes")
SHAPES_NS = str(SHAPES_IRI) + "#"
VIOLATION = str(SH.Violation)
WARNING = str(SH.Warning)
#: Fixture folders that test the shapes together rather than one shape.
EXTRA_FOLDERS = {"readme-patterns"}
#: The one shape whose results are warnings.
WARNING_SHAPES = {SHAPES_NS + "SignatoryCountShape"}

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
NODE_LEVEL_PARAMETERS = (
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern, SH["or"], SH["and"],
    SH["not"], SH.xone, SH.node, SH.closed, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
    SH.maxExclusive, SH.minLength, SH.maxLength, SH.languageIn,
)  # fmt: skip
EXPECT_LINE = re.compile(r"^#\s*expect-([a-z]+):\s*(.+?)\s*$")


@dataclass
class Expected:
    """One result a fixture must report."""

    focus: str
    constraint: str = ""
    path: str | None = None
    severity: str = VIOLATION
    message: str | None = None

    def matches(self, result: Result) -> bool:
        return (
            result.focus == self.focus
            and result.constraint == self.constraint
            and (self.path is None or result.path == self.path)
            and result.severity == self.severity
            and (self.message is None or self.message in result.message)
        )

    def __str__(self) -> str:
        path = f" {compact(self.path)}" if self.path else ""
        message = f' "…{self.message}…"' if self.message else ""
        return (
            f"{compact(self.severity)} {compact(self.focus)}{path} "
            f"[{compact(self.constraint)}]{message}"
        )


def read_expectations(path: Path) -> list[Expected]:
    """The ``# expect-…`` blocks in the comment lines at the top of a fixture."""
    expected: list[Expected] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            break
        match = EXPECT_LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "focus":
            expected.append(Expected(focus=expand(value)))
        elif not expected:
            raise ValueError(f"{path.name}: expect-{key} before any expect-focus")
        elif key in ("constraint", "path", "severity"):
            setattr(expected[-1], key, expand(value))
        elif key == "message":
            expected[-1].message = value
        else:
            raise ValueError(f"{path.name}: unknown key expect-{key}")
    for block in expected:
        if not block.constraint:
            raise ValueError(f"{path.name}: expect-focus {block.focus} has no expect-constraint")
    return expected


def _fixture_files() -> list[Path]:
    return sorted(FIXTURES.rglob("*.ttl"))


def _shape_folder(shape: str) -> str:
    """``…shapes#StateIso3UniqueShape`` → ``state-iso3-unique``; ``AIModelShape`` → ``ai-model``."""
    name = shape.removeprefix(SHAPES_NS).removesuffix("Shape")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


def _show(result: Result) -> str:
    path = f" {compact(result.path)}" if result.path else ""
    value = f" (value {compact(result.value)})" if result.value else ""
    return (
        f"{compact(result.severity)} {compact(result.focus)}{path} "
        f"[{compact(result.constraint)}]: {result.message}{value}"
    )


def _validate(path: Path, shapes: Graph, ontology: Graph) -> ValidationReport:
    data = graph_from_quads(parse_file(path, shown_as=path.relative_to(ROOT).as_posix()))
    return validate_graph(data, shapes, ontology)


@pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")  # "no"^^xsd:boolean
@pytest.mark.parametrize(
    "fixture", _fixture_files(), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_shape_fixture(fixture: Path, shapes: Graph, ontology: Graph) -> None:
    expected = read_expectations(fixture)
    report = _validate(fixture, shapes, ontology)
    if fixture.name == "valid.ttl":
        assert expected == [], "valid.ttl must not expect results"
        assert report.results == [], "valid.ttl reports:\n" + "\n".join(map(_show, report.results))
        return
    assert expected, f"{fixture.name} states no expect-focus / expect-constraint"
    missing = [e for e in expected if not any(e.matches(r) for r in report.results)]
    unexpected = [r for r in report.results if not any(e.matches(r) for e in expected)]
    assert not missing and not unexpected, (
        "missing:\n  " + "\n  ".join(map(str, missing))
        + "\nunexpected:\n  " + "\n  ".join(map(_show, unexpected))
        + "\nreported:\n  " + "\n  ".join(map(_show, report.results))
    )  # fmt: skip
    assert report.passes == all(e.severity != VIOLATION for e in expected)
    assert report.conforms == (not expected)


def test_ontology_and_schemes_conform(shapes: Graph, ontology: Graph) -> None:
    """The store holds the ontology and the schemes as data too: they pass the shapes."""
    report = validate_graph(ontology, shapes, ontology)
    assert report.results == [], "\n".join(map(_show, report.results))


# The shapes graph itself


def _node_shapes(shapes: Graph) -> list[Node]:
    return sorted(shapes.subjects(RDF.type, SH.NodeShape))


def _property_shapes(shapes: Graph) -> set[Node]:
    return set(shapes.objects(None, SH.property)) | set(shapes.subjects(RDF.type, SH.PropertyShape))


def test_shapes_graph_parses() -> None:
    """Oxigraph (as the project loads it) and rdflib read the same shapes graph."""
    project = Project(ROOT)
    shapes = project_graph(project.shapes_files(), project)  # fresh: pySHACL adds to its input
    assert len(shapes) > 500
    assert len(Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")) == len(shapes)
    assert (SHAPES_IRI, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) in shapes


def test_every_node_shape_has_a_target(shapes: Graph) -> None:
    untargeted = [s for s in _node_shapes(shapes) if not any(shapes.value(s, t) for t in TARGETS)]
    assert untargeted == []


def test_every_property_shape_has_a_message(shapes: Graph) -> None:
    silent = [s for s in _property_shapes(shapes) if shapes.value(s, SH.message) is None]
    assert silent == [], [shapes.value(s, SH.path) for s in silent]


def test_every_sparql_constraint_has_a_message_and_declared_prefixes(shapes: Graph) -> None:
    queries = set(shapes.objects(None, SH.sparql)) | set(shapes.objects(None, SH.target))
    assert len(queries) >= 8
    for query in queries:
        assert shapes.value(query, SH.select) is not None
        assert shapes.value(query, SH.prefixes) == SHAPES_IRI
    for query in shapes.objects(None, SH.sparql):
        assert shapes.value(query, SH.message) is not None
    declared = {str(shapes.value(d, SH.prefix)) for d in shapes.objects(SHAPES_IRI, SH.declare)}
    assert {"gk", "org", "time", "stancekind", "counted"} <= declared


def test_every_node_level_constraint_has_a_message(shapes: Graph) -> None:
    """A node shape's own constraints need its sh:message.  A node shape with SPARQL constraints
    has none: pySHACL would add the shape's message to every SPARQL result."""
    for shape in _node_shapes(shapes):
        has_message = shapes.value(shape, SH.message) is not None
        node_level = any(shapes.value(shape, p) is not None for p in NODE_LEVEL_PARAMETERS)
        assert has_message == node_level, compact(str(shape))


def test_severities(shapes: Graph) -> None:
    """Every result is a violation except the signatory-count check's, which are warnings."""
    for shape in _node_shapes(shapes):
        expected = WARNING if str(shape) in WARNING_SHAPES else VIOLATION
        assert str(shapes.value(shape, SH.severity)) == expected, compact(str(shape))
    for shape in _property_shapes(shapes):
        assert shapes.value(shape, SH.severity) in (None, SH.Violation)


def test_every_shape_has_fixtures(shapes: Graph) -> None:
    """Each node shape (and the shared label shape) has a valid.ttl and at least one breaking
    fixture; each fixture folder is named after a shape."""
    named = [str(s) for s in _node_shapes(shapes)] + [SHAPES_NS + "EnglishLabel"]
    folders = {_shape_folder(s) for s in named}
    for folder in sorted(folders):
        files = {p.name for p in (FIXTURES / folder).glob("*.ttl")}
        assert "valid.ttl" in files, folder
        assert len(files) >= 2, folder
    present = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert present - folders - EXTRA_FOLDERS == set()
