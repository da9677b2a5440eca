"""What kind of thing a search result is (state, quote, instrument …), read from its types.

A resource's kind comes from its ``rdf:type`` (its classes and their superclasses, as the
ontology's ``rdfs:subClassOf`` says) or, for a concept, from its scheme (``skos:inScheme``):
the first kind in :data:`KINDS` that one of them belongs to, else ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from govkg.namespaces import DATA_BASE, terms

_SCHEME = DATA_BASE + "scheme/"

#: Each kind and the classes (or concept schemes) that make a resource one, in order of
#: precedence: a company is also an organisation, a quotation also a source's entity.
KIND_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "quote",
        (
            terms("GK").PublicStatement,
            terms("GK").Quotation,
            terms("GK").ReportedPosition,
        ),
    ),
    ("principle", (terms("GK").Principle,)),
    ("stance", (terms("GK").Stance,)),
    ("state", (terms("GK").State,)),
    ("company", (terms("GK").Company,)),
    (
        "organisation",
        (
            terms("GK").InternationalOrganisation,
            terms("GK").CivilSocietyOrganisation,
            terms("GK").ResearchInstitution,
            terms("ORG").Organization,
            terms("ORG").FormalOrganization,
            terms("ORG").OrganizationalUnit,
        ),
    ),
    ("instrument", (terms("GK").Instrument,)),
    (
        "event",
        (
            terms("SDO").Event,
            terms("SDO").EventSeries,
            terms("GK").BilateralDialogue,
        ),
    ),
    ("person", (terms("FOAF").Person,)),
    ("position", (_SCHEME + "position",)),
    ("theme", (_SCHEME + "theme",)),
    ("source", (terms("GK").Document, terms("GK").Article)),
)
OTHER = "other"
#: Every kind a search can be filtered by, in the order pages list them.
KINDS: tuple[str, ...] = (
    "state", "organisation", "company", "instrument", "event", "person", "quote", "principle",
    "position", "theme", "stance", "source", OTHER,
)  # fmt: skip


def superclasses(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each class with every class above it (itself included), from (class, superclass) pairs."""
    parents: dict[str, set[str]] = {}
    for child, parent in pairs:
        parents.setdefault(child, set()).add(parent)
    closed: dict[str, frozenset[str]] = {}
    for start in parents:
        seen, todo = {start}, [start]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed[start] = frozenset(seen)
    return closed


def kind_of(types: Iterable[str], above: Mapping[str, frozenset[str]]) -> str:
    """The kind of a resource with these classes and schemes (``above``: :func:`superclasses`)."""
    every: set[str] = set()
    for name in types:
        every |= above.get(name, frozenset((name,)))
    for kind, classes in KIND_CLASSES:
        if every.intersection(classes):
            return kind
    return OTHER
