"""Dates for Gephi's timeline: partial dates made whole, and one spell per node and edge.

Rules (the README repeats them):

- A date becomes the first day of the period it names: ``2025`` → ``2025-01-01``, ``2025-02`` →
  ``2025-02-01``, ``2025-02-11`` as it is; a time or a time zone is dropped.
- An edge's spell starts at its own date (a stance's ``dcterms:date``, else its ``gk:asOf``; a
  dialogue link's date).  A node's spell starts at the earliest of its own date and the dates of
  its dated edges, so every dated edge lies within both endpoints' spells.
- An undated edge starts when its later endpoint starts (it cannot exist before either); an
  element with no date and no dated neighbour has no spell and is present throughout.
- Spells are open-ended (no ``end``: a signature still stands), one per element, so the
  intervals of one element never overlap.
"""

from __future__ import annotations

import re
from datetime import date

from govkg.export.model import ViewGraph

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
    """Give every node and edge its spell start (None: present throughout)."""
    starts: dict[str, str | None] = {node: data["date"] for node, data in view.nodes()}
    edges = view.edges()
    for _id, data in edges:
        if data["date"]:
            for node in (data["source"], data["target"]):
                known = starts[node]
                starts[node] = data["date"] if known is None else min(known, data["date"])
    for node, start in starts.items():
        view.graph.nodes[node]["start"] = start
    for _id, data in edges:
        ends = [s for s in (starts[data["source"]], starts[data["target"]]) if s]
        data["start"] = data["date"] or (max(ends) if ends else None)
