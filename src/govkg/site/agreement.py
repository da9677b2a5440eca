"""Agreement for the pages: the stance matrix and every pair's measures, as ``govkg align``
computes them with its defaults (every instrument, absences missing, ``min_n`` 3), read from the
store once and kept for a while.

A state's page ranks the actors it agrees with most and least; a comparison page shows one pair's
measures, instruments and years.  Both come from :mod:`govkg.align`, so a page gives the numbers
``govkg align --pair A B`` prints.  With them is kept the coverage of every instrument's list.
After :data:`TTL` seconds the kept alignment is read again in the background if the store may
have changed (pages keep being served from the old one meanwhile), so a remote store's changes
show within that time and a read that takes minutes at 4 M triples never makes a page wait
twice; a store that has not changed (``Store.generation``: an embedded store no one has written
to) is never read again.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from govkg.coverage import ListCoverage, instrument_coverage
from govkg.errors import NotReadyError, StoreError
from govkg.fixed_queries import fixed_query
from govkg.site.kept import Kept
from govkg.site.palette import MISSING, SWATCHES
from govkg.store import Store

if TYPE_CHECKING:  # numpy and govkg.align (numpy, networkx) are imported when a page needs them
    import numpy as np

    from govkg.align.matrix import StanceMatrix
    from govkg.align.measures import PairwiseResult

#: Seconds a matrix read from a store is kept.
TTL = 300.0
#: Seconds a client is told to wait before asking again for a page that is not ready.
RETRY_AFTER_S = 30
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
    coverage: dict[str, ListCoverage] = field(default_factory=dict)
    #: What was worked out from it where it was read, by name (``"ideal_points"``: the actors'
    #: positions, see :mod:`govkg.site.ideal_pages`), so that this process need not.
    worked_out: dict[str, object] = field(default_factory=dict)

    def index(self, iri: str) -> int | None:
        """The actor's row, or None when it has no stance the matrix codes."""
        try:
            return self.matrix.actors.index(iri)
        except ValueError:
            return None

    def row(self, a: int, b: int) -> dict[str, object]:
        """One pair's measures as ``govkg align --pair`` gives them."""
        from govkg.align.analysis import pair_row
        from govkg.align.report import DEFAULT_MIN_N

        return pair_row(self.matrix, self.result, a, b, min_n=DEFAULT_MIN_N)


#: One alignment per store (:class:`Kept`): the first read while the caller waits (or, for
#: :func:`ready_alignment`, in the background), read again in the background after :data:`TTL`
#: seconds if the store may have changed, the old one given meanwhile.
_CACHE: Kept[Alignment] = Kept(lambda store: _load(store), "alignment", lambda: TTL)


def _load(store: Store) -> Alignment:
    """The store's alignment: read in a process of its own for a store on disk
    (:mod:`govkg.site.alignment_process`), here for others."""
    if store.embedded and store.folder is not None:
        return read_apart(store.folder)
    return read(store)


def read_apart(folder: Path) -> Alignment:
    """The alignment of the store in ``folder``, read by ``python -m
    govkg.site.alignment_process`` (the folder opened read-only, as query processes open it),
    its actors' ideal points worked out there too (:attr:`Alignment.worked_out`): the minutes it
    takes at 4 M triples hold neither this process's interpreter (its requests go on) nor, once
    done, the memory its reading used (at 425 k triples 15 s and 20 s, ~100 MB and ~75 MB, for
    an 8 MB result).  A failure is a :class:`StoreError` with the process's one-line reason."""
    command = [sys.executable, "-m", "govkg.site.alignment_process", str(folder)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[-1] if said else f"it ended with status {done.returncode}"
        raise StoreError(f"the pages' alignment could not be read: {reason}")
    found = pickle.loads(done.stdout)  # govkg's own process, from govkg's own store
    if not isinstance(found, Alignment):
        raise StoreError("the pages' alignment could not be read: an answer of another kind")
    return found


def read(store: Store) -> Alignment:
    """``govkg align``'s matrix with its defaults (latest act wins; states, organisations and
    untyped actors), and each cell's stance kinds for the pages."""
    from govkg.align.analysis import measure
    from govkg.align.matrix import load_matrix, stance_rows

    matrix = load_matrix(store)
    stances = stance_rows(store)
    kinds, several = _kinds(stances, matrix)
    regions, statuses = _regions(store)
    members = {actor for actor, status in statuses.items() if status == "member"}
    short = {r.text("instrument"): r.text("short") for r in store.query(_SHORT).records()}
    return Alignment(
        matrix,
        measure(matrix, "missing"),
        kinds,
        several,
        tuple(regions.get(a) or "Organisations" for a in matrix.actors),
        short,
        frozenset(k for k, a in enumerate(matrix.actors) if a in members),
        {c.iri: c for c in instrument_coverage(store, [i.iri for i in matrix.instruments])},
    )


def _regions(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """Each actor's region and UN status (the first in text order where it has several)."""
    regions: dict[str, set[str]] = {}
    statuses: dict[str, set[str]] = {}
    for row in store.query(_REGIONS).records():
        actor = row.text("actor")
        for found, name in ((regions, "region"), (statuses, "unStatus")):
            value = row.text(name, None)
            if value is not None:
                found.setdefault(actor, set()).add(value)
    return (
        {actor: min(values) for actor, values in regions.items()},
        {actor: min(values) for actor, values in statuses.items()},
    )


def _kinds(
    stances: list[tuple[str, str, str]], matrix: StanceMatrix
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[str, ...]]]:
    """Each cell's stance kinds: the first in the palette's order, and all of them where there
    are several."""
    import numpy as np

    a_index = {a: k for k, a in enumerate(matrix.actors)}
    i_index = {ins.iri: k for k, ins in enumerate(matrix.instruments)}
    order = {kind: k for k, kind in enumerate(KINDS)}
    kinds = np.full((len(matrix.actors), len(matrix.instruments)), -1, dtype=np.int8)
    cells: dict[tuple[int, int], set[str]] = {}
    for actor, instrument, kind_iri in stances:
        a, i = a_index.get(actor), i_index.get(instrument)
        kind = order.get(kind_iri.rsplit("/", 1)[-1])
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


def ready_alignment(store: Store, wait_s: float) -> Alignment:
    """The store's alignment if it is read within ``wait_s`` seconds of when it was first asked
    for (its read goes on in the background), else :class:`NotReadyError`: what a page that is
    the alignment says rather than wait minutes for it at 4 M triples."""
    found = _CACHE.ready(store, wait_s)
    if found is None:
        raise NotReadyError(
            "the agreement between actors is still being worked out from the whole graph "
            "(minutes on a large graph); this page will show it once it is ready",
            RETRY_AFTER_S,
        )
    return found


@dataclass(frozen=True)
class Neighbour:
    """Another actor and how closely it agrees with the page's actor."""

    iri: str
    code: str
    label: str
    agreement: float
    kappa: float | None
    n: int


def neighbours(found: Alignment, a: int, min_n: int | None = None) -> list[Neighbour]:
    """Every other actor with at least ``min_n`` (``govkg align``'s default) instruments in
    common with actor ``a``, by agreement (highest first), then by ``n`` (more first), then by
    code."""
    import numpy as np

    from govkg.align.report import DEFAULT_MIN_N

    min_n = DEFAULT_MIN_N if min_n is None else min_n
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
