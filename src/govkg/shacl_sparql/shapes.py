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
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.namespace import SH as SHACL_VOCABULARY
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import SH, compact
from govkg.shacl_sparql.components import (
    DECLARATION_TERMS,
    DECLARATION_TYPES,
    SHAPES_GRAPH,
    ComponentUse,
    components,
    uses,
)
from govkg.shacl_sparql.paths import Path, iri, read_path
from govkg.shacl_sparql.prebinding import check_query, substitute

#: Constraint parameters tested on each value node (or on the focus node of a node shape).
VALUE_PARAMETERS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}
#: Constraint parameters whose value is a shape, or a list of shapes: a value node is tested by
#: validating it against those shapes (:mod:`govkg.shacl_sparql.nested`).
SHAPE_PARAMETERS = {
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
}
LIST_PARAMETERS = (SH["and"], SH["or"], SH.xone)
#: Constraint parameters tested on the set of value nodes of a focus node (property shapes).
SET_PARAMETERS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.qualifiedValueShape: SH.QualifiedValueShapeConstraintComponent,
}
#: Set parameters that also apply to node shapes (the focus node is the one value).
NODE_SET_PARAMETERS = (SH.equals, SH.disjoint, SH.hasValue)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Terms that come with a parameter above, or that do not validate anything.
OTHER_TERMS = {
    SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    SH.path, SH.property, SH.sparql, SH.severity, SH.message, SH.deactivated, SH.name,
    SH.description, SH.order, SH.group, SH.defaultValue, *TARGETS,
    SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.select,
    SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath,
    SH.closed, SH.ignoredProperties, SH.labelTemplate, SH.resultAnnotation, SH.shapesGraph,
    SH.suggestedShapesGraph, SH.parameter, SH.optional,
    # the report's vocabulary, in files that hold expected reports beside the shapes
    SH.conforms, SH.result, SH.focusNode, SH.resultPath, SH.resultSeverity, SH.sourceShape,
    SH.sourceConstraint, SH.sourceConstraintComponent, SH.value, SH.resultMessage, SH.detail,
}  # fmt: skip
KNOWN_TYPES = {
    SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint, SH.SPARQLTarget, SH.PrefixDeclaration,
    SH.Shape, SH.ValidationReport, SH.ValidationResult,
}  # fmt: skip
#: The components of SHACL's other parameters, to name them in errors.
OTHER_COMPONENTS = {SH.expression: "Expression", SH.js: "JS"}
_SHAPES_GRAPH_VARIABLE = re.compile(r"[?$]shapesGraph\b")


def uses_shapes_graph(shapes: Graph) -> bool:
    """Whether a SPARQL query of the shapes graph uses ``$shapesGraph``."""
    texts = (*shapes.objects(None, SH.select), *shapes.objects(None, SH.ask))
    return any(_SHAPES_GRAPH_VARIABLE.search(str(text)) for text in texts)


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
    """An ``sh:sparql`` constraint: its SELECT query with the declared prefixes in front
    (``$PATH`` already replaced by the property shape's path)."""

    node: Node
    query: str
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class Target:
    """How focus nodes are selected: ``kind`` is class, node, subjectsOf, objectsOf or sparql."""

    kind: str
    argument: Node | str


@dataclass(frozen=True)
class ShapeTest:
    """A constraint whose parameter is a shape or a list of shapes (sh:node, sh:not, sh:and,
    sh:or, sh:xone, sh:qualifiedValueShape): a value node is validated against them.  A
    deactivated shape is None (every node conforms to it).  ``low``/``high`` are the qualified
    counts; ``siblings`` the other qualified value shapes when they must be disjoint."""

    component: URIRef
    parameter: URIRef
    shapes: tuple[Shape | None, ...]
    low: int | None = None
    high: int | None = None
    siblings: tuple[Shape | None, ...] = ()


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
    shape_tests: tuple[ShapeTest, ...] = ()
    #: sh:closed: the properties a value node may have (None: not closed).
    closed: tuple[URIRef, ...] | None = None
    #: The SPARQL-based constraint components it uses.
    components: tuple[ComponentUse, ...] = ()

    @property
    def name(self) -> str:
        return _name(self.node)


def _name(node: Node) -> str:
    return compact(str(node)) if isinstance(node, URIRef) else f"a blank-node shape ({node})"


def read_shapes(shapes: Graph) -> list[Shape]:
    """The shapes that select focus nodes (with everything they reach), active ones only."""
    _refuse_unknown_terms(shapes)
    roots = {s for t in TARGETS for s in shapes.subjects(t, None)} | _implicit_class_shapes(shapes)
    reader = _Reader(shapes)
    found = [reader.shape(node, root=True) for node in sorted(roots, key=str)]
    return [s for s in found if s is not None]


def _refuse_unknown_terms(shapes: Graph) -> None:
    known = {*VALUE_PARAMETERS, *SET_PARAMETERS, *SHAPE_PARAMETERS, *OTHER_TERMS,
             *DECLARATION_TERMS}  # fmt: skip
    for subject, predicate, value in sorted(shapes, key=str):  # the same error every time
        known_type = value in KNOWN_TYPES or value in DECLARATION_TYPES
        if predicate == RDF.type and str(value).startswith(str(SH)) and not known_type:
            raise UnsupportedShape(
                f"{_name(subject)} is a {compact(str(value))}, which the sparql engine does not "
                "support; use --engine pyshacl"
            )
        if str(predicate).startswith(str(SH)) and predicate not in known and _shacl(predicate):
            raise UnsupportedShape(_unsupported(subject, predicate))


def _shacl(term: Node) -> bool:
    """Whether a term is in SHACL's vocabulary (a term of the sh: namespace that SHACL does not
    define, such as ``sh:nodeShape``, is not a constraint: it has no meaning to skip)."""
    return str(term).removeprefix(str(SH)) in _SHACL_TERMS


_SHACL_TERMS = frozenset(getattr(SHACL_VOCABULARY, "__annotations__", {}))


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


def _is_true(value: Node | None) -> bool:
    """Whether a flag (sh:deactivated, sh:closed …) is ``true``: the literal SHACL names, not
    another form of the same value such as ``"1"^^xsd:boolean``."""
    return isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) == "true"


def _deactivated(shapes: Graph, node: Node) -> bool:
    return _is_true(_one(shapes, node, SH.deactivated))


class _Reader:
    """Reads shapes, following sh:property, sh:node and the other shape-valued parameters;
    a shape that reaches itself again is refused (SHACL leaves recursion undefined)."""

    def __init__(self, shapes: Graph) -> None:
        self.graph = shapes
        self.stack: list[Node] = []
        self.declared = components(shapes)

    def shape(self, node: Node, root: bool = False) -> Shape | None:
        shapes = self.graph
        if _deactivated(shapes, node):
            return None
        if node in self.stack:
            raise UnsupportedShape(
                f"{_name(node)} is recursive (it reaches itself through "
                f"{' -> '.join(_name(n) for n in self.stack[self.stack.index(node) :])}); SHACL "
                "leaves recursive shapes undefined and the sparql engine refuses them"
            )
        self.stack.append(node)
        try:
            return self._read(node, root)
        finally:
            self.stack.pop()

    def _read(self, node: Node, root: bool) -> Shape:
        shapes = self.graph
        path_node = _one(shapes, node, SH.path)
        path = read_path(shapes, path_node, _name(node)) if path_node is not None else None
        severities = sorted(shapes.objects(node, SH.severity), key=str)
        properties = [self.shape(p) for p in sorted(shapes.objects(node, SH.property), key=str)]
        return Shape(
            node=node,
            severity=severities[0] if severities else SH.Violation,  # type: ignore[arg-type]
            messages=tuple(sorted(_messages(shapes, node), key=_message_order)),
            path=path,
            tests=tuple(self._value_tests(node)),
            set_tests=tuple(_set_tests(shapes, node, path)),
            properties=tuple(p for p in properties if p is not None),
            sparql=tuple(_sparql_constraints(shapes, node, path)),
            targets=tuple(_targets(shapes, node)) if root else (),
            shape_tests=tuple(self._shape_tests(node)),
            closed=_closed(shapes, node),
            components=tuple(self._components(node, path)),
        )

    def _components(self, node: Node, path: Path | None) -> Iterator[ComponentUse]:
        for use in uses(self.graph, node, path, self.declared, prologue):
            names = frozenset({"this", "value", *(name for name, _v in use.parameters)})
            check_query(use.query, _name(node), names)
            yield use

    def _value_tests(self, node: Node) -> Iterator[ValueTest]:
        shapes = self.graph
        flags = _one(shapes, node, SH.flags)
        for parameter, component in VALUE_PARAMETERS.items():
            for value in sorted(shapes.objects(node, parameter), key=str):
                argument = _argument(shapes, node, parameter, value)
                if argument is not None:
                    yield ValueTest(component, parameter, argument, _flags(flags))

    def _shape_tests(self, node: Node) -> Iterator[ShapeTest]:
        shapes = self.graph
        for parameter, component in SHAPE_PARAMETERS.items():
            for value in sorted(shapes.objects(node, parameter), key=str):
                members = _list(shapes, node, value) if parameter in LIST_PARAMETERS else [value]
                yield ShapeTest(component, parameter, tuple(self.shape(m) for m in members))
        for value in sorted(shapes.objects(node, SH["or"]), key=str):
            members = _list(shapes, node, value)
            if any(_conjunction(shapes, m) is _GENERAL for m in members):
                yield ShapeTest(SH.OrConstraintComponent, SH["or"],
                                tuple(self.shape(m) for m in members))  # fmt: skip
        if _one(shapes, node, SH.qualifiedValueShape) is not None:
            yield self._qualified(node)

    def _qualified(self, node: Node) -> ShapeTest:
        shapes = self.graph
        value_shape = _one(shapes, node, SH.qualifiedValueShape)
        low, high = (_count(shapes, node, p) for p in (SH.qualifiedMinCount, SH.qualifiedMaxCount))
        disjoint = _one(shapes, node, SH.qualifiedValueShapesDisjoint)
        siblings: tuple[Shape | None, ...] = ()
        if _is_true(disjoint):
            siblings = tuple(self.shape(s) for s in _siblings(shapes, node, value_shape))  # type: ignore[arg-type]
        return ShapeTest(SH.QualifiedValueShapeConstraintComponent, SH.qualifiedValueShape,
                         (self.shape(value_shape),), low, high, siblings)  # type: ignore[arg-type]  # fmt: skip


def _siblings(shapes: Graph, node: Node, value_shape: Node) -> list[Node]:
    """SHACL's sibling shapes: the qualified value shapes of the other property shapes of every
    shape that has this property shape."""
    found: set[Node] = set()
    for parent in shapes.subjects(SH.property, node):
        for sibling in shapes.objects(parent, SH.property):
            found.update(shapes.objects(sibling, SH.qualifiedValueShape))
    found.discard(value_shape)
    return sorted(found, key=str)


def _closed(shapes: Graph, node: Node) -> tuple[URIRef, ...] | None:
    if not _is_true(_one(shapes, node, SH.closed)):
        return None
    allowed = {p for prop in shapes.objects(node, SH.property)
               for p in shapes.objects(prop, SH.path) if isinstance(p, URIRef)}  # fmt: skip
    for ignored in shapes.objects(node, SH.ignoredProperties):
        allowed.update(x for x in _list(shapes, node, ignored) if isinstance(x, URIRef))
    return tuple(sorted(allowed))


def _message_order(message: Literal) -> tuple[str, str]:
    """Messages in a fixed order: untagged first, then by language."""
    return (message.language or "", str(message))


def _messages(shapes: Graph, node: Node) -> Iterator[Literal]:
    return (m for m in shapes.objects(node, SH.message) if isinstance(m, Literal))


def _flags(flags: Node | None) -> str:
    """The regular-expression flags pySHACL honours: i and m."""
    text = str(flags).lower() if flags is not None else ""
    return "".join(f for f in "im" if f in text)


#: An sh:or whose members are not all plain tests: evaluated as a shape test.
_GENERAL = object()


def _argument(shapes: Graph, node: Node, parameter: URIRef, value: Node) -> Any:
    if parameter == SH["in"]:
        return tuple(_list(shapes, node, value))
    if parameter == SH.languageIn:
        return tuple(str(v).lower() for v in _list(shapes, node, value))
    if parameter == SH["or"]:
        members = [_conjunction(shapes, m) for m in _list(shapes, node, value)]
        if any(m is _GENERAL for m in members):
            return None  # a shape test (see _Reader._shape_tests)
        active = tuple(m for m in members if m is not None)
        return active or None  # every member deactivated: every node conforms
    if parameter == SH.pattern and not isinstance(value, Literal):
        raise UnsupportedShape(f"{_name(node)}: sh:pattern must be a literal")
    if parameter in (SH.minLength, SH.maxLength):
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise UnsupportedShape(f"{_name(node)}: {compact(str(parameter))} is not an integer")
        return int(value.value)
    return value


def _list(shapes: Graph, node: Node, head: Node) -> list[Node]:
    try:
        return list(Collection(shapes, head))
    except Exception:  # rdflib raises several kinds on a broken list
        raise UnsupportedShape(f"{_name(node)}: {head} is not an RDF list") from None


#: Parameters a member of a plain sh:or may use: tests on the value itself.
_PLAIN = {*VALUE_PARAMETERS, SH.path, SH.minCount, SH.maxCount, SH.message, SH.name,
          SH.description, SH.deactivated, RDF.type, RDFS.label, RDFS.comment}  # fmt: skip


def _conjunction(shapes: Graph, node: Node) -> Conjunction | object | None:
    """A member of sh:or made of plain tests (evaluated as one SPARQL expression with the
    others), None when deactivated, or :data:`_GENERAL` when it needs a full validation."""
    if _deactivated(shapes, node):
        return None
    if shapes.value(node, SH.severity) not in (None, SH.Violation):
        return _GENERAL
    if any(p not in _PLAIN for p in shapes.predicates(node, None)):
        return _GENERAL
    if any(p == SH["or"] for p in shapes.predicates(node, None)):
        return _GENERAL
    if shapes.value(node, SH.path) is not None:  # a property shape, tested on the value
        counts = [_count(shapes, node, p) for p in (SH.minCount, SH.maxCount)]
        if any(c is not None and c > 1 for c in counts):
            return _GENERAL
        tests = tuple(_plain_tests(shapes, node))
        if any(t is None for t in tests):
            return _GENERAL
        path = read_path(shapes, shapes.value(node, SH.path), _name(node))  # type: ignore[arg-type]
        return Conjunction(node, (), (NestedProperty(node, path, counts[0], counts[1], tests),))  # type: ignore[arg-type]
    tests = tuple(_plain_tests(shapes, node))
    if any(t is None for t in tests):
        return _GENERAL
    return Conjunction(node, tests, ())  # type: ignore[arg-type]


def _plain_tests(shapes: Graph, node: Node) -> Iterator[ValueTest | None]:
    """The value tests of a plain member; None for one it cannot use in an expression."""
    flags = _one(shapes, node, SH.flags)
    for parameter, component in VALUE_PARAMETERS.items():
        for value in sorted(shapes.objects(node, parameter), key=str):
            if parameter in (SH["or"], SH.minExclusive, SH.maxInclusive, SH.maxExclusive,
                             SH.minLength, SH.maxLength):  # fmt: skip
                yield None
                continue
            yield ValueTest(component, parameter, _argument(shapes, node, parameter, value),
                            _flags(flags))  # fmt: skip


def _count(shapes: Graph, node: Node, parameter: URIRef) -> int | None:
    value = _one(shapes, node, parameter)
    if value is None:
        return None
    if not isinstance(value, Literal) or not isinstance(value.value, int):
        raise UnsupportedShape(f"{_name(node)}: {compact(str(parameter))} is not an integer")
    return int(value.value)


def _set_tests(shapes: Graph, node: Node, path: Path | None) -> Iterator[SetTest]:
    for parameter, component in SET_PARAMETERS.items():
        if parameter == SH.qualifiedValueShape or shapes.value(node, parameter) is None:
            continue
        if path is None and parameter not in NODE_SET_PARAMETERS:
            raise UnsupportedShape(_unsupported(node, parameter) + " on a node shape")
        if parameter in (SH.minCount, SH.maxCount):
            yield SetTest(component, parameter, _count(shapes, node, parameter))
        elif parameter == SH.uniqueLang:
            if _is_true(_one(shapes, node, parameter)):
                yield SetTest(component, parameter, True)
        elif parameter == SH.hasValue:
            for value in sorted(shapes.objects(node, parameter), key=str):
                yield SetTest(component, parameter, value)
        else:
            for other in sorted(shapes.objects(node, parameter), key=str):
                if not isinstance(other, URIRef):
                    raise UnsupportedShape(_unsupported(node, parameter) + " with a path")
                yield SetTest(component, parameter, other)


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
        if select is None:
            raise UnsupportedShape(
                f"{_name(node)}: only SPARQL SELECT constraints (sh:select) are supported"
            )
        query = prologue(shapes, constraint) + str(select)
        if _SHAPES_GRAPH_VARIABLE.search(query):
            query = substitute(query, {"shapesGraph": iri(SHAPES_GRAPH)})
        if path is not None:
            query = _PATH_VARIABLE.sub(lambda _m, p=path.sparql: p, query)  # type: ignore[misc]
        elif _PATH_VARIABLE.search(query):
            raise UnsupportedShape(f"{_name(node)}: $PATH in a SPARQL constraint of a node shape")
        if _CURRENT_SHAPE.search(query):
            if not isinstance(node, URIRef):
                raise UnsupportedShape(f"{_name(node)}: $currentShape of a blank-node shape "
                                       "cannot be pre-bound in the store's query")  # fmt: skip
            query = substitute(query, {"currentShape": iri(str(node))})
        check_query(query, _name(node))
        yield SparqlConstraint(constraint, query, tuple(_messages(shapes, constraint)))


_PATH_VARIABLE = re.compile(r"\$PATH\b")
_CURRENT_SHAPE = re.compile(r"[?$]currentShape\b")


def prologue(shapes: Graph, node: Node) -> str:
    """``PREFIX`` lines for the prefixes a SPARQL query's ``sh:prefixes`` declare, as pySHACL
    puts them in front of the query."""
    lines = []
    for declarer in _declarers(shapes, node):
        for declaration in shapes.objects(declarer, SH.declare):
            prefix, namespace = (shapes.value(declaration, p) for p in (SH.prefix, SH.namespace))
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: {iri(str(namespace))}\n")
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
