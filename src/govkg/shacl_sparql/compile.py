"""The shapes compiled into SPARQL SELECT queries, one per constraint of each targeted shape.

Every query starts from the shape's focus nodes (its targets as a graph pattern binding
``?this``) and returns the focus nodes, and values, that may break the constraint; each query
carries the function that turns its rows into findings, deciding as pySHACL does for the few
values SPARQL cannot judge alone (see :mod:`govkg.shacl_sparql.checks`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import SH, compact
from govkg.shacl_sparql.checks import (
    TYPE_OF,
    Leaf,
    OxTerm,
    Tree,
    leaves,
    less_or_equal_holds,
    sparql_of,
    term,
    test_tree,
    verdict,
)
from govkg.shacl_sparql.components import ComponentUse
from govkg.shacl_sparql.paths import Path, iri
from govkg.shacl_sparql.shapes import SetTest, Shape, ShapeTest, SparqlConstraint, ValueTest
from govkg.store import QueryResult, Row


@dataclass(frozen=True)
class Found:
    """One validation result, with the store's terms."""

    focus: OxTerm
    component: URIRef
    shape: Node
    severity: URIRef
    message: str
    path: Path | None = None
    value: OxTerm | None = None
    constraint: Node | None = None  # the sh:sparql constraint a SPARQL result comes from
    #: Every sh:message of the shape (one per language), for the report; ``message`` is the first.
    messages: tuple[Literal, ...] = ()


@dataclass(frozen=True)
class Query:
    """A SELECT query and what turns its rows into results."""

    text: str
    findings: Callable[[QueryResult], list[Found]]


@dataclass
class CompiledShape:
    """A shape with the pattern selecting its focus nodes (``?this``): its queries, the shape
    tests and SPARQL constraints of it and of its property shapes (each with the shape that owns
    it), and the units of property shapes nested in property shapes (their focus nodes are the
    values of the property shape above them)."""

    shape: Shape
    prologue: str
    focus: str
    queries: list[Query] = field(default_factory=list)
    sparql: list[tuple[Shape, SparqlConstraint]] = field(default_factory=list)
    checks: list[tuple[Shape, ShapeTest]] = field(default_factory=list)
    components: list[tuple[Shape, ComponentUse]] = field(default_factory=list)
    children: list[tuple[Shape, CompiledShape]] = field(default_factory=list)


def focus_pattern(shape: Shape) -> tuple[str, str]:
    """The shape's targets as a group graph pattern binding ``?this``, and the ``PREFIX`` lines
    its SPARQL targets need."""
    parts: list[str] = []
    declared: dict[str, str] = {}
    for number, target in enumerate(shape.targets):
        if target.kind != "sparql":
            parts.append(_target(target.kind, target.argument, number))
            continue
        lines = str(target.argument).splitlines()
        for line in (line for line in lines if line.startswith("PREFIX ")):
            prefix = line.split(":")[0]
            if declared.setdefault(prefix, line) != line:
                raise UnsupportedShape(f"{shape.name}: its SPARQL targets declare {prefix} twice")
        parts.append("{ " + "\n".join(x for x in lines if not x.startswith("PREFIX ")) + " }")
    prologue = "".join(line + "\n" for line in sorted(declared.values()))
    return "{ " + " UNION ".join(f"{{ {p} }}" for p in parts) + " }", prologue


def _target(kind: str, node: Any, number: int) -> str:
    if kind == "class":
        return f"?this {TYPE_OF} {term(node)} ."
    if kind == "node":
        return f"VALUES ?this {{ {term(node)} }}"
    if kind == "subjectsOf":
        return f"?this {term(node)} ?target{number} ."
    return f"?target{number} {term(node)} ?this ."


def compile_shape(
    shape: Shape, focus: str | None = None, prologue: str | None = None, depth: int = 0
) -> CompiledShape:
    """Every query of a shape (its own constraints and its property shapes'), its focus nodes
    selected by its targets, or by ``focus`` (a pattern binding ``?this``) when it is validated
    on other nodes (a shape nested in another)."""
    if focus is None:
        focus, prologue = focus_pattern(shape)
    compiled = CompiledShape(shape, prologue or "", focus)
    presence: list[tuple[Shape, SetTest, str]] = []
    owners = (shape,) if shape.path is not None else (shape, *shape.properties)
    for owner in owners:
        for test in owner.tests:
            compiled.queries.append(_value_query(compiled, owner, test))
        for set_test in owner.set_tests:
            broken = _presence(owner, set_test, len(presence))
            query = None if broken else _set_query(compiled, owner, set_test)
            if broken:
                presence.append((owner, set_test, broken))
            elif query is not None:
                compiled.queries.append(query)
        if owner.closed is not None:
            compiled.queries.append(_closed_query(compiled, owner))
        compiled.sparql += [(owner, c) for c in owner.sparql]
        compiled.checks += [(owner, t) for t in owner.shape_tests]
        compiled.components += [(owner, c) for c in owner.components]
        if owner.path is not None and owner.properties:
            inner = value_focus(owner, focus, depth)
            compiled.children += [
                (owner, compile_shape(p, inner, prologue, depth + 1)) for p in owner.properties
            ]
    if presence:
        compiled.queries.append(_presence_query(compiled, presence))
    return compiled


def value_focus(owner: Shape, focus: str, depth: int) -> str:
    """A pattern binding ``?this`` to each value node of ``owner`` for the focus nodes of
    ``focus``: the focus nodes of the shapes those values are validated against."""
    if owner.path is None:
        return focus
    up = f"?govkg_up{depth}"
    return (f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?this AS {up}) WHERE {{ {focus} }} }} "
            f"{up} {owner.path.sparql} ?this }} }}")  # fmt: skip


def pairs_query(compiled: CompiledShape, owner: Shape) -> str:
    """The focus nodes and their value nodes for ``owner``."""
    values = f"OPTIONAL {{ {_values(owner)} }}" if owner.path else _values(owner)
    return (f"{compiled.prologue}SELECT DISTINCT ?this ?value WHERE {{ {compiled.focus} "
            f"{values} }}")  # fmt: skip


def _closed_query(compiled: CompiledShape, owner: Shape) -> Query:
    """sh:closed: every triple of a value node whose predicate is not allowed."""
    allowed = ", ".join(iri(str(p)) for p in owner.closed or ())
    condition = f"FILTER (?predicate NOT IN ({allowed}))" if allowed else ""
    triples = f"{_values(owner)} ?value ?predicate ?object {condition}"
    text = (f"{compiled.prologue}SELECT DISTINCT ?this ?predicate ?object WHERE {{ "
            f"{compiled.focus} {triples} }}")  # fmt: skip

    def findings(result: QueryResult) -> list[Found]:
        found = []
        for row in result.records():
            predicate = row.text("predicate")
            path = Path(URIRef(predicate), iri(predicate), predicate)
            this, value = row.term("this"), row.term("object")
            item = finding(owner, SH.ClosedConstraintComponent, this, value)
            found.append(replace(item, path=path))
        return found

    return Query(text, findings)


def _presence(owner: Shape, test: SetTest, number: int) -> str:
    """For sh:minCount 1 and sh:maxCount 0 or 1: a SPARQL condition true when the focus node
    breaks it ("" for other set tests); these run together, in one pass over the focus nodes."""
    path = owner.path.sparql if owner.path else ""
    v, w = f"?p{number}", f"?q{number}"
    if test.parameter == SH.minCount and test.argument == 1:
        return f"NOT EXISTS {{ ?this {path} {v} }}"
    if test.parameter == SH.maxCount and test.argument == 0:
        return f"EXISTS {{ ?this {path} {v} }}"
    if test.parameter == SH.maxCount and test.argument == 1:
        return f"EXISTS {{ ?this {path} {v} . ?this {path} {w} FILTER (!sameTerm({v}, {w})) }}"
    return ""


def _presence_query(compiled: CompiledShape, tests: list[tuple[Shape, SetTest, str]]) -> Query:
    """One query for every minCount 1 and maxCount 0 or 1 of a shape: ``?broken`` lists the
    numbers of the tests a focus node breaks ("0 3 "), one short row per node (a graph where
    every node breaks one gives a million rows)."""
    flags = ", ".join(f'IF({condition}, "{n} ", "")' for n, (_o, _t, condition) in enumerate(tests))
    text = (
        f"{compiled.prologue}SELECT ?this ?broken WHERE {{ {compiled.focus} "
        f'BIND (CONCAT({flags}, "") AS ?broken) FILTER (?broken != "") }}'
    )

    def findings(result: QueryResult) -> list[Found]:
        found, seen = [], set()
        for row in result.records():
            focus, broken = row.term("this"), row.text("broken")
            if (focus, broken) in seen:  # the focus pattern may give a node twice
                continue
            seen.add((focus, broken))
            for number in broken.split():
                owner, test, _condition = tests[int(number)]
                found.append(finding(owner, test.component, focus))
        return found

    return Query(text, findings)


def finding(owner: Shape, component: URIRef, focus: OxTerm, value: OxTerm | None = None) -> Found:
    """A result of ``owner``'s constraint with ``component``."""
    message = str(owner.messages[0]) if owner.messages else _generic(component, owner)
    return Found(focus, component, owner.node, owner.severity, message, owner.path, value,
                 messages=owner.messages)  # fmt: skip


def _generic(component: URIRef, owner: Shape) -> str:
    """A message for a shape without sh:message (govkg's shapes all have one)."""
    name = compact(str(component)).removeprefix("sh:").removesuffix("ConstraintComponent")
    where = f" on {compact(owner.path.text)}" if owner.path else ""
    return f"Value does not satisfy {name}{where}"


def _values(owner: Shape) -> str:
    """The pattern binding ``?value`` to each value node (the focus node of a node shape)."""
    return f"?this {owner.path.sparql} ?value ." if owner.path else "BIND (?this AS ?value)"


def _leaf_patterns(parts: list[Leaf]) -> tuple[str, dict[int, str], dict[int, str]]:
    """What binds each leaf's verdict on ``?value`` to ``?k0``, ``?k1`` …: the patterns, each
    leaf's variable, and each leaf's test of it for the query's FILTER."""
    patterns, variables, tests = [], {}, {}
    for number, leaf in enumerate(parts):
        variable = variables[id(leaf)] = f"?k{number}"
        if leaf.instance_of is not None:  # true for the instances of the class, else unbound
            instances = (f"SELECT DISTINCT ?value (true AS {variable}) "
                         f"WHERE {{ ?value {TYPE_OF} {leaf.instance_of} }}")  # fmt: skip
            patterns.append(f"OPTIONAL {{ {instances} }}")
            tests[id(leaf)] = f"COALESCE({variable}, false)"
        else:
            patterns.append(f"BIND (COALESCE({leaf.expression}, false) AS {variable})")
            tests[id(leaf)] = variable
    return " ".join(patterns), variables, tests


def _value_query(compiled: CompiledShape, owner: Shape, test: ValueTest) -> Query:
    tree = test_tree(test, "?value")
    parts = list(leaves(tree))
    patterns, variables, tests = _leaf_patterns(parts)
    text = (
        f"{compiled.prologue}SELECT DISTINCT ?this ?value {' '.join(variables.values())} WHERE {{ "
        f"{compiled.focus} {_values(owner)} {patterns} FILTER (!{sparql_of(tree, tests)}) }}"
    )

    def findings(result: QueryResult) -> list[Found]:
        found = []
        for row in result.records():
            if not _holds(tree, parts, variables, row):
                found.append(finding(owner, test.component, row.term("this"), row.term("value")))
        return found

    return Query(text, findings)


def _holds(tree: Tree | Leaf, parts: list[Leaf], variables: dict[int, str], row: Row) -> bool:
    known = {id(leaf): _true(row[variables[id(leaf)][1:]]) for leaf in parts}
    return verdict(tree, known, row["value"])


def _true(term_: OxTerm | None) -> bool:
    return isinstance(term_, ox.Literal) and term_.value == "true"


def _set_query(compiled: CompiledShape, owner: Shape, test: SetTest) -> Query | None:
    path = owner.path.sparql if owner.path else ""  # set tests are on property shapes
    head, focus = compiled.prologue, compiled.focus
    parameter, argument = test.parameter, test.argument
    if parameter == SH.minCount:
        if argument <= 0:
            return None
        body = (f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
                if argument == 1 else
                f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {argument})")  # fmt: skip
        return _focus_query(head + body, owner, test)
    if parameter == SH.maxCount:
        return _focus_query(head + _max_count(focus, path, argument), owner, test)
    if parameter == SH.uniqueLang:
        same_tag = ('isLiteral(?a) && isLiteral(?b) && LANG(?a) != "" && !sameTerm(?a, ?b) '
                    "&& LCASE(LANG(?a)) = LCASE(LANG(?b))")  # fmt: skip
        body = (f"SELECT DISTINCT ?this ?lang WHERE {{ {focus} ?this {path} ?a . ?this {path} ?b "
                f"FILTER ({same_tag}) BIND (LCASE(LANG(?a)) AS ?lang) }}")  # fmt: skip
        return _focus_query(head + body, owner, test)
    if parameter == SH.hasValue:
        return _has_value(compiled, owner, test)
    return _pair_query(compiled, owner, test)


def _has_value(compiled: CompiledShape, owner: Shape, test: SetTest) -> Query:
    """sh:hasValue: a focus node without the value (a node shape: a focus node that is not it)."""
    value = term(test.argument)
    if owner.path is None:
        body = (f"SELECT DISTINCT ?this WHERE {{ {compiled.focus} "
                f"FILTER (!sameTerm(?this, {value})) }}")  # fmt: skip
    else:
        body = (f"SELECT DISTINCT ?this WHERE {{ {compiled.focus} "
                f"FILTER NOT EXISTS {{ ?this {owner.path.sparql} {value} }} }}")  # fmt: skip

    def findings(result: QueryResult) -> list[Found]:
        return [finding(owner, test.component, row.term("this"), row.get("value"))
                for row in result.records()]  # fmt: skip

    return Query(compiled.prologue + body, findings)


def _max_count(focus: str, path: str, maximum: int) -> str:
    if maximum == 0:
        return f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v }}"
    if maximum == 1:
        return (f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?v . ?this {path} ?w "
                "FILTER (!sameTerm(?v, ?w)) }")  # fmt: skip
    return (f"SELECT ?this WHERE {{ {focus} ?this {path} ?v }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {maximum})")  # fmt: skip


def _focus_query(text: str, owner: Shape, test: SetTest) -> Query:
    """A query returning the focus nodes that break a constraint (a result with no value)."""

    def findings(result: QueryResult) -> list[Found]:
        return [finding(owner, test.component, row.term("this")) for row in result.records()]

    return Query(text, findings)


def _pair_query(compiled: CompiledShape, owner: Shape, test: SetTest) -> Query:
    """sh:equals, sh:disjoint, sh:lessThan(OrEquals): the values (of the path, or the focus node
    of a node shape) against a property's."""
    other = iri(str(test.argument))
    focus, head, values = compiled.focus, compiled.prologue, _values(owner)
    if test.parameter == SH.equals:
        only_path = f"{values} FILTER NOT EXISTS {{ ?this {other} ?value }}"
        only_other = (f"?this {other} ?value FILTER NOT EXISTS {{ ?this {owner.path.sparql} "
                      "?value }" if owner.path else
                      f"?this {other} ?value FILTER (!sameTerm(?this, ?value))")  # fmt: skip
        body = (f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus} {only_path} }} "
                f"UNION {{ {focus} {only_other} }} }}")  # fmt: skip
    elif test.parameter == SH.disjoint:
        both = f"{values} ?this {other} ?value"
        body = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {both} }}"
    else:
        operator = "<" if test.parameter == SH.lessThan else "<="
        body = (f"SELECT DISTINCT ?this ?value ?other WHERE {{ {focus} {values} "
                f"?this {other} ?other FILTER (!COALESCE(isNumeric(?value) && isNumeric(?other) "
                f"&& ?value {operator} ?other, false)) }}")  # fmt: skip
    strict = test.parameter == SH.lessThan

    def findings(result: QueryResult) -> list[Found]:
        found = []
        for row in result.records():
            value = row.term("value")
            if "other" in row and less_or_equal_holds(value, row.term("other"), strict):
                continue
            found.append(finding(owner, test.component, row.term("this"), value))
        return found

    return Query(head + body, findings)
