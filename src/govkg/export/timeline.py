"""Dates for Gephi's timeline: partial dates made whole, and one spell per node and edge.

Rules (the README repeats them):

- A date becomes the first day of the period it names: ``2025`` → ``2025-01-01``, ``2025-02`` →
  ``2025-02-01``, ``2025-02-11`` as it is; a time or a time zone is dropped.
- An edge's spell starts at its own date (a stance's ``dcterms:date``, else its ``gk:asOf``; a
  membership's beginning; a dialogue link's date).  A node's spell starts at the earliest of its
  own date and the dates of its dated edges, so every edge lies within both endpoints' spells.
- An undated edge starts when its later endpoint starts (it cannot exist before either); an
  element with no date and no dated neighbour has no spell and is present throughout.
- An undated edge that ends (a membership whose beginning the sources do not give) has no start:
  its spell only ends, and both its endpoints are present from the beginning, so that no start is
  invented (neither the day it ended nor an endpoint's first date).
- An edge's spell ends when a later act ends it (the stances view, :mod:`govkg.export.lifecycle`):
  a withdrawal ends the actor's consent to the same instrument (signed, ratified, acceded,
  accepted or approved, endorsed, joined, co-sponsored, lead sponsor), a departure (``left``) its
  joining, on the ending act's own date (its spell start: a partial date is its first day); a
  membership ends at its end.  The first such date on or after the edge's start is its end.  A
  ratification does not end a signature (both stand); an ending act with no date ends nothing,
  nor does one the filters leave out of the view; an ending act dated before the edge starts does
  not end it (the shapes report that order, the export keeps the edge open).  The ending act's
  own edge starts on its date and stays open.
- Every other spell is open-ended (no ``end``: a signature still stands).  Nodes never end.
- One spell per element, so the intervals of one element never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from govkg.export.model import SpellInputs, ViewGraph

_DATE = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?:T[0-9:.]+)?(?:Z|[+-]\d{2}:\d{2})?"
)


def normalise_date(text: str | None) -> str | None:
    """An xsd:date, gYearMonth, gYear or dateTime as the first day it covers (``YYYY-MM-DD``);
    None when it is not a date."""
    match = _DATE.fullmatch((text or "").strip())
    if not match:
        return None
    try:
        day = date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
    except ValueError:
        return None
    return day.isoformat()


def assign_spells(view: ViewGraph) -> None:
    """Give every node and edge its spell: a start (None: present from the beginning) and, for an
    edge that a later act ends, an end (None: open).  The edges are sorted first: an id met
    twice is an error before anything is written."""
    view.edge_elements()
    edges = view.spell_inputs()
    nodes = view.numbered_nodes()
    starts = _node_starts(edges, [node.date for node in nodes])
    for node, start in zip(nodes, starts, strict=True):
        node.start = start
    view.set_spells(_edge_starts(edges, starts), _edge_ends(edges, starts))


def _node_starts(edges: SpellInputs, starts: list[str | None]) -> list[str | None]:
    """Each node's start (by number) from its own date (``starts``) and its edges'."""
    dates = edges.dates
    if any(dates):
        for source, target, style in zip(edges.source, edges.target, edges.style, strict=True):
            if day := dates[style]:
                for number in (source, target):
                    known = starts[number]
                    if known is None or day < known:
                        starts[number] = day
    for position, ends in edges.ends.items():  # an undated edge that ends began at a time
        if ends and not dates[edges.style[position]]:  # nobody gives
            starts[edges.source[position]] = starts[edges.target[position]] = None
    return starts


def _edge_starts(edges: SpellInputs, starts: list[str | None]) -> Iterator[str | None]:
    """Each edge's start, in the order the edges were added."""
    return (_edge_start(edges, starts, position) for position in range(len(edges.style)))


def _edge_start(edges: SpellInputs, starts: list[str | None], position: int) -> str | None:
    """An edge's own date; else none when it ends; else when its later endpoint starts."""
    if day := edges.dates[edges.style[position]]:
        return day
    if edges.ends.get(position):  # an undated edge that ends: no start
        return None
    first, second = starts[edges.source[position]], starts[edges.target[position]]
    return max(first, second) if first and second else (first or second or None)


def _edge_ends(edges: SpellInputs, starts: list[str | None]) -> dict[int, str | None]:
    """The end of each edge that may end: the first date that ends it on or after its start."""
    return {
        position: first_end(_edge_start(edges, starts, position), ends)
        for position, ends in edges.ends.items()
        if ends
    }


def first_end(start: str | None, ends: tuple[str, ...]) -> str | None:
    """The first of the (sorted) ending dates on or after ``start``; None if every one is before
    it (the sources' order is wrong: the shapes say so, the spell stays open) or there is none."""
    return next((end for end in ends if start is None or end >= start), None)
