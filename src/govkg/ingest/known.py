"""What the graph already holds, asked by ``govkg accept`` before it writes an article's facts: does
a resource exist and what is it called, which source record is the article, and which fact of the
graph is the same as an accepted candidate (so that it gets one more source and annotation
instead of a copy) or says something else about the same thing (a difference to report).

Every question binds its terms through the store's bindings, never by pasting them into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.ingest.dates import overlaps
from govkg.ingest.model import Article
from govkg.namespaces import compact, data_namespace
from govkg.store import Store, Term

COUNTED = data_namespace("counted")

_EXISTS = "SELECT ?s ?p WHERE { ?s ?p ?o } LIMIT 1"
_LABEL = (
    "SELECT ?l ?s WHERE { { ?s dcterms:alternative ?l } UNION { ?s rdfs:label ?l "
    "FILTER NOT EXISTS { ?s dcterms:alternative ?a } } } ORDER BY ?l LIMIT 1"
)
_SOURCE_BY_SHA = "SELECT ?src ?sha WHERE { ?src gk:sha256 ?sha } ORDER BY ?src LIMIT 1"
_SOURCE_BY_URL = fixed_query(__file__, "known-source-by-url")
_SOURCE_BY_FILE = fixed_query(__file__, "known-source-by-file")
_STANCES = fixed_query(__file__, "known-stances")
_ATTENDANCE = "SELECT ?f ?a ?t WHERE { ?f a gk:Attendance ; gk:actor ?a ; gk:event ?t } ORDER BY ?f"
_COUNTS = fixed_query(__file__, "known-counts")
_QUOTES = "SELECT ?f ?text ?sp WHERE { ?f a gk:Quotation ; gk:speaker ?sp ; schema:text ?text }"
_MEETINGS = fixed_query(__file__, "known-meetings")
_ROLES = fixed_query(__file__, "known-roles")
_DERIVED = fixed_query(__file__, "known-derived")


@dataclass(frozen=True)
class Match:
    """A fact of the graph for a candidate: the same fact (``same``), or other facts about the
    same actor and target that say something else (``others``, compact IRIs with what they say)."""

    same: str | None
    others: tuple[str, ...] = ()


def _value(term: object) -> str:
    return str(getattr(term, "value", ""))


def _nodes(**terms: str) -> dict[str, ox.NamedNode]:
    return {name: ox.NamedNode(iri) for name, iri in terms.items()}


def words(text: str) -> str:
    """Quoted words compared without case, quotation marks, punctuation or spacing."""
    return " ".join(re.findall(r"[\w']+", text.lower().replace("\u2019", "'")))


class Known:
    """Questions to the graph without the article's own file (an earlier accept's)."""

    def __init__(self, store: Store, shown: str) -> None:
        self.store, self.shown = store, shown

    def exists(self, iri: str) -> bool:
        return bool(self.store.query(_EXISTS, _nodes(s=iri)).rows)

    def label(self, iri: str) -> str:
        rows = self.store.query(_LABEL, _nodes(s=iri)).rows
        return _value(rows[0][0]) if rows else compact(iri)

    def source_of(self, article: Article) -> str | None:
        """The graph's record of this article: the one with the same text checksum, else one
        with no checksum and the same URL or (a ``gk:Article``) the same file name."""
        asked: list[tuple[str, dict[str, Term]]] = [
            (_SOURCE_BY_SHA, {"sha": ox.Literal(article.sha256)})
        ]
        if article.url:
            asked.append((_SOURCE_BY_URL, {"url": ox.NamedNode(article.url)}))
        if article.path:
            asked.append((_SOURCE_BY_FILE, {"file": ox.Literal(Path(article.path).name)}))
        for query, bindings in asked:
            rows = self.store.query(query, bindings).rows
            if rows:
                return _value(rows[0][0])
        return None

    def has_checksum(self, source: str) -> bool:
        query = "SELECT ?sha ?src WHERE { ?src gk:sha256 ?sha } LIMIT 1"
        return bool(self.store.query(query, _nodes(src=source)).rows)

    def stance(self, actor: str, target: str, kind: str) -> Match:
        """The stance of ``actor`` on ``target`` of this kind, and those of other kinds."""
        rows = self.store.query(_STANCES, _nodes(a=actor, t=target)).rows
        found = [(_value(f), _value(k).rsplit("/", 1)[-1]) for f, k, *_ in rows]
        same = next((f for f, k in found if k == kind), None)
        return Match(same, tuple(f"{compact(f)} ({k})" for f, k in found if k != kind))

    def attendance(self, actor: str, event: str) -> Match:
        rows = self.store.query(_ATTENDANCE, _nodes(a=actor, t=event)).rows
        return Match(_value(rows[0][0]) if rows else None)

    def count(self, target: str, counted: str, value: int, out_of: int | None) -> Match:
        """A count claim about ``target`` with the same number (and total, when both give one);
        the others counting the same thing are listed with their numbers."""
        rows = self.store.query(_COUNTS, _nodes(t=target, c=str(COUNTED[counted]))).rows
        same, others = None, []
        for fact, v, o in ((_value(r[0]), _value(r[1]), _value(r[2])) for r in rows):
            fits = v == str(value) and (out_of is None or not o or o == str(out_of))
            if fits and same is None:
                same = fact
            elif not fits:
                others.append(f"{compact(fact)} ({v}{f' of {o}' if o else ''})")
        return Match(same, tuple(others))

    def quote(self, speaker: str, text: str) -> Match:
        """A quotation of ``speaker`` with the same words, or words one holds within the other
        (an article may quote part of a longer sentence)."""
        wanted = words(text)
        for fact, said, _sp in self.store.query(_QUOTES, _nodes(sp=speaker)).rows:
            theirs = words(_value(said))
            if wanted and theirs and (wanted in theirs or theirs in wanted):
                return Match(_value(fact))
        return Match(None)

    def meeting(self, parties: tuple[str, str], start: str, end: str = "", what: str = "") -> Match:
        """A bilateral meeting or dialogue (``what``: "meeting" or "dialogue", else either) of
        the two parties whose dates overlap ``start``-``end`` (the parties' other meetings are
        other facts, not differences)."""
        rows = self.store.query(_MEETINGS, _nodes(a=parties[0], b=parties[1])).rows
        for fact, date, kind, *_ in rows:
            fits = not what or _value(kind).endswith("Dialogue") == (what == "dialogue")
            if fits and overlaps(start, end, _value(date), _value(date)):
                return Match(_value(fact))
        return Match(None)

    def role(self, speaker: str, stated: str) -> str | None:
        """The speaker's role holding that the role as the article states it names: the one
        sharing the most words with it (at least one besides the speaker's own name)."""
        said = set(words(stated).split())
        best, shared = None, 0
        for role, label, post, _person in self.store.query(_ROLES, _nodes(person=speaker)).rows:
            theirs = set(words(f"{_value(label)} {_value(post)}").split())
            common = len(said & theirs - set(words(self.label(speaker)).split()))
            if common > shared:
                best, shared = _value(role), common
        return best

    def derived_from(self, source: str) -> list[str]:
        """The facts of the graph whose source is ``source`` (compact IRIs)."""
        rows = self.store.query(_DERIVED, _nodes(src=source)).rows
        return sorted({compact(_value(row[0])) for row in rows})
