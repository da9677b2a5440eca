"""The matrix page as of a day (``/matrix.html?at=2025-06-01``): each cell is the actor's status
on the instrument on that day (:func:`govkg.lifecycle.status_at`: the latest act certainly done
by then; acts certainly after it left out), and a cell whose status is unknown on that day (an
act that may or may not have happened by then) is marked, never silently counted or dropped.

The dated alignment keeps the kept alignment's actors and instruments (``govkg align``'s default
actor types) that have an act done by the day or one that may have been, and codes them as
``govkg align --at DAY`` does (:func:`govkg.align.matrix.load_matrix`), with every pair's
measures.  An instrument that begins after the day (:func:`govkg.lifecycle.beginnings`: its own
date, its event's, its claimed adoption or opening) has no act done by then, even one known only
from a later list, and is named in the page's note.  A few days' alignments are kept per store,
and built again when the kept alignment is.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from govkg.errors import ParameterError, RequestError
from govkg.lifecycle import UNKNOWN_STATUS, Status, beginnings, check_day, status_at
from govkg.site.agreement import KINDS, Alignment, alignment, ready_alignment
from govkg.store import Store

if TYPE_CHECKING:  # numpy and govkg.align (numpy, networkx) are imported when a page needs them
    import numpy as np

    from govkg.align.matrix import Instrument, StanceMatrix

#: In ``kinds``, a cell whose status is unknown on the day (no index of :data:`KINDS`).
UNKNOWN_CELL = len(KINDS)
#: How many days' alignments are kept per store.
KEPT_DAYS = 8


def day_param(params: Mapping[str, str]) -> str:
    """The day ``?at=`` asks for ("" when none); a value that is not a day (``2025-02-11``) is a
    :class:`ParameterError` naming ``at`` and the value."""
    text = params.get("at", "").strip()
    if not text:
        return ""
    try:
        return check_day("at", text)
    except RequestError:
        raise ParameterError(f"at {text!r}: a day, such as 2025-06-01") from None


@dataclass(frozen=True)
class DatedAlignment(Alignment):
    """An alignment as of ``day``: ``kinds`` holds each cell's status's act (its palette kind),
    :data:`UNKNOWN_CELL` where the status is unknown; ``statuses`` each cell's status."""

    day: str = ""
    statuses: Mapping[tuple[int, int], Status] = field(default_factory=dict)
    #: The instruments left out because they begin after the day.
    not_yet: tuple[Instrument, ...] = ()

    @property
    def unknown_cells(self) -> int:
        """How many cells are undetermined on the day."""
        return int((self.kinds == UNKNOWN_CELL).sum())


def build_dated(store: Store, kept: Alignment, day: str) -> DatedAlignment:
    """The alignment as of ``day`` over ``kept``'s actors and instruments."""
    import numpy as np

    from govkg.align.analysis import measure
    from govkg.align.matrix import MatrixOptions, load_matrix

    dated = load_matrix(store, MatrixOptions(at=day))
    found = {(s.actor, s.instrument): s for s in status_at(store, day) if s.act is not None}
    actors = {a for a, _i in found}
    instruments = {i for _a, i in found}
    rows = [k for k, a in enumerate(kept.matrix.actors) if a in actors]
    begins = beginnings(store, [i.iri for i in kept.matrix.instruments])
    not_yet = tuple(i for i in kept.matrix.instruments if begins.get(i.iri, "") > day)
    columns = [k for k, ins in enumerate(kept.matrix.instruments)
               if ins.iri in instruments and ins not in not_yet]  # fmt: skip
    base = kept.matrix.rows(rows).select(np.array(columns, dtype=np.intp))
    matrix = _with_codes(base, dated)
    kinds, statuses = _cells(matrix, found)
    return DatedAlignment(
        matrix,
        measure(matrix, "missing"),
        kinds,
        {},
        tuple(kept.regions[k] for k in rows),
        kept.short,
        frozenset(new for new, old in enumerate(rows) if old in kept.un_members),
        kept.coverage,
        day=day,
        statuses=statuses,
        not_yet=not_yet,
    )


def _with_codes(base: StanceMatrix, dated: StanceMatrix) -> StanceMatrix:
    """``base``'s actors and instruments with ``dated``'s codes (0 where it has none)."""
    import numpy as np

    a_index = {a: k for k, a in enumerate(dated.actors)}
    i_index = {ins.iri: k for k, ins in enumerate(dated.instruments)}
    rows = np.array([a_index.get(a, -1) for a in base.actors], dtype=np.intp)
    cols = np.array([i_index.get(ins.iri, -1) for ins in base.instruments], dtype=np.intp)
    codes = np.zeros(base.codes.shape, dtype=np.int8)
    absent = np.zeros(base.codes.shape, dtype=bool)
    here = np.ix_(np.flatnonzero(rows >= 0), np.flatnonzero(cols >= 0))
    there = np.ix_(rows[rows >= 0], cols[cols >= 0])
    codes[here] = dated.codes[there]
    absent[here] = dated.absent[there]
    return replace(base, codes=codes, absent=absent, undetermined=dated.undetermined)


def _cells(
    matrix: StanceMatrix, found: Mapping[tuple[str, str], Status]
) -> tuple[np.ndarray, dict[tuple[int, int], Status]]:
    """Each cell's kind (its status's act, :data:`UNKNOWN_CELL`, -1 for none) and status."""
    import numpy as np

    order = {kind: k for k, kind in enumerate(KINDS)}
    kinds = np.full(matrix.codes.shape, -1, dtype=np.int8)
    statuses = {}
    for a, actor in enumerate(matrix.actors):
        for i, ins in enumerate(matrix.instruments):
            status = found.get((actor, ins.iri))
            if status is None or status.act is None:
                continue
            statuses[(a, i)] = status
            unknown = status.status == UNKNOWN_STATUS
            kinds[a, i] = UNKNOWN_CELL if unknown else order.get(status.act.kind, -1)
    return kinds, statuses


class _Kept:
    """A few days' alignments per store, built again when the store's kept alignment is."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.found: weakref.WeakKeyDictionary[
            Store, tuple[Alignment, OrderedDict[str, DatedAlignment]]
        ] = weakref.WeakKeyDictionary()

    def get(self, store: Store, day: str) -> DatedAlignment:
        kept = alignment(store)
        with self.lock:
            entry = self.found.get(store)
            if entry is None or entry[0] is not kept:
                entry = (kept, OrderedDict())
                self.found[store] = entry
            days = entry[1]
            if day in days:
                days.move_to_end(day)
                return days[day]
        built = build_dated(store, kept, day)
        with self.lock:
            days[day] = built
            while len(days) > KEPT_DAYS:
                days.popitem(last=False)
        return built


_KEPT = _Kept()


def matrix_alignment(store: Store, day: str = "", wait_s: float | None = None) -> Alignment:
    """The matrix page's alignment: as of ``day``, else the kept one (with ``wait_s``: a
    :class:`NotReadyError` when the kept one is not read within that many seconds of when it
    was first asked for)."""
    if wait_s is not None:
        ready_alignment(store, wait_s)
    return _KEPT.get(store, day) if day else alignment(store)
