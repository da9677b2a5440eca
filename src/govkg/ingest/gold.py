"""The gold annotations of an article: the facts the graph already holds with that article as a
source (the source record whose ``gk:sourceFile`` is the article's file name).

One flat query per kind of fact (``sparql/gold-*.rq``), each answer read into small frozen
dataclasses whose ``key()`` is what a proposal must get right to match (see
:mod:`govkg.ingest.score`).  Resources are full IRIs; vocabulary values (stance kinds, count
subjects, precisions, positions) are their slugs, as candidates give them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.namespaces import data_namespace
from govkg.store import Store
from govkg.store.rows import Row


def slug(iri: str, kind: str) -> str:
    """The slug of a vocabulary IRI of ``kind`` (``…/stance-kind/declined`` → ``declined``);
    a value that is not one (already a slug, or "") is returned as it is."""
    base = str(data_namespace(kind))
    return iri[len(base) :] if iri.startswith(base) else iri


@dataclass(frozen=True)
class GoldStance:
    fact: str
    actor: str
    target: str  # an instrument
    kind: str  # a stance-kind slug

    def key(self) -> tuple[str, str]:
        return (self.actor, self.target)


@dataclass(frozen=True)
class GoldAttendance:
    fact: str
    actor: str
    event: str

    def key(self) -> tuple[str, str]:
        return (self.actor, self.event)


@dataclass(frozen=True)
class GoldCount:
    fact: str
    target: str  # gk:about: an instrument or an event
    counted: str  # a count-subject slug (signatories, attendees …)
    value: int
    out_of: int | None
    precision: str  # a precision slug, or ""
    as_of: str

    def key(self) -> tuple[str, int]:
        return (self.target, self.value)


@dataclass(frozen=True)
class GoldQuote:
    fact: str
    speaker: str
    text: str
    on_behalf_of: str
    date: str
    role: str = ""  # the label of the speaker's role holding ("Name, post"), or ""

    def key(self) -> tuple[str, str]:
        return (self.speaker, " ".join(self.text.split()))


@dataclass(frozen=True)
class GoldPosition:
    """A reported position (no quotation): listed with the gold; no candidate kind proposes it."""

    fact: str
    speaker: str
    on_behalf_of: str
    about: str
    position: str  # a position slug, or ""
    description: str

    def key(self) -> tuple[str, str, str]:
        return (self.speaker or self.on_behalf_of, self.about, self.position)


@dataclass(frozen=True)
class GoldMeeting:
    """A bilateral meeting or a bilateral dialogue (``what``): its parties (sorted IRIs), dates
    (``end`` is ``start`` when the graph gives one date) and place's label."""

    fact: str
    what: str
    parties: tuple[str, ...]
    start: str
    end: str
    place: str

    def key(self) -> tuple[tuple[str, ...], str]:
        return (self.parties, self.start)


@dataclass(frozen=True)
class GoldEvent:
    """A summit or other event (not a bilateral meeting): its label, dates (``end`` is
    ``start`` when the graph gives one date), place's label and host (a state's IRI, or "")."""

    fact: str
    label: str
    start: str
    end: str
    place: str
    host: str

    def key(self) -> str:
        return self.fact


@dataclass(frozen=True)
class Gold:
    """The gold of one article file; ``source`` is "" when the graph has no source for it."""

    file: str
    source: str
    stance: tuple[GoldStance, ...] = ()
    attendance: tuple[GoldAttendance, ...] = ()
    count: tuple[GoldCount, ...] = ()
    quote: tuple[GoldQuote, ...] = ()
    position: tuple[GoldPosition, ...] = ()
    meeting: tuple[GoldMeeting, ...] = ()
    event: tuple[GoldEvent, ...] = ()


def gold_for(store: Store, article: str | Path) -> Gold:
    """The facts ``store`` holds with the article (a path or its file name) as a source."""
    file = Path(article).name
    return Gold(
        file=file,
        source=next((r.text("source") for r in _rows(store, "gold-source", file)), ""),
        stance=_sorted(_stance(r) for r in _rows(store, "gold-stances", file)),
        attendance=_sorted(_attendance(r) for r in _rows(store, "gold-attendance", file)),
        count=_sorted(_count(r) for r in _rows(store, "gold-counts", file)),
        quote=_sorted(_quote(r) for r in _rows(store, "gold-quotes", file)),
        position=_sorted(_position(r) for r in _rows(store, "gold-positions", file)),
        meeting=_meetings(_rows(store, "gold-meetings", file)),
        event=_sorted(_event(r) for r in _rows(store, "gold-events", file)),
    )


def _rows(store: Store, name: str, file: str) -> list[Row]:
    query = fixed_query(__file__, name)
    return store.query(query, {"file": ox.Literal(file)}).records()


class _Fact(Protocol):
    @property
    def fact(self) -> str: ...


_F = TypeVar("_F", bound=_Fact)


def _sorted(items: Iterable[_F]) -> tuple[_F, ...]:
    return tuple(sorted(set(items), key=lambda g: g.fact))


def _stance(row: Row) -> GoldStance:
    kind = slug(row.text("kind"), "stance-kind")
    return GoldStance(row.text("fact"), row.text("actor"), row.text("target"), kind)


def _attendance(row: Row) -> GoldAttendance:
    return GoldAttendance(row.text("fact"), row.text("actor"), row.text("event"))


def _count(row: Row) -> GoldCount:
    return GoldCount(
        fact=row.text("fact"),
        target=row.text("about"),
        counted=slug(row.text("counted"), "counted"),
        value=row.int("value"),
        out_of=row.int("outOf", None),
        precision=slug(row.text("precision"), "precision"),
        as_of=row.text("asOf"),
    )


def _quote(row: Row) -> GoldQuote:
    return GoldQuote(
        row.text("fact"),
        row.text("speaker"),
        row.text("text"),
        row.text("onBehalfOf"),
        row.text("date"),
        row.text("role"),
    )


def _event(row: Row) -> GoldEvent:
    start = row.text("start")
    return GoldEvent(
        fact=row.text("fact"),
        label=row.text("label"),
        start=start,
        end=row.text("end") or start,
        place=row.text("place"),
        host=row.text("host"),
    )


def _position(row: Row) -> GoldPosition:
    return GoldPosition(
        fact=row.text("fact"),
        speaker=row.text("speaker"),
        on_behalf_of=row.text("onBehalfOf"),
        about=row.text("about"),
        position=slug(row.text("position"), "position"),
        description=row.text("description"),
    )


def _meetings(rows: list[Row]) -> tuple[GoldMeeting, ...]:
    """One meeting a fact: its parties gathered; the earliest of several dates."""
    parties: dict[str, set[str]] = defaultdict(set)
    first: dict[str, Row] = {}
    for row in rows:
        fact = row.text("fact")
        parties[fact].add(row.text("party"))
        if fact not in first or row.text("start") < first[fact].text("start"):
            first[fact] = row
    return tuple(
        GoldMeeting(
            fact=fact,
            what=row.text("what"),
            parties=tuple(sorted(parties[fact])),
            start=row.text("start"),
            end=row.text("end") or row.text("start"),
            place=row.text("place"),
        )
        for fact, row in sorted(first.items())
    )
