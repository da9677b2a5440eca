"""Constraints whose parameter is a shape: sh:node, sh:not, sh:and, sh:or, sh:xone and qualified
value shapes.

A value node conforms to a shape when validating it against that shape gives no result (SHACL
2.3, whatever the results' severity).  Rather than asking node by node, the shape is validated
once on *all* the value nodes of the constraint (its focus pattern is the pattern of those
values), which gives the set of value nodes that do not conform; each constraint then reads its
focus and value nodes once and decides in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from govkg.namespaces import SH
from govkg.shacl_sparql.checks import OxTerm
from govkg.shacl_sparql.compile import (
    CompiledShape,
    Found,
    finding,
    pairs_query,
    value_focus,
)
from govkg.shacl_sparql.shapes import Shape, ShapeTest
from govkg.store import Store

#: The value nodes of a focus pattern that do not conform to a shape (None: deactivated).
Failing = Callable[[Shape | None, str, str, int], set[OxTerm]]


def shape_findings(
    store: Store, unit: CompiledShape, owner: Shape, test: ShapeTest, failing: Failing, depth: int
) -> list[Found]:
    """The results of one shape-valued constraint of ``owner`` on the unit's focus nodes."""
    values = value_focus(owner, unit.focus, depth)
    fails = [failing(s, values, unit.prologue, depth + 1) for s in test.shapes]
    rows = store.query(pairs_query(unit, owner)).records()
    pairs = [(row.term("this"), row["value"]) for row in rows]
    if test.parameter == SH.qualifiedValueShape:
        siblings = [failing(s, values, unit.prologue, depth + 1) for s in test.siblings]
        return _qualified(owner, test, pairs, fails[0], siblings, test.siblings)
    broken = _BROKEN[str(test.parameter)]
    return [
        finding(owner, test.component, focus, value)
        for focus, value in pairs
        if value is not None and broken(value, fails, test.shapes)
    ]


def _conforms(value: OxTerm, fails: set[OxTerm], shape: Shape | None) -> bool:
    return shape is None or value not in fails


def _node(value: OxTerm, fails: list[set[OxTerm]], shapes: tuple[Shape | None, ...]) -> bool:
    return not _conforms(value, fails[0], shapes[0])


def _not(value: OxTerm, fails: list[set[OxTerm]], shapes: tuple[Shape | None, ...]) -> bool:
    return _conforms(value, fails[0], shapes[0])


def _and(value: OxTerm, fails: list[set[OxTerm]], shapes: tuple[Shape | None, ...]) -> bool:
    return not all(_conforms(value, f, s) for f, s in zip(fails, shapes, strict=True))


def _or(value: OxTerm, fails: list[set[OxTerm]], shapes: tuple[Shape | None, ...]) -> bool:
    return not any(_conforms(value, f, s) for f, s in zip(fails, shapes, strict=True))


def _xone(value: OxTerm, fails: list[set[OxTerm]], shapes: tuple[Shape | None, ...]) -> bool:
    return sum(_conforms(value, f, s) for f, s in zip(fails, shapes, strict=True)) != 1


_BROKEN = {str(SH.node): _node, str(SH["not"]): _not, str(SH["and"]): _and,
           str(SH["or"]): _or, str(SH.xone): _xone}  # fmt: skip


def _qualified(
    owner: Shape,
    test: ShapeTest,
    pairs: list[tuple[OxTerm, OxTerm | None]],
    fails: set[OxTerm],
    sibling_fails: list[set[OxTerm]],
    siblings: tuple[Shape | None, ...],
) -> list[Found]:
    """sh:qualifiedMinCount / sh:qualifiedMaxCount: the values that conform to the shape (and,
    when the shapes must be disjoint, to none of its siblings), counted per focus node."""
    counted: dict[OxTerm, int] = defaultdict(int)
    for focus, value in pairs:
        counted[focus] += (
            value is not None
            and _conforms(value, fails, test.shapes[0])
            and not any(
                _conforms(value, f, s) for f, s in zip(sibling_fails, siblings, strict=True)
            )
        )
    found = []
    for focus, number in counted.items():
        if test.high is not None and number > test.high:
            found.append(finding(owner, SH.QualifiedMaxCountConstraintComponent, focus))
        if test.low is not None and number < test.low:
            found.append(finding(owner, SH.QualifiedMinCountConstraintComponent, focus))
    return found
