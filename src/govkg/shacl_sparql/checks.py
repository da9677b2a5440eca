"""Tests on one value node as SPARQL expressions, with pySHACL's verdict where SPARQL's differs.

Each constraint on a value node becomes a *leaf*: a SPARQL boolean expression over the value
variable, and whether that expression is *exact*.  An inexact expression only accepts values
that pySHACL certainly accepts (``"2024-02-11"^^xsd:date``); the few values it does not accept are
handed to ``holds``, which decides as pySHACL does (through rdflib, whose notion of an ill-typed
literal differs from Oxigraph's: ``" 5"^^xsd:integer`` is an integer to rdflib, ``"2026-13"^^
xsd:gYearMonth`` is not checked at all).  Leaves combine into ``sh:or`` trees.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import count
from typing import Any

import pyoxigraph as ox
from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from govkg.errors import UnsupportedShape
from govkg.namespaces import SH, WRITTEN_DATATYPE
from govkg.rdf import to_rdflib
from govkg.shacl_sparql.paths import iri
from govkg.shacl_sparql.shapes import Conjunction, NestedProperty, ValueTest
from govkg.store.literals import stored_forms

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
TYPE_OF = f"{iri(str(RDF.type))}/{iri(str(RDFS.subClassOf))}*"
_DATATYPE = "DATATYPE({v}) = " + "{dt}"


@dataclass
class Leaf:
    """One test: a SPARQL expression over ``{v}`` and, when it is not exact, pySHACL's verdict."""

    expression: str
    holds: Callable[[OxTerm], bool] | None = None  # None: the expression is exact
    #: For sh:class, the class: a query joins the class's instances once rather than testing
    #: each value with EXISTS (six times faster on Oxigraph).
    instance_of: str | None = None


@dataclass
class Tree:
    """``all`` (every part holds) or ``any`` (one part holds) of leaves and trees."""

    kind: str
    parts: list[Tree | Leaf] = field(default_factory=list)


def leaves(node: Tree | Leaf) -> Iterator[Leaf]:
    if isinstance(node, Leaf):
        yield node
    else:
        for part in node.parts:
            yield from leaves(part)


def sparql_of(node: Tree | Leaf, names: dict[int, str]) -> str:
    """The tree as a SPARQL expression over the variables holding each leaf's value."""
    if isinstance(node, Leaf):
        return names[id(node)]
    if not node.parts:
        return "true" if node.kind == "all" else "false"
    operator = " && " if node.kind == "all" else " || "
    return "(" + operator.join(sparql_of(p, names) for p in node.parts) + ")"


def verdict(node: Tree | Leaf, known: dict[int, bool], value: OxTerm | None) -> bool:
    """pySHACL's verdict: a leaf the query accepted holds; an exact leaf it did not accept fails;
    any other leaf is decided by its ``holds``."""
    if isinstance(node, Leaf):
        if known[id(node)] or node.holds is None:
            return known[id(node)]
        return value is not None and node.holds(value)
    results = (verdict(p, known, value) for p in node.parts)
    return all(results) if node.kind == "all" else any(results)


def test_tree(test: ValueTest, v: str, fresh: Iterator[int] | None = None) -> Tree | Leaf:
    """The tree for one constraint on the value in variable ``v`` (e.g. ``?value``)."""
    fresh = fresh if fresh is not None else count()
    if test.parameter == SH["or"]:
        return Tree("any", [_conjunction(m, v, fresh) for m in test.argument])
    return _leaf(test, v)


def _conjunction(member: Conjunction, v: str, fresh: Iterator[int]) -> Tree:
    parts: list[Tree | Leaf] = [test_tree(t, v, fresh) for t in member.tests]
    parts += [Leaf(_nested(p, v, fresh)) for p in member.properties]
    return Tree("all", parts)


def _nested(prop: NestedProperty, v: str, fresh: Iterator[int]) -> str:
    """A property shape tested on the value: an exact SPARQL expression."""
    x, y = f"?n{next(fresh)}", f"?n{next(fresh)}"
    path = prop.path.sparql
    conditions = []
    if prop.min_count is not None and prop.min_count > 0:
        if prop.min_count > 1:
            raise UnsupportedShape(f"{prop.node}: sh:minCount above 1 in a nested property shape")
        conditions.append(f"EXISTS {{ {v} {path} {x} }}")
    if prop.max_count is not None:
        if prop.max_count > 1:
            raise UnsupportedShape(f"{prop.node}: sh:maxCount above 1 in a nested property shape")
        pair = f"{v} {path} {x} . {v} {path} {y} . FILTER (!sameTerm({x}, {y}))"
        conditions.append(f"NOT EXISTS {{ {pair} }}" if prop.max_count else
                          f"NOT EXISTS {{ {v} {path} {x} }}")  # fmt: skip
    for test in prop.tests:
        tree = test_tree(test, x, fresh)
        if not isinstance(tree, Leaf) or tree.holds is not None:
            raise UnsupportedShape(f"{prop.node}: {test.parameter} in a nested property shape")
        conditions.append(
            f"NOT EXISTS {{ {v} {path} {x} FILTER (!COALESCE({tree.expression}, false)) }}"
        )
    return "(" + " && ".join(conditions or ["true"]) + ")"


def _leaf(test: ValueTest, v: str) -> Leaf:
    parameter, argument = test.parameter, test.argument
    if parameter == SH["class"]:
        cls = _class(argument)
        return Leaf(f"EXISTS {{ {v} {TYPE_OF} {cls} }}", instance_of=cls)
    if parameter == SH.nodeKind:
        return Leaf(_node_kind(argument, v))
    if parameter == SH["in"]:
        return Leaf("(" + " || ".join([f"sameTerm({v}, {term(t)})" for t in argument] or
                                      ["false"]) + ")")  # fmt: skip
    if parameter == SH.languageIn:
        return Leaf(_language_in(argument, v))
    if parameter == SH.datatype:
        return _datatype(argument, v)
    if parameter == SH.pattern:
        return _pattern(argument, test.flags, v)
    if parameter in _RANGES:
        return _range(parameter, argument, v)
    if parameter in (SH.minLength, SH.maxLength):
        operator = ">=" if parameter == SH.minLength else "<="
        return Leaf(f"(!isBlank({v}) && STRLEN(STR({v})) {operator} {int(argument)})")
    raise UnsupportedShape(f"no SPARQL test for {parameter}")  # pragma: no cover


def _class(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShape(f"sh:class {node} is not an IRI")
    return iri(str(node))


def term(node: Node, exact: bool = True) -> str:
    """An IRI or a literal of the shapes graph, written for a SPARQL query.  A literal that the
    store keeps in another form than written is written ``exact``-ly as the validated store's
    exact view holds it (encoded, see :mod:`govkg.written`), so that it is the same term;
    otherwise (for comparisons of values) as it is."""
    if isinstance(node, URIRef):
        return iri(str(node))
    if isinstance(node, Literal):
        text = '"' + _escape(str(node)) + '"'
        if node.language:
            return f"{text}@{node.language}"
        if not node.datatype:
            return text
        if exact and _rewritten(str(node), str(node.datatype)):
            return f"{text}^^{iri(WRITTEN_DATATYPE + str(node.datatype))}"
        return f"{text}^^{iri(str(node.datatype))}"
    raise UnsupportedShape(f"a blank node ({node}) as a value in a shape")


@lru_cache(maxsize=4096)
def _rewritten(lexical: str, datatype: str) -> bool:
    literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    return bool(stored_forms([literal]))


def _escape(text: str) -> str:
    replacements = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(replacements.get(c, c) for c in text)


_NODE_KINDS = {
    SH.IRI: ("isIRI",), SH.Literal: ("isLiteral",), SH.BlankNode: ("isBlank",),
    SH.BlankNodeOrIRI: ("isBlank", "isIRI"), SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
    SH.IRIOrLiteral: ("isIRI", "isLiteral"),
}  # fmt: skip


def _node_kind(kind: Node, v: str) -> str:
    if kind not in _NODE_KINDS:
        raise UnsupportedShape(f"sh:nodeKind {kind} is not a SHACL node kind")
    return "(" + " || ".join(f"{f}({v})" for f in _NODE_KINDS[kind]) + ")"  # type: ignore[index]


def _language_in(languages: tuple[str, ...], v: str) -> str:
    """pySHACL's test: the tag, or its first subtag, is in the list (lower case); ``*`` any tag."""
    if "*" in languages:
        return f'(LANG({v}) != "")'
    listed = ", ".join('"' + _escape(lang) + '"' for lang in languages) or '""'
    first = f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-"))'
    return f'(LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) || {first} IN ({listed})))'


#: For each datatype, a SPARQL test that only accepts literals rdflib reads as well-typed.
_WELL_TYPED = {
    XSD.string: "true",
    XSD.boolean: 'STR({v}) IN ("true", "false", "1", "0")',
    XSD.integer: 'REGEX(STR({v}), "^[+-]?[0-9]+$")',
    XSD.positiveInteger: 'REGEX(STR({v}), "^[+]?0*[1-9][0-9]*$")',
    XSD.date: 'REGEX(STR({v}), "^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$") && !STRSTARTS(STR({v}), '
    '"0000") && isLiteral(<http://www.w3.org/2001/XMLSchema#date>(STR({v})))',
    XSD.gYear: "true",  # rdflib does not check the lexical form of these two
    XSD.gYearMonth: "true",
}


def _datatype(datatype: Node, v: str) -> Leaf:
    if datatype == RDF.langString:
        expression = f'(isLiteral({v}) && LANG({v}) != "")'
    elif datatype in _WELL_TYPED:
        well_typed = _WELL_TYPED[datatype].format(v=v)  # type: ignore[index]
        expression = f"(isLiteral({v}) && DATATYPE({v}) = {term(datatype)} && {well_typed})"
    else:
        expression = "false"  # every value goes to rdflib
    return Leaf(expression, lambda value: datatype_holds(value, datatype))


#: What pySHACL expects a well-typed literal's Python value to be.
_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int,
    XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: datetime.date,
    XSD.time: datetime.time, XSD.dateTime: datetime.datetime,
}  # fmt: skip


def datatype_holds(value: OxTerm, datatype: Node) -> bool:
    """pySHACL's sh:datatype test (DatatypeConstraintComponent) on the rdflib form of a value."""
    node = to_rdflib(value)
    if not isinstance(node, Literal):
        return False
    if node.datatype == datatype:
        return getattr(node, "ill_typed", None) is not True and _python_type_fits(node, datatype)
    if datatype == RDFS.Literal or (datatype == RDFS.Datatype and node.datatype):
        return True
    if node.datatype is None and node.language is None and datatype == XSD.string:
        return _python_type_fits(node, datatype)
    return datatype == RDF.langString and bool(node.language)


def _python_type_fits(node: Literal, datatype: Node) -> bool:
    expected = _PYTHON_TYPES.get(datatype)
    return expected is None or isinstance(node.value, expected)


def _pattern(pattern: Literal, flags: str, v: str) -> Leaf:
    text = (
        str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
    )
    try:
        compiled = re.compile(text, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
    except re.error as error:
        raise UnsupportedShape(
            f"sh:pattern {text!r} is not a regular expression: {error}"
        ) from None
    written = '"' + _escape(text) + '"' + (f', "{flags}"' if flags else "")
    return Leaf(f"(!isBlank({v}) && REGEX(STR({v}), {written}))",
                lambda value: pattern_holds(value, compiled))  # fmt: skip


def pattern_holds(value: OxTerm, compiled: re.Pattern[str]) -> bool:
    """pySHACL's sh:pattern test: Python's re.search on the value's text; never a blank node."""
    node = to_rdflib(value)
    if isinstance(node, BNode):
        return False
    text = str(node)
    if isinstance(node, Literal) and node.value is not None and node.datatype in (
        None, RDF.langString, XSD.string
    ):  # fmt: skip
        text = str(node.value)
    return bool(compiled.match(text) or compiled.search(text))


_NUMERIC = {XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.nonNegativeInteger,
            XSD.positiveInteger, XSD.int, XSD.long}  # fmt: skip


#: Each range parameter: the SPARQL operator and whether the comparison rdflib gives
#: (-1, 0 or 1) holds.
_RANGES: dict[Node, tuple[str, Callable[[int], bool]]] = {
    SH.minInclusive: (">=", lambda c: c >= 0), SH.minExclusive: (">", lambda c: c > 0),
    SH.maxInclusive: ("<=", lambda c: c <= 0), SH.maxExclusive: ("<", lambda c: c < 0),
}  # fmt: skip


def _range(parameter: Node, bound: Node, v: str) -> Leaf:
    if not isinstance(bound, Literal):
        raise UnsupportedShape(f"{parameter} {bound} is not a literal")
    operator, holds = _RANGES[parameter]
    fast = (
        f"(isNumeric({v}) && {v} {operator} {term(bound)})"
        if bound.datatype in _NUMERIC
        else "false"
    )
    return Leaf(fast, lambda value: range_holds(value, bound, holds))


def range_holds(value: OxTerm, bound: Literal, holds: Callable[[int], bool]) -> bool:
    """pySHACL's range tests (sh:min/maxIn/Exclusive) on one value: the value compared with the
    bound by rdflib; a value of another kind (a string against a number) fails."""
    node = to_rdflib(value)
    if not isinstance(node, Literal):
        return False
    if isinstance(node.value, str) != isinstance(bound.value, str):
        return False
    try:
        return bool(holds(compare_literal(node, bound)))
    except (TypeError, NotImplementedError):
        # rdflib's answer for literals of incomparable types (a date against an integer, say);
        # the value fails the constraint
        return False


def min_inclusive_holds(value: OxTerm, minimum: Literal) -> bool:
    """pySHACL's sh:minInclusive test (MinInclusiveConstraintComponent)."""
    return range_holds(value, minimum, _RANGES[SH.minInclusive][1])


def less_or_equal_holds(value: OxTerm, other: OxTerm, strict: bool = False) -> bool:
    """pySHACL's sh:lessThanOrEquals (or, ``strict``, sh:lessThan) test on one pair of values;
    a blank node is not comparable, so the pair fails."""
    left, right = to_rdflib(value), to_rdflib(other)
    if isinstance(left, BNode) or isinstance(right, BNode):
        return False
    (left_text, a), (right_text, b) = _comparable(left), _comparable(right)
    if left_text != right_text:
        return False
    try:
        return bool(a < b if strict else a <= b)
    except TypeError:
        return False


def _comparable(node: Node) -> tuple[bool, Any]:
    if isinstance(node, URIRef):
        return True, str(node)
    if isinstance(node, Literal) and isinstance(node.value, str):
        return True, node.value
    return False, node
