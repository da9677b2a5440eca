"""The documents a text search looks through, read from the store by fixed queries.

One document per IRI that has a name (a label, title or alternative name) or a text (the words
of a quotation, a description, a definition): its kind, its title (the name a page shows), its
other names, its texts and its context (who said a quotation, which instrument a principle is
in).  ``rdfs:comment`` is left out: in the graph it holds the compilers' notes on a record's
provenance ("Fields confirmed by these public datasets: …"), which would make every stance and
state answer a search for a source's name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.namespaces import compact, terms
from govkg.store import Store
from govkg.textsearch.kinds import kind_of, superclasses

#: The name properties, the one a page shows as the title first.
NAME_ORDER: tuple[str, ...] = (
    terms("RDFS").label,
    terms("SKOS").prefLabel,
    terms("DCTERMS").title,
    terms("FOAF").name,
    terms("DCTERMS").alternative,
    terms("SKOS").altLabel,
)
#: Control characters (the index marks hits with two of them) and runs of white space.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Document:
    """What the index holds of one resource."""

    iri: str
    kind: str
    title: str
    names: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


def clean(text: str) -> str:
    """Text as the index holds it: control characters as spaces, white space collapsed."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


def read_documents(store: Store) -> list[Document]:
    """Every document of the store, in IRI order (the same documents from any store)."""
    names = _texts(store, "text-names")
    bodies = _texts(store, "text-bodies")
    contexts = _context(store)
    above = superclasses(_pairs(store, "text-classes"))
    types: dict[str, list[str]] = defaultdict(list)
    for iri, name in _pairs(store, "text-types"):
        types[iri].append(name)
    return [
        _document(iri, kind_of(types.get(iri, ()), above), names.get(iri, []),
                  bodies.get(iri, []), contexts.get(iri, ()))
        for iri in sorted(names.keys() | bodies.keys())
    ]  # fmt: skip


def _document(
    iri: str,
    kind: str,
    names: list[tuple[str, str]],
    bodies: list[tuple[str, str]],
    context: tuple[str, ...],
) -> Document:
    ordered = _unique(text for _rank, text in sorted(names, key=_name_order))
    title = ordered[0] if ordered else compact(iri)
    body = _unique(text for _p, text in sorted(bodies))
    return Document(iri, kind, title, tuple(ordered[1:]), tuple(body), context)


def _name_order(pair: tuple[str, str]) -> tuple[int, int, str]:
    prop, text = pair
    return NAME_ORDER.index(prop) if prop in NAME_ORDER else len(NAME_ORDER), len(text), text


def _unique(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _values(store: Store, name: str) -> Iterator[tuple[str, ...]]:
    """The rows of a fixed query as the text of their values (a row with a value unbound, a
    blank node or a triple is left out: the queries ask for IRIs and literals)."""
    for row in store.query(fixed_query(__file__, name)).rows:
        if all(isinstance(value, ox.NamedNode | ox.Literal) for value in row):
            yield tuple(value.value for value in row)  # type: ignore[union-attr]


def _texts(store: Store, name: str) -> dict[str, list[tuple[str, str]]]:
    """Each IRI's (property, text) pairs, from a query of ``?s ?p ?text``."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for subject, prop, text in _values(store, name):
        if cleaned := clean(text):
            found[subject].append((prop, cleaned))
    return found


def _context(store: Store) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    for subject, text in _values(store, "text-context"):
        if cleaned := clean(text):
            found[subject].add(cleaned)
    return {iri: tuple(sorted(texts)) for iri, texts in found.items()}


def _pairs(store: Store, name: str) -> list[tuple[str, str]]:
    return [(first, second) for first, second in _values(store, name)]
