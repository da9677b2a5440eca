"""The views an export can take: stances, alignment and dialogues (the full graph is in
``full.py``).  Each builds a :class:`ViewGraph` from the store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import combinations
from typing import Any

import numpy as np

from govkg.align import apply_filters, load_matrix, measure
from govkg.dates import date_kind
from govkg.errors import ExportError
from govkg.export.describe import ACTOR_ATTRIBUTES, INSTRUMENT_ATTRIBUTES, Catalogue, local_name
from govkg.export.filters import in_range, kept_instruments, overlaps
from govkg.export.lifecycle import ENDED_BY, MEMBER, Act, Membership, ending_dates, memberships
from govkg.export.model import AttrRow, ViewGraph
from govkg.export.palette import colour_for
from govkg.export.request import MEASURES, ExportRequest
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
    describes the actors, instruments and stance kinds they name, and nothing else."""
    view = ViewGraph("stances", True, STANCE_NODE_ATTRIBUTES, STANCE_EDGE_ATTRIBUTES)
    rows = _stance_rows(store, request)
    kept = _kept_memberships(store, request)
    if catalogue is None:
        named = {iri for row in rows for iri in row[1:4]}
        named.update(iri for m in kept for iri in (m.member, m.organisation))
        catalogue = Catalogue.load(store, named)
    if request.filters.date_from or request.filters.date_to:
        rows = [
            row
            for row in rows
            if in_range(row[4] or row[5] or catalogue.instrument_date(row[2]), request.filters)
        ]
    _add_stances(view, catalogue, rows)
    del rows
    _add_memberships(view, catalogue, kept)
    if not len(view):
        raise ExportError("no stance matches the filters")
    _lists(view, catalogue)
    return view


Stance = tuple[str, str, str, str, str, str]  # stance, actor, instrument, kind, date, as-of


def stances_query(store: Store) -> str:
    """The stances query to run on ``store``: by scans on disk, where Oxigraph's plan for the
    plain query reads each stance's properties one lookup at a time (5 times slower at 400,000
    triples); the plain one elsewhere (in memory its lookups are faster than the hash joins)."""
    return STANCES_BY_SCAN if store.folder is not None else STANCES


def _stance_rows(store: Store, request: ExportRequest) -> list[Stance]:
    """The stances of the kept instruments (all without an instrument filter), sorted, as
    (stance, actor, instrument, kind, date, as-of) texts, an actor, instrument or kind's text
    shared by its rows: each row of the query's answer made texts as the store gives it (the
    answer is never held), then one row a stance with its earliest date and as-of date."""
    kept = kept_instruments(store, request.filters)
    shared: dict[str, str] = {}
    rows: list[Stance] = []
    answer: Iterator[Any] = store.iter_rows(stances_query(store))  # IRIs; literals or None
    for stance, actor, instrument, kind, day, as_of in answer:
        target = instrument.value
        if kept is not None and target not in kept:
            continue
        rows.append(
            (
                stance.value,
                shared.setdefault(value := actor.value, value),
                shared.setdefault(target, target),
                shared.setdefault(value := kind.value, value),
                shared.setdefault(value := day.value, value) if day is not None else "",
                shared.setdefault(value := as_of.value, value) if as_of is not None else "",
            )
        )
    return _earliest(rows)


def _earliest(rows: list[Stance]) -> list[Stance]:
    """``rows`` sorted, with one row a stance (and actor, instrument, kind) whose date and as-of
    date are the earliest of its rows ("" when none has one): the query gives a row for each
    pair of them.  Merged in place."""
    rows.sort()
    count = 0
    for row in rows:
        last = rows[count - 1] if count else None
        if last is not None and last[0] == row[0] and last[1:4] == row[1:4]:
            rows[count - 1] = (*last[:4], _earlier(last[4], row[4]), _earlier(last[5], row[5]))
            continue
        rows[count] = row
        count += 1
    del rows[count:]
    return rows


def _earlier(one: str, other: str) -> str:
    """The earlier of two dates, "" (none) only when both are."""
    return min(one, other) if one and other else one or other


def _add_stances(view: ViewGraph, catalogue: Catalogue, rows: list[Stance]) -> None:
    """An edge per stance, its endpoints added as they are first met; the stances' attribute
    rows, colours and dates computed once per kind and date.  ``rows`` (sorted) is used up: each
    row dropped once it is an edge."""
    kinds = {kind: local_name(kind) for kind in {row[3] for row in rows}}
    ends = ending_dates(_ending_acts(rows, kinds))
    labels = {kind: catalogue.label(kind) for kind in kinds}
    colours = {kind: colour_for([name]) for kind, name in kinds.items()}
    attributes: dict[tuple[str, str, str], AttrRow] = {}
    days: dict[str, str | None] = {}
    added: set[str] = set()
    for number, (stance, actor, instrument, kind, day, as_of) in enumerate(rows):
        rows[number] = None  # type: ignore[call-overload]  # each row freed once it is an edge
        if actor not in added:
            added.add(actor)
            _add_actor(view, catalogue, actor)
        if instrument not in added:
            added.add(instrument)
            _add_instrument(view, catalogue, instrument)
        row = attributes.get((kind, day, as_of))
        if row is None:
            row = attributes[(kind, day, as_of)] = view.edge_schema.row(
                {
                    "kind": labels[kind],
                    "date": day or as_of,
                    "date_kind": date_kind(day, as_of),
                    "as_of": bool(as_of and not day),
                }
            )
        given = day or as_of
        if given not in days:
            days[given] = normalise_date(given)
        view.add_edge(
            stance,
            actor,
            instrument,
            label=labels[kind],
            attrs=row,
            colour=colours[kind],
            date=days[given],
            ends=ends.get(stance, ()),
        )


def _ending_acts(rows: list[Stance], kinds: dict[str, str]) -> list[Act]:
    """The acts :func:`ending_dates` reads: those of the (actor, instrument) pairs with an ending
    act (no other stance can be ended)."""
    ending = {kind for kind, name in kinds.items() if name in ENDED_BY}
    pairs = {(row[1], row[2]) for row in rows if row[3] in ending}
    return [
        Act(row[0], row[1], row[2], kinds[row[3]], normalise_date(row[4] or row[5]))
        for row in rows
        if (row[1], row[2]) in pairs
    ]


def _kept_memberships(store: Store, request: ExportRequest) -> list[Membership]:
    """The memberships the view shows: none when instruments or series are asked for (a
    membership is of no instrument), those whose interval meets ``--from``/``--to``."""
    if request.filters.instruments or request.filters.series:
        return []
    return [m for m in memberships(store) if overlaps(m.begin, m.end, request.filters)]


def _add_memberships(view: ViewGraph, catalogue: Catalogue, kept: list[Membership]) -> None:
    """An edge of kind ``member`` per membership, from its beginning to its end."""
    for membership in kept:
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
