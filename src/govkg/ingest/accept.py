"""``govkg accept``: a review's accepted candidates written as facts to ``graph/articles/SLUG.ttl``.

The file holds the article as a source record (``gk:Article`` with its title, outlet, date, URL
and the SHA-256 of its text) and, for every candidate decided ``accept`` or ``correct``, the fact
(a stance, an attendance, a count claim or a quotation) derived from the article, with an
``oa:Annotation`` anchoring it to the words it comes from (:mod:`govkg.ingest.annotations`).

A fact the graph already holds (the same actor, instrument and stance kind; the same actor and
event) is not made twice: the file adds the article as one more source of it.  A new stance is
``stance:INSTRUMENT--ACTOR``; when that IRI is taken (by another kind), ``…--articles``, then
``…--SLUG``.  A candidate that names no resource of the graph (a mention that resolved to none,
an unknown IRI) or a hedged one is accepted only with a correction that names the resource.

The file is rebuilt from every accepted candidate of the review, validated with the rest of the
graph and written atomically together with the review file (which records the decisions); when
the graph would not validate, nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, XSD

from govkg.atomic import write_atomically
from govkg.importer import LATER_ACTS, Plan, merged_store, new_graph, turtle
from govkg.ingest.annotations import add_annotation, annotation_iri
from govkg.ingest.model import Article
from govkg.ingest.review import Item, Review, ReviewError, decide, read_review, review_json
from govkg.labels import KIND_VERBS, stance_label
from govkg.load import load_files
from govkg.namespaces import GK, OA, compact, data_namespace, expand
from govkg.project import Project
from govkg.store import OxigraphStore, Store
from govkg.validate import validate_store

HEADER = "# Written by `govkg accept {review}`: decide in the review file and accept again.\n"
#: The fields that name a resource, by kind of fact (the first ones are required).
RESOURCE_FIELDS = {
    "stance": (("actor", "target"), ()),
    "attendance": (("actor", "event"), ()),
    "count": (("target",), ()),
    "quote": (("speaker",), ("on_behalf_of",)),
}
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_DATATYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}

SOURCE = data_namespace("source")
STANCE = data_namespace("stance")
ATTENDANCE = data_namespace("attendance")
CLAIM = data_namespace("claim")
QUOTE = data_namespace("quote")
STANCE_KIND = data_namespace("stance-kind")
COUNTED = data_namespace("counted")
PRECISION = data_namespace("precision")


class AcceptRefused(ReviewError):
    """The graph with the accepted facts would not validate; nothing was written."""


@dataclass(frozen=True)
class Accepted:
    """What an accept wrote: the graph file, the review file and the facts (compact IRIs)."""

    path: Path
    review: Path
    facts: tuple[str, ...]


def accept(project: Project, review_path: Path, ids: Sequence[str] | None = None) -> Accepted:
    """Accept the candidates ``ids`` (or, with None, those the file already marks ``accept`` or
    ``correct``), then write every accepted fact of the review to ``graph/articles/SLUG.ttl``."""
    review = read_review(review_path)
    if ids is not None:
        unknown = [i for i in ids if review.item(i) is None]
        if unknown:
            raise ReviewError(f"{review_path}: no candidate {unknown[0]} in this review")
        undecided = [
            i for i in ids if (item := review.item(i)) is None or item.decision != "correct"
        ]
        review = decide(review, undecided, "accept")
    chosen = [item for item in review.items if item.decision in ("accept", "correct")]
    if not chosen:
        raise ReviewError(
            f'{review_path}: nothing to accept: mark candidates "accept" or "correct", or name '
            "them with --id"
        )
    target = project.graph_dir / "articles" / f"{review.slug}.ttl"
    store = _store_without(project, target)
    graph = facts_graph(review, chosen, _Known(store, str(review_path)))
    text = turtle(graph, HEADER.format(review=project.relative(review_path)))
    _check(project, target, text)
    review_text = _review_bytes(review)
    write_atomically([(target, text.encode("utf-8")), (review_path, review_text)],
                     ReviewError, make_folders=True)  # fmt: skip
    facts = sorted({compact(str(o)) for o in graph.objects(None, OA.hasBody)})
    return Accepted(target, review_path, tuple(facts))


def _review_bytes(review: Review) -> bytes:
    return (json.dumps(review_json(review), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _store_without(project: Project, target: Path) -> Store:
    """The project's data without the article's own file (an earlier accept's)."""
    store = OxigraphStore()
    files = [p for p in project.data_files() if p.resolve() != target.resolve()]
    load_files(project, store, files)
    return store


def _check(project: Project, target: Path, text: str) -> None:
    report = validate_store(merged_store(project, Plan(files={target: text})), project)
    if not report.passes:
        first = "; ".join(
            " ".join(filter(None, (compact(r.focus), compact(r.path or "")))) + f": {r.message}"
            for r in report.violations[:3]
        )
        raise AcceptRefused(
            f"accept refused: the graph would not validate ({len(report.violations)} "
            f"violation(s)); nothing was written. First: {first}"
        )


# --- what the graph already holds --------------------------------------------------------------


class _Known:
    """Questions to the graph without the article's file: does a resource exist, its label, an
    existing fact for the same actor and target."""

    def __init__(self, store: Store, shown: str) -> None:
        self.store, self.shown = store, shown

    def exists(self, iri: str) -> bool:
        query = "SELECT ?s ?p WHERE { ?s ?p ?o } LIMIT 1"
        return bool(self.store.query(query, {"s": ox.NamedNode(iri)}).rows)

    def label(self, iri: str) -> str:
        query = (
            "SELECT ?l ?s WHERE { { ?s dcterms:alternative ?l } UNION { ?s rdfs:label ?l "
            "FILTER NOT EXISTS { ?s dcterms:alternative ?a } } } ORDER BY ?l LIMIT 1"
        )
        rows = self.store.query(query, {"s": ox.NamedNode(iri)}).rows
        return _value(rows[0][0]) if rows else compact(iri)

    def same_fact(self, kind: str, actor: str, target: str, stance_kind: str = "") -> str | None:
        """An existing stance (same actor, instrument and kind) or attendance (actor, event)."""
        if kind == "stance":
            query = ("SELECT ?f ?a ?t ?k WHERE { ?f a gk:Stance ; gk:actor ?a ; gk:instrument ?t ; "
                     "gk:stanceKind ?k } ORDER BY ?f LIMIT 1")  # fmt: skip
            terms = {"a": actor, "t": target, "k": str(STANCE_KIND[stance_kind])}
        else:
            query = (
                "SELECT ?f ?a ?t WHERE { ?f a gk:Attendance ; gk:actor ?a ; gk:event ?t } "
                "ORDER BY ?f"
            )
            terms = {"a": actor, "t": target}
        rows = self.store.query(query, {k: ox.NamedNode(v) for k, v in terms.items()}).rows
        return _value(rows[0][0]) if rows else None


def _value(term: object) -> str:
    return str(getattr(term, "value", ""))


# --- building the facts ------------------------------------------------------------------------


def facts_graph(review: Review, items: Sequence[Item], known: _Known) -> Graph:
    """The article's source record, and each item's fact with its annotation."""
    graph = new_graph()
    source = SOURCE[review.slug]
    add_source(graph, source, review.article)
    taken: set[str] = set()
    for item in items:
        fields = _checked_fields(item, known)
        fact = _add_fact(graph, item, fields, source, review, known, taken)
        taken.add(str(fact))
        label = f"Evidence in {compact(str(source))} for {compact(str(fact))}"
        add_annotation(graph, annotation_iri(review.slug, item.candidate.id), fact, source,
                       item.candidate.selector, label)  # fmt: skip
    return graph


def add_source(graph: Graph, source: URIRef, article: Article) -> None:
    """The article as a gk:Article: title, outlet, date, URL and the SHA-256 of its text."""
    graph.add((source, RDF.type, GK.Article))
    name = article.title or Path(article.path).name or source.split("/")[-1]
    label = ", ".join(filter(None, (article.outlet, article.published)))
    graph.add((source, RDFS.label, Literal(f"{label}: {name}" if label else name, lang="en")))
    if article.title:
        graph.add((source, DCTERMS.title, Literal(article.title, lang="en")))
    if article.outlet:
        graph.add((source, DCTERMS.publisher, Literal(article.outlet)))
    if article.published:
        graph.add((source, DCTERMS.date, Literal(article.published, datatype=XSD.date)))
    if article.url:
        graph.add((source, SDO.url, URIRef(article.url)))
    if article.path:
        graph.add((source, GK.sourceFile, Literal(Path(article.path).name)))
    graph.add((source, GK.sha256, Literal(article.sha256)))


def _checked_fields(item: Item, known: _Known) -> dict[str, str]:
    """The item's fields as decided, resources expanded and known; an error names the
    candidate."""
    candidate = item.candidate
    shown = f"{known.shown}: candidate {candidate.id}"
    if candidate.kind not in RESOURCE_FIELDS:
        raise ReviewError(f"{shown}: {candidate.kind} facts cannot be accepted yet; write them in "
                          "graph/ by hand and reject the candidate")  # fmt: skip
    if candidate.hedged and item.decision != "correct":
        raise ReviewError(
            f'{shown}: the words are hedged, not a fact; accept it only with "correct"'
        )
    unresolved = [m for m in candidate.mentions if m.iri is None]
    if unresolved and item.decision != "correct":
        name = unresolved[0].proposed or unresolved[0].text
        raise ReviewError(f'{shown}: "{name}" resolves to no resource of the graph; "correct" it '
                          'with the IRI in "corrected"')  # fmt: skip
    fields = item.fields
    required, optional = RESOURCE_FIELDS[candidate.kind]
    for name in (*required, *optional):
        value = fields.get(name, "")
        if not value and name in optional:
            continue
        if not value:
            raise ReviewError(f'{shown}: no {name}; "correct" it with the IRI in "corrected"')
        iri = expand(value)
        if not iri.startswith(("http://", "https://")) or not known.exists(iri):
            raise ReviewError(f"{shown}: {name} {value} is not a resource of the graph; never "
                              "invented: add it to graph/ first or correct the IRI")  # fmt: skip
        fields[name] = iri
    return fields


def _add_fact(
    graph: Graph, item: Item, fields: dict[str, str], source: URIRef, review: Review,
    known: _Known, taken: set[str],
) -> URIRef:  # fmt: skip
    shown = f"{known.shown}: candidate {item.candidate.id}"
    builders = {"stance": _stance, "attendance": _attendance, "count": _count, "quote": _quote}
    fact = builders[item.candidate.kind](graph, fields, review, known, taken, shown)
    graph.add((fact, PROV.wasDerivedFrom, source))
    return fact


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _made(
    graph: Graph, link: URIRef, actor: str, target: str, kind: URIRef | None = None
) -> str | None:
    """A fact this accept has already made for the same actor and target (and stance kind)."""
    for fact in graph.subjects(link, URIRef(target)):
        if (fact, GK.actor, URIRef(actor)) in graph and (
            kind is None or (fact, GK.stanceKind, kind) in graph
        ):
            return str(fact)
    return None


def _free(candidates: Sequence[URIRef], known: _Known, taken: set[str]) -> URIRef:
    for iri in candidates:
        if str(iri) not in taken and not known.exists(str(iri)):
            return iri
    return candidates[-1]


def _date(value: str, shown: str, name: str) -> Literal | None:
    if not value:
        return None
    if not _DATE.fullmatch(value):
        raise ReviewError(f"{shown}: {name} {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    return Literal(value, datatype=_DATATYPES[len(value)])


def _stance(graph: Graph, fields: dict[str, str], review: Review, known: _Known,
            taken: set[str], shown: str) -> URIRef:  # fmt: skip
    actor, target, kind = fields["actor"], fields["target"], fields.get("stance_kind", "")
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*", kind):
        raise ReviewError(
            f"{shown}: stance_kind {kind!r} is not a stance kind (signed, declined …)"
        )
    existing = known.same_fact("stance", actor, target, kind) or _made(
        graph, GK.instrument, actor, target, STANCE_KIND[kind]
    )
    if existing is not None:
        return URIRef(existing)
    base = f"{_local(target)}--{_local(actor)}" + (f"--{kind}" if kind in LATER_ACTS else "")
    stance = _free([STANCE[base], STANCE[f"{base}--articles"], STANCE[f"{base}--{review.slug}"]],
                   known, taken)  # fmt: skip
    label = (
        stance_label(known.label(actor), kind, known.label(target)) if kind in KIND_VERBS else ""
    )
    graph.add((stance, RDF.type, GK.Stance))
    graph.add((stance, RDFS.label, Literal(label or f"{known.label(actor)}: {kind}", lang="en")))
    graph.add((stance, GK.actor, URIRef(actor)))
    graph.add((stance, GK.instrument, URIRef(target)))
    graph.add((stance, GK.stanceKind, STANCE_KIND[kind]))
    when = _date(fields.get("date", "") or review.article.published, shown, "date")
    if when is not None:
        graph.add((stance, DCTERMS.date, when))
    return stance


def _attendance(graph: Graph, fields: dict[str, str], review: Review, known: _Known,
                taken: set[str], shown: str) -> URIRef:  # fmt: skip
    actor, event = fields["actor"], fields["event"]
    existing = known.same_fact("attendance", actor, event) or _made(graph, GK.event, actor, event)
    if existing is not None:
        return URIRef(existing)
    base = f"{_local(event)}--{_local(actor)}"
    fact = _free([ATTENDANCE[base], ATTENDANCE[f"{base}--{review.slug}"]], known, taken)
    label = f"{known.label(actor)} attended {known.label(event)}"
    graph.add((fact, RDF.type, GK.Attendance))
    graph.add((fact, RDFS.label, Literal(label, lang="en")))
    graph.add((fact, GK.actor, URIRef(actor)))
    graph.add((fact, GK.event, URIRef(event)))
    return fact


def _count(graph: Graph, fields: dict[str, str], review: Review, known: _Known,
           taken: set[str], shown: str) -> URIRef:  # fmt: skip
    target, counted = fields["target"], fields.get("counted", "") or "signatories"
    numbers = {name: fields.get(name, "") for name in ("value", "out_of")}
    bad = [n for n, v in numbers.items() if v and not v.isdigit()]
    if not numbers["value"] or bad:
        raise ReviewError(f"{shown}: {(bad or ['value'])[0]} must be a whole number")
    base = f"{_local(target)}-{_local(counted)}-{review.slug}"
    fact = _free([CLAIM[base], *(CLAIM[f"{base}-{n}"] for n in range(2, 100))], known, taken)
    total = f" of {numbers['out_of']}" if numbers["out_of"] else ""
    label = f"{numbers['value']}{total} {_local(counted)}: {known.label(target)} ({review.slug})"
    graph.add((fact, RDF.type, GK.CountClaim))
    graph.add((fact, RDFS.label, Literal(label, lang="en")))
    graph.add((fact, GK.about, URIRef(target)))
    graph.add((fact, GK.counts, COUNTED[_local(counted)]))
    graph.add((fact, GK.value, Literal(int(numbers["value"]))))
    if numbers["out_of"]:
        graph.add((fact, GK.outOf, Literal(int(numbers["out_of"]))))
    if fields.get("precision"):
        graph.add((fact, GK.precision, PRECISION[_local(fields["precision"])]))
    when = _date(fields.get("as_of", "") or review.article.published, shown, "as_of")
    if when is not None:
        graph.add((fact, GK.asOf, when))
    return fact


def _quote(graph: Graph, fields: dict[str, str], review: Review, known: _Known,
           taken: set[str], shown: str) -> URIRef:  # fmt: skip
    speaker, words = fields["speaker"], fields.get("text", "")
    if not words:
        raise ReviewError(f"{shown}: a quote needs its words (text)")
    base = f"{_local(speaker)}-{review.slug}"
    fact = _free([QUOTE[base], *(QUOTE[f"{base}-{n}"] for n in range(2, 100))], known, taken)
    graph.add((fact, RDF.type, GK.Quotation))
    graph.add((fact, RDFS.label, Literal(f"{known.label(speaker)} ({review.slug})", lang="en")))
    graph.add((fact, SDO.text, Literal(words, lang="en")))
    graph.add((fact, GK.speaker, URIRef(speaker)))
    if fields.get("on_behalf_of"):
        graph.add((fact, GK.onBehalfOf, URIRef(fields["on_behalf_of"])))
    role = fields.get("role", "")
    if role.startswith(("role:", str(data_namespace("role")))):
        graph.add((fact, GK.speakerRole, URIRef(expand(role))))
    when = _date(fields.get("date", "") or review.article.published, shown, "date")
    if when is not None:
        graph.add((fact, DCTERMS.date, when))
    return fact
