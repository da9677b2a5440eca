"""``govkg accept``: a review's accepted candidates written as facts to ``graph/articles/SLUG.ttl``.

The file holds the article's source record and, for every candidate decided ``accept`` or
``correct``, the fact (a stance, an attendance, a count claim, a quotation, a bilateral meeting or
an event; :mod:`govkg.ingest.facts`) derived from the article, with an ``oa:Annotation``
anchoring it to the words it comes from (:mod:`govkg.ingest.annotations`).

The source record is the graph's own when it already describes the article (the same text
checksum; or, with no checksum recorded, the same URL or file name: the checksum is then added),
else a new ``gk:Article`` with the title, outlet, date, URL and SHA-256 of the text.  A fact the
graph already holds gets the article as one more source instead of a copy; what the graph says
otherwise about the same thing, and the facts it already draws from this article that were not
accepted, are reported as differences.  A candidate that names no resource of the graph (a mention
that resolved to none, an unknown IRI) or a hedged one is accepted only with a correction that
names the resource.

The file is rebuilt from every accepted candidate of the review, validated with the rest of the
graph and written atomically together with the review file (which records the decisions); when
the graph would not validate, nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, XSD

from govkg.atomic import write_atomically
from govkg.bundled import refuse_bundled
from govkg.importer import Plan, merged_store, new_graph, turtle
from govkg.ingest.annotations import add_annotation, annotation_iri
from govkg.ingest.facts import BUILDERS, RESOURCE_FIELDS, Built, Making
from govkg.ingest.known import Known
from govkg.ingest.model import Article
from govkg.ingest.review import Item, Review, ReviewError, decide, read_review, review_json
from govkg.load import load_files
from govkg.namespaces import GK, compact, data_namespace, expand
from govkg.project import Project
from govkg.store import OxigraphStore, Store
from govkg.validate import validate_store

HEADER = "# Written by `govkg accept {review}`: decide in the review file and accept again.\n"
SOURCE = data_namespace("source")


class AcceptRefused(ReviewError):
    """The graph with the accepted facts would not validate; nothing was written."""


@dataclass(frozen=True)
class Accepted:
    """What an accept wrote: the graph file, the review file, the facts (compact IRIs), those of
    them the graph already held (now with one more source), the source record and the differences
    from what the graph already said."""

    path: Path
    review: Path
    facts: tuple[str, ...]
    existing: tuple[str, ...] = ()
    source: str = ""
    differences: tuple[str, ...] = ()
    #: Each accepted candidate's id and the fact it gave (compact IRI).
    by_candidate: tuple[tuple[str, str], ...] = ()


def accept(project: Project, review_path: Path, ids: Sequence[str] | None = None) -> Accepted:
    """Accept the candidates ``ids`` (or, with None, those the file already marks ``accept`` or
    ``correct``), then write every accepted fact of the review to ``graph/articles/SLUG.ttl``."""
    refuse_bundled(project.graph_dir)  # before the work: the installed package's copy is read-only
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
    known = Known(_store_without(project, target), str(review_path))
    written = facts_graph(review, chosen, known)
    text = turtle(written.graph, HEADER.format(review=project.relative(review_path)))
    _check(project, target, text)
    review_text = _review_bytes(review)
    write_atomically([(target, text.encode("utf-8")), (review_path, review_text)],
                     ReviewError, make_folders=True)  # fmt: skip
    return Accepted(target, review_path, written.facts, written.existing,
                    compact(str(written.source)), written.differences,
                    written.by_candidate)  # fmt: skip


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


# --- building the facts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """The graph an accept writes and what it found while building it."""

    graph: Graph
    source: URIRef
    facts: tuple[str, ...]
    existing: tuple[str, ...]
    differences: tuple[str, ...]
    by_candidate: tuple[tuple[str, str], ...]


def facts_graph(review: Review, items: Sequence[Item], known: Known) -> Written:
    """The article's source record (the graph's own, or a new one), and each item's fact with its
    annotation; the differences from what the graph says."""
    graph = new_graph()
    source = _source(graph, review, known)
    making = Making(graph, review, known, set(), "")
    built: dict[str, Built] = {}
    by_candidate: list[tuple[str, str]] = []
    differences: list[str] = []
    for item in items:
        making.shown = f"{known.shown}: candidate {item.candidate.id}"
        fields = _checked_fields(item, known)
        done = BUILDERS[item.candidate.kind](making, fields)
        graph.add((done.fact, PROV.wasDerivedFrom, source))
        making.taken.add(str(done.fact))
        fact = compact(str(done.fact))
        built.setdefault(fact, done)
        by_candidate.append((item.candidate.id, fact))
        differences += [f"{fact} (candidate {item.candidate.id}): {d}" for d in done.differences]
        label = f"Evidence in {compact(str(source))} for {fact}"
        add_annotation(graph, annotation_iri(review.slug, item.candidate.id), done.fact, source,
                       item.candidate.selector, label)  # fmt: skip
    drawn = known.derived_from(str(source))
    differences += [f"{f}: the graph draws it from this article; not accepted" for f in drawn
                    if f not in built]  # fmt: skip
    existing = tuple(sorted(f for f, b in built.items() if b.existing))
    return Written(graph, source, tuple(sorted(built)), existing, tuple(differences),
                   tuple(by_candidate))  # fmt: skip


def _source(graph: Graph, review: Review, known: Known) -> URIRef:
    """The graph's record of the article (its checksum added when it has none), or a new one."""
    found = known.source_of(review.article)
    if found is None:
        source = SOURCE[review.slug]
        add_source(graph, source, review.article)
        return source
    source = URIRef(found)
    if not known.has_checksum(found):
        graph.add((source, GK.sha256, Literal(review.article.sha256)))
    return source


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


def _checked_fields(item: Item, known: Known) -> dict[str, str]:
    """The item's fields as decided, resources expanded and known; an error names the
    candidate."""
    candidate = item.candidate
    shown = f"{known.shown}: candidate {candidate.id}"
    if candidate.kind not in BUILDERS:
        raise ReviewError(f"{shown}: {candidate.kind} facts cannot be accepted; write them in "
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
        fields[name] = _known_iri(value, name, shown, known)
    if candidate.kind == "meeting":
        parties = fields.get("parties", "").split()
        fields["parties"] = " ".join(_known_iri(p, "party", shown, known) for p in parties)
    return fields


def _known_iri(value: str, name: str, shown: str, known: Known) -> str:
    iri = expand(value)
    if not iri.startswith(("http://", "https://")) or not known.exists(iri):
        raise ReviewError(f"{shown}: {name} {value} is not a resource of the graph; never "
                          "invented: add it to graph/ first or correct the IRI")  # fmt: skip
    return iri
