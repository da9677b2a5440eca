"""What the views say about a resource: its label, its types, and the attributes of actors and
instruments, each looked up once for the whole store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.coverage import ListCoverage, headline, instrument_coverage
from govkg.fixed_queries import fixed_query
from govkg.namespaces import DCTERMS, GK, OWL, RDFS, SKOS, WD, compact
from govkg.store import Store
from govkg.written import union_forms

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

LABELS = fixed_query(__file__, "labels")
#: The most specific asserted types: a type is dropped when another asserted type is below it
#: (OPTIONAL + !BOUND over a sub-select: Virtuoso 7.2 ignores the transitive path inside FILTER
#: NOT EXISTS or MINUS, and listed gk:Instrument beside gk:Declaration).
TYPES = fixed_query(__file__, "most-specific-types")
PROPERTIES = fixed_query(__file__, "node-properties")
INSTRUMENTS = fixed_query(__file__, "instruments")
SERIES = "SELECT ?i ?s WHERE { ?i gk:adoptedAt/gk:inSeries ?s }"
EVENT_DATES = "SELECT ?i ?d WHERE { ?i gk:adoptedAt/schema:startDate ?d }"

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
    def load(cls, store: Store) -> Catalogue:
        """A handful of flat queries over the whole store."""
        return cls(
            labels=_labels(store),
            types=_grouped(store, TYPES, local_name),
            properties=_properties(store),
            series=_grouped_lists(store, SERIES, local_name),
            event_dates=_grouped_lists(store, EVENT_DATES, str),
            coverage=_coverage(store),
        )

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


def _labels(store: Store) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    for row in store.query(LABELS).records():  # ?l: a literal (the query keeps no other)
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


def _properties(store: Store) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    written = union_forms(store)  # literals as the files wrote them
    for row in store.query(PROPERTIES).records():
        forms = written.get((row.term("r"), row.term("p"), row.term("o")))
        texts = [row.text("o")]  # the literal's form in the store, unless recorded otherwise
        if forms is not None:  # records are of literals only
            texts = [form.value for form in forms if isinstance(form, ox.Literal)]
        found[row.text("r")][row.text("p")] += texts
    return {r: {p: sorted(set(v)) for p, v in props.items()} for r, props in found.items()}


def _booleans(values: list[str]) -> list[bool]:
    return [v in ("true", "1") for v in values]


def _coverage(store: Store) -> dict[str, ListCoverage]:
    """How complete each instrument's list is (see :mod:`govkg.coverage`)."""
    iris = sorted(row.text("i") for row in store.query(INSTRUMENTS).records())
    return {item.iri: item for item in instrument_coverage(store, iris)}


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
