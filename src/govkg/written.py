"""Literals as the files wrote them, although the store keeps some in another form.

Oxigraph stores a literal of a datatype it knows by its value, written in canonical form:
``"5"^^xsd:positiveInteger`` comes back as ``"5"^^xsd:integer``, ``"01"^^xsd:integer`` as ``"1"``
(so ``"01"`` and ``"1"`` on one subject and predicate become one triple), ``"1.50"`` as ``"1.5"``,
``"2020-01-01+00:00"^^xsd:date`` as ``"2020-01-01Z"``.  Its parser keeps what was written (it
lower-cases language tags, which RDF 1.1 allows: ``"a"@EN-gb`` and ``"a"@en-gb`` are one term, the
same in every store).

The data graphs keep what the store keeps, so SPARQL compares values as users expect.  At load,
each literal the store keeps in another form is *recorded in the store*, in the named graph
:data:`~govkg.namespaces.WRITTEN_GRAPH`: its graph, subject, predicate, the stored literal and the
literal as written (lexical form and datatype as plain strings, which no store rewrites).  The
records travel with the store (memory, folder, remote server); what publishes data reads
:func:`written_quads`, the store's quads as written, without the records.

The records are made as files load (:mod:`govkg.store.literals`, where Oxigraph decides which
literals it rewrites); this module reads them back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import overload

import pyoxigraph as ox

from govkg.errors import RowError
from govkg.namespaces import META_GRAPH, WRITTEN_DATATYPE, WRITTEN_GRAPH
from govkg.store import OxigraphStore, Row, Store, Term
from govkg.store.literals import (
    RECORD_DATATYPE,
    RECORD_GRAPH,
    RECORD_IN_GRAPH,
    RECORD_LEXICAL,
    RECORD_PREDICATE,
    RECORD_STORED_DATATYPE,
    RECORD_STORED_LEXICAL,
    RECORD_SUBJECT,
    RECORD_SUBJECT_NODE,
    Record,
    is_candidate,
    links_blank_nodes,
    record_quads,
    records_of,
    stored_forms,
)

_STAMP = ox.NamedNode(META_GRAPH)  # a persistent store's source hash: not data

_READ = f"""SELECT ?g ?s ?n ?p ?sl ?sd ?l ?d WHERE {{ GRAPH <{WRITTEN_GRAPH}> {{
  ?r <{RECORD_IN_GRAPH.value}> ?g ; <{RECORD_PREDICATE.value}> ?p ;
     <{RECORD_STORED_LEXICAL.value}> ?sl ; <{RECORD_STORED_DATATYPE.value}> ?sd ;
     <{RECORD_LEXICAL.value}> ?l ; <{RECORD_DATATYPE.value}> ?d .
  OPTIONAL {{ ?r <{RECORD_SUBJECT.value}> ?s }}
  OPTIONAL {{ ?r <{RECORD_SUBJECT_NODE.value}> ?n }} }} }}"""
_ABOUT = _READ.replace(
    f"OPTIONAL {{ ?r <{RECORD_SUBJECT.value}> ?s }}", f"?r <{RECORD_SUBJECT.value}> ?s ."
)
_ANY = f"ASK {{ GRAPH <{WRITTEN_GRAPH}> {{ ?s ?p ?o }} }}"


def has_records(store: Store) -> bool:
    """Whether the store keeps any literal in another form than it was written."""
    return bool(store.query(_ANY).boolean)


def read_records(store: Store, subject: ox.NamedNode | None = None) -> list[Record]:
    """The records in the store (only those about ``subject`` when it is given)."""
    if subject is None:
        rows = store.query(_READ).records()
    else:
        rows = store.query(_ABOUT, {"s": ox.Literal(subject.value)}).records()
    return [_record(row) for row in rows]


def _record(row: Row) -> Record:
    """A record read back: its strings made terms (an IRI subject is recorded as its text, a
    blank node as the node itself)."""
    iri = row.text("s", None)
    subject = ox.NamedNode(iri) if iri is not None else row.node("n")
    if subject is None:
        raise RowError(f"a record of a literal in {row.text('g')} names no subject")
    return Record(
        ox.NamedNode(row.text("g")),
        subject,
        ox.NamedNode(row.text("p")),
        ox.Literal(row.text("sl"), datatype=ox.NamedNode(row.text("sd"))),
        ox.Literal(row.text("l"), datatype=ox.NamedNode(row.text("d"))),
    )


# --- the quads as written ------------------------------------------------------------------------

Place = tuple[object, object, object, object]


def _index(records: Iterable[Record]) -> dict[Place, list[ox.Literal]]:
    index: dict[Place, list[ox.Literal]] = defaultdict(list)
    for r in records:
        index[(r.graph, r.subject, r.predicate, r.stored)].append(r.written)
    return index


def as_written(quads: Iterable[ox.Quad], records: Iterable[Record]) -> Iterator[ox.Quad]:
    """Each stored quad as the files wrote it: a recorded one as the quad(s) written (two forms
    that the store made one triple give both back), any other as it is."""
    index = _index(records)
    if not index:
        yield from quads
        return
    for quad in quads:
        place = (quad.graph_name, quad.subject, quad.predicate, quad.object)
        written = index.get(place) if isinstance(quad.object, ox.Literal) else None
        if written is None:
            yield quad
        else:
            for literal in written:
                yield ox.Quad(quad.subject, quad.predicate, literal, quad.graph_name)


def written_quads(store: Store) -> Iterator[ox.Quad]:
    """The store's quads as written, without govkg's own graphs: the records and the stamp a
    folder or a server is built with (:data:`~govkg.namespaces.META_GRAPH`)."""
    quads = (q for q in store.quads() if q.graph_name != _STAMP)
    if not has_records(store):  # then there is no records graph either
        return quads
    return as_written((q for q in quads if q.graph_name != RECORD_GRAPH), read_records(store))


def stamp_size(store: Store) -> int:
    """How many triples the stamp graph holds (one in a folder or on a server, none in memory):
    what a count of the data leaves out."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_STAMP} {{ ?s ?p ?o }} }}"
    rows = store.query(query).records()
    return rows[0].int("n") if rows else 0


def written_pairs(
    store: Store, subject: ox.NamedNode, pairs: list[tuple[ox.NamedNode, Term]]
) -> list[tuple[ox.NamedNode, Term]]:
    """A subject's (predicate, object) pairs, as read from the union of the graphs, as written:
    each recorded object in place of the stored one (in order).  Two queries more when the
    store has records about the subject, one when it has records, none otherwise."""
    records = read_records(store, subject) if has_records(store) else []
    if not records:
        return pairs
    rows = store.query(_OWN_QUADS, {"s": subject}).records()
    quads = (ox.Quad(subject, ox.NamedNode(r.text("p")), r.term("o"), r.node("g")) for r in rows)
    held = {
        (q.predicate, q.object) for q in as_written(quads, records) if q.graph_name != RECORD_GRAPH
    }
    stored_as: dict[Term, Term] = {r.written: r.stored for r in records}
    places = set(stored_as.values())
    result: list[tuple[ox.NamedNode, Term]] = []
    for predicate, value in pairs:
        if value not in places:
            result.append((predicate, value))
            continue
        written = {o for p, o in held if p == predicate and stored_as.get(o, o) == value}
        result += [(predicate, literal) for literal in sorted(written, key=str)]
    return result


_OWN_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def union_forms(store: Store) -> dict[tuple[Term, Term, Term], set[Term]]:
    """For each (subject, predicate, stored literal) of the union of the graphs that a record
    is about, every form written in any graph (the stored one too if some graph wrote it so):
    what a caller reading the union by SPARQL puts in place of the stored literal.  Empty (one
    query) when the store keeps every literal as written; else one pass over the store."""
    if not has_records(store):
        return {}
    records = read_records(store)
    stored_as: dict[Term, Term] = {r.written: r.stored for r in records}
    places = {(r.subject, r.predicate, r.stored) for r in records}
    forms: dict[tuple[Term, Term, Term], set[Term]] = defaultdict(set)
    quads = (q for q in store.quads() if q.graph_name != RECORD_GRAPH)
    for quad in as_written(quads, records):
        place = (quad.subject, quad.predicate, stored_as.get(quad.object, quad.object))
        if place in places:
            forms[place].add(quad.object)
    return dict(forms)


# --- an exact view for validation ----------------------------------------------------------------


def encode(literal: ox.Literal) -> ox.Literal:
    """A literal as written, under a datatype Oxigraph does not know (so it keeps it):
    ``"01"^^<urn:govkg:written:…#integer>``."""
    return ox.Literal(
        literal.value, datatype=ox.NamedNode(WRITTEN_DATATYPE + literal.datatype.value)
    )


def decode(term: object) -> object:
    """An encoded literal as it was written; any other term as it is."""
    if isinstance(term, ox.Literal) and not term.language:
        datatype = term.datatype.value
        if datatype.startswith(WRITTEN_DATATYPE):
            return ox.Literal(term.value, datatype=ox.NamedNode(datatype[len(WRITTEN_DATATYPE) :]))
    return term


@overload
def exact_view(store: OxigraphStore) -> OxigraphStore: ...
@overload
def exact_view(store: Store) -> Store: ...
def exact_view(store: Store) -> Store:
    """The store itself when it keeps every literal as written; else an in-memory copy of its
    quads as written, without the records graph, each rewritten literal :func:`encode`-d (so
    ``"01"`` and ``"1"`` stay two values)."""
    if not has_records(store):
        return store
    if store.embedded:  # copied by Oxigraph, then the records applied
        view = store.copy()
        records = read_records(view)  # with the copy's names of blank nodes
        view.remove(ox.Quad(r.subject, r.predicate, r.stored, r.graph) for r in records)
        view.load(
            ox.Quad(r.subject, r.predicate, encode(r.written), r.graph)
            if r.written != r.stored
            else ox.Quad(r.subject, r.predicate, r.written, r.graph)
            for r in records
        )
        view.remove_graph(WRITTEN_GRAPH)
        return view
    records = read_records(store)
    rewritten = {r.written for r in records if r.written != r.stored}
    quads = as_written((q for q in store.quads() if q.graph_name != RECORD_GRAPH), records)
    return _encoded(quads, rewritten)


def exact_store(quads: Iterable[ox.Quad]) -> OxigraphStore:
    """An in-memory store of quads as parsed (as written), each literal that Oxigraph would
    rewrite :func:`encode`-d: what :func:`exact_view` gives of a store loaded from them."""
    quads = list(quads)
    candidates = (q.object for q in quads if is_candidate(q.object))
    return _encoded(quads, set(stored_forms(candidates)))  # type: ignore[arg-type]


def _encoded(quads: Iterable[ox.Quad], rewritten: set[ox.Literal]) -> OxigraphStore:
    view = OxigraphStore()
    view.load(
        ox.Quad(q.subject, q.predicate, encode(q.object), q.graph_name)  # type: ignore[arg-type]
        if q.object in rewritten
        else q
        for q in quads
    )
    return view


def load_written(store: Store, quads: list[ox.Quad]) -> None:
    """Add quads as parsed (as written) to a store with the records of the literals it keeps in
    another form (what :meth:`govkg.store.Store.load_turtle` does for files)."""
    records = records_of(quads)
    if links_blank_nodes(records):
        store.load_together(quads + record_quads(records))
    else:
        store.load(quads + record_quads(records))
