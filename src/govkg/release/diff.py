"""What changed between two releases: the stances, count claims, quotes and statements,
memberships and lifecycle claims added, removed or changed, by stable IRI and by value.

Each side is a set of triples (the union of a dump's graphs).  A resource is described by its
properties and their values, each value written as an N-Triples term; a blank node (a
membership's interval and its instants) is written as its own description, nested, so two dumps
whose blank nodes are labelled differently compare equal when they say the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS

from govkg.coverage import EVENT_BASE, INSTRUMENT_BASE, ORG_BASE, STATE_BASE
from govkg.namespaces import GK

#: The classes whose instances are compared, most specific first, and the kind each is listed as.
TRACKED: dict[str, str] = {
    str(GK.Stance): "stance",
    str(GK.CountClaim): "count",
    str(GK.Quotation): "quote",
    str(GK.ReportedPosition): "statement",
    str(GK.PublicStatement): "statement",
    str(GK.Membership): "membership",
    str(GK.LifecycleClaim): "lifecycle",
}
#: The kinds in the order they are listed, with their plural for people.
KINDS: dict[str, str] = {
    "stance": "stances",
    "count": "count claims",
    "quote": "quotes",
    "statement": "reported positions",
    "membership": "memberships",
    "lifecycle": "lifecycle claims",
}
#: A change is the values of a related resource under these bases (its page shows the change).
RELATED_BASES = (STATE_BASE, ORG_BASE, INSTRUMENT_BASE, EVENT_BASE)
_TYPE, _LABEL = str(RDF.type), str(RDFS.label)
#: Blank nodes nest at most this deep in a value (intervals and instants need 2).
_DEPTH = 6

Description = dict[str, frozenset[str]]


@dataclass(frozen=True)
class PropertyChange:
    """One property of a changed resource: its values before and after (N-Triples terms)."""

    property: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """A resource added, removed or changed between two releases."""

    iri: str
    kind: str
    change: str  # added, removed or changed
    label: str
    related: tuple[str, ...]
    properties: tuple[PropertyChange, ...] = ()


class _Graph:
    """Triples indexed by subject, for describing resources."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = defaultdict(list)
        for triple in triples:
            self.by_subject[triple.subject].append(triple)  # type: ignore[index]

    def term(self, node: ox.NamedNode | ox.BlankNode | ox.Literal, depth: int = 0) -> str:
        """A value as an N-Triples term; a blank node as ``[ <p> value ; … ]``."""
        if not isinstance(node, ox.BlankNode) or depth >= _DEPTH:
            return str(node)
        parts = sorted(
            f"{t.predicate} {self.term(t.object, depth + 1)}"  # type: ignore[arg-type]
            for t in self.by_subject.get(node, [])
        )
        return "[ " + " ; ".join(parts) + " ]"

    def describe(self, subject: ox.NamedNode) -> Description:
        values: dict[str, set[str]] = defaultdict(set)
        for triple in self.by_subject.get(subject, []):
            values[triple.predicate.value].add(self.term(triple.object))  # type: ignore[arg-type]
        return {p: frozenset(v) for p, v in values.items()}

    def tracked(self) -> dict[str, _Resource]:
        """Every tracked resource (an IRI typed with a tracked class)."""
        found = {}
        for subject, triples in self.by_subject.items():
            if not isinstance(subject, ox.NamedNode):
                continue
            types = {str(t.object)[1:-1] for t in triples if t.predicate.value == _TYPE}
            kind = next((k for c, k in TRACKED.items() if c in types), None)
            if kind is not None:
                labels = sorted(
                    t.object.value
                    for t in triples
                    if t.predicate.value == _LABEL and isinstance(t.object, ox.Literal)
                )
                label = labels[0] if labels else ""
                found[subject.value] = _Resource(kind, self.describe(subject), label)
        return found


@dataclass(frozen=True)
class _Resource:
    kind: str
    description: Description
    label: str


def _related(*descriptions: Description) -> tuple[str, ...]:
    iris = {
        value[1:-1]
        for description in descriptions
        for values in description.values()
        for value in values
        if value.startswith("<") and value[1:-1].startswith(RELATED_BASES)
    }
    return tuple(sorted(iris))


def _property_changes(old: Description, new: Description) -> tuple[PropertyChange, ...]:
    return tuple(
        PropertyChange(p, tuple(sorted(old.get(p, ()))), tuple(sorted(new.get(p, ()))))
        for p in sorted(set(old) | set(new))
        if old.get(p, frozenset()) != new.get(p, frozenset())
    )


def _whole(iri: str, resource: _Resource, change: str) -> Change:
    related = _related(resource.description)
    return Change(iri, resource.kind, change, resource.label, related)


def compare(old_triples: Iterable[ox.Triple], new_triples: Iterable[ox.Triple]) -> list[Change]:
    """The tracked resources added, removed or changed from ``old`` to ``new``, by kind (in the
    order of :data:`KINDS`) then IRI."""
    old, new = _Graph(old_triples).tracked(), _Graph(new_triples).tracked()
    changes = []
    for iri in sorted(set(old) | set(new)):
        before, after = old.get(iri), new.get(iri)
        if after is None:
            assert before is not None
            changes.append(_whole(iri, before, "removed"))
        elif before is None:
            changes.append(_whole(iri, after, "added"))
        elif before.description != after.description:
            properties = _property_changes(before.description, after.description)
            related = _related(before.description, after.description)
            changes.append(Change(iri, after.kind, "changed", after.label, related, properties))
    order = list(KINDS)
    return sorted(changes, key=lambda c: (order.index(c.kind), c.iri))


def counts(triples: Iterable[ox.Triple]) -> dict[str, int]:
    """How many resources of each tracked kind ``triples`` hold."""
    found: dict[str, int] = dict.fromkeys(KINDS, 0)
    for resource in _Graph(triples).tracked().values():
        found[resource.kind] += 1
    return found
