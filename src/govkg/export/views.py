"""The views an export can take: stances, alignment and dialogues (the full graph is in
``full.py``).  Each builds a :class:`ViewGraph` from the store."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np

from govkg.align import apply_filters, load_matrix, measure
from govkg.dates import date_kind
from govkg.errors import ExportError
from govkg.export.describe import ACTOR_ATTRIBUTES, INSTRUMENT_ATTRIBUTES, Catalogue, local_name
from govkg.export.filters import in_range, kept_instruments, overlaps
from govkg.export.lifecycle import MEMBER, Act, ending_dates, memberships
from govkg.export.model import ViewGraph
from govkg.export.palette import colour_for
from govkg.export.request import MEASURES, ExportRequest
from govkg.export.timeline import normalise_date
from govkg.fixed_queries import fixed_query
from govkg.store import Store

STANCES = fixed_query(__file__, "stances")
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


def stances_view(store: Store, request: ExportRequest, catalogue: Catalogue) -> ViewGraph:
    """Actors and instruments, an edge per stance from actor to instrument (ended by a later
    withdrawal or departure, see :mod:`govkg.export.lifecycle`), and an edge per membership from
    member to organisation."""
    view = ViewGraph("stances", True, STANCE_NODE_ATTRIBUTES, STANCE_EDGE_ATTRIBUTES)
    rows = _kept_stances(store, request, catalogue)
    acts = [Act(r[0], r[1], r[2], local_name(r[3]), normalise_date(r[4] or r[5])) for r in rows]
    ends = ending_dates(acts)
    for stance, actor, instrument, kind, day, as_of in rows:
        if actor not in view.graph:
            _add_actor(view, catalogue, actor)
        if instrument not in view.graph:
            _add_instrument(view, catalogue, instrument)
        view.add_edge(
            stance,
            actor,
            instrument,
            label=catalogue.label(kind),
            attrs={
                "kind": catalogue.label(kind),
                "date": day or as_of,
                "date_kind": date_kind(day, as_of),
                "as_of": bool(as_of and not day),
            },
            colour=colour_for([local_name(kind)]),
            date=normalise_date(day or as_of),
            ends=ends.get(stance, ()),
        )
    _add_memberships(view, store, request, catalogue)
    if not view.graph:
        raise ExportError("no stance matches the filters")
    return view


def _kept_stances(
    store: Store, request: ExportRequest, catalogue: Catalogue
) -> list[tuple[str, ...]]:
    """The stances the filters keep, as sorted (stance, actor, instrument, kind, date, as-of)."""
    kept = kept_instruments(store, request.filters)
    rows = [tuple(row.text(name) for name in row) for row in store.query(STANCES).records()]
    return [
        row
        for row in sorted(rows)
        if (kept is None or row[2] in kept)
        and in_range(row[4] or row[5] or catalogue.instrument_date(row[2]), request.filters)
    ]


def _add_memberships(
    view: ViewGraph, store: Store, request: ExportRequest, catalogue: Catalogue
) -> None:
    """An edge of kind ``member`` per membership, from its beginning to its end; left out when
    instruments or series are asked for (a membership is of no instrument), kept by
    ``--from``/``--to`` when its interval meets the period."""
    if request.filters.instruments or request.filters.series:
        return
    for membership in memberships(store):
        if not overlaps(membership.begin, membership.end, request.filters):
            continue
        for actor in (membership.member, membership.organisation):
            if actor not in view.graph:
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


def _add_instrument(view: ViewGraph, catalogue: Catalogue, iri: str) -> None:
    attrs = catalogue.instrument(iri)
    view.add_node(
        iri,
        catalogue.label(iri),
        {"side": "instrument", **attrs},
        colour=colour_for(catalogue.types.get(iri, ())),
        date=normalise_date(str(attrs["date"])),
    )


def alignment_view(store: Store, request: ExportRequest, catalogue: Catalogue) -> ViewGraph:
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
    for index in sorted({i for pair in pairs for i in pair}):
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
    return view


def dialogues_view(store: Store, request: ExportRequest, catalogue: Catalogue) -> ViewGraph:
    """Actors linked by bilateral dialogues, meetings and agreements, an edge per link."""
    view = ViewGraph("dialogues", False, dict(ACTOR_ATTRIBUTES), DIALOGUE_EDGE_ATTRIBUTES)
    kept = kept_instruments(store, request.filters)
    instrument_filter = bool(request.filters.instruments or request.filters.series)
    links, dates, topics = _links(store), _link_dates(store), _topics(store, catalogue)
    for (link, kind), actors in sorted(links.items()):
        if instrument_filter and (kind != "agreement" or kept is None or link not in kept):
            continue
        if not in_range(dates.get(link, ""), request.filters):
            continue
        for a, b in combinations(sorted(actors), 2):
            for actor in (a, b):
                if actor not in view.graph:
                    _add_actor(view, catalogue, actor)
            view.add_edge(
                f"{link}|{a}|{b}",
                a,
                b,
                label=catalogue.label(link),
                attrs={
                    "kind": kind,
                    "date": dates.get(link),
                    "topics": topics.get(link),
                    "link": link,
                },
                colour=colour_for([kind]),
                date=normalise_date(dates.get(link)),
                kind=kind,
            )
    if not view.graph:
        raise ExportError("no dialogue, meeting or agreement matches the filters")
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


def _topics(store: Store, catalogue: Catalogue) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in store.query(TOPICS).records():
        found[row.text("link")].append(catalogue.label(row.text("t")))
    return found
