"""An accepted candidate as RDF: a stance, an attendance, a count claim, a quotation, a bilateral
meeting or an event, derived from the article's source record.

A fact the graph already holds (:mod:`govkg.ingest.known`: the same actor, instrument and stance
kind; the same actor and event; the same count; the same speaker's words; the same parties on
the same day) is not made twice: the builder returns it and the article becomes one more of its
sources.  A new fact gets an IRI from what it is about (``stance:INSTRUMENT--ACTOR``,
``event:USA-CHN-meeting-2024-11-16``); when that IRI is taken, a variant with the article's
slug.  What the graph says otherwise about the same thing (another stance kind, another number,
another day) is returned as a difference to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SDO, XSD

from govkg.importer import LATER_ACTS, STANCE, STANCE_KIND
from govkg.ingest.known import COUNTED, Known, Match
from govkg.ingest.review import Review, ReviewError, slugify
from govkg.labels import KIND_VERBS, stance_label
from govkg.namespaces import GK, data_namespace, expand

_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_DATATYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}

ATTENDANCE = data_namespace("attendance")
CLAIM = data_namespace("claim")
QUOTE = data_namespace("quote")
EVENT = data_namespace("event")
DIALOGUE = data_namespace("dialogue")
PRECISION = data_namespace("precision")


@dataclass(frozen=True)
class Built:
    """A candidate's fact: its IRI, whether the graph already held it, and what the graph says
    otherwise about the same thing."""

    fact: URIRef
    existing: bool = False
    differences: tuple[str, ...] = ()


@dataclass
class Making:
    """What every builder needs: the graph being written, the review, the graph's answers, the
    IRIs already given out by this accept, and how to name the candidate in an error."""

    graph: Graph
    review: Review
    known: Known
    taken: set[str]
    shown: str

    def free(self, candidates: list[URIRef]) -> URIRef:
        """The first IRI neither the graph nor this accept has given out."""
        for iri in candidates:
            if str(iri) not in self.taken and not self.known.exists(str(iri)):
                return iri
        return candidates[-1]

    def made(self, link: URIRef, ends: dict[URIRef, URIRef]) -> URIRef | None:
        """A fact this accept has already made with these values (e.g. the same actor, target
        and stance kind), so that two sentences for one fact give one fact."""
        for fact in self.graph.subjects(link, ends[link]):
            if all((fact, p, o) in self.graph for p, o in ends.items()):
                return URIRef(str(fact))
        return None

    def date(self, value: str, name: str) -> Literal | None:
        if not value:
            return None
        if not _DATE.fullmatch(value):
            raise ReviewError(
                f"{self.shown}: {name} {value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
            )
        return Literal(value, datatype=_DATATYPES[len(value)])

    def dated(self, fields: dict[str, str], name: str = "date") -> Literal | None:
        """The fact's date: the candidate's, else the article's publication date."""
        return self.date(fields.get(name, "") or self.review.article.published, name)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _existing(match: Match) -> Built | None:
    return Built(URIRef(match.same), True) if match.same else None


def stance(m: Making, fields: dict[str, str]) -> Built:
    actor, target, kind = fields["actor"], fields["target"], fields.get("stance_kind", "")
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*", kind):
        raise ReviewError(
            f"{m.shown}: stance_kind {kind!r} is not a stance kind (signed, declined …)"
        )
    match = m.known.stance(actor, target, kind)
    ends = {
        GK.instrument: URIRef(target),
        GK.actor: URIRef(actor),
        GK.stanceKind: STANCE_KIND[kind],
    }
    made = m.made(GK.instrument, ends)
    if made is not None or match.same:
        return _existing(match) or Built(made or URIRef(""))
    base = f"{_local(target)}--{_local(actor)}" + (f"--{kind}" if kind in LATER_ACTS else "")
    fact = m.free([STANCE[base], STANCE[f"{base}--articles"], STANCE[f"{base}--{m.review.slug}"]])
    label = (
        stance_label(m.known.label(actor), kind, m.known.label(target))
        if kind in KIND_VERBS
        else ""
    )
    g = m.graph
    g.add((fact, RDF.type, GK.Stance))
    g.add((fact, RDFS.label, Literal(label or f"{m.known.label(actor)}: {kind}", lang="en")))
    for p, o in ends.items():
        g.add((fact, p, o))
    if (when := m.dated(fields)) is not None:
        g.add((fact, DCTERMS.date, when))
    return Built(fact, differences=tuple(f"the graph has {o}" for o in match.others))


def attendance(m: Making, fields: dict[str, str]) -> Built:
    actor, event = fields["actor"], fields["event"]
    ends = {GK.event: URIRef(event), GK.actor: URIRef(actor)}
    found = _existing(m.known.attendance(actor, event))
    made = m.made(GK.event, ends)
    if found or made:
        return found or Built(made or URIRef(""))
    base = f"{_local(event)}--{_local(actor)}"
    fact = m.free([ATTENDANCE[base], ATTENDANCE[f"{base}--{m.review.slug}"]])
    label = f"{m.known.label(actor)} attended {m.known.label(event)}"
    m.graph.add((fact, RDF.type, GK.Attendance))
    m.graph.add((fact, RDFS.label, Literal(label, lang="en")))
    for p, o in ends.items():
        m.graph.add((fact, p, o))
    return Built(fact)


def count(m: Making, fields: dict[str, str]) -> Built:
    target, counted = fields["target"], _local(fields.get("counted", "") or "signatories")
    numbers = {name: fields.get(name, "") for name in ("value", "out_of")}
    bad = [n for n, v in numbers.items() if v and not v.isdigit()]
    if not numbers["value"] or bad:
        raise ReviewError(f"{m.shown}: {(bad or ['value'])[0]} must be a whole number")
    value, out_of = int(numbers["value"]), int(numbers["out_of"]) if numbers["out_of"] else None
    match = m.known.count(target, counted, value, out_of)
    if (found := _existing(match)) is not None:
        return found
    base = f"{_local(target)}-{counted}-{m.review.slug}"
    fact = m.free([CLAIM[base], *(CLAIM[f"{base}-{n}"] for n in range(2, 100))])
    total = f" of {out_of}" if out_of is not None else ""
    label = f"{value}{total} {counted}: {m.known.label(target)} ({m.review.slug})"
    g = m.graph
    g.add((fact, RDF.type, GK.CountClaim))
    g.add((fact, RDFS.label, Literal(label, lang="en")))
    g.add((fact, GK.about, URIRef(target)))
    g.add((fact, GK.counts, COUNTED[counted]))
    g.add((fact, GK.value, Literal(value)))
    if out_of is not None:
        g.add((fact, GK.outOf, Literal(out_of)))
    if fields.get("precision"):
        g.add((fact, GK.precision, PRECISION[_local(fields["precision"])]))
    if (when := m.dated(fields, "as_of")) is not None:
        g.add((fact, GK.asOf, when))
    return Built(fact, differences=tuple(f"the graph counts {o}" for o in match.others))


def quote(m: Making, fields: dict[str, str]) -> Built:
    speaker, words = fields["speaker"], fields.get("text", "")
    if not words:
        raise ReviewError(f"{m.shown}: a quote needs its words (text)")
    if (found := _existing(m.known.quote(speaker, words))) is not None:
        return found
    base = f"{_local(speaker)}-{m.review.slug}"
    fact = m.free([QUOTE[base], *(QUOTE[f"{base}-{n}"] for n in range(2, 100))])
    g = m.graph
    g.add((fact, RDF.type, GK.Quotation))
    g.add((fact, RDFS.label, Literal(f"{m.known.label(speaker)} ({m.review.slug})", lang="en")))
    g.add((fact, SDO.text, Literal(words, lang="en")))
    g.add((fact, GK.speaker, URIRef(speaker)))
    if fields.get("on_behalf_of"):
        g.add((fact, GK.onBehalfOf, URIRef(fields["on_behalf_of"])))
    role = fields.get("role", "")
    holding = expand(role) if role.startswith(("role:", str(data_namespace("role")))) else None
    holding = holding or (m.known.role(speaker, role) if role else None)
    if holding:
        g.add((fact, GK.speakerRole, URIRef(holding)))
    if role and not role.startswith(("role:", "http")):
        said = f"The article gives the speaker's role as: {role}"
        g.add((fact, RDFS.comment, Literal(said, lang="en")))
    if (when := m.dated(fields)) is not None:
        g.add((fact, DCTERMS.date, when))
    return Built(fact)


def _place(m: Making, g: Graph, fact: URIRef, place: str) -> str:
    """The place as schema:location when it names a place of the graph; its name otherwise."""
    iri = expand(place) if place else ""
    if iri.startswith(("http://", "https://")) and m.known.exists(iri):
        g.add((fact, SDO.location, URIRef(iri)))
        return m.known.label(iri)
    return place


def meeting(m: Making, fields: dict[str, str]) -> Built:
    """A bilateral meeting (``what`` "meeting") or dialogue ("dialogue") of two parties: the
    graph's own when one of the same parties and kind has dates overlapping the candidate's,
    else a new gk:BilateralMeeting (start and end dates, place) or gk:BilateralDialogue (its
    date)."""
    parties = tuple(sorted(fields["parties"].split()))
    if len(parties) != 2:
        raise ReviewError(f"{m.shown}: a bilateral meeting has two parties, not {len(parties)}")
    when, end, what = fields.get("date", ""), fields.get("end", ""), fields.get("what", "")
    if (found := _existing(m.known.meeting((parties[0], parties[1]), when, end, what))) is not None:
        return found
    start = m.date(when, "date")
    if start is None:
        raise ReviewError(f'{m.shown}: a new meeting needs its date; "correct" it with "date"')
    dialogue = what == "dialogue"
    names = [_local(p) for p in parties]
    base = f"{names[0]}-{names[1]}-{'dialogue' if dialogue else 'meeting'}-{when}"
    fact = m.free([(DIALOGUE if dialogue else EVENT)[base],
                   (DIALOGUE if dialogue else EVENT)[f"{base}-{m.review.slug}"]])  # fmt: skip
    g = m.graph
    g.add((fact, RDF.type, GK.BilateralDialogue if dialogue else GK.BilateralMeeting))
    for party in parties:
        g.add((fact, GK.party, URIRef(party)))
    g.add((fact, DCTERMS.date if dialogue else SDO.startDate, start))
    if not dialogue and (last := m.date(end, "end")) is not None:
        g.add((fact, SDO.endDate, last))
    place = "" if dialogue else _place(m, g, fact, fields.get("place", ""))
    who = "\u2013".join(m.known.label(p) for p in parties)
    label = ", ".join(filter(None, (f"{who} {'dialogue' if dialogue else 'meeting'}", place, when)))
    g.add((fact, RDFS.label, Literal(label, lang="en")))
    return Built(fact)


def event(m: Making, fields: dict[str, str]) -> Built:
    """An event the graph holds (its name resolved to it) gets one more source; a new one is a
    gk:Summit named as the article names it."""
    name = fields.get("name", "")
    iri = expand(name) if name else ""
    if iri.startswith(("http://", "https://")):
        if not m.known.exists(iri):
            raise ReviewError(f"{m.shown}: name {name} is not a resource of the graph")
        return Built(URIRef(iri), True)
    if not name:
        raise ReviewError(f'{m.shown}: an event needs its name; "correct" it with "name"')
    start = m.date(fields.get("start", ""), "start")
    year = fields.get("start", "")[:4]
    base = "-".join(filter(None, (slugify(name), year))) or m.review.slug
    fact = m.free([EVENT[base], EVENT[f"{base}-{m.review.slug}"]])
    g = m.graph
    g.add((fact, RDF.type, GK.Summit))
    g.add((fact, RDFS.label, Literal(name, lang="en")))
    if start is not None:
        g.add((fact, SDO.startDate, start))
    if (end := m.date(fields.get("end", ""), "end")) is not None:
        g.add((fact, SDO.endDate, end))
    _place(m, g, fact, fields.get("place", ""))
    host = expand(fields.get("host", "")) if fields.get("host") else ""
    if host.startswith(("http://", "https://")) and m.known.exists(host):
        g.add((fact, GK.host, URIRef(host)))
    return Built(fact)


BUILDERS: dict[str, Callable[[Making, dict[str, str]], Built]] = {
    "stance": stance,
    "attendance": attendance,
    "count": count,
    "quote": quote,
    "meeting": meeting,
    "event": event,
}
#: The fields that name a resource, by kind of fact: required ones, then optional ones.
RESOURCE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "stance": (("actor", "target"), ()),
    "attendance": (("actor", "event"), ()),
    "count": (("target",), ()),
    "quote": (("speaker",), ("on_behalf_of",)),
    "meeting": ((), ()),
    "event": ((), ()),
}
