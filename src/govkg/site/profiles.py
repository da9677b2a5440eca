"""The query side of the profile pages: what an instrument is, who took which stance on it, what
the sources report, and where each state stands on it (for the map).

Every query binds the resource through the store's ``bindings``; the lists of sources go in a
``VALUES`` block written by Oxigraph (:func:`govkg.fixed_queries.with_values`).  Rows are sorted
here, so every store gives the same page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from govkg.coverage import ListCoverage, instrument_coverage
from govkg.dates import date_kind
from govkg.fixed_queries import fixed_query, with_values
from govkg.site.lifecycle_profiles import LifecycleClaim, lifecycle_claims
from govkg.site.palette import BY_KEY, SWATCHES, swatch
from govkg.site.resources import Source
from govkg.store import Row, Store

_INSTRUMENT = fixed_query(__file__, "profile-instrument")
_STANCES = fixed_query(__file__, "profile-instrument-stances")
_CLAIMS = fixed_query(__file__, "profile-count-claims")
_PRINCIPLES = fixed_query(__file__, "profile-principles")
_STATES = fixed_query(__file__, "profile-states")
_SOURCES = fixed_query(__file__, "profile-sources")


@dataclass(frozen=True)
class Linked:
    """A resource the page links to, with its label (None: show the IRI)."""

    iri: str
    label: str | None


@dataclass(frozen=True)
class InstrumentFacts:
    """What an instrument is: its names, date, types, bindingness and the event that adopted it."""

    iri: str
    label: str
    title: str | None
    date: str | None
    binding: bool | None
    description: str | None
    types: str
    event: Linked | None
    event_date: str | None
    place: Linked | None
    series: Linked | None


@dataclass(frozen=True)
class ProfileStance:
    """One stance on the instrument, as the profile's table and map show it."""

    stance: str
    actor: Linked | None
    iso3: str | None
    m49: str | None
    kind: str  # the kind's slug: signed, voted-no …
    kind_label: str
    date: str | None
    as_of: str | None
    sources: tuple[str, ...]
    primary: tuple[str, ...]

    @property
    def date_kind(self) -> str:
        return date_kind(self.date, self.as_of)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """By date (act or as-of; undated last), then actor, then stance."""
        when = self.date or self.as_of or "9999"
        return when, (self.actor.label or "").lower() if self.actor else "", self.stance


@dataclass(frozen=True)
class CountClaim:
    """A number a source reports about the instrument's list."""

    claim: str
    label: str | None
    counts: str  # signatories, attendees …
    value: int
    precision: str
    as_of: str | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Principle:
    """A principle the instrument commits to, with its theme."""

    principle: Linked
    theme: Linked | None


@dataclass(frozen=True)
class MapState:
    """A state the map can colour: its IRI, label, ISO code and M49 code."""

    iri: str
    label: str
    iso3: str | None
    m49: str
    un_member: bool = True


@dataclass
class InstrumentProfile:
    """Everything an instrument's profile shows."""

    facts: InstrumentFacts
    coverage: ListCoverage | None
    stances: list[ProfileStance]
    claims: list[CountClaim]
    principles: list[Principle]
    sources: dict[str, Source] = field(default_factory=dict)
    lifecycle: list[LifecycleClaim] = field(default_factory=list)

    def kind_counts(self) -> list[tuple[str, int, int]]:
        """(kind slug, stances, actors) per stance kind, in the palette's order."""
        stances: dict[str, int] = {}
        actors: dict[str, set[str]] = {}
        for s in self.stances:
            stances[s.kind] = stances.get(s.kind, 0) + 1
            actors.setdefault(s.kind, set()).add(s.actor.iri if s.actor else s.stance)
        order = [sw.key for sw in SWATCHES if sw.key in stances]
        order += sorted(k for k in stances if k not in BY_KEY)
        return [(k, stances[k], len(actors[k])) for k in order]

    @property
    def list_complete(self) -> bool:
        """Whether a state with no stance is known not to be on the list (complete, or complete
        as of a date)."""
        return self.coverage is not None and self.coverage.status in ("complete", "complete-as-of")


def linked(row: Row, iri_var: str, label_var: str) -> Linked | None:
    """The IRI in a row's ``iri_var`` with the label in its ``label_var``; None when unbound."""
    term = row[iri_var]
    if not isinstance(term, ox.NamedNode):
        return None
    return Linked(term.value, row.text(label_var, None))


def _slug(iri: str | None) -> str:
    return (iri or "").rsplit("/", 1)[-1]


def instrument_facts(store: Store, iri: str) -> InstrumentFacts | None:
    """What the instrument ``iri`` is, or None when the store has no such resource."""
    rows = store.query(_INSTRUMENT, {"i": ox.NamedNode(iri)}).records()
    if not rows:
        return None
    row = rows[0]
    binding = row.text("binding", None)
    return InstrumentFacts(
        iri=iri,
        label=row.text("label", None) or _slug(iri),
        title=row.text("title", None),
        date=row.text("date", None),
        binding=None if binding is None else binding in ("true", "1"),
        description=row.text("description", None),
        types=row.text("types"),
        event=linked(row, "event", "eventLabel"),
        event_date=row.text("eventDate", None),
        place=linked(row, "placeIri", "placeLabel"),
        series=linked(row, "seriesIri", "seriesLabel"),
    )


def instrument_stances(store: Store, iri: str) -> list[ProfileStance]:
    """Every stance on the instrument, by date (undated last), then actor."""
    found = []
    for row in store.query(_STANCES, {"i": ox.NamedNode(iri)}).records():
        stance = row["stance"]
        if not isinstance(stance, ox.NamedNode):
            continue
        found.append(
            ProfileStance(
                stance=stance.value,
                actor=linked(row, "actor", "actorLabel"),
                iso3=row.text("iso3", None),
                m49=row.text("m49", None),
                **stance_fields(row),
            )
        )
    return sorted(found, key=lambda s: s.sort_key)


def stance_fields(row: Row) -> dict[str, Any]:
    """What every stance row of the profile queries gives: the kind's slug and label, the act's
    date, the list's as-of date, the sources and the primary documents."""
    kind = row.text("kind", "").rsplit("/", 1)[-1] or "unknown"
    return {
        "kind": kind,
        "kind_label": row.text("kindLabel", None) or swatch(kind).name,
        "date": row.text("date", None),
        "as_of": row.text("asOf", None),
        "sources": tuple(sorted(row.text("sources").split())),
        "primary": tuple(sorted(row.text("primary").split())),
    }


def count_claims(store: Store, iri: str) -> list[CountClaim]:
    """The counts sources report about the instrument, by as-of date then value."""
    found = []
    for row in store.query(_CLAIMS, {"i": ox.NamedNode(iri)}).records():
        claim, value = row["claim"], row.text("value", None)
        if not isinstance(claim, ox.NamedNode) or value is None:
            continue
        found.append(
            CountClaim(
                claim=claim.value,
                label=row.text("label", None),
                counts=_slug(row.text("counts", None)) or "actors",
                value=int(float(value)),
                precision=_slug(row.text("precision", None)) or "exact",
                as_of=row.text("asOf", None),
                sources=tuple(sorted(row.text("sources").split())),
            )
        )
    return sorted(found, key=lambda c: (c.as_of or "", c.value, c.claim))


def principles(store: Store, iri: str) -> list[Principle]:
    """The principles the instrument commits to, by label."""
    found = []
    for row in store.query(_PRINCIPLES, {"i": ox.NamedNode(iri)}).records():
        principle = linked(row, "principle", "label")
        if principle is not None:
            found.append(Principle(principle, linked(row, "theme", "themeLabel")))
    return sorted(found, key=lambda p: ((p.principle.label or "").lower(), p.principle.iri))


def map_states(store: Store) -> list[MapState]:
    """Every state with an M49 code, by label."""
    found = []
    for row in store.query(_STATES).records():
        state = row["state"]
        if isinstance(state, ox.NamedNode):
            label = row.text("label", None) or _slug(state.value)
            member = row.text("unStatus", "member") == "member"
            found.append(
                MapState(state.value, label, row.text("iso3", None), row.text("m49"), member)
            )
    return sorted(found, key=lambda s: (s.label.lower(), s.iri))


def source_details(store: Store, iris: Iterable[str]) -> dict[str, Source]:
    """What the page shows of each source: label, title, URL, publisher and date."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    terms = " ".join(str(ox.NamedNode(i)) for i in wanted)
    found: dict[str, Source] = {}
    for row in store.query(with_values(_SOURCES, "src", terms)).records():
        if isinstance(src := row["src"], ox.NamedNode):
            names = ("label", "title", "url", "publisher", "date")
            found[src.value] = Source(src.value, *(row.text(name, None) for name in names))
    return found


def instrument_profile(store: Store, iri: str) -> InstrumentProfile | None:
    """The profile of the instrument ``iri``, or None when the store does not describe it."""
    facts = instrument_facts(store, iri)
    if facts is None:
        return None
    coverage = next(iter(instrument_coverage(store, [iri])), None)
    stances = instrument_stances(store, iri)
    claims = count_claims(store, iri)
    profile = InstrumentProfile(facts, coverage, stances, claims, principles(store, iri))
    profile.lifecycle = lifecycle_claims(store, iri)
    cited = [i for s in stances for i in (*s.sources, *s.primary)]
    cited += [i for c in claims for i in c.sources]
    cited += [i for lc in profile.lifecycle for i in lc.sources]
    profile.sources = source_details(store, cited)
    return profile


def state_cells(
    profile: InstrumentProfile, states: Sequence[MapState]
) -> dict[str, tuple[str, list[ProfileStance]]]:
    """Each state's cell on the instrument's map, by M49 code: the palette key (its stance kind,
    the first in the palette's order when it has several; else ``not-party`` on a UN vote for a
    state that is not a UN member, ``not-listed`` on a complete list, ``no-record`` on one that
    is not) and its stances."""
    by_actor: dict[str, list[ProfileStance]] = {}
    for s in profile.stances:
        if s.actor is not None:
            by_actor.setdefault(s.actor.iri, []).append(s)
    missing = "not-listed" if profile.list_complete else "no-record"
    vote = "resolution" in profile.facts.types.split(", ")
    order = {sw.key: i for i, sw in enumerate(SWATCHES)}
    cells = {}
    for state in states:
        own = by_actor.get(state.iri, [])
        absent = "not-party" if vote and not state.un_member else missing
        key = min((s.kind for s in own), key=lambda k: order.get(k, 99), default=absent)
        cells[state.m49] = (key, own)
    return cells
