"""The query side of a state's (or an organisation's) profile: its stances over time, what its
officials said, who held its posts, its dialogues, and whom it agrees with (from
:mod:`govkg.site.agreement`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.dates import date_kind
from govkg.fixed_queries import fixed_query
from govkg.site.agreement import Alignment, Neighbour, alignment, neighbours
from govkg.site.kept import KeptByKey
from govkg.site.lifecycle_profiles import Membership, memberships
from govkg.site.profiles import Linked, linked, source_details, stance_fields
from govkg.site.resources import PAGE_SIZE, Source
from govkg.store import Row, Store

_STANCES = fixed_query(__file__, "profile-actor-stances")
_QUOTES = fixed_query(__file__, "profile-quotes")
_ROLES = fixed_query(__file__, "profile-roles")
_DIALOGUES = fixed_query(__file__, "profile-dialogues")

#: The lanes of the timeline, by what the instrument is.
LANES = ("UN votes", "Summit documents", "Other instruments")


@dataclass(frozen=True)
class ActorStance:
    """One stance the actor took: the instrument, kind, dates, lane and sources."""

    stance: str
    instrument: Linked | None
    instrument_date: str | None
    lane: str
    kind: str
    kind_label: str
    date: str | None
    as_of: str | None
    sources: tuple[str, ...]
    primary: tuple[str, ...]

    @property
    def when(self) -> str | None:
        """The date the timeline puts it at: the act's, else the list's, else the instrument's."""
        return self.date or self.as_of or self.instrument_date

    @property
    def date_kind(self) -> str:
        return date_kind(self.date, self.as_of)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        label = (self.instrument.label or "").lower() if self.instrument else ""
        return self.when or "9999", label, self.stance


@dataclass(frozen=True)
class Quote:
    """Words an official said for the actor."""

    quote: str
    speaker: Linked | None
    role: str | None
    date: str | None
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Post:
    """A post held in the actor: the person, the post, when sources show it held."""

    person: Linked | None
    post: str | None
    begins: str | None
    ends: str | None
    attested: tuple[str, ...]


@dataclass(frozen=True)
class Dialogue:
    """A dialogue or bilateral meeting the actor is a party to."""

    item: Linked
    kind: str
    date: str | None
    status: str | None
    others: str


@dataclass
class StateProfile:
    """Everything a state's profile shows."""

    iri: str
    stances: list[ActorStance]
    quotes: list[Quote]
    posts: list[Post]
    dialogues: list[Dialogue]
    alignment: Alignment
    neighbours: list[Neighbour]
    sources: dict[str, Source]
    memberships: list[Membership] = field(default_factory=list)


def _lane(row: Row) -> str:
    if row.text("isVote", None):
        return LANES[0]
    return LANES[1] if row.text("atSummit", None) else LANES[2]


def actor_stances(store: Store, iri: str) -> list[ActorStance]:
    """Every stance of the actor, by date (undated last), then instrument."""
    found = []
    for row in store.query(_STANCES, {"a": ox.NamedNode(iri)}).records():
        stance = row["stance"]
        if not isinstance(stance, ox.NamedNode):
            continue
        found.append(
            ActorStance(
                stance=stance.value,
                instrument=linked(row, "instrument", "instrumentLabel"),
                instrument_date=row.text("instrumentDate", None),
                lane=_lane(row),
                **stance_fields(row),
            )
        )
    return sorted(found, key=lambda s: s.sort_key)


#: The stances of the actors whose pages were asked for last (each page shows 100 of them, its
#: timeline the 400 most recent: all are read, and kept a while).
_KEPT_STANCES: KeptByKey[str, list[ActorStance]] = KeptByKey(actor_stances, 32)


def kept_actor_stances(store: Store, iri: str) -> list[ActorStance]:
    """:func:`actor_stances`, kept for :data:`govkg.site.kept.TTL` seconds."""
    return _KEPT_STANCES.get(store, iri)


def quotes(store: Store, iri: str) -> list[Quote]:
    """What the actor's officials said, by date then speaker."""
    found = [
        Quote(
            quote=row.text("quote"),
            speaker=linked(row, "speaker", "speakerLabel"),
            role=row.text("roleLabel", None),
            date=row.text("date", None),
            text=row.text("text"),
            sources=tuple(sorted(row.text("sources").split())),
        )
        for row in store.query(_QUOTES, {"a": ox.NamedNode(iri)}).records()
    ]
    return sorted(found, key=lambda q: (q.date or "9999", q.quote))


def posts(store: Store, iri: str) -> list[Post]:
    """Who held which post in the actor, by person then post."""
    found = [
        Post(
            person=linked(row, "person", "personLabel"),
            post=row.text("postLabel", None),
            begins=row.text("begins", None),
            ends=row.text("ends", None),
            attested=tuple(sorted(row.text("attestedOn").split())),
        )
        for row in store.query(_ROLES, {"a": ox.NamedNode(iri)}).records()
    ]
    return sorted(found, key=lambda p: ((p.person.label or "") if p.person else "", p.post or ""))


def dialogues(store: Store, iri: str) -> list[Dialogue]:
    """The actor's dialogues and bilateral meetings, by date (undated first: the dialogues)."""
    found = []
    for row in store.query(_DIALOGUES, {"a": ox.NamedNode(iri)}).records():
        item = linked(row, "item", "label")
        if item is not None:
            found.append(
                Dialogue(
                    item=item,
                    kind=row.text("kind", "") or "dialogue",
                    date=row.text("date", None),
                    status=row.text("status", None),
                    others=row.text("others"),
                )
            )
    return sorted(found, key=lambda d: (d.date or "", d.item.iri))


def state_profile(store: Store, iri: str, page: int = 1) -> StateProfile:
    """The profile of the actor ``iri``, with the sources of page ``page`` of its stances (an
    actor with thousands of stances describes the sources of the 100 it shows)."""
    stances = kept_actor_stances(store, iri)
    said = quotes(store, iri)
    found = alignment(store)
    row = found.index(iri)
    ranked = neighbours(found, row) if row is not None else []
    shown = stances[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    cited = [i for s in shown for i in (*s.sources, *s.primary)]
    cited += [i for q in said for i in q.sources]
    joined = memberships(store, iri)
    cited += [i for m in joined for i in m.sources]
    return StateProfile(
        iri=iri,
        stances=stances,
        quotes=said,
        posts=posts(store, iri),
        dialogues=dialogues(store, iri),
        alignment=found,
        neighbours=ranked,
        sources=source_details(store, cited),
        memberships=joined,
    )
