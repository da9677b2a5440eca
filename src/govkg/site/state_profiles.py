"""The query side of a state's (or an organisation's) profile: its stances over time, what its
officials said, who held its posts, its dialogues, and whom it agrees with (from
:mod:`govkg.site.agreement`).

What a page shows of the actor whatever its page number (its stances in order, without their
sources, for the timeline and the count; its officials' words, posts, dialogues, memberships) is
read once and kept a while (:mod:`govkg.site.kept`); a page reads the sources of the stances it
shows, 100 of them, not of all (an actor has 4,000 stances at 4 M triples, where each stance's
sources cost a lookup of about 40 µs on disk).  The alignment is a whole-graph computation that
takes minutes at 4 M triples: a page that asks for it before it is ready is told so
(:attr:`StateProfile.alignment` is None) rather than made to wait.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from govkg.dates import date_kind
from govkg.fixed_queries import fixed_query, with_values
from govkg.site.agreement import Alignment, Neighbour, alignment, neighbours
from govkg.site.kept import Kept, KeptByKey
from govkg.site.lifecycle_profiles import Membership, memberships
from govkg.site.profiles import Linked, linked, source_details, stance_fields
from govkg.site.resources import PAGE_SIZE, Source
from govkg.store import Row, Store

_STANCES = fixed_query(__file__, "profile-actor-stances")
_STANCE_KEYS = fixed_query(__file__, "profile-actor-stance-keys")
_STANCE_SOURCES = fixed_query(__file__, "profile-stance-sources")
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
    alignment: Alignment | None  # None: the store's is not ready yet
    neighbours: list[Neighbour]
    sources: dict[str, Source]
    memberships: list[Membership] = field(default_factory=list)


def _lane(row: Row) -> str:
    if row.text("isVote", None):
        return LANES[0]
    return LANES[1] if row.text("atSummit", None) else LANES[2]


def _actor_stance(row: Row) -> ActorStance | None:
    """A row of ``profile-actor-stances.rq`` (or of its keys alone: no sources) as a stance."""
    stance = row["stance"]
    if not isinstance(stance, ox.NamedNode):
        return None
    fields = stance_fields(row if "sources" in row else _unsourced(row))
    return ActorStance(
        stance=stance.value,
        instrument=linked(row, "instrument", "instrumentLabel"),
        instrument_date=row.text("instrumentDate", None),
        lane=_lane(row),
        **fields,
    )


def _unsourced(row: Row) -> Row:
    """The row with ``?sources`` and ``?primary`` unbound (read later, for a page's stances)."""
    names = [*row, "sources", "primary"]
    return Row({name: k for k, name in enumerate(names)}, [*row.values(), None, None])


def actor_stances(store: Store, iri: str) -> list[ActorStance]:
    """Every stance of the actor with its sources, by date (undated last), then instrument."""
    rows = store.query(_STANCES, {"a": ox.NamedNode(iri)}).records()
    found = [s for row in rows if (s := _actor_stance(row)) is not None]
    return sorted(found, key=lambda s: s.sort_key)


def ordered_stances(store: Store, iri: str) -> list[ActorStance]:
    """Every stance of the actor in :func:`actor_stances`'s order, without its sources (``()``):
    what orders the pages of its stance table and draws its timeline."""
    rows = store.query(_STANCE_KEYS, {"a": ox.NamedNode(iri)}).records()
    found = [s for row in rows if (s := _actor_stance(row)) is not None]
    return sorted(found, key=lambda s: s.sort_key)


def with_sources(store: Store, stances: Sequence[ActorStance]) -> list[ActorStance]:
    """The stances with their sources and primary documents, read for these stances alone."""
    if not stances:
        return []
    terms = " ".join(str(ox.NamedNode(s.stance)) for s in stances)
    rows = store.query(with_values(_STANCE_SOURCES, "stance", terms)).records()
    found = {row.text("stance"): row for row in rows}
    out = []
    for s in stances:
        row = found.get(s.stance)
        if row is None:
            out.append(s)
            continue
        sources, primary = (tuple(sorted(row.text(n).split())) for n in ("sources", "primary"))
        out.append(replace(s, sources=sources, primary=primary))
    return out


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


@dataclass(frozen=True)
class ActorParts:
    """What every page of an actor shows, whatever its page number: its stances in order
    (without their sources), its officials' words and posts, its dialogues and memberships, and
    the sources these cite."""

    stances: list[ActorStance]
    quotes: list[Quote]
    posts: list[Post]
    dialogues: list[Dialogue]
    memberships: list[Membership]
    sources: dict[str, Source]


def actor_parts(store: Store, iri: str) -> ActorParts:
    """The actor's :class:`ActorParts`, read from the store."""
    said = quotes(store, iri)
    joined = memberships(store, iri)
    cited = [i for q in said for i in q.sources] + [i for m in joined for i in m.sources]
    return ActorParts(
        stances=ordered_stances(store, iri),
        quotes=said,
        posts=posts(store, iri),
        dialogues=dialogues(store, iri),
        memberships=joined,
        sources=source_details(store, cited),
    )


@dataclass(frozen=True)
class StancePage:
    """One page of an actor's stance table: its stances with their sources, and those sources'
    details."""

    stances: list[ActorStance]
    sources: dict[str, Source]


def stance_page(store: Store, key: tuple[str, int]) -> StancePage:
    """Page ``key[1]`` (from 1) of the stance table of the actor ``key[0]``, in the kept order;
    past the last page, no stance."""
    iri, page = key
    order = kept_parts(store, iri).stances
    shown = with_sources(store, order[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    cited = [i for s in shown for i in (*s.sources, *s.primary)]
    return StancePage(shown, source_details(store, cited))


#: What the pages of the actors asked for last show whatever their page number, kept a while
#: (reading an actor's 4,000 stances in order takes seconds at 4 M triples).
_PARTS: KeptByKey[str, ActorParts] = KeptByKey(actor_parts, 32)
#: The pages of stance tables asked for last (actor, page), kept a while.
_PAGES: KeptByKey[tuple[str, int], StancePage] = KeptByKey(stance_page, 256)


def kept_parts(store: Store, iri: str) -> ActorParts:
    """:func:`actor_parts`, kept for :data:`govkg.site.kept.TTL` seconds."""
    return _PARTS.get(store, iri)


def _aligned(store: Store) -> Alignment:
    """The store's alignment, with the ideal points of its actors worked out (both are read by
    a state's page; at 4 M triples they take minutes)."""
    from govkg.site.ideal_pages import ideal_points

    found = alignment(store)
    ideal_points(found)
    return found


#: The alignment and its ideal points once they are ready (a page never waits minutes for them).
_ALIGNED: Kept[Alignment] = Kept(_aligned, "agreement between actors")
#: Seconds after the alignment was first asked for (when the server starts) during which a page
#: waits for it rather than say it is not ready: a small graph's is read within them; at 4 M
#: triples it takes minutes.
ALIGNMENT_WAIT_S = 30.0


def read_alignment(store: Store) -> Alignment:
    """The store's alignment with its ideal points, read now unless kept (what the server reads
    in the background when it starts)."""
    return _ALIGNED.get(store)


def ready_alignment(store: Store, wait_s: float | None = None) -> Alignment | None:
    """The store's alignment once it is read, else None (it goes on being read in the
    background), waiting for it until ``wait_s`` (:data:`ALIGNMENT_WAIT_S`) seconds after it was
    first asked for."""
    return _ALIGNED.ready(store, ALIGNMENT_WAIT_S if wait_s is None else wait_s)


def state_profile(store: Store, iri: str, page: int = 1) -> StateProfile:
    """The profile of the actor ``iri`` with page ``page`` of its stance table (the stances of
    that page with their sources, the others without); its alignment None while the store's is
    not ready."""
    parts = kept_parts(store, iri)
    table = _PAGES.get(store, (iri, page))
    stances = list(parts.stances)
    start = (page - 1) * PAGE_SIZE
    stances[start : start + len(table.stances)] = table.stances
    found = ready_alignment(store)
    row = found.index(iri) if found is not None else None
    ranked = neighbours(found, row) if found is not None and row is not None else []
    return StateProfile(
        iri=iri,
        stances=stances,
        quotes=parts.quotes,
        posts=parts.posts,
        dialogues=parts.dialogues,
        alignment=found,
        neighbours=ranked,
        sources={**parts.sources, **table.sources},
        memberships=parts.memberships,
    )
