"""Alignment analytics: how closely actors stand together on AI-governance instruments.

From Python (notebooks)::

    from govkg.align import load_matrix, measure, pair_measures
    from govkg.load import open_project

    _project, store = open_project()
    matrix = load_matrix(store)
    result = measure(matrix, absent="missing")
    usa, chn = matrix.actor_index("USA"), matrix.actor_index("CHN")
    result.pair(usa, chn)["kappa"]          # (value or None, reason)
    pair_measures([1, 1, 3, 1, 2, 1], [1, 1, 3, 3, 1, 1])["agreement"]   # (0.75, "")

Coding (``KIND_CODES``; ``load_matrix(store, MatrixOptions(...))`` recodes, dates and chooses
actor types): 1 = yes (signed, endorsed, voted yes, ratified, acceded, accepted or approved,
joined, co-sponsored, lead sponsor), 2 = abstain, 3 = no (declined on record, voted no,
dissociated, withdrew, left); did not vote, participated and no record are missing.  An actor's
latest act on an instrument gives its code.  On an instrument whose list is complete an
actor with no record did not sign: missing by default, or 3 with ``absent="no"``; "took part, did
not sign" is coded as that absence, on any list, never as a refusal.
"""

from govkg.align.analysis import (
    Filters,
    all_pair_rows,
    apply_filters,
    blocs,
    measure,
    pair_instruments,
    pair_row,
    periods,
    select_actors,
)
from govkg.align.matrix import KIND_CODES, MatrixOptions, StanceMatrix, load_matrix
from govkg.align.measures import MEASURES, PairwiseResult, all_pairs, pair_measures

__all__ = [
    "KIND_CODES",
    "MEASURES",
    "Filters",
    "MatrixOptions",
    "PairwiseResult",
    "StanceMatrix",
    "all_pair_rows",
    "all_pairs",
    "apply_filters",
    "blocs",
    "load_matrix",
    "measure",
    "pair_instruments",
    "pair_measures",
    "pair_row",
    "periods",
    "select_actors",
]
