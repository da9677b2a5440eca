"""The query side of the pages: one resource (its triples, paged links, stances and sources),
the lists of states, instruments, events, people and themes, and the search over labels.

Every query binds its input (the resource, the search text) through the store's ``bindings``,
never by pasting it into the SPARQL text; only page sizes and offsets, which are integers computed
here, are written into the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.namespaces import OWN_NAMESPACES
from govkg.queries import sorted_concatenations
from govkg.site.formats import DOC_FORMATS
from govkg.store import Row, Store, Term
from govkg.written import written_pairs

if TYPE_CHECKING:  # rdflib is imported when a page needs it
    from rdflib import Graph

#: The ontology's namespace (a string: rdflib is not needed to serve a page).
_GK = OWN_NAMESPACES["GK"]
#: Rows a page shows of each list (properties, incoming links, stances).
PAGE_SIZE = 100

_OUTGOING = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p ?o"
_INCOMING = "SELECT DISTINCT ?o ?s ?p WHERE { ?s ?p ?o } ORDER BY ?p ?s"
_ANY_INCOMING = "SELECT ?o ?s ?p WHERE { ?s ?p ?o } LIMIT 1"
_OUT_COUNTS = "SELECT ?s ?p (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s ?p"
_IN_COUNTS = "SELECT ?o ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o ?p"
_LABEL = "rdfs:label|skos:prefLabel|foaf:name"
_OUT_PAGE = """SELECT ?s ?p ?o (SAMPLE(?pl) AS ?plabel) (SAMPLE(?ol) AS ?olabel) WHERE {{
  ?s ?p ?o OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?o {label} ?ol }}
}} GROUP BY ?s ?p ?o ORDER BY ?p ?o LIMIT {limit} OFFSET {offset}"""
# Each list picks its page in a sub-select (ordering only what the order needs), then describes
# those rows: an actor with 4,000 stances describes 100 of them, not all (4 M triples, on disk:
# the page 1.1 s -> see bench/serve_bench.py).  Incoming links are in property and IRI order.
_IN_PAGE = """SELECT ?o ?p ?s (SAMPLE(?pl) AS ?plabel) (SAMPLE(?sl) AS ?slabel) WHERE {{
  {{ SELECT DISTINCT ?o ?p ?s WHERE {{ ?s ?p ?o }} ORDER BY ?p ?s LIMIT {limit} OFFSET {offset} }}
  OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?s {label} ?sl }}
}} GROUP BY ?o ?p ?s ORDER BY ?p ?s"""
# Oxigraph (0.5) sorts by reading each compared IRI's text again: ordering an actor's 4,000
# incoming links to take 100 took 10 s at 4 M triples on disk.  When every linking subject is an
# IRI, the links are read unordered, put in the same order (property, then subject: both IRIs,
# compared as strings, as Oxigraph does) here, and only the page's 100 are labelled.
_IN_ALL = "SELECT DISTINCT ?o ?p ?s WHERE { ?s ?p ?o }"
_IN_LABELS = """SELECT ?o ?p ?s (SAMPLE(?pl) AS ?plabel) (SAMPLE(?sl) AS ?slabel) WHERE {{
  VALUES (?p ?s) {{ {rows} }}
  OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?s {label} ?sl }}
}} GROUP BY ?o ?p ?s"""
_TYPES = fixed_query(__file__, "resource-types")

#: The stance's predicate pointing at the page's resource, and the one pointing at the other end.
STANCE_ROLES: dict[str, tuple[str, str]] = {"actor": ("actor", "instrument"),
                                             "instrument": ("instrument", "actor")}  # fmt: skip
_STANCE_COUNT = """SELECT ?focus (COUNT(DISTINCT ?stance) AS ?n) WHERE {{
  ?stance a gk:Stance ; gk:{focus} ?focus }} GROUP BY ?focus"""
# The page's stances are picked without grouping (Virtuoso 7.2 refuses ORDER BY over an
# aggregate's variable, SP031, and sorts grouped labels over 20 characters out of order); the
# page's rows are put in that order in Python (:func:`_stances`).
_STANCES = """SELECT ?focus ?stance (SAMPLE(?o) AS ?other) (SAMPLE(?ol) AS ?otherLabel)
  (SAMPLE(?kl) AS ?kind) (SAMPLE(?d) AS ?date) (SAMPLE(?a) AS ?asOf)
  (GROUP_CONCAT(DISTINCT STR(?src); separator=" ") AS ?sources)
  (GROUP_CONCAT(DISTINCT STR(?prim); separator=" ") AS ?primary) WHERE {{
  {{ SELECT DISTINCT ?focus ?stance WHERE {{
       ?stance a gk:Stance ; gk:{focus} ?focus .
       OPTIONAL {{ ?stance gk:{other} ?o OPTIONAL {{ ?o rdfs:label ?ol }} }}
     }} ORDER BY LCASE(STR(?ol)) ?stance LIMIT {limit} OFFSET {offset} }}
  OPTIONAL {{ ?stance gk:{other} ?o OPTIONAL {{ ?o rdfs:label ?ol }} }}
  OPTIONAL {{ ?stance gk:stanceKind/skos:prefLabel ?kl }}
  OPTIONAL {{ ?stance dcterms:date ?d }}
  OPTIONAL {{ ?stance gk:asOf ?a }}
  OPTIONAL {{ ?stance prov:wasDerivedFrom ?src FILTER(isIRI(?src)) }}
  OPTIONAL {{ ?stance gk:primarySource ?prim FILTER(isIRI(?prim)) }}
}} GROUP BY ?focus ?stance"""
_CITES = "prov:wasDerivedFrom|gk:primarySource"
_SOURCE_PATTERNS = {
    "stance": f"?focus {_CITES} ?src .",
    **{
        role: f"?stance a gk:Stance ; gk:{focus} ?focus ; {_CITES} ?src ."
        for role, (focus, _other) in STANCE_ROLES.items()
    },
}
_SOURCES = """SELECT ?focus ?src (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title) (SAMPLE(?u) AS ?url)
  (SAMPLE(?pub) AS ?publisher) (SAMPLE(?d) AS ?date) WHERE {{
  {{ SELECT DISTINCT ?focus ?src WHERE {{ {pattern} FILTER(isIRI(?src)) }} }}
  OPTIONAL {{ ?src rdfs:label ?l }} OPTIONAL {{ ?src dcterms:title ?t }}
  OPTIONAL {{ ?src schema:url ?u }} OPTIONAL {{ ?src dcterms:publisher ?pub }}
  OPTIONAL {{ ?src dcterms:date ?d }}
}} GROUP BY ?focus ?src ORDER BY ?src"""


#: What a subject can be.
Subject = ox.NamedNode | ox.BlankNode | ox.Triple


@dataclass
class Description:
    """A resource's outgoing (property, value) and incoming (subject, property) pairs."""

    iri: str
    outgoing: list[tuple[ox.NamedNode, Term]] = field(default_factory=list)
    incoming: list[tuple[Subject, ox.NamedNode]] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def triples(self) -> list[ox.Triple]:
        node = ox.NamedNode(self.iri)
        out = [ox.Triple(node, p, o) for p, o in self.outgoing]
        return out + [ox.Triple(s, p, node) for s, p in self.incoming]

    def serialize(self, ext: str) -> bytes:
        """The description as an RDF document in the format of ``ext`` (``ttl``, ``nt`` …)."""
        from govkg.rdf import serialize

        return serialize(self.triples(), DOC_FORMATS[ext])

    def own_graph(self) -> Graph:
        """Only the resource's own triples (it as subject): what a page embeds as JSON-LD."""
        from govkg.rdf import graph_from_quads

        node = ox.NamedNode(self.iri)
        return graph_from_quads(ox.Triple(node, p, o) for p, o in self.outgoing)


def describe(store: Store, iri: str, incoming: bool = True) -> Description:
    """The description of ``iri``: every triple with it as subject or as object.

    With ``incoming=False`` (an HTML page, which pages its incoming links itself, or a redirect)
    at most one incoming triple is read: enough to tell that the resource exists.
    """
    description = Description(iri)
    node = _node(iri)
    if node is None:  # not a valid IRI: nothing in the graph can have it
        return description
    for row in store.query(_OUTGOING, {"s": node}).records():
        p, o = row["p"], row["o"]
        if isinstance(p, ox.NamedNode) and o is not None:
            description.outgoing.append((p, o))
    description.outgoing = written_pairs(store, node, description.outgoing)  # literals as written
    for row in store.query(_INCOMING if incoming else _ANY_INCOMING, {"o": node}).records():
        s, p = row["s"], row["p"]
        if isinstance(p, ox.NamedNode) and isinstance(s, Subject):  # never a literal
            description.incoming.append((s, p))
    return description


def _node(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


# --- one resource, paged ------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One row of a paged list: a property, the term at the link's other end, their labels."""

    prop: ox.NamedNode
    prop_label: str | None
    term: Term
    label: str | None


@dataclass
class LinkPage:
    """One page of a resource's properties or incoming links, and how many there are in all."""

    rows: list[Link]
    total: int
    per_property: dict[str, int]


@dataclass(frozen=True)
class StanceRow:
    """A stance on an actor's or an instrument's page: the other end, kind, date and sources.
    ``date`` is the act's date (``dcterms:date``), ``as_of`` a list's date (``gk:asOf``)."""

    stance: Term
    other: Term | None
    other_label: str | None
    kind: str | None
    date: str | None
    sources: tuple[str, ...]
    primary: tuple[str, ...]
    as_of: str | None = None


@dataclass(frozen=True)
class Source:
    """What the page shows of a source: its label, title, publisher, date and URL."""

    iri: str
    label: str | None
    title: str | None
    url: str | None
    publisher: str | None
    date: str | None


@dataclass
class StancePage:
    """One page of the stances an actor took or an instrument received."""

    role: str
    rows: list[StanceRow]
    total: int


@dataclass
class ResourceView:
    """Everything a resource's HTML page shows, for one page number."""

    description: Description
    types: list[tuple[ox.NamedNode, str | None]]
    outgoing: LinkPage
    incoming: LinkPage
    stances: StancePage | None
    sources: dict[str, Source]
    page: int
    pages: int
    role: str | None = None  # the page's resource's end of its stances (``actor`` …), if any

    @property
    def is_stance(self) -> bool:
        return any(t.value == _GK + "Stance" for t, _label in self.types)


def view(
    store: Store, description: Description, page: int = 1, stances: bool = True
) -> ResourceView:
    """The page ``page`` (clamped to those there are) of a resource's HTML view; without
    ``stances``, its stances are neither counted nor read (:func:`with_stances` does both): a
    page with a profile shows them its own way.  Every stance links to the resource, so the
    incoming links are at least as many as its stances: they alone set the number of pages."""
    node = ox.NamedNode(description.iri)
    out_counts = _counts(store, _OUT_COUNTS, "s", node)
    in_counts = _counts(store, _IN_COUNTS, "o", node)
    role = next((r for r, (focus, _o) in STANCE_ROLES.items() if _GK + focus in in_counts), None)
    biggest = max(sum(out_counts.values()), sum(in_counts.values()))
    pages = max(1, -(-biggest // PAGE_SIZE))
    page = min(max(1, page), pages)
    offset = (page - 1) * PAGE_SIZE
    result = ResourceView(
        description=description,
        types=_types(store, node),
        outgoing=_link_page(store, _OUT_PAGE, "s", node, offset, out_counts),
        incoming=_incoming_page(store, node, offset, in_counts),
        stances=None,
        sources={},
        page=page,
        pages=pages,
        role=role,
    )
    return with_stances(store, result) if stances else result


def with_stances(store: Store, result: ResourceView) -> ResourceView:
    """The view with its page of stances (and how many there are) and their sources (of a
    stance's page: the stance's own sources)."""
    node = ox.NamedNode(result.description.iri)
    role = result.role
    total = _stance_count(store, role, node) if role else 0
    if role and total:
        offset = (result.page - 1) * PAGE_SIZE
        result.stances = _stances(store, role, node, offset, total)
    source_role = "stance" if result.is_stance else role
    if source_role:
        result.sources = _sources(store, source_role, node)
    return result


def _types(store: Store, node: ox.NamedNode) -> list[tuple[ox.NamedNode, str | None]]:
    rows = store.query(_TYPES, {"s": node}).records()
    return [(t, row.text("label", None)) for row in rows if isinstance(t := row["t"], ox.NamedNode)]


def _counts(store: Store, query: str, var: str, node: ox.NamedNode) -> dict[str, int]:
    rows = store.query(query, {var: node}).records()
    return {p.value: row.int("n") for row in rows if isinstance(p := row["p"], ox.NamedNode)}


def _link_page(
    store: Store, query: str, var: str, node: ox.NamedNode, offset: int, counts: dict[str, int]
) -> LinkPage:
    text = query.format(label=_LABEL, limit=PAGE_SIZE, offset=offset)
    end = "o" if var == "s" else "s"  # the link's other end
    rows = [
        Link(p, row.text("plabel", None), term, row.text(f"{end}label", None))
        for row in store.query(text, {var: node}).records()
        if isinstance(p := row["p"], ox.NamedNode) and (term := row[end]) is not None
    ]
    if var == "s":  # the resource's own values: literals as written
        rows = _as_written(store, node, rows)
    return LinkPage(rows, sum(counts.values()), counts)


def _incoming_page(
    store: Store, node: ox.NamedNode, offset: int, counts: dict[str, int]
) -> LinkPage:
    """The page of incoming links at ``offset``, as ``_IN_PAGE`` gives it (see ``_IN_ALL``)."""
    links: list[tuple[ox.NamedNode, ox.NamedNode]] = []
    for row in store.query(_IN_ALL, {"o": node}).records():
        p, s = row["p"], row["s"]
        if not isinstance(p, ox.NamedNode) or s is None:
            continue
        if not isinstance(s, ox.NamedNode):  # a blank node or a triple: SPARQL's own order
            return _link_page(store, _IN_PAGE, "o", node, offset, counts)
        links.append((p, s))
    links.sort(key=lambda link: (link[0].value, link[1].value))
    shown = links[offset : offset + PAGE_SIZE]
    if not shown:
        return LinkPage([], sum(counts.values()), counts)
    rows = " ".join(f"({p} {s})" for p, s in shown)
    text = _IN_LABELS.format(rows=rows, label=_LABEL)
    found = {(row["p"], row["s"]): row for row in store.query(text, {"o": node}).records()}
    page = [
        Link(p, found[(p, s)].text("plabel", None), s, found[(p, s)].text("slabel", None))
        for p, s in shown
    ]
    return LinkPage(page, sum(counts.values()), counts)


def _as_written(store: Store, node: ox.NamedNode, rows: list[Link]) -> list[Link]:
    original = [(row.prop, row.term) for row in rows]
    pairs = written_pairs(store, node, original)
    if pairs is original:  # nothing recorded about it
        return rows
    labels = {(row.prop, row.term): row for row in rows}
    written = []
    for prop, term in pairs:
        row = labels.get((prop, term)) or next(r for r in rows if r.prop == prop)
        written.append(Link(prop, row.prop_label, term, row.label if row.term == term else None))
    return written


def _stance_count(store: Store, role: str, node: ox.NamedNode) -> int:
    focus, _other = STANCE_ROLES[role]
    rows = store.query(_STANCE_COUNT.format(focus=focus), {"focus": node}).records()
    return rows[0].int("n") if rows else 0


def _stances(store: Store, role: str, node: ox.NamedNode, offset: int, total: int) -> StancePage:
    focus, other = STANCE_ROLES[role]
    text = _STANCES.format(focus=focus, other=other, limit=PAGE_SIZE, offset=offset)
    rows = [
        StanceRow(
            stance,
            row["other"],
            row.text("otherLabel", None),
            row.text("kind", None),
            row.text("date", None),
            tuple(sorted(row.text("sources").split())),
            tuple(sorted(row.text("primary").split())),
            row.text("asOf", None),
        )
        for row in sorted(store.query(text, {"focus": node}).records(), key=_stance_order)
        if (stance := row["stance"]) is not None
    ]
    return StancePage(role, rows, total)


def _stance_order(row: Row) -> tuple[str, str]:
    return row.text("otherLabel").lower(), row.text("stance")


def _sources(store: Store, role: str, node: ox.NamedNode) -> dict[str, Source]:
    text = _SOURCES.format(pattern=_SOURCE_PATTERNS[role])
    found: dict[str, Source] = {}
    for row in store.query(text, {"focus": node}).records():
        if isinstance(src := row["src"], ox.NamedNode):
            names = ("label", "title", "url", "publisher", "date")
            found[src.value] = Source(src.value, *(row.text(name, None) for name in names))
    return found


# --- index pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an index page: a variable, linked when ``link`` names an IRI variable, and
    its CSS class (``num``: right-aligned figures, ``nowrap``: never wrapped)."""

    header: str
    var: str
    link: str | None = None
    css: str = ""


@dataclass(frozen=True)
class Index:
    """A list of one kind of resource, served at ``/{name}.html`` (and ``/{name}``)."""

    name: str
    title: str
    intro: str
    query: str
    columns: tuple[Column, ...]


_NAME = Column("Name", "label", link="item")
INDEXES: tuple[Index, ...] = (
    Index(
        "states",
        "States",
        "Every state in the reference list, with its ISO 3166-1 code, its region and the number "
        "of stances recorded for it.",
        fixed_query(__file__, "index-states"),
        (
            _NAME,
            Column("ISO code", "iso3"),
            Column("Region", "region"),
            Column("Stances", "stances", css="num"),
        ),
    ),
    Index(
        "instruments",
        "Instruments",
        "Declarations, statements, resolutions, conventions and agreements, by date: how many "
        "actors signed, endorsed or voted for each, and how many stances are recorded in all.",
        fixed_query(__file__, "index-instruments"),
        (
            _NAME,
            Column("Date", "date", css="nowrap"),
            Column("Type", "type"),
            Column("In favour", "infavour", css="num"),
            Column("Stances", "stances", css="num"),
        ),
    ),
    Index(
        "events",
        "Events",
        "Summits, sessions and bilateral meetings, by date, with where they took place.",
        fixed_query(__file__, "index-events"),
        (
            _NAME,
            Column("Date", "date", css="nowrap"),
            Column("Type", "type"),
            Column("Place", "placeLabel", link="place"),
        ),
    ),
    Index(
        "people",
        "People",
        "The people the sources quote or name, with the posts they held and the number of "
        "statements recorded.",
        fixed_query(__file__, "index-people"),
        (_NAME, Column("Posts", "roles"), Column("Statements", "statements", css="num")),
    ),
    Index(
        "themes",
        "Themes",
        "The themes instruments commit to and dialogues discuss, with the broader theme and the "
        "number of instruments with a principle on each.",
        fixed_query(__file__, "index-themes"),
        (
            _NAME,
            Column("Broader theme", "broaderLabel", link="broader"),
            Column("Instruments", "instruments", css="num"),
        ),
    ),
)


def list_index(store: Store, index: Index) -> list[Row]:
    """The rows of an index page, one per resource, sorted here as each query's ORDER BY says
    (dated resources by date, undated last; then by label, any case; then by IRI).  The query
    is sent without its ORDER BY: Virtuoso 7.2 refuses one over an aggregate's variable
    (SP031), and wrapped in a sub-select it sorts labels over 20 characters out of order."""
    grouped = index.query.rpartition("ORDER BY")[0]
    rows = sorted_concatenations(grouped, store.query(grouped)).records()
    return sorted(rows, key=_index_order)


def _index_order(row: Row) -> tuple[object, ...]:
    dated = (row["date"] is None, row.text("date")) if "date" in row else ()
    return (*dated, row.text("label").lower(), row.text("item"))
