"""The query side of an event's profile (who attended, what it adopted and what each attendee did
on it) and of a dialogue's (its meetings, agreements and statements in order, with their words).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.fixed_queries import fixed_query
from govkg.site.palette import SWATCHES
from govkg.site.profiles import Linked, linked, source_details
from govkg.site.resources import Source
from govkg.store import Store

_EVENT = fixed_query(__file__, "profile-event")
_CELLS = fixed_query(__file__, "profile-event-cells")
_ADOPTED = fixed_query(__file__, "profile-event-instruments")
_DIALOGUE = fixed_query(__file__, "profile-dialogue-items")


@dataclass(frozen=True)
class EventFacts:
    """What an event is: its dates, place, host, series and kinds."""

    iri: str
    label: str
    start: str | None
    end: str | None
    place: Linked | None
    host: Linked | None
    series: Linked | None
    types: str


@dataclass
class Attendee:
    """An actor at the event: whether an attendance is recorded, and its stances on each
    instrument the event adopted (kind slugs, palette order)."""

    actor: Linked
    attended: bool = False
    stances: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class EventProfile:
    """Everything an event's profile shows."""

    facts: EventFacts
    adopted: list[tuple[Linked, str | None]]  # instrument, date
    attendees: list[Attendee]


def event_profile(store: Store, iri: str) -> EventProfile | None:
    """The event's profile, or None when the store does not describe it."""
    node = ox.NamedNode(iri)
    rows = store.query(_EVENT, {"e": node}).records()
    if not rows:
        return None
    row = rows[0]
    facts = EventFacts(
        iri=iri,
        label=row.text("label", None) or iri.rsplit("/", 1)[-1],
        start=row.text("start", None),
        end=row.text("end", None),
        place=linked(row, "placeIri", "placeLabel"),
        host=linked(row, "hostIri", "hostLabel"),
        series=linked(row, "seriesIri", "seriesLabel"),
        types=row.text("types"),
    )
    adopted = []
    for r in store.query(_ADOPTED, {"e": node}).records():
        instrument = linked(r, "instrument", "label")
        if instrument is not None:
            adopted.append((instrument, r.text("date", None)))
    adopted.sort(key=lambda item: (item[1] or "9999", item[0].iri))
    return EventProfile(facts, adopted, _attendees(store, node))


def _attendees(store: Store, node: ox.NamedNode) -> list[Attendee]:
    order = {s.key: k for k, s in enumerate(SWATCHES)}
    found: dict[str, Attendee] = {}
    for row in store.query(_CELLS, {"e": node}).records():
        actor = linked(row, "actor", "actorLabel")
        if actor is None:
            continue
        entry = found.setdefault(actor.iri, Attendee(actor))
        entry.attended |= bool(row.text("attended", None))
        instrument = row["instrument"]
        if isinstance(instrument, ox.NamedNode):
            kinds = {k.rsplit("/", 1)[-1] for k in row.text("kinds").split()}
            entry.stances[instrument.value] = tuple(sorted(kinds, key=lambda k: order.get(k, 99)))
    return sorted(found.values(), key=lambda a: ((a.actor.label or "").lower(), a.actor.iri))


@dataclass(frozen=True)
class DialogueItem:
    """A step of a dialogue: a dialogue, meeting or agreement, or words said at or about one."""

    item: Linked
    kind: str  # BilateralDialogue, BilateralMeeting, BilateralAgreement, Quotation, …
    date: str | None
    as_of: str | None
    status: str | None
    words: str | None
    speaker: Linked | None
    role: str | None
    on: str | None  # the meeting or agreement the words were said at or about
    sources: tuple[str, ...]

    @property
    def when(self) -> str | None:
        return self.date or self.as_of


@dataclass
class DialogueProfile:
    """A dialogue's timeline: its steps by date, each statement under the step it concerns."""

    iri: str
    steps: list[DialogueItem]
    words: dict[str, list[DialogueItem]]  # step IRI -> statements at or about it
    sources: dict[str, Source]


def dialogue_profile(store: Store, iri: str) -> DialogueProfile:
    """The dialogue's meetings, agreements and related dialogues by date (undated first), with
    the statements made at or about each."""
    items = []
    for row in store.query(_DIALOGUE, {"d": ox.NamedNode(iri)}).records():
        item = linked(row, "item", "label")
        if item is None:
            continue
        items.append(
            DialogueItem(
                item=item,
                kind=row.text("kindName"),
                date=row.text("when", None),
                as_of=row.text("asOf", None),
                status=row.text("status", None),
                words=row.text("words", None),
                speaker=linked(row, "speaker", "speakerLabel"),
                role=row.text("roleLabel", None),
                on=row.text("on", None),
                sources=tuple(sorted(row.text("sources").split())),
            )
        )
    steps = sorted((i for i in items if i.on is None), key=lambda i: (i.when or "", i.item.iri))
    words: dict[str, list[DialogueItem]] = {}
    for i in sorted((i for i in items if i.on), key=lambda i: (i.when or "", i.item.iri)):
        words.setdefault(i.on or "", []).append(i)
    sources = source_details(store, [s for i in items for s in i.sources])
    return DialogueProfile(iri, steps, words, sources)
