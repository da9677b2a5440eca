"""An actor's ideal point on its page: its position on one dimension with its interval and ``n``,
its rank among the actors estimated, a strip of every position with its own marked, and the
actors nearest to it on the dimension.

The positions are ``govkg ideal-points``'s with its defaults (:func:`govkg.ideal.report.
ideal_matrix` over the pages' kept alignment, whose matrix is ``govkg align``'s), computed once
per kept alignment; an actor with too few answers is said to be not estimable, with its ``n``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from govkg.errors import GovkgError
from govkg.site.layout import Layout
from govkg.site.pages import iri_html, table

if TYPE_CHECKING:  # govkg.ideal (scipy) is imported when a page needs it
    from govkg.site.agreement import Alignment

#: Actors listed on each side of the page's actor in "nearest on the dimension".
NEAREST = 3
_WIDTH, _HEIGHT, _PAD = 540, 32, 24


@dataclass(frozen=True)
class IdealPoints:
    """The positions of one alignment's actors: rows by actor code (position, lower, upper, n,
    note), the estimated ones highest first, and what the numbers are (the caption)."""

    rows: dict[str, dict[str, Any]]
    ranked: tuple[str, ...]
    caption: str


_LOCK = threading.Lock()
_KEPT: dict[int, tuple[Alignment, IdealPoints | None]] = {}


#: The name of the positions in :attr:`Alignment.worked_out` where they were worked out with it.
WORKED_OUT = "ideal_points"


def _keep(found: Alignment, points: IdealPoints | None) -> None:
    with _LOCK:
        _KEPT.clear()  # one alignment is kept at a time: the newest
        _KEPT[id(found)] = (found, points)


def ideal_points(found: Alignment) -> IdealPoints | None:
    """The positions over ``found``'s matrix (None when fewer than two actors are estimable),
    computed once per kept alignment (or already, where it was read: see
    :mod:`govkg.site.alignment_process`)."""
    if WORKED_OUT in found.worked_out:
        worked = found.worked_out[WORKED_OUT]
        return worked if isinstance(worked, IdealPoints) else None
    with _LOCK:
        kept = _KEPT.get(id(found))
        if kept is not None and kept[0] is found:
            return kept[1]
    try:
        from govkg.ideal.report import IdealRequest, ideal_matrix

        report = ideal_matrix(found.matrix, IdealRequest())
    except GovkgError:  # fewer than two actors with enough answers
        points = None
    else:
        rows = {row["actor"]: row for row in report.rows}
        ranked = tuple(r["actor"] for r in report.rows if r["position"] is not None)
        points = IdealPoints(rows, ranked, report.caption)
    _keep(found, points)
    return points


def ideal_html(
    found: Alignment, iri: str, code: str, label: str, settings: Layout, root: str
) -> str:
    """The "Position on one dimension" section of the actor ``code`` ("" when it is not in the
    matrix or no position can be estimated at all)."""
    points = ideal_points(found)
    row = points.rows.get(code) if points is not None and code else None
    if points is None or row is None:
        return ""
    head = "<h2>Position on one dimension</h2>" + _lead(points)
    if row["position"] is None:
        return head + f"<p>{escape(label)}: not estimable ({escape(row['note'])}).</p>"
    rank = points.ranked.index(code) + 1
    said = (
        f"<p>{escape(label)}: position <strong>{row['position']:+.2f}</strong> (interval "
        f"{row['lower']:+.2f} to {row['upper']:+.2f}), from n = {row['n']} instruments; "
        f"{_ordinal(rank)} highest of {len(points.ranked)} actors estimated.</p>"
    )
    return head + said + _strip(points, code, label) + _nearest(points, code, found, settings, root)


def _lead(points: IdealPoints) -> str:
    return (
        '<p class="lead">Each actor\'s position on one latent dimension estimated from all its '
        "stances (an ordinal item-response model over yes / abstain / no, missing left out), as "
        "<code>govkg ideal-points</code> computes it. The scale has mean 0 and standard deviation "
        "1 over the actors estimated; which end is positive is a convention, not a judgement. A "
        f"wide interval means the stances cannot place the actor. {escape(points.caption)}</p>"
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _strip(points: IdealPoints, code: str, label: str) -> str:
    """Every estimated position as a tick, the actor's as a point with its interval."""
    row = points.rows[code]
    values = [points.rows[c]["position"] for c in points.ranked]
    low = min([*values, row["lower"]])
    high = max([*values, row["upper"]])
    span = (high - low) or 1.0

    def x(value: float) -> str:
        return f"{_PAD + (value - low) / span * (_WIDTH - 2 * _PAD):.1f}"

    ticks = "".join(
        f'<line x1="{x(v)}" x2="{x(v)}" y1="8" y2="24" stroke="#9aa3ad" stroke-width="1"/>'
        for v in values
    )
    mine = (
        f'<line x1="{x(row["lower"])}" x2="{x(row["upper"])}" y1="16" y2="16" stroke="#0b3d91" '
        f'stroke-width="3"/><circle cx="{x(row["position"])}" cy="16" r="6" fill="#0b3d91"/>'
    )
    # the scale's ends in HTML under the strip: text that keeps its size when the strip
    # shrinks to a phone's width
    axis = f'<div class="chart-strip-axis"><span>{low:+.2f}</span><span>{high:+.2f}</span></div>'
    title = f"Positions of {len(values)} actors; {label}'s marked with its interval"
    return (
        f'<figure class="chart" id="ideal-point"><div class="chart-strip-box">'
        f'<svg xmlns="http://www.w3.org/2000/svg" '
        f'class="chart-strip" viewBox="0 0 {_WIDTH} {_HEIGHT}" width="{_WIDTH}" '
        f'height="{_HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{ticks}{mine}</svg>{axis}</div>'
        f"<figcaption>{escape(title)}: each grey tick is an actor, the point and line are "
        f"{escape(label)}'s position and interval.</figcaption></figure>"
    )


def _nearest(points: IdealPoints, code: str, found: Alignment, settings: Layout, root: str) -> str:
    """The actors just above and below on the dimension, as a table of the same numbers."""
    k = points.ranked.index(code)
    near = points.ranked[max(0, k - NEAREST) : k + NEAREST + 1]
    iris = dict(zip(found.matrix.codes_of, found.matrix.actors, strict=True))
    rows = []
    for other in near:
        row = points.rows[other]
        name = iri_html(iris[other], row["label"], settings, root, brief=True)
        rows.append(
            [
                f"<strong>{name}</strong>" if other == code else name,
                f"{row['position']:+.2f}",
                f"{row['lower']:+.2f} to {row['upper']:+.2f}",
                str(row["n"]),
            ]
        )
    return "<h3>Nearest on the dimension</h3>" + table(
        ["Actor", "Position", "Interval", "n"], rows, ["", "num", "nowrap", "num"]
    )
