"""What the views say about a resource: its label, its types, and the attributes of actors and
instruments, each looked up once for the resources a view shows (or for the whole store)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.coverage import ListCoverage, headline, instrument_coverage
from govkg.fixed_queries import fixed_query, with_values
from govkg.namespaces import DCTERMS, GK, OWL, RDFS, SKOS, WD, compact
from govkg.store import Store, Term
from govkg.store.literals import RECORD_GRAPH
from govkg.written import as_written, has_records, read_records, union_forms

#: Actor attributes and their GEXF types, in column order.
ACTOR_ATTRIBUTES = {
    "type": "string",
    "iso3": "string",
    "region": "string",
    "subregion": "string",
    "un_status": "string",
    "wikidata": "string",
    "org_id": "string",
}
#: Instrument attributes and their GEXF types, in column order.
INSTRUMENT_ATTRIBUTES = {
    "type": "string",
    "series": "string",
    "date": "string",
    "legally_binding": "boolean",
    "list_complete": "boolean",
    "list_coverage": "string",
    "list_complete_as_of": "string",
    "list_named": "integer",
    "list_reported": "string",
}
_ACTOR_PROPERTIES = {
    "iso3": GK.iso3,
    "region": GK.region,
    "subregion": GK.subregion,
    "un_status": GK.unStatus,
    "org_id": GK.orgId,
}

#: The queries of a catalogue, each with an empty ``VALUES`` block of the resources it is about
#: (dropped for the whole store).
_LABELS = fixed_query(__file__, "labels")
#: The most specific asserted types: a type is dropped when another asserted type is below it
#: (OPTIONAL + !BOUND over a sub-select: Virtuoso 7.2 ignores the transitive path inside FILTER
#: NOT EXISTS or MINUS, and listed gk:Instrument beside gk:Declaration).
_TYPES = fixed_query(__file__, "most-specific-types")
_PROPERTIES = fixed_query(__file__, "node-properties")
_INSTRUMENTS = fixed_query(__file__, "instruments")
_SERIES = "SELECT ?i ?s WHERE { VALUES ?i { } ?i gk:adoptedAt/gk:inSeries ?s }"
_EVENT_DATES = "SELECT ?i ?d WHERE { VALUES ?i { } ?i gk:adoptedAt/schema:startDate ?d }"
#: The quads, in every named graph, of some subjects and predicates (to read literals as written).
_QUADS = "SELECT ?g ?s ?p ?o WHERE { VALUES (?s ?p) { } GRAPH ?g { ?s ?p ?o } }"
_VALUES_BLOCK = "VALUES (?s ?p) { }"


def about(sparql: str, iris: Collection[str] | None) -> str:
    """A catalogue query about ``iris`` (each of its ``VALUES`` blocks filled), or about every
    resource of the store (None: the blocks dropped)."""
    variable = "r" if "VALUES ?r { }" in sparql else "i"
    terms = "" if iris is None else " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))
    while f"VALUES ?{variable} {{ }}" in sparql:
        sparql = with_values(sparql, variable, terms)
    return sparql


LABELS = about(_LABELS, None)
TYPES = about(_TYPES, None)
PROPERTIES = about(_PROPERTIES, None)
INSTRUMENTS = about(_INSTRUMENTS, None)

_LABEL_RANK = {str(RDFS.label): 0, str(SKOS.prefLabel): 2}


def local_name(iri: str) -> str:
    """The last segment of an IRI: ``…ontology#State`` → ``State``, ``…/series/reaim`` →
    ``reaim``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Catalogue:
    """Labels, types and the properties the views show, for every resource of the store."""

    labels: dict[str, str]
    types: dict[str, tuple[str, ...]]
    properties: dict[str, dict[str, list[str]]]
    series: dict[str, list[str]]
    event_dates: dict[str, list[str]]
    coverage: dict[str, ListCoverage]

    @classmethod
    def load(
        cls,
        store: Store,
        iris: Collection[str] | None = None,
        coverage: dict[str, ListCoverage] | None = None,
    ) -> Catalogue:
        """A handful of flat queries about ``iris`` (the resources a view shows), or about the
        whole store (None); ``coverage``, when given, is the lists' coverage read before
        (:func:`list_coverage` of these instruments or more)."""
        if iris is not None and not iris:
            return cls({}, {}, {}, {}, {}, {})
        if coverage is None:
            coverage = list_coverage(store, iris)
        return cls(
            labels=_labels(store, iris),
            types=_grouped(store, about(_TYPES, iris), local_name),
            properties=_properties(store, iris),
            series=_grouped_lists(store, about(_SERIES, iris), local_name),
            event_dates=_grouped_lists(store, about(_EVENT_DATES, iris), str),
            coverage=coverage,
        )

    @classmethod
    def labelled(cls, store: Store) -> Catalogue:
        """The labels and list coverage of the whole store only (what the full view reads)."""
        return cls(_labels(store, None), {}, {}, {}, {}, list_coverage(store, None))

    def label(self, iri: str) -> str:
        """rdfs:label (English first), else skos:prefLabel, else the compact IRI."""
        return self.labels.get(iri) or compact(iri)

    def values(self, iri: str, predicate: str) -> list[str]:
        """The lexical values of one of the properties the views show."""
        return self.properties.get(iri, {}).get(str(predicate), [])

    def actor(self, iri: str) -> dict[str, object]:
        """An actor's attributes (see :data:`ACTOR_ATTRIBUTES`)."""
        attrs: dict[str, object] = {"type": self.types.get(iri, ())}
        for name, predicate in _ACTOR_PROPERTIES.items():
            attrs[name] = self.values(iri, predicate)
        attrs["wikidata"] = [
            v[len(str(WD)) :] for v in self.values(iri, OWL.sameAs) if v.startswith(str(WD))
        ]
        return attrs

    def instrument(self, iri: str) -> dict[str, object]:
        """An instrument's attributes (see :data:`INSTRUMENT_ATTRIBUTES`)."""
        return {
            "type": self.types.get(iri, ()),
            "series": self.series.get(iri, []),
            "date": self.instrument_date(iri),
            "legally_binding": _booleans(self.values(iri, GK.legallyBinding)),
            "list_complete": _booleans(self.values(iri, GK.listComplete)),
            **coverage_attributes(self.coverage.get(iri)),
        }

    def instrument_date(self, iri: str) -> str:
        """Its own dcterms:date, else the start of the event that adopted it; "" if neither."""
        own = self.values(iri, DCTERMS.date)
        held = self.event_dates.get(iri, [])
        return min(own or held or [""])


def _labels(store: Store, iris: Collection[str] | None) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    for row in store.query(
        about(_LABELS, iris)
    ).records():  # ?l: a literal (the query keeps no other)
        language = literal.language if (literal := row.literal("l")) is not None else None
        rank = _LABEL_RANK[row.text("p")] + (0 if language == "en" else 1)
        key, text = row.text("r"), " ".join(row.text("l").split())
        if text and (key not in best or (rank, text) < best[key]):
            best[key] = (rank, text)
    return {key: text for key, (_rank, text) in best.items()}


def _grouped(
    store: Store, sparql: str, convert: Callable[[str], str]
) -> dict[str, tuple[str, ...]]:
    return {key: tuple(sorted(set(v))) for key, v in _grouped_lists(store, sparql, convert).items()}


def _grouped_lists(
    store: Store, sparql: str, convert: Callable[[str], str]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    result = store.query(sparql)
    key, value = result.variables  # the resource, then its value
    for row in result.records():
        found[row.text(key)].append(convert(row.text(value)))
    return {key: sorted(set(values)) for key, values in found.items()}


def _properties(store: Store, iris: Collection[str] | None) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    # literals as the files wrote them
    written = union_forms(store) if iris is None else _union_forms_of(store, iris)
    for row in store.query(about(_PROPERTIES, iris)).records():
        forms = written.get((row.term("r"), row.term("p"), row.term("o")))
        texts = [row.text("o")]  # the literal's form in the store, unless recorded otherwise
        if forms is not None:  # records are of literals only
            texts = [form.value for form in forms if isinstance(form, ox.Literal)]
        found[row.text("r")][row.text("p")] += texts
    return {r: {p: sorted(set(v)) for p, v in props.items()} for r, props in found.items()}


def _booleans(values: list[str]) -> list[bool]:
    return [v in ("true", "1") for v in values]


def _union_forms_of(
    store: Store, iris: Collection[str]
) -> dict[tuple[Term, Term, Term], set[Term]]:
    """:func:`govkg.written.union_forms` for the places whose subject is one of ``iris``: the
    same forms, from the quads of those subjects and predicates only (not a pass over the
    store)."""
    if not has_records(store):
        return {}
    records = read_records(store)
    stored_as: dict[Term, Term] = {r.written: r.stored for r in records}
    places = {
        (r.subject, r.predicate, r.stored)
        for r in records
        if isinstance(r.subject, ox.NamedNode) and r.subject.value in iris
    }
    pairs = sorted({f"({s} {p})" for s, p, _o in places})
    if not pairs:
        return {}
    rows = store.query(_QUADS.replace(_VALUES_BLOCK, f"VALUES (?s ?p) {{ {' '.join(pairs)} }}"))
    quads = (
        ox.Quad(s, p, o, g)  # type: ignore[arg-type]
        for g, s, p, o in rows.rows
        if g != RECORD_GRAPH
    )
    forms: dict[tuple[Term, Term, Term], set[Term]] = defaultdict(set)
    for quad in as_written(quads, records):
        place = (quad.subject, quad.predicate, stored_as.get(quad.object, quad.object))
        if place in places:
            forms[place].add(quad.object)
    return dict(forms)


def list_coverage(store: Store, iris: Collection[str] | None) -> dict[str, ListCoverage]:
    """How complete the list of each instrument of ``iris`` (every one when None) is (see
    :mod:`govkg.coverage`)."""
    query = about(_INSTRUMENTS, iris)
    instruments = sorted(row.text("i") for row in store.query(query).records())
    return {item.iri: item for item in instrument_coverage(store, instruments)}


def coverage_attributes(item: ListCoverage | None) -> dict[str, object]:
    """An instrument node's coverage attributes: ``list_coverage`` (complete, complete-as-of,
    partial or unknown), the date a list is complete as of, how many actors it names, and the
    count it is measured against (``61``, ``about 60``, ``85 (as of 2026-02-05)``)."""
    if item is None:
        return {}
    return {
        "list_coverage": item.status,
        "list_complete_as_of": item.complete_as_of or "",
        "list_named": item.named,
        "list_reported": headline(item.reported).text() if item.reported else "",
    }
