"""The matrix page as of a day (``/matrix.html?at=D``): its form's date, its note (what the cells
show, how many are undetermined, the instruments left out) and its cells, each titled with the
status it shows (:mod:`govkg.site.status_matrix`).  Every value is escaped.
"""

from __future__ import annotations

from html import escape

from govkg.lifecycle import UNKNOWN_STATUS
from govkg.site.matrix import MatrixView
from govkg.site.palette import swatch
from govkg.site.status_matrix import UNKNOWN_CELL, DatedAlignment


def at_field(view: MatrixView) -> str:
    """The matrix form's date: each cell the status on that day."""
    return (
        f'<label>Status on <input type="date" name="at" value="{escape(view.request.at)}"></label>'
    )


def dated_note(view: MatrixView) -> str:
    """What a dated matrix shows, and how many of the cells on this page are undetermined."""
    import numpy as np

    found = view.alignment
    if not isinstance(found, DatedAlignment):
        return ""
    day = escape(found.day)
    shown = found.kinds[np.ix_(np.array(view.actors, np.intp), np.array(view.instruments, np.intp))]
    unknown = int((shown == UNKNOWN_CELL).sum())
    acts = len(found.matrix.undetermined)
    return (
        f'<p class="note">Status on {day}: each cell is the actor\'s latest act certainly done '
        f"by {day}; acts after it are left out. {unknown} cell(s) on this page are undetermined, "
        "marked <strong>?</strong>: an act that may or may not have happened by then (listed "
        "only later, a partial date around the day, no date); a cell's title names it. "
        f"<code>govkg align --at {day}</code> leaves out all {acts} such acts (with those of "
        f"actors and instruments not shown) and codes the rest as shown.{_not_yet(found)}</p>"
    )


def _not_yet(found: DatedAlignment) -> str:
    if not found.not_yet:
        return ""
    names = ", ".join(escape(found.short.get(i.iri) or i.label) for i in found.not_yet)
    return f" Left out, beginning after {escape(found.day)}: {names}."


def dated_cell(view: MatrixView, a: int, i: int) -> str | None:
    """A dated matrix's cell: the letter of its status's act, titled with the status, the act
    and any note; ``?`` where the status is unknown.  None for an undated matrix or a cell
    without an act (drawn as any other)."""
    found = view.alignment
    if not isinstance(found, DatedAlignment):
        return None
    status = found.statuses.get((a, i))
    if status is None or status.act is None:
        return None
    note = f"; {status.note}" if status.note else ""
    title = escape(f"{status.status}: {status.act.shown()}{note}")
    if status.status == UNKNOWN_STATUS:
        return f'<td class="st-unknown-at" title="{title}">?</td>'
    sw = swatch(status.act.kind)
    mark = "*" if status.note else ""
    return f'<td class="{sw.css}" title="{title}">{escape(sw.letter)}{mark}</td>'
