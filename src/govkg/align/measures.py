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

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

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

    def pairs_with(self, min_n: int) -> tuple[np.ndarray, np.ndarray]:
        """The unordered pairs (a < b) with at least ``min_n`` instruments in common, as two
        index arrays (read-only, kept for the next call with the same ``min_n``)."""
        if min_n not in self._pairs_with:
            a, b, counts = self.upper
            if min_n > 0:
                keep = counts >= min_n
                a, b = a[keep], b[keep]
            a.flags.writeable = b.flags.writeable = False
            self._pairs_with[min_n] = (a, b)
        return self._pairs_with[min_n]

    @cached_property
    def _pairs_with(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        return {}

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
    """Compute every measure in MEASURES for every pair of rows (actors) of ``codes``.

    Each measure is computed for the pairs a <= b (the upper triangle, kept as one vector) and
    copied to (b, a): the arrays are exactly symmetric whatever order a sum is taken in."""
    codes, weights, d_max = _validate(codes, weights, d_max)
    stacked = _one_hot(codes)
    joint = _Joint(stacked)
    values: dict[str, np.ndarray] = {"n": joint.n}
    reasons: dict[str, np.ndarray] = {"n": _reasons(joint.n.shape, [])}  # all 0: never undefined
    with np.errstate(divide="ignore", invalid="ignore"):
        _add_distance_measures(values, reasons, joint, d_max)
        _add_weighted_s(values, reasons, joint, weights, d_max)
        steady = _steady(joint)
        _add_chance_corrected(values, reasons, joint, d_max)
        values["jaccard"], reasons["jaccard"] = _jaccard(joint)
    return _finalise(values, reasons, steady, joint.layout)


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


@dataclass(frozen=True)
class _Layout:
    """Where the pairs a <= b of A actors are: ``a``, ``b`` (row by row, the vector's order),
    ``mirror`` the (A, A) map from (a, b) and (b, a) to the pair's place in the vector, ``sides``
    the same with the pairs a > b sent after the vector (to a second vector for (b, a)),
    ``upper`` the flat places of the pairs in an (A, A) array and ``gather`` those of the counts
    C[c, d] in the (3A x 3A) product of the one-hot stack (c, d row by row)."""

    a: np.ndarray
    b: np.ndarray
    mirror: np.ndarray
    sides: np.ndarray
    upper: np.ndarray
    gather: np.ndarray


@lru_cache(maxsize=2)
def _layout(actors: int) -> _Layout:
    """The :class:`_Layout` of ``actors`` actors (read-only, kept for the next call: the periods
    of one analysis have the same actors; about 8 A**2 words, 2.6 MB for 200 actors)."""
    a, b = np.triu_indices(actors)
    mirror = np.empty((actors, actors), dtype=np.intp)
    mirror[a, b] = mirror[b, a] = np.arange(len(a))
    sides = mirror + len(a) * np.tri(actors, k=-1, dtype=np.intp)
    k = len(CATEGORIES)
    blocks = np.arange(k)[:, None] * (k * actors * actors) + np.arange(k)[None, :] * actors
    gather = blocks.reshape(-1, 1) + (a * (k * actors) + b)[None, :]
    layout = _Layout(a, b, mirror, sides, a * actors + b, gather)
    for array in vars(layout).values():
        array.flags.writeable = False
    return layout


class _Joint:
    """The joint category counts of the pairs a <= b, from one product of the one-hot stack
    with itself (block (c, d) of the (3A x 3A) product is C[c, d]): whole numbers, exact, and so
    is each sum of them, whatever its order. Every array is a vector over the pairs."""

    def __init__(self, stacked: np.ndarray) -> None:
        k = len(CATEGORIES)
        self.actors = stacked.shape[0] // k
        self.layout = _layout(self.actors)
        self.stacked = stacked
        self.product = stacked @ stacked.T
        #: cells[c, d]: the instruments in common on which a has code c and b code d
        self.cells = self.product.reshape(-1).take(self.layout.gather).reshape(k, k, -1)
        #: rows[c] (cols[c]): the instruments in common on which a (b) has code c, float64
        self.rows = self.cells.sum(axis=1, dtype=np.float64)
        self.cols = self.cells.sum(axis=0, dtype=np.float64)
        self.n = self.rows.sum(axis=0)
        same = self.cells[0, 0].astype(np.float64)
        for c in range(1, k):
            same += self.cells[c, c]
        #: how many instruments in common have codes 1 and 2 apart
        self.far = np.add(self.cells[0, 2], self.cells[2, 0], dtype=np.float64)
        self.near = np.subtract(self.n, same, out=same)
        self.near -= self.far

    def weighted(self, table: np.ndarray) -> np.ndarray:
        """Sum over categories c, d of table[c, d] * C[c, d], the number
        ``_weighted_sum(table, counts, whole=True)`` gives.

        A table with weights in quarters that depends on |c - d| alone (0 on the diagonal) gives
        an exact sum: its weight 1 and 2 apart times the counts that far apart, added (exact)."""
        apart = _by_distance(table.tobytes())
        if apart is None:
            return self.paired(_weighted_sum(table, self.counts(), whole=True))
        one, two = apart
        total = np.multiply(self.near, one)
        total += np.multiply(self.far, two)
        return total

    def counts(self) -> np.ndarray:
        """C[c, d, a, b] of every pair laid out in that order (float64), as
        :func:`_joint_counts` gives."""
        k = len(CATEGORIES)
        blocks = self.product.reshape(k, self.actors, k, self.actors).transpose(0, 2, 1, 3)
        return np.ascontiguousarray(blocks, dtype=np.float64)

    def paired(self, square: np.ndarray) -> np.ndarray:
        """An (A, A) array's values for the pairs a <= b."""
        return square.reshape(-1).take(self.layout.upper)


@lru_cache(maxsize=64)
def _by_distance(data: bytes) -> tuple[float, float] | None:
    """The weights 1 and 2 apart of a table (3 x 3 float64, its bytes) in quarters that depends
    on |c - d| alone and is 0 on the diagonal; None for any other table."""
    table = np.frombuffer(data, dtype=np.float64).reshape(len(CATEGORIES), len(CATEGORIES))
    apart = np.abs(np.subtract.outer(np.arange(len(CATEGORIES)), np.arange(len(CATEGORIES))))
    one, two = float(table[0, 1]), float(table[0, 2])
    expected = np.choose(apart, [0.0, one, two])
    if not np.array_equal(table, expected) or not np.array_equal(table * 4, np.round(table * 4)):
        return None
    return one, two


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
    joint: _Joint,
    d_max: float,
) -> None:
    """agreement, s and s_squared: ``1 - absolute / (2 n)``, ``1 - 2 absolute / (n d_max)`` and
    ``1 - 2 squared / (n d_max**2)``, each operation the same as written out (the same bits)."""
    n = joint.n
    absolute = joint.weighted(np.abs(_DIFF))
    squared = joint.weighted(_DIFF**2)
    below = np.empty_like(n)
    above = np.empty_like(n)
    np.divide(absolute, np.multiply(2.0, n, out=below), out=above)
    values["agreement"] = np.subtract(1.0, above, out=above)
    for name, sums, scale in (("s", absolute, d_max), ("s_squared", squared, d_max**2)):
        np.multiply(n, scale, out=below)
        quotient = np.multiply(2.0, sums, out=sums)
        quotient /= below
        values[name] = np.subtract(1.0, quotient, out=quotient)
    no_common = _reasons(n.shape, [(n == 0, NO_COMMON)])
    for name in ("agreement", "s", "s_squared"):
        reasons[name] = no_common


def _add_weighted_s(
    values: dict[str, np.ndarray],
    reasons: dict[str, np.ndarray],
    joint: _Joint,
    weights: np.ndarray | None,
    d_max: float,
) -> None:
    if weights is None:
        values["s_weighted"] = values["s"]  # the same numbers (read-only once finalised)
        reasons["s_weighted"] = reasons["s"]
        return
    stacked = joint.stacked
    weighted = _joint_counts(stacked * weights, stacked.astype(np.float64))
    total = weighted.sum(axis=(0, 1))
    absolute = _weighted_sum(np.abs(_DIFF), weighted)
    value = 1.0 - 2.0 * absolute / (total * d_max)
    n = values["n"]
    total = joint.paired(total)
    values["s_weighted"] = joint.paired(value)
    reasons["s_weighted"] = _reasons(n.shape, [(n == 0, NO_COMMON), (total == 0, NO_WEIGHT)])


def _disagreement(kind: str, d_max: float) -> np.ndarray:
    """Disagreement weights w[c, d] over the categories: nominal, linear or squared."""
    if kind == "nominal":
        return (_DIFF != 0).astype(np.float64)
    if kind == "linear":
        return np.abs(_DIFF) / d_max
    return (_DIFF / d_max) ** 2


def _add_chance_corrected(
    values: dict[str, np.ndarray], reasons: dict[str, np.ndarray], joint: _Joint, d_max: float
) -> None:
    """Every measure of :data:`_CHANCE_CORRECTED`: 1 - observed / expected weighted
    disagreement, chance computed from each actor's own marginals (Cohen's kappa) or from the
    mean of the two (Scott's pi); the expected disagreement is the sum :func:`_expected` makes,
    each product of two marginals made once."""
    n = joint.n
    first = np.divide(joint.rows, n, out=joint.rows)  # the counts are not needed any more
    second = np.divide(joint.cols, n, out=joint.cols)
    pooled = np.add(first, second)
    pooled /= 2.0
    margins = {False: (first, second), True: (pooled, pooled)}
    products: dict[bool, dict[tuple[int, int], np.ndarray]] = {False: {}, True: {}}
    observed: dict[str, np.ndarray] = {}
    no_common = n == 0
    for name, (kind, pool) in _CHANCE_CORRECTED.items():
        table = _disagreement(kind, d_max)
        if kind not in observed:
            observed[kind] = np.divide(joint.weighted(table), n)
        expected = _expected(table, margins[pool], products[pool], pool)
        value = np.divide(observed[kind], expected)
        values[name] = np.subtract(1.0, value, out=value)
        reasons[name] = _reasons(n.shape, [(no_common, NO_COMMON), (expected == 0, NO_VARIANCE)])


def _expected(
    table: np.ndarray,
    margins: tuple[np.ndarray, np.ndarray],
    products: dict[tuple[int, int], np.ndarray],
    symmetric: bool,
) -> np.ndarray:
    """``einsum("cd,cab,dab->ab", table, first, second)`` to the last bit: the terms
    ``(table[c, d] * first[c]) * second[d]`` added to 0 in that order (c, then d).

    A weight that is a power of two scales exactly, so such a term is the weight times the
    product of the two marginals, kept in ``products`` (by (c, d), or by the sorted pair when the
    two marginals are the same, ``symmetric``) for the next table; a zero weight adds nothing."""
    first, second = margins
    total = np.zeros(first.shape[1:], dtype=np.float64)
    term = np.empty_like(total)
    for (c, d), weight in np.ndenumerate(table):
        if not weight:
            continue
        if not _power_of_two(weight):
            np.multiply(first[c], weight, out=term)
            total += np.multiply(term, second[d], out=term)
            continue
        key = (min(c, d), max(c, d)) if symmetric else (c, d)
        if key not in products:
            products[key] = np.multiply(first[c], second[d])
        total += products[key] if weight == 1 else np.multiply(products[key], weight, out=term)
    return total


def _power_of_two(weight: float) -> bool:
    """A weight that scales every marginal and product of two exactly (no overflow or
    underflow: marginals lie in [2**-24, 1] or are 0)."""
    mantissa, exponent = math.frexp(weight)
    return mantissa == 0.5 and -500 < exponent < 500


def _jaccard(joint: _Joint) -> tuple[np.ndarray, np.ndarray]:
    """|signed by a and b| / |signed by a or b| over all instruments."""
    yes = CATEGORIES.index(1)
    both = joint.cells[yes, yes].astype(np.float64)
    signed = np.diag(joint.product)[yes * joint.actors : (yes + 1) * joint.actors]
    union = np.add(signed[joint.layout.a], signed[joint.layout.b], dtype=np.float64)
    union -= both
    return np.divide(both, union, out=both), _reasons(both.shape, [(union == 0, NO_SIGNATURES)])


def _steady(joint: _Joint) -> np.ndarray:
    """S[a, b] = the one code a gave on all instruments in common with b, else 0."""
    sides = [_single_code(joint.rows), _single_code(joint.cols)]  # a's codes, b's
    steady = np.concatenate(sides).take(joint.layout.sides)
    steady.flags.writeable = False
    return steady


def _single_code(marginals: np.ndarray) -> np.ndarray:
    """The one category with a non-zero marginal (its code), 0 where there are more or none."""
    given = marginals > 0
    code = np.zeros(given.shape[1:], dtype=np.int8)
    for k, c in enumerate(CATEGORIES):
        code[given[k]] = c
    code[given.sum(axis=0, dtype=np.int8) != 1] = 0
    return code


# --- assembly ---------------------------------------------------------------------------------


def _reasons(shape: tuple[int, ...], rules: list[tuple[np.ndarray, str]]) -> np.ndarray:
    """Reason codes (int8, into :data:`REASONS`): the first rule whose mask holds gives the
    reason, else 0."""
    out = np.zeros(shape, dtype=np.int8)
    for mask, reason in reversed(rules):
        out[mask] = _CODE[reason]
    return out


def _finalise(
    values: dict[str, np.ndarray],
    reasons: dict[str, np.ndarray],
    steady: np.ndarray,
    layout: _Layout,
) -> PairwiseResult:
    """NaN exactly where a reason is given; each pair's values copied to (b, a), so exactly
    symmetric; in MEASURES order, read-only."""
    square: dict[int, np.ndarray] = {}
    for name in MEASURES:
        value, reason = values[name], reasons[name]
        if id(value) not in square:
            np.copyto(value, np.nan, where=reason != 0)
            square[id(value)] = value.take(layout.mirror)
        if id(reason) not in square:
            square[id(reason)] = reason.take(layout.mirror)
    for array in square.values():
        array.flags.writeable = False
    return PairwiseResult(
        values={m: square[id(values[m])] for m in MEASURES},
        reason_codes={m: square[id(reasons[m])] for m in MEASURES},
        steady=steady,
    )
