"""SPARQL-based constraint components (SHACL 6): a component declared in the shapes graph with
its parameters and validators, and the shapes that use it.

A shape uses a component when it has a value for each of the component's mandatory parameters;
each parameter is pre-bound in the validator's query as the variable named by the local name of
its path.  A node shape runs the component's ``sh:nodeValidator`` (else its ``sh:validator``), a
property shape its ``sh:propertyValidator`` (else ``sh:validator``).  An ASK validator is asked
once per value node (``$value``) and a ``false`` is a result; a SELECT validator runs once per
focus node and each row is a result, as an ``sh:sparql`` constraint.  A shape that uses a
component with no validator for its kind of shape is refused.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import SH, compact
from govkg.shacl_sparql.paths import Path
from govkg.shacl_sparql.prebinding import substitute

#: The named graph that holds a copy of the shapes graph while queries that use
#: ``$shapesGraph`` run (:func:`govkg.shacl_sparql.engine.with_shapes_graph`).
SHAPES_GRAPH = "urn:govkg:validation:shapes-graph"

#: The SHACL terms that declare components: not constraints themselves.
DECLARATION_TERMS = {
    SH.parameter, SH.validator, SH.nodeValidator, SH.propertyValidator, SH.ask, SH.select,
    SH.optional, SH.labelTemplate,
}  # fmt: skip
DECLARATION_TYPES = {
    SH.ConstraintComponent, SH.Parameter, SH.SPARQLAskValidator, SH.SPARQLSelectValidator,
    SH.Validator, SH.SPARQLExecutable, SH.SPARQLAskExecutable, SH.SPARQLSelectExecutable,
    SH.Parameterizable,
}  # fmt: skip


@dataclass(frozen=True)
class ComponentUse:
    """A shape's use of a component: the validator's query (prefixes in front, ``$PATH``
    replaced), whether it is ASK, the parameter values by variable name, the messages."""

    component: URIRef
    query: str
    ask: bool
    parameters: tuple[tuple[str, Node], ...]
    messages: tuple[Literal, ...]


@dataclass(frozen=True)
class _Component:
    node: URIRef
    parameters: tuple[tuple[URIRef, str, bool], ...]  # path, variable, optional
    validators: dict[str, Node]  # "node", "property", "any"


def components(shapes: Graph) -> list[_Component]:
    """The constraint components declared in the shapes graph."""
    subclasses = shapes.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent)
    classes = {SH.ConstraintComponent, *subclasses}
    found = []
    for node in sorted({s for c in classes for s in shapes.subjects(RDF.type, c)}, key=str):
        if node == SH.ConstraintComponent or not isinstance(node, URIRef):
            continue
        found.append(_Component(node, tuple(_parameters(shapes, node)), _validators(shapes, node)))
    return found


def _parameters(shapes: Graph, node: Node) -> Iterator[tuple[URIRef, str, bool]]:
    for parameter in sorted(shapes.objects(node, SH.parameter), key=str):
        path = shapes.value(parameter, SH.path)
        if not isinstance(path, URIRef):
            raise UnsupportedShape(f"{compact(str(node))}: a parameter's sh:path must be an IRI")
        name = re.split(r"[#/:]", str(path))[-1]
        optional = shapes.value(parameter, SH.optional)
        yield path, name, isinstance(optional, Literal) and str(optional) == "true"


def _validators(shapes: Graph, node: Node) -> dict[str, Node]:
    found = {}
    for kind, predicate in (("node", SH.nodeValidator), ("property", SH.propertyValidator),
                            ("any", SH.validator)):  # fmt: skip
        value = shapes.value(node, predicate)
        if value is not None:
            found[kind] = value
    return found


def uses(
    shapes: Graph,
    node: Node,
    path: Path | None,
    declared: list[_Component],
    prologue_of: Callable[[Graph, Node], str],
) -> Iterator[ComponentUse]:
    """The components the shape ``node`` uses (``path``: its sh:path, for a property shape)."""
    for component in declared:
        mandatory = [p for p in component.parameters if not p[2]]
        if not mandatory or any(shapes.value(node, p[0]) is None for p in mandatory):
            continue
        validator = component.validators.get("property" if path else "node") or \
            component.validators.get("any")  # fmt: skip
        if validator is None:
            raise UnsupportedShape(f"{compact(str(node))} uses {compact(str(component.node))}, "
                                   "which has no validator for this kind of shape")  # fmt: skip
        yield from _uses_of(shapes, node, path, component, validator, prologue_of)


def _uses_of(
    shapes: Graph,
    node: Node,
    path: Path | None,
    component: _Component,
    validator: Node,
    prologue_of: Callable[[Graph, Node], str],
) -> Iterator[ComponentUse]:
    ask, select = shapes.value(validator, SH.ask), shapes.value(validator, SH.select)
    if (ask is None) == (select is None):
        raise UnsupportedShape(f"{compact(str(component.node))}: a validator needs one of sh:ask "
                               "or sh:select")  # fmt: skip
    text = prologue_of(shapes, validator) + str(ask if ask is not None else select)
    if path is not None:
        text = re.sub(r"\$PATH\b", lambda _m: path.sparql, text)
    if re.search(r"[?$]shapesGraph\b", text):
        text = substitute(text, {"shapesGraph": f"<{SHAPES_GRAPH}>"})
    messages = tuple(m for m in shapes.objects(validator, SH.message) if isinstance(m, Literal))
    choices: list[list[tuple[str, Node | None]]] = [
        [(name, v) for v in sorted(shapes.objects(node, p), key=str)] or [(name, None)]
        for p, name, _optional in component.parameters
    ]
    for combination in itertools.product(*choices):
        bound = tuple((name, v) for name, v in combination if v is not None)  # optional: unbound
        yield ComponentUse(component.node, text, ask is not None, bound, messages)
