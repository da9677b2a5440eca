"""Agreement for the pages: the stance matrix and every pair's measures, as ``govkg align``
computes them with its defaults (every instrument, absences missing, ``min_n`` 3), read from the
store once and kept for a while.

A state's page ranks the actors it agrees with most and least; a comparison page shows one pair's
measures, instruments and years.  Both come from :mod:`govkg.align`, so a page gives the numbers
``govkg align --pair A B`` prints.  The matrix is read again after :data:`TTL` seconds, so a
remote store's changes show within that time.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

import numpy as np

from govkg.align.analysis import measure, pair_row
from govkg.align.matrix import STANCES, StanceMatrix, load_matrix
from govkg.align.measures import PairwiseResult
from govkg.align.report import DEFAULT_MIN_N
from govkg.fixed_queries import fixed_query
from govkg.site.palette import MISSING, SWATCHES
from govkg.store import Store

#: Seconds a matrix read from a store is kept.
TTL = 300.0
#: How many actors a state's page names as closest and as furthest.
RANKED = 5


#: The stance kinds a cell of the matrix page can show, in the palette's order.
KINDS: tuple[str, ...] = tuple(s.key for s in SWATCHES if s.key not in MISSING)
_REGIONS = fixed_query(__file__, "matrix-actors")
_SHORT = fixed_query(__file__, "matrix-short-titles")


@dataclass(frozen=True)
class Alignment:
    """The matrix and the measures of every pair of its actors; for the matrix page, each cell's
    stance kinds (``kinds``: the first in the palette's order, -1 for none; ``several``: every
    kind of the cells that have more than one), each actor's region and the instruments' short
    titles."""

    matrix: StanceMatrix
    result: PairwiseResult
    kinds: np.ndarray
    several: dict[tuple[int, int], tuple[str, ...]]
    regions: tuple[str, ...]
    short: dict[str, str]
    un_members: frozenset[int] = frozenset()

    def index(self, iri: str) -> int | None:
        """The actor's row, or None when it has no stance the matrix codes."""
        try:
            return self.matrix.actors.index(iri)
        except ValueError:
            return None

    def row(self, a: int, b: int) -> dict[str, object]:
        """One pair's measures as ``govkg align --pair`` gives them."""
        return pair_row(self.matrix, self.result, a, b, min_n=DEFAULT_MIN_N)


class _Cache:
    """One alignment per store, read again after :data:`TTL` seconds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.found: weakref.WeakKeyDictionary[Store, tuple[float, Alignment]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, store: Store) -> Alignment:
        with self.lock:
            kept = self.found.get(store)
            if kept is not None and time.monotonic() - kept[0] < TTL:
                return kept[1]
            alignment = _load(store)
            self.found[store] = (time.monotonic(), alignment)
            return alignment


_CACHE = _Cache()


def _load(store: Store) -> Alignment:
    matrix = load_matrix(store)
    kinds, several = _kinds(store, matrix)
    actors = store.query(_REGIONS).records()
    regions = {r.text("actor"): r.text("region", "") for r in actors}
    members = {r.text("actor") for r in actors if r.text("unStatus", "") == "member"}
    short = {r.text("instrument"): r.text("short") for r in store.query(_SHORT).records()}
    return Alignment(
        matrix,
        measure(matrix, "missing"),
        kinds,
        several,
        tuple(regions.get(a) or "Organisations" for a in matrix.actors),
        short,
        frozenset(k for k, a in enumerate(matrix.actors) if a in members),
    )


def _kinds(
    store: Store, matrix: StanceMatrix
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[str, ...]]]:
    """Each cell's stance kinds: the first in the palette's order, and all of them where there
    are several."""
    a_index = {a: k for k, a in enumerate(matrix.actors)}
    i_index = {ins.iri: k for k, ins in enumerate(matrix.instruments)}
    order = {kind: k for k, kind in enumerate(KINDS)}
    kinds = np.full((len(matrix.actors), len(matrix.instruments)), -1, dtype=np.int8)
    cells: dict[tuple[int, int], set[str]] = {}
    for row in store.query(STANCES).records():
        a, i = a_index.get(row.text("actor")), i_index.get(row.text("instrument"))
        kind = order.get(row.text("kind").rsplit("/", 1)[-1])
        if a is None or i is None or kind is None:
            continue
        if kinds[a, i] >= 0 and kinds[a, i] != kind:
            cells.setdefault((a, i), {KINDS[kinds[a, i]]}).add(KINDS[kind])
        if kinds[a, i] < 0 or kind < kinds[a, i]:
            kinds[a, i] = kind
    several = {cell: tuple(k for k in KINDS if k in found) for cell, found in cells.items()}
    return kinds, several


def alignment(store: Store) -> Alignment:
    """The store's alignment (every pair, ``govkg align``'s defaults), kept for :data:`TTL`."""
    return _CACHE.get(store)


@dataclass(frozen=True)
class Neighbour:
    """Another actor and how closely it agrees with the page's actor."""

    iri: str
    code: str
    label: str
    agreement: float
    kappa: float | None
    n: int


def neighbours(found: Alignment, a: int, min_n: int = DEFAULT_MIN_N) -> list[Neighbour]:
    """Every other actor with at least ``min_n`` instruments in common with actor ``a``, by
    agreement (highest first), then by ``n`` (more first), then by code."""
    values = found.result.values
    n = values["n"][a]
    agree = values["agreement"][a]
    kappa = values["kappa"][a]
    out = []
    for b in np.flatnonzero(n >= min_n):
        if b == a or np.isnan(agree[b]):
            continue
        m = found.matrix
        out.append(
            Neighbour(
                iri=m.actors[b],
                code=m.codes_of[b],
                label=m.labels[b],
                agreement=round(float(agree[b]), 4),
                kappa=None if np.isnan(kappa[b]) else round(float(kappa[b]), 4),
                n=int(n[b]),
            )
        )
    return sorted(out, key=lambda x: (-x.agreement, -x.n, x.code))
