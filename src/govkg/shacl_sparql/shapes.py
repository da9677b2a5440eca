"""The shapes graph read into plain data, refusing what the SPARQL engine cannot evaluate.

Every SHACL term in the shapes graph must be one this engine knows: a constraint component it
compiles, a target it can select, or a term that does not validate (``sh:name``, ``sh:order``,
prefix declarations ...).  Anything else (``sh:hasValue``, ``sh:node``, rules, custom constraint
components, JavaScript ...) raises :class:`UnsupportedShape` naming the shape and the component, so
that a shape is never silently left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import SH, compact
from govkg.shacl_sparql.paths import Path, read_path

#: Constraint parameters tested on each value node (or on the focus node of a node shape).
VALUE_PARAMETERS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}
#: Constraint parameters tested on the set of value nodes of a focus node (property shapes).
SET_PARAMETERS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.qualifiedValueShape: SH.QualifiedValueShapeConstraintComponent,
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Terms that come with a parameter above, or that do not validate anything.
OTHER_TERMS = {
    SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    SH.path, SH.property, SH.sparql, SH.severity, SH.message, SH.deactivated, SH.name,
    SH.description, SH.order, SH.group, SH.defaultValue, *TARGETS,
    SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.select,
    SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath,
}  # fmt: skip
KNOWN_TYPES = {SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.SPARQLTarget}
#: The components of SHACL's other parameters, to name them in errors.
OTHER_COMPONENTS = {
    SH.hasValue: "HasValue", SH.node: "Node", SH["not"]: "Not", SH["and"]: "And", SH.xone: "Xone",
    SH.closed: "Closed", SH.ignoredProperties: "Closed", SH.lessThan: "LessThan",
    SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
    SH.expression: "Expression", SH.js: "JS",
}  # fmt: skip
#: Variables the SPARQL engine does not pre-bind.
_UNBOUND_VARIABLES = re.compile(r"[?$](currentShape|shapesGraph|PATH)\b")


@dataclass(frozen=True)
class ValueTest:
    """One constraint tested on a single value node: ``argument`` is the parameter's value (a
    class, a datatype, a pattern, a tuple for ``sh:in`` and ``sh:languageIn``, a tuple of
    :class:`Conjunction` for ``sh:or``)."""

    component: URIRef
    parameter: URIRef
    argument: Any
    flags: str = ""


@dataclass(frozen=True)
class NestedProperty:
    """A property shape inside ``sh:or`` or ``sh:qualifiedValueShape``, tested on a value node."""

    node: Node
    path: Path
    min_count: int | None
    max_count: int | None
    tests: tuple[ValueTest, ...]


@dataclass(frozen=True)
class Conjunction:
    """A shape used as a test (a member of ``sh:or``, a qualified value shape): a node conforms
    when every test holds."""

    node: Node
    tests: tuple[ValueTest, ...]
    properties: tuple[NestedProperty, ...]


@dataclass(frozen=True)
class SetTest:
    """A constraint on the set of values of a focus node: ``argument`` is an int (counts), a
    predicate (equals, disjoint, lessThanOrEquals), True (uniqueLang) or ``(shape, min, max)``
    (qualified value shape)."""

    component: URIRef
    parameter: URIRef
    argument: Any


@dataclass(frozen=True)
class SparqlConstraint:
    """An ``sh:sparql`` constraint: its SELECT query with the declared prefixes in front."""

    node: Node
    query: str
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class Target:
    """How focus nodes are selected: ``kind`` is class, node, subjectsOf, objectsOf or sparql."""

    kind: str
    argument: Node | str


@dataclass(frozen=True)
class Shape:
    """A node or property shape with everything it checks."""

    node: Node
    severity: URIRef
    messages: tuple[Literal, ...]
    path: Path | None
    tests: tuple[ValueTest, ...]
    set_tests: tuple[SetTest, ...]
    properties: tuple[Shape, ...]
    sparql: tuple[SparqlConstraint, ...]
    targets: tuple[Target, ...]

    @property
    def name(self) -> str:
        return _name(self.node)


def _name(node: Node) -> str:
    return compact(str(node)) if isinstance(node, URIRef) else f"a blank-node shape ({node})"


def read_shapes(shapes: Graph) -> list[Shape]:
    """The shapes that select focus nodes (with everything they reach), active ones only."""
    _refuse_unknown_terms(shapes)
    roots = {s for t in TARGETS for s in shapes.subjects(t, None)} | _implicit_class_shapes(shapes)
    found = [_shape(shapes, node, parent=None) for node in sorted(roots, key=str)]
    return [s for s in found if s is not None]


def _refuse_unknown_terms(shapes: Graph) -> None:
    known = {*VALUE_PARAMETERS, *SET_PARAMETERS, *OTHER_TERMS}
    for subject, predicate, value in sorted(shapes, key=str):  # the same error every time
        if predicate == RDF.type and str(value).startswith(str(SH)) and value not in KNOWN_TYPES:
            raise UnsupportedShape(
                f"{_name(subject)} is a {compact(str(value))}, which the sparql engine does not "
                "support; use --engine pyshacl"
            )
        if str(predicate).startswith(str(SH)) and predicate not in known:
            raise UnsupportedShape(_unsupported(subject, predicate))


def _unsupported(shape: Node, parameter: Node) -> str:
    name = OTHER_COMPONENTS.get(parameter)  # type: ignore[call-overload]
    component = f" (sh:{name}ConstraintComponent)" if name else ""
    return (
        f"{_name(shape)} uses {compact(str(parameter))}{component}, which the sparql engine does "
        "not support; use --engine pyshacl"
    )


def _implicit_class_shapes(shapes: Graph) -> set[Node]:
    """Shapes that are also classes (SHACL's implicit class targets)."""
    classes = {RDFS.Class, OWL.Class, *shapes.transitive_subjects(RDFS.subClassOf, RDFS.Class)}
    return {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if any(t in classes for t in shapes.objects(s, RDF.type))
    }


def _one(shapes: Graph, node: Node, predicate: URIRef) -> Node | None:
    values = sorted(shapes.objects(node, predicate), key=str)
    if len(values) > 1:
        raise UnsupportedShape(f"{_name(node)} has more than one {compact(str(predicate))}")
    return values[0] if values else None


def _deactivated(shapes: Graph, node: Node) -> bool:
    value = _one(shapes, node, SH.deactivated)
    return isinstance(value, Literal) and bool(value.value)


def _shape(shapes: Graph, node: Node, parent: Node | None) -> Shape | None:
    if _deactivated(shapes, node):
        return None
    path_node = _one(shapes, node, SH.path)
    path = read_path(shapes, path_node, _name(node)) if path_node is not None else None
    severities = sorted(shapes.objects(node, SH.severity), key=str)
    properties = [
        _shape(shapes, p, node) for p in sorted(shapes.objects(node, SH.property), key=str)
    ]
    if path is not None and properties:
        raise UnsupportedShape(_unsupported(node, SH.property))
    return Shape(
        node=node,
        severity=severities[0] if severities else SH.Violation,  # type: ignore[arg-type]
        messages=tuple(sorted(_messages(shapes, node), key=str)),
        path=path,
        tests=tuple(_value_tests(shapes, node)),
        set_tests=tuple(_set_tests(shapes, node, path)),
        properties=tuple(p for p in properties if p is not None),
        sparql=tuple(_sparql_constraints(shapes, node, path)),
        targets=tuple(_targets(shapes, node)) if parent is None else (),
    )


def _messages(shapes: Graph, node: Node) -> Iterator[Literal]:
    return (m for m in shapes.objects(node, SH.message) if isinstance(m, Literal))


def _value_tests(shapes: Graph, node: Node) -> Iterator[ValueTest]:
    flags = _one(shapes, node, SH.flags)
    for parameter, component in VALUE_PARAMETERS.items():
        values = sorted(shapes.objects(node, parameter), key=str)
        if len(values) > 1 and parameter in (SH.datatype, SH.nodeKind, SH["in"], SH.languageIn):
            raise UnsupportedShape(f"{_name(node)} has more than one {compact(str(parameter))}")
        for value in values:
            argument = _argument(shapes, node, parameter, value)
            if argument is not None:
                yield ValueTest(component, parameter, argument, _flags(flags))


def _flags(flags: Node | None) -> str:
    """The regular-expression flags pySHACL honours: i and m."""
    text = str(flags).lower() if flags is not None else ""
    return "".join(f for f in "im" if f in text)


def _argument(shapes: Graph, node: Node, parameter: URIRef, value: Node) -> Any:
    if parameter == SH["in"]:
        return tuple(_list(shapes, node, value))
    if parameter == SH.languageIn:
        return tuple(str(v).lower() for v in _list(shapes, node, value))
    if parameter == SH["or"]:
        members = [_conjunction(shapes, m) for m in _list(shapes, node, value)]
        active = tuple(m for m in members if m is not None)
        return active or None  # every member deactivated: pySHACL checks nothing
    if parameter == SH.pattern and not isinstance(value, Literal):
        raise UnsupportedShape(f"{_name(node)}: sh:pattern must be a literal")
    return value


def _list(shapes: Graph, node: Node, head: Node) -> list[Node]:
    try:
        return list(Collection(shapes, head))
    except Exception:  # rdflib raises several kinds on a broken list
        raise UnsupportedShape(f"{_name(node)}: {head} is not an RDF list") from None


def _conjunction(shapes: Graph, node: Node) -> Conjunction | None:
    """A shape used as a test on a value node."""
    if _deactivated(shapes, node):
        return None
    if shapes.value(node, SH.severity) not in (None, SH.Violation):
        # pySHACL counts a nested shape of another severity as conforming
        raise UnsupportedShape(f"{_name(node)}: a nested shape with a severity other than "
                               "sh:Violation; use --engine pyshacl")  # fmt: skip
    if shapes.value(node, SH.path) is not None:  # a property shape, tested on the value
        nested = _nested_property(shapes, node)
        return Conjunction(node, (), (nested,))
    for parameter in (*SET_PARAMETERS, SH.sparql, SH.property):
        if shapes.value(node, parameter) is not None:
            raise UnsupportedShape(_unsupported(node, parameter) + " inside sh:or")
    return Conjunction(node, tuple(_value_tests(shapes, node)), ())


def _nested_property(shapes: Graph, node: Node) -> NestedProperty:
    for parameter in (*SET_PARAMETERS, SH.sparql, SH.property):
        if parameter not in (SH.minCount, SH.maxCount) and shapes.value(node, parameter):
            raise UnsupportedShape(_unsupported(node, parameter) + " in a nested property shape")
    counts = [_count(shapes, node, p) for p in (SH.minCount, SH.maxCount)]
    path = read_path(shapes, shapes.value(node, SH.path), _name(node))  # type: ignore[arg-type]
    return NestedProperty(node, path, counts[0], counts[1], tuple(_value_tests(shapes, node)))


def _count(shapes: Graph, node: Node, parameter: URIRef) -> int | None:
    value = _one(shapes, node, parameter)
    if value is None:
        return None
    if not isinstance(value, Literal) or not isinstance(value.value, int):
        raise UnsupportedShape(f"{_name(node)}: {compact(str(parameter))} is not an integer")
    return int(value.value)


def _set_tests(shapes: Graph, node: Node, path: Path | None) -> Iterator[SetTest]:
    for parameter, component in SET_PARAMETERS.items():
        if shapes.value(node, parameter) is None:
            continue
        if path is None:
            raise UnsupportedShape(_unsupported(node, parameter) + " on a node shape")
        if parameter in (SH.minCount, SH.maxCount):
            yield SetTest(component, parameter, _count(shapes, node, parameter))
        elif parameter == SH.uniqueLang:
            flag = _one(shapes, node, parameter)
            if isinstance(flag, Literal) and flag.value is True:
                yield SetTest(component, parameter, True)
        elif parameter == SH.qualifiedValueShape:
            yield _qualified(shapes, node)
        else:
            for other in sorted(shapes.objects(node, parameter), key=str):
                if not isinstance(other, URIRef):
                    raise UnsupportedShape(_unsupported(node, parameter) + " with a path")
                yield SetTest(component, parameter, other)


def _qualified(shapes: Graph, node: Node) -> SetTest:
    disjoint = _one(shapes, node, SH.qualifiedValueShapesDisjoint)
    if isinstance(disjoint, Literal) and disjoint.value is True:
        raise UnsupportedShape(_unsupported(node, SH.qualifiedValueShapesDisjoint))
    value_shape = _one(shapes, node, SH.qualifiedValueShape)
    conjunction = _conjunction(shapes, value_shape)  # type: ignore[arg-type]
    low, high = (_count(shapes, node, p) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount))
    return SetTest(SH.QualifiedValueShapeConstraintComponent, SH.qualifiedValueShape,
                   (conjunction, low, high))  # fmt: skip


def _targets(shapes: Graph, node: Node) -> Iterator[Target]:
    if node in _implicit_class_shapes(shapes):
        yield Target("class", node)
    kinds = {SH.targetClass: "class", SH.targetNode: "node", SH.targetSubjectsOf: "subjectsOf",
             SH.targetObjectsOf: "objectsOf"}  # fmt: skip
    for predicate, kind in kinds.items():
        for value in sorted(shapes.objects(node, predicate), key=str):
            yield Target(kind, value)
    for target in sorted(shapes.objects(node, SH.target), key=str):
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
            raise UnsupportedShape(f"{_name(node)} has a kind of sh:target other than a SPARQL "
                                   "target with sh:select; use --engine pyshacl")  # fmt: skip
        yield Target("sparql", prologue(shapes, target) + str(select))


def _sparql_constraints(shapes: Graph, node: Node, path: Path | None) -> Iterator[SparqlConstraint]:
    for constraint in sorted(shapes.objects(node, SH.sparql), key=str):
        if _deactivated(shapes, constraint):
            continue
        select = shapes.value(constraint, SH.select)
        if path is not None or select is None:
            raise UnsupportedShape(
                f"{_name(node)}: only SPARQL SELECT constraints on node shapes are supported"
            )
        if _UNBOUND_VARIABLES.search(str(select)):
            raise UnsupportedShape(f"{_name(node)}: a SPARQL constraint uses $currentShape, "
                                   "$shapesGraph or $PATH; use --engine pyshacl")  # fmt: skip
        query = prologue(shapes, constraint) + str(select)
        yield SparqlConstraint(constraint, query, tuple(_messages(shapes, constraint)))


def prologue(shapes: Graph, node: Node) -> str:
    """``PREFIX`` lines for the prefixes a SPARQL query's ``sh:prefixes`` declare, as pySHACL
    puts them in front of the query."""
    lines = []
    for declarer in _declarers(shapes, node):
        for declaration in shapes.objects(declarer, SH.declare):
            prefix, namespace = (shapes.value(declaration, p) for p in (SH.prefix, SH.namespace))
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


def _declarers(shapes: Graph, node: Node) -> set[Node]:
    """The nodes named by ``sh:prefixes``, and the ontologies they import (in the shapes graph)."""
    found: set[Node] = set()
    todo = list(shapes.objects(node, SH.prefixes))
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(shapes.objects(current, OWL.imports))
    return found
