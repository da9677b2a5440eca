"""Pairwise agreement measures between actors' ordinal stances on instruments.

Stances are coded 1 = yes, 2 = abstain, 3 = no and 0 = missing. For every pair of actors the
measures are computed over the instruments both coded (non-zero), except ``jaccard``, which
compares the sets of instruments each actor signed (code 1) over all instruments.

Everything is vectorised: the one-hot codes of all actors are stacked into one (3A x I) matrix
and a single matrix product gives the joint category counts ``C[c, d, a, b]`` (instruments where
actor a has code c and actor b has code d) for every pair at once. All measures are functions
of these counts (and, for ``s_weighted``, of the weighted counts).

Undefined values are NaN in the arrays, with the reason in a parallel array (kept as small codes
into :data:`REASONS`, turned into strings only when asked for). ``steady``
says which actor gave one and the same answer on every instrument of a pair: then every kappa is
0 (or undefined when both did) and every pi at most 0, whatever the other actor did.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

MEASURES: tuple[str, ...] = (
    "n",
    "agreement",
    "s",
    "s_squared",
    "s_weighted",
    "pi",
    "kappa",
    "kappa_squared",
    "kappa_linear",
    "pi_squared",
    "jaccard",
)

CATEGORIES: tuple[int, ...] = (1, 2, 3)
VALID_CODES: tuple[int, ...] = (0, *CATEGORIES)

NO_COMMON = "no instruments in common"
NO_VARIANCE = "no variance"
NO_WEIGHT = "zero total weight on the instruments in common"
NO_SIGNATURES = "neither actor signed any instrument"

#: Every reason a value can be undefined for; a reason code is an index into it ("" = defined).
REASONS: tuple[str, ...] = ("", NO_COMMON, NO_VARIANCE, NO_WEIGHT, NO_SIGNATURES)
_REASON_DTYPE = f"<U{max(len(r) for r in REASONS)}"
_REASON_TEXTS = np.array(REASONS, dtype=_REASON_DTYPE)
_CODE = {reason: np.int8(k) for k, reason in enumerate(REASONS)}
_FLOAT32_EXACT = 2**24  # integers below this are exact in float32
_DIFF = np.subtract.outer(np.array(CATEGORIES), np.array(CATEGORIES)).astype(np.float64)

# measure -> (disagreement weights over the categories divided by d_max**power, pooled marginals)
_CHANCE_CORRECTED: dict[str, tuple[str, bool]] = {
    "pi": ("nominal", True),
    "kappa": ("nominal", False),
    "kappa_squared": ("squared", False),
    "kappa_linear": ("linear", False),
    "pi_squared": ("squared", True),
}


class ReasonTexts(Mapping[str, np.ndarray]):
    """The reasons of a result as (A, A) string arrays, each made from its codes when first
    read (read-only)."""

    def __init__(self, codes: Mapping[str, np.ndarray]) -> None:
        self._codes = codes
        self._texts: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._texts:
            texts = _REASON_TEXTS[self._codes[name]]
            texts.flags.writeable = False
            self._texts[name] = texts
        return self._texts[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


@dataclass(frozen=True)
class PairwiseResult:
    """Every measure for every ordered pair of actors.

    ``values[m]`` is an (A, A) float64 array (NaN where undefined; ``n`` holds the counts as
    floats); ``reason_codes[m]`` an (A, A) int8 array of indices into :data:`REASONS` (0 where
    the value is defined), ``reasons[m]`` the same as strings (``""`` where defined).
    ``steady[a, b]`` is the code (1, 2 or 3) actor a gave on every instrument it has in common
    with b, 0 if its answers varied or there is none (not symmetric).
    """

    values: dict[str, np.ndarray]
    reason_codes: dict[str, np.ndarray]
    steady: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int8))

    @cached_property
    def reasons(self) -> Mapping[str, np.ndarray]:
        """Each measure's reasons as an (A, A) string array, ``""`` where defined."""
        return ReasonTexts(self.reason_codes)

    @cached_property
    def upper(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The unordered pairs (a < b) as two index arrays, and their counts ``n``."""
        a, b = np.triu_indices(self.values["n"].shape[0], k=1)
        return a, b, self.values["n"][a, b]

    def reason(self, name: str, a: int, b: int) -> str:
        """Why measure ``name`` is undefined for actors a and b, ``""`` if it is defined."""
        return REASONS[self.reason_codes[name][a, b]]

    def pair(self, a: int, b: int) -> dict[str, tuple[float | None, str]]:
        """Each measure for actors a and b: (value, "") or (None, reason)."""
        out: dict[str, tuple[float | None, str]] = {}
        for name in MEASURES:
            reason = self.reason(name, a, b)
            if reason:
                out[name] = (None, reason)
                continue
            value = float(self.values[name][a, b])
            out[name] = (int(value) if name == "n" else value, "")
        return out


def all_pairs(
    codes: np.ndarray, weights: np.ndarray | None = None, d_max: float = 2.0
) -> PairwiseResult:
    """Compute every measure in MEASURES for every pair of rows (actors) of ``codes``."""
    codes, weights, d_max = _validate(codes, weights, d_max)
    stacked = _one_hot(codes)
    counts = _joint_counts(stacked, stacked)
    n = counts.sum(axis=(0, 1))
    no_common = n == 0
    values: dict[str, np.ndarray] = {"n": n}
    reasons: dict[str, np.ndarray] = {"n": _reasons(n.shape, [])}
    with np.errstate(divide="ignore", invalid="ignore"):
        _add_distance_measures(values, reasons, counts, n, d_max)
        _add_weighted_s(values, reasons, stacked, weights, d_max)
        margins = _margins(counts, n)
        for name, (kind, pooled) in _CHANCE_CORRECTED.items():
            table = _disagreement(kind, d_max)
            value, expected = _chance_corrected(counts, n, table, margins[pooled])
            values[name] = value
            reasons[name] = _reasons(
                n.shape, [(no_common, NO_COMMON), (expected == 0, NO_VARIANCE)]
            )
        values["jaccard"], reasons["jaccard"] = _jaccard(counts)
    return _finalise(values, reasons, _steady(counts))


def pair_measures(
    x: Sequence[int],
    y: Sequence[int],
    weights: Sequence[float] | None = None,
    d_max: float = 2.0,
) -> dict[str, tuple[float | None, str]]:
    """Every measure for one pair of code vectors: (value, "") or (None, reason)."""
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    return all_pairs(np.array([list(x), list(y)]), w, d_max).pair(0, 1)


# --- validation -------------------------------------------------------------------------------


def _validate(
    codes: np.ndarray, weights: np.ndarray | None, d_max: float
) -> tuple[np.ndarray, np.ndarray | None, float]:
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"codes must be a 2-D array (actors x instruments), got {codes.ndim}-D")
    if codes.dtype.kind not in "iuf":
        raise ValueError(f"codes must be numeric, got dtype {codes.dtype}")
    bad = ~np.isin(codes, VALID_CODES)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"codes must be in {set(VALID_CODES)}; found {codes[where]!r} at (actor, instrument) "
            f"{where}"
        )
    if not (np.isfinite(d_max) and d_max > 0):
        raise ValueError(f"d_max must be a positive finite number, got {d_max!r}")
    return codes.astype(np.int8), _validate_weights(weights, codes.shape[1]), float(d_max)


def _validate_weights(weights: np.ndarray | None, n_instruments: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (n_instruments,):
        raise ValueError(f"weights must have shape ({n_instruments},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return w


# --- counts -----------------------------------------------------------------------------------


def _one_hot(codes: np.ndarray) -> np.ndarray:
    """The (3A x I) stack of one-hot indicator matrices Y_1, Y_2, Y_3 (each A x I).

    float32 when every count (at most I) is an integer float32 holds exactly: the 0/1 products
    are then exact and the product runs about twice as fast as in float64.
    """
    dtype = np.float32 if codes.shape[1] < _FLOAT32_EXACT else np.float64
    return np.concatenate([(codes == c).astype(dtype) for c in CATEGORIES], axis=0)


def _joint_counts(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """C[c, d, a, b] = sum over instruments of left_c[a] * right_d[b], in one matrix product
    (laid out in that order, float64)."""
    k = len(CATEGORIES)
    actors = left.shape[0] // k
    gram = (left @ right.T).reshape(k, actors, k, actors).transpose(0, 2, 1, 3)
    return np.ascontiguousarray(gram, dtype=np.float64)


def _weighted_sum(table: np.ndarray, counts: np.ndarray, whole: bool = False) -> np.ndarray:
    """Sum over categories c, d of table[c, d] * counts[c, d, a, b] -> (A, A).

    With ``whole`` counts (instruments, under 2**24) and weights in quarters (every table of
    ``d_max`` 2) each term and each partial sum is exact, so the terms are added one by one (no
    BLAS call, the same numbers); otherwise one matrix product does it."""
    if whole and np.array_equal(table * 4, np.round(table * 4)):
        total = np.zeros(counts.shape[2:], dtype=np.float64)
        for (c, d), weight in np.ndenumerate(table):
            if weight:
                total += weight * counts[c, d]
        return total
    return np.tensordot(table, counts, axes=([0, 1], [0, 1]))


# --- measures ---------------------------------------------------------------------------------


def _add_distance_measures(
    values: dict[str, np.ndarray],
    reasons: dict[str, np.ndarray],
    counts: np.ndarray,
    n: np.ndarray,
    d_max: float,
) -> None:
    absolute = _weighted_sum(np.abs(_DIFF), counts, whole=True)
    squared = _weighted_sum(_DIFF**2, counts, whole=True)
    values["agreement"] = 1.0 - absolute / (2.0 * n)
    values["s"] = 1.0 - 2.0 * absolute / (n * d_max)
    values["s_squared"] = 1.0 - 2.0 * squared / (n * d_max**2)
    for name in ("agreement", "s", "s_squared"):
        reasons[name] = _reasons(n.shape, [(n == 0, NO_COMMON)])


def _add_weighted_s(
    values: dict[str, np.ndarray],
    reasons: dict[str, np.ndarray],
    stacked: np.ndarray,
    weights: np.ndarray | None,
    d_max: float,
) -> None:
    if weights is None:
        values["s_weighted"] = values["s"].copy()
        reasons["s_weighted"] = reasons["s"].copy()
        return
    n = values["n"]
    weighted = _joint_counts(stacked * weights, stacked.astype(np.float64))
    total = weighted.sum(axis=(0, 1))
    absolute = _weighted_sum(np.abs(_DIFF), weighted)
    values["s_weighted"] = 1.0 - 2.0 * absolute / (total * d_max)
    reasons["s_weighted"] = _reasons(n.shape, [(n == 0, NO_COMMON), (total == 0, NO_WEIGHT)])


def _disagreement(kind: str, d_max: float) -> np.ndarray:
    """Disagreement weights w[c, d] over the categories: nominal, linear or squared."""
    if kind == "nominal":
        return (_DIFF != 0).astype(np.float64)
    if kind == "linear":
        return np.abs(_DIFF) / d_max
    return (_DIFF / d_max) ** 2


def _margins(counts: np.ndarray, n: np.ndarray) -> dict[bool, tuple[np.ndarray, np.ndarray]]:
    """The marginals chance is computed from, by pooled or not: each actor's own (Cohen's
    kappa), or the mean of the two (Scott's pi)."""
    first = counts.sum(axis=1) / n  # (3, A, A): marginal of row actor a
    second = counts.sum(axis=0) / n  # (3, A, A): marginal of column actor b
    pooled = (first + second) / 2.0
    return {False: (first, second), True: (pooled, pooled)}


def _chance_corrected(
    counts: np.ndarray, n: np.ndarray, table: np.ndarray, margins: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """1 - observed / expected weighted disagreement; returns (value, expected).

    ``margins`` are the two actors' marginals (see :func:`_margins`). ``expected`` is a sum of
    non-negative terms, so it is exactly 0 when there is no variance to correct for.
    """
    observed = _weighted_sum(table, counts, whole=True) / n
    first, second = margins
    expected = np.einsum("cd,cab,dab->ab", table, first, second)
    return 1.0 - observed / expected, expected


def _jaccard(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|signed by a and b| / |signed by a or b| over all instruments."""
    yes = CATEGORIES.index(1)
    both = counts[yes, yes]
    signed = np.diag(both)
    union = signed[:, None] + signed[None, :] - both
    return both / union, _reasons(both.shape, [(union == 0, NO_SIGNATURES)])


def _steady(counts: np.ndarray) -> np.ndarray:
    """S[a, b] = the one code a gave on all instruments in common with b, else 0."""
    marginal = counts.sum(axis=1)  # (3, A, A): instruments in common where a has code c
    single = (marginal > 0).sum(axis=0) == 1
    code = np.array(CATEGORIES, dtype=np.int8)[marginal.argmax(axis=0)]
    steady = np.where(single, code, np.int8(0)).astype(np.int8)
    steady.flags.writeable = False
    return steady


# --- assembly ---------------------------------------------------------------------------------


def _reasons(shape: tuple[int, ...], rules: list[tuple[np.ndarray, str]]) -> np.ndarray:
    """Reason codes (int8, into :data:`REASONS`): the first rule whose mask holds gives the
    reason, else 0."""
    out = np.zeros(shape, dtype=np.int8)
    for mask, reason in reversed(rules):
        out[mask] = _CODE[reason]
    return out


def _finalise(
    values: dict[str, np.ndarray], reasons: dict[str, np.ndarray], steady: np.ndarray
) -> PairwiseResult:
    """NaN exactly where a reason is given; exactly symmetric, in MEASURES order, read-only.

    Floating-point sums for (a, b) and (b, a) may be taken in different orders, so the lower
    triangle is copied from the upper one to make the symmetry exact.
    """
    lower = np.tril(np.ones(values["n"].shape, dtype=bool), -1)
    for name in MEASURES:
        values[name] = np.where(reasons[name] != 0, np.nan, values[name])
        np.copyto(values[name], values[name].T, where=lower)
        np.copyto(reasons[name], reasons[name].T, where=lower)
        values[name].flags.writeable = False
        reasons[name].flags.writeable = False
    return PairwiseResult(
        values={m: values[m] for m in MEASURES},
        reason_codes={m: reasons[m] for m in MEASURES},
        steady=steady,
    )
