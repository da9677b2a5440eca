"""The views an export can take: stances, alignment and dialogues (the full graph is in
``full.py``).  Each builds a :class:`ViewGraph` from the store."""

from __future__ import annotations

import heapq
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter
from typing import Any

import numpy as np

from govkg.align import Filters, apply_filters, load_matrix, measure
from govkg.dates import date_kind
from govkg.errors import ExportError
from govkg.export.describe import (
    ACTOR_ATTRIBUTES,
    INSTRUMENT_ATTRIBUTES,
    Catalogue,
    list_coverage,
    local_name,
)
from govkg.export.filters import in_range, kept_instruments, overlaps
from govkg.export.lifecycle import ENDED_BY, MEMBER, Act, Membership, ending_dates, memberships
from govkg.export.model import ViewGraph
from govkg.export.palette import colour_for
from govkg.export.request import MEASURES, ExportRequest
from govkg.export.texts import Texts
from govkg.export.timeline import normalise_date
from govkg.fixed_queries import fixed_query
from govkg.store import Store

STANCES = fixed_query(__file__, "stances")
#: The same rows, each property read by one scan (hash joins): for a store on disk.
STANCES_BY_SCAN = fixed_query(__file__, "stances-by-scan")
#: Dialogues and meetings with their parties; agreements with the actors of their stances.
LINKS = fixed_query(__file__, "links")
#: A link's date: its own (dcterms:date, schema:startDate, gk:asOf, in that order), else its
#: first meeting's, else the start of the event that adopted it.
LINK_DATES = fixed_query(__file__, "link-dates")
#: Topics: gk:topic, and a meeting's or agreement's gk:theme (directly or via its principles).
TOPICS = "SELECT DISTINCT ?link ?t WHERE { ?link gk:topic|gk:theme|gk:hasPrinciple/gk:theme ?t }"

STANCE_NODE_ATTRIBUTES = {"side": "string", **ACTOR_ATTRIBUTES, **INSTRUMENT_ATTRIBUTES}
#: ``date_kind``: ``act`` (dcterms:date), ``as_of`` (gk:asOf: listed by that date) or ``unknown``;
#: ``as_of`` is true for an as-of date (kept for readers of earlier exports).
STANCE_EDGE_ATTRIBUTES = {
    "kind": "string",
    "date": "string",
    "date_kind": "string",
    "as_of": "boolean",
}
ALIGNMENT_EDGE_ATTRIBUTES = {"n": "integer", **{m: "double" for m in MEASURES}}
DIALOGUE_EDGE_ATTRIBUTES = {
    "kind": "string",
    "date": "string",
    "topics": "string",
    "link": "string",
}


def _add_actor(view: ViewGraph, catalogue: Catalogue, iri: str) -> None:
    attrs = catalogue.actor(iri)
    extra = {"side": "actor"} if "side" in view.node_attributes else {}
    colour = colour_for(catalogue.types.get(iri, ()))
    view.add_node(iri, catalogue.label(iri), {**extra, **attrs}, colour=colour)


def _add_instrument(view: ViewGraph, catalogue: Catalogue, iri: str) -> None:
    attrs = catalogue.instrument(iri)
    view.add_node(
        iri,
        catalogue.label(iri),
        {"side": "instrument", **attrs},
        colour=colour_for(catalogue.types.get(iri, ())),
        date=normalise_date(str(attrs["date"])),
    )


def _lists(view: ViewGraph, catalogue: Catalogue) -> None:
    """The coverage of the instrument lists the view shows (its instrument nodes)."""
    view.lists = tuple(item for iri, item in sorted(catalogue.coverage.items()) if iri in view)


def stances_view(
    store: Store, request: ExportRequest, catalogue: Catalogue | None = None
) -> ViewGraph:
    """Actors and instruments, an edge per stance from actor to instrument (ended by a later
    withdrawal or departure, see :mod:`govkg.export.lifecycle`), and an edge per membership from
    member to organisation.  One query gives the stances, one the memberships; the catalogue
    describes the actors, instruments and stance kinds they name, and nothing else.

    The stances are held as numbers beside their ids (:class:`StanceRows`), which the view takes
    over; the coverage of the lists is read before them (its grouping in the store is then the
    only thing held)."""
    view = ViewGraph("stances", True, STANCE_NODE_ATTRIBUTES, STANCE_EDGE_ATTRIBUTES)
    kept = kept_instruments(store, request.filters)
    lists = list_coverage(store, kept) if catalogue is None else None
    rows = StanceRows.read(store, kept)
    members = _kept_memberships(store, request)
    if catalogue is None:
        named = rows.named()
        named.update(iri for m in members for iri in (m.member, m.organisation))
        catalogue = Catalogue.load(store, named, lists)
    picks = rows.earliest()
    if request.filters.date_from or request.filters.date_to:
        picks = rows.in_range(picks, request.filters, catalogue)
    _add_edges(view, catalogue, rows, picks, members)
    del rows, picks
    if not len(view):
        raise ExportError("no stance matches the filters")
    _lists(view, catalogue)
    return view


def stances_query(store: Store) -> str:
    """The stances query to run on ``store``: by scans on disk, where Oxigraph's plan for the
    plain query reads each stance's properties one lookup at a time (5 times slower at 400,000
    triples); the plain one elsewhere (in memory its lookups are faster than the hash joins)."""
    return STANCES_BY_SCAN if store.folder is not None else STANCES


@dataclass
class StanceRows:
    """The rows of the stances query, compact: the stances' ids in one :class:`Texts` (in the
    order the store gave them), and per row the numbers of its actor, instrument, kind, act date
    and as-of date in ``names`` (number 0: "", no date)."""

    ids: Texts
    actor: array[int]
    instrument: array[int]
    kind: array[int]
    day: array[int]
    as_of: array[int]
    names: list[str]

    @classmethod
    def read(cls, store: Store, kept: set[str] | None) -> StanceRows:
        """The stances of the kept instruments (all without an instrument filter), each row read
        as the store streams it (the answer is never held)."""
        ids, columns = Texts(), [array("I") for _ in range(5)]
        numbers: dict[str, int] = {"": 0}
        number, keep = numbers.setdefault, ids.append
        actors, instruments, kinds, days, as_ofs = (column.append for column in columns)
        answer: Iterator[Any] = store.iter_rows(stances_query(store))  # IRIs; literals or None
        for stance, actor, instrument, kind, day, as_of in answer:
            target = instrument.value
            if kept is not None and target not in kept:
                continue
            keep(stance.value)
            actors(number(actor.value, len(numbers)))
            instruments(number(target, len(numbers)))
            kinds(number(kind.value, len(numbers)))
            days(number(day.value, len(numbers)) if day is not None else 0)
            as_ofs(number(as_of.value, len(numbers)) if as_of is not None else 0)
        actor, instrument, kind, day, as_of = columns
        return cls(ids, actor, instrument, kind, day, as_of, list(numbers))

    def earliest(self) -> array[int]:
        """The rows the view shows, sorted by stance: one for each stance and actor, instrument
        and kind (the query gives a row for each pair of its dates), given the earliest act date
        and as-of date of its rows ("" when none has one); those of a stance in the order of
        its actor's, instrument's and kind's IRIs."""
        order, repeats = self.ids.order()
        if not repeats:  # a row a stance
            return order
        again, picks = set(repeats), array("I")
        group: list[int] = []
        for place, row in enumerate(order):
            if group and place not in again:
                picks.extend(self._merged(group))
                group = []
            group.append(row)
        picks.extend(self._merged(group))
        return picks

    def _merged(self, group: list[int]) -> list[int]:
        """One row for each actor, instrument and kind of one stance's rows, with their earliest
        dates."""
        if len(group) == 1:
            return group
        names, days, as_ofs = self.names, self.day, self.as_of
        first: dict[tuple[int, int, int], int] = {}
        for row in group:
            key = (self.actor[row], self.instrument[row], self.kind[row])
            if key not in first:
                first[key] = row
                continue
            kept = first[key]
            days[kept] = _earlier(days[kept], days[row], names)
            as_ofs[kept] = _earlier(as_ofs[kept], as_ofs[row], names)
        return sorted(first.values(), key=lambda row: self.iris(row))

    def named(self) -> set[str]:
        """The actors, instruments and kinds of the rows."""
        columns = (self.actor, self.instrument, self.kind)
        return {self.names[number] for column in columns for number in set(column)}

    def iris(self, row: int) -> tuple[str, str, str]:
        """A row's actor, instrument and kind."""
        names = self.names
        return names[self.actor[row]], names[self.instrument[row]], names[self.kind[row]]

    def date(self, row: int) -> str:
        """A row's act date, else its as-of date ("" when neither)."""
        return self.names[self.day[row] or self.as_of[row]]

    def in_range(self, picks: array[int], filters: Filters, catalogue: Catalogue) -> array[int]:
        """The rows dated (the stance's date, else its instrument's) within ``--from``/``--to``."""
        names = self.names
        return array(
            "I",
            (
                row
                for row in picks
                if in_range(
                    self.date(row) or catalogue.instrument_date(names[self.instrument[row]]),
                    filters,
                )
            ),
        )


def _earlier(one: int, other: int, names: list[str]) -> int:
    """The earlier of two dates (by number), 0 (none) only when both are."""
    if one and other:
        return one if names[one] <= names[other] else other
    return one or other


def _add_edges(
    view: ViewGraph,
    catalogue: Catalogue,
    rows: StanceRows,
    picks: array[int],
    members: list[Membership],
) -> None:
    """The stance edges (the picked rows, their ids taken from ``rows``, which the view takes
    over) and the membership edges, merged in id order: the view needs no sort."""
    add_stance = _stance_adder(view, catalogue, rows, picks)
    stances: Iterator[tuple[str, int | Membership]] = ((rows.ids[row], row) for row in picks)
    by_id: Iterator[tuple[str, int | Membership]] = ((m.iri, m) for m in members)
    for edge_id, item in heapq.merge(stances, by_id, key=itemgetter(0)):
        if isinstance(item, Membership):
            _add_membership(view, catalogue, item)
        else:
            add_stance(edge_id, item)


def _stance_adder(
    view: ViewGraph, catalogue: Catalogue, rows: StanceRows, picks: array[int]
) -> Callable[[str, int], None]:
    """What adds the edge of a picked row (by its id and row), its endpoints added as they are
    first met; the stances' styles (label, attribute row, colour, date) made once per kind and
    date."""
    names = rows.names
    kinds = {kind: local_name(names[kind]) for kind in {rows.kind[row] for row in picks}}
    ends = _ending_dates(rows, picks, kinds)
    styles: dict[tuple[int, int, int], int] = {}
    added: set[int] = set()
    view.take_edge_ids(rows.ids)

    def add(edge_id: str, row: int) -> None:
        actor, instrument, kind = rows.actor[row], rows.instrument[row], rows.kind[row]
        if actor not in added:
            added.add(actor)
            _add_actor(view, catalogue, names[actor])
        if instrument not in added:
            added.add(instrument)
            _add_instrument(view, catalogue, names[instrument])
        key = (kind, rows.day[row], rows.as_of[row])
        style = styles.get(key)
        if style is None:
            style = styles[key] = _stance_style(view, catalogue, names, key)
        source, target = names[actor], names[instrument]
        view.add_styled_edge(row, source, target, style, ends.get(row, ()), edge_id=edge_id)

    return add


def _stance_style(
    view: ViewGraph, catalogue: Catalogue, names: list[str], key: tuple[int, int, int]
) -> int:
    """The style of the stances of one kind, act date and as-of date (numbers in ``names``)."""
    kind, day, as_of = (names[number] for number in key)
    label = catalogue.label(kind)
    row = view.edge_schema.row(
        {
            "kind": label,
            "date": day or as_of,
            "date_kind": date_kind(day, as_of),
            "as_of": bool(as_of and not day),
        }
    )
    colour = colour_for([local_name(kind)])
    return view.edge_style(label=label, attrs=row, colour=colour, date=normalise_date(day or as_of))


def _ending_dates(
    rows: StanceRows, picks: array[int], kinds: dict[int, str]
) -> dict[int, tuple[str, ...]]:
    """Each picked row some act may end → the dates of those acts (see :func:`ending_dates`),
    read from the rows of the (actor, instrument) pairs with an ending act (no other stance can
    be ended)."""
    ending = {kind for kind, name in kinds.items() if name in ENDED_BY}
    if not ending:
        return {}
    pairs = {(rows.actor[row], rows.instrument[row]) for row in picks if rows.kind[row] in ending}
    chosen = [row for row in picks if (rows.actor[row], rows.instrument[row]) in pairs]
    names = rows.names
    acts = [
        Act(str(row), names[rows.actor[row]], names[rows.instrument[row]], kinds[rows.kind[row]],
            normalise_date(rows.date(row)))
        for row in chosen
    ]  # fmt: skip
    return {int(stance): dates for stance, dates in ending_dates(acts).items()}


def _kept_memberships(store: Store, request: ExportRequest) -> list[Membership]:
    """The memberships the view shows: none when instruments or series are asked for (a
    membership is of no instrument), those whose interval meets ``--from``/``--to``."""
    if request.filters.instruments or request.filters.series:
        return []
    return [m for m in memberships(store) if overlaps(m.begin, m.end, request.filters)]


def _add_membership(view: ViewGraph, catalogue: Catalogue, membership: Membership) -> None:
    """An edge of kind ``member``, from the membership's beginning to its end."""
    for actor in (membership.member, membership.organisation):
        if actor not in view:
            _add_actor(view, catalogue, actor)
    end = normalise_date(membership.end)
    view.add_edge(
        membership.iri,
        membership.member,
        membership.organisation,
        label=MEMBER,
        attrs={
            "kind": MEMBER,
            "date": membership.begin,
            "date_kind": date_kind(membership.begin, None),
            "as_of": False,
        },
        colour=colour_for([MEMBER]),
        date=normalise_date(membership.begin),
        ends=(end,) if end else (),
    )


def alignment_view(
    store: Store, request: ExportRequest, catalogue: Catalogue | None = None
) -> ViewGraph:
    """Actor-to-actor edges weighted by an alignment measure, kept at or above the threshold."""
    view = ViewGraph("alignment", False, dict(ACTOR_ATTRIBUTES), ALIGNMENT_EDGE_ATTRIBUTES)
    matrix = apply_filters(load_matrix(store), request.filters)
    result = measure(matrix, absent="missing")
    upper_a, upper_b = np.triu_indices(len(matrix.actors), k=1)
    weights = result.values[request.measure][upper_a, upper_b]
    keep = ~np.isnan(weights) & (weights >= request.threshold)
    pairs = [(int(a), int(b)) for a, b in zip(upper_a[keep], upper_b[keep], strict=True)]
    if not pairs:
        raise ExportError(f"no pair of actors has {request.measure} >= {request.threshold:g}")
    shown = sorted({i for pair in pairs for i in pair})
    if catalogue is None:
        catalogue = Catalogue.load(store, {matrix.actors[index] for index in shown})
    for index in shown:
        _add_actor(view, catalogue, matrix.actors[index])
    for a, b in pairs:
        values = {m: float(result.values[m][a, b]) for m in MEASURES}
        view.add_edge(
            f"{matrix.actors[a]}|{matrix.actors[b]}",
            matrix.actors[a],
            matrix.actors[b],
            attrs={
                "n": int(result.values["n"][a, b]),
                **{m: round(v, 6) for m, v in values.items() if not np.isnan(v)},
            },
            weight=round(values[request.measure], 6),
        )
    _lists(view, catalogue)
    return view


def dialogues_view(
    store: Store, request: ExportRequest, catalogue: Catalogue | None = None
) -> ViewGraph:
    """Actors linked by bilateral dialogues, meetings and agreements, an edge per link."""
    view = ViewGraph("dialogues", False, dict(ACTOR_ATTRIBUTES), DIALOGUE_EDGE_ATTRIBUTES)
    kept = kept_instruments(store, request.filters)
    instrument_filter = bool(request.filters.instruments or request.filters.series)
    links, dates, topics = _links(store), _link_dates(store), _topics(store)
    shown = [
        (link, kind, actors)
        for (link, kind), actors in sorted(links.items())
        if not (instrument_filter and (kind != "agreement" or kept is None or link not in kept))
        and in_range(dates.get(link, ""), request.filters)
        and len(actors) > 1
    ]
    if catalogue is None:
        named = {iri for link, _kind, actors in shown for iri in (link, *actors)}
        named.update(t for link, _kind, _actors in shown for t in topics.get(link, ()))
        catalogue = Catalogue.load(store, named)
    for link, kind, actors in shown:
        for a, b in combinations(sorted(actors), 2):
            for actor in (a, b):
                if actor not in view:
                    _add_actor(view, catalogue, actor)
            view.add_edge(
                f"{link}|{a}|{b}",
                a,
                b,
                label=catalogue.label(link),
                attrs={
                    "kind": kind,
                    "date": dates.get(link),
                    "topics": [catalogue.label(t) for t in topics.get(link, ())],
                    "link": link,
                },
                colour=colour_for([kind]),
                date=normalise_date(dates.get(link)),
                kind=kind,
            )
    if not len(view):
        raise ExportError("no dialogue, meeting or agreement matches the filters")
    _lists(view, catalogue)
    return view


def _links(store: Store) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in store.query(LINKS).records():
        found[(row.text("link"), row.text("kind"))].add(row.text("actor"))
    return found


def _link_dates(store: Store) -> dict[str, str]:
    ranked = sorted(
        (row.int("rank"), row.text("link"), row.text("date"))
        for row in store.query(LINK_DATES).records()
    )
    found: dict[str, str] = {}
    for _rank, link, day in ranked:
        found.setdefault(link, day)
    return found


def _topics(store: Store) -> dict[str, list[str]]:
    """Each link's topics (IRIs)."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in store.query(TOPICS).records():
        found[row.text("link")].append(row.text("t"))
    return found
