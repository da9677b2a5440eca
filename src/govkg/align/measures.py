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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

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
#: Whether the valid codes are 0 to their highest (then int8 codes are checked by one compare).
_CODES_FROM_0 = tuple(range(len(VALID_CODES))) == VALID_CODES

NO_COMMON = "no instruments in common"
NO_VARIANCE = "no variance"
NO_WEIGHT = "zero total weight on the instruments in common"
NO_SIGNATURES = "neither actor signed any instrument"

#: Every reason a value can be undefined for; a reason code is an index into it ("" = defined).
REASONS: tuple[str, ...] = ("", NO_COMMON, NO_VARIANCE, NO_WEIGHT, NO_SIGNATURES)
_REASON_DTYPE = f"<U{max(len(r) for r in REASONS)}"
_REASON_TEXTS = np.array(REASONS, dtype=_REASON_DTYPE)
_CODE = {reason: np.int8(k) for k, reason in enumerate(REASONS)}
_CELLS = len(CATEGORIES) ** 2  # the counts C[c, d] of a pair
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


class Squares(Mapping[str, np.ndarray]):
    """Each measure's (A, A) array of a result (its reason codes, with ``reasons``), made when
    first read from the measure over the pairs a <= b and copied to (b, a): exactly symmetric,
    read-only.  Measures that share one vector share one array; the counts ``n`` are
    :attr:`PairwiseResult.counts` (nothing else is computed for them)."""

    def __init__(self, result: PairwiseResult, reasons: bool = False) -> None:
        self._result = result
        self._reasons = reasons
        self._made: dict[int, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name == "n":  # the counts, never undefined: nothing else computed for them
            return self._result.counts if not self._reasons else self._never()
        vector = self._result.upper_of(name, self._reasons)
        square = self._made.get(id(vector))
        if square is None:
            square = vector.take(_layout(self._result.actors).mirror)
            square.flags.writeable = False
            self._made[id(vector)] = square
        return square

    def _never(self) -> np.ndarray:
        """Reason codes all 0 (defined everywhere)."""
        if -1 not in self._made:
            never = np.zeros((self._result.actors, self._result.actors), dtype=np.int8)
            never.flags.writeable = False
            self._made[-1] = never
        return self._made[-1]

    def __iter__(self) -> Iterator[str]:
        return iter(MEASURES)

    def __len__(self) -> int:
        return len(MEASURES)

    def __getstate__(self) -> dict[str, Any]:
        return {"_result": self._result, "_reasons": self._reasons, "_made": {}}


@dataclass(frozen=True)
class Measured:
    """Every measure over some pairs a <= b (vectors in the pairs' order): ``values[m]``
    (NaN where undefined), ``reason_codes[m]`` (int8 indices into :data:`REASONS`), and
    ``sides``: the one code a gave (and b gave) on every instrument in common, 0 if its answers
    varied or there is none."""

    values: dict[str, np.ndarray]
    reason_codes: dict[str, np.ndarray]
    sides: tuple[np.ndarray, np.ndarray]

    def taken(self, places: np.ndarray) -> Measured:
        """The same measures over the pairs at ``places`` among these."""
        values = _taken_all(self.values, places)
        reasons = _taken_all(self.reason_codes, places)
        x, y = self.sides
        return Measured(values, reasons, (x.take(places), y.take(places)))


def _taken_all(vectors: dict[str, np.ndarray], places: np.ndarray) -> dict[str, np.ndarray]:
    """Each vector at ``places``, a vector shared by several measures taken once."""
    made: dict[int, np.ndarray] = {}
    for vector in vectors.values():
        if id(vector) not in made:
            made[id(vector)] = vector.take(places)
    return {name: made[id(vector)] for name, vector in vectors.items()}


class PairwiseResult:
    """Every measure for every ordered pair of actors, each computed when first asked for.

    ``values[m]`` is an (A, A) float64 array (NaN where undefined; ``n`` holds the counts as
    floats); ``reason_codes[m]`` an (A, A) int8 array of indices into :data:`REASONS` (0 where
    the value is defined), ``reasons[m]`` the same as strings (``""`` where defined).
    ``steady[a, b]`` is the code (1, 2 or 3) actor a gave on every instrument it has in common
    with b, 0 if its answers varied or there is none (not symmetric).  Every array is read-only.

    The counts come from one product of the one-hot stack; the other measures of every pair
    are computed the first time an (A, A) array is read, and :meth:`kept_measures` computes
    them for the pairs with at least ``min_n`` instruments in common alone (each operation on
    each pair the same, so the same bits).
    """

    def __init__(self, stacked: np.ndarray, weights: np.ndarray | None, d_max: float) -> None:
        self._stacked = stacked
        self._weights = weights
        self._d_max = d_max
        self.actors = stacked.shape[0] // len(CATEGORIES)
        self.values: Mapping[str, np.ndarray] = Squares(self)
        self.reason_codes: Mapping[str, np.ndarray] = Squares(self, reasons=True)
        self._kept: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._kept_groups: dict[int, tuple[np.ndarray, Measured]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Every measure, worked out before the result is pickled (by the process that pickles
        it: ``govkg.site.alignment_process``), without the one-hot stack and product, which
        served only to work them out."""
        self.whole  # noqa: B018 (computed and kept)
        self.counts  # noqa: B018
        return {k: v for k, v in vars(self).items() if k not in ("_stacked", "product")}

    @cached_property
    def product(self) -> np.ndarray:
        """The (3A x 3A) product of the one-hot stack with itself (block (c, d) is C[c, d])."""
        return self._stacked @ self._stacked.T

    @cached_property
    def counts(self) -> np.ndarray:
        """``values["n"]``: the instruments each pair has in common, the sum of the blocks of
        :attr:`product`, from one product of the coded cells (whole numbers: exact)."""
        k, actors = len(CATEGORIES), self.actors
        coded = self._stacked.reshape(k, actors, -1).sum(axis=0)  # 0/1, in the stack's dtype
        counts = (coded @ coded.T).astype(np.float64)
        counts.flags.writeable = False
        return counts

    @cached_property
    def whole(self) -> Measured:
        """Every measure over every pair a <= b (in the order of ``np.triu_indices(A)``); the
        product is let go (every measure is known: nothing else needs it)."""
        joint = _Joint.of_product(self.product, self._stacked, None)
        found = _measured(joint, self._weights, self._d_max)
        vars(self).pop("product", None)
        return found

    @cached_property
    def reasons(self) -> Mapping[str, np.ndarray]:
        """Each measure's reasons as an (A, A) string array, ``""`` where defined."""
        return ReasonTexts(self.reason_codes)

    @cached_property
    def steady(self) -> np.ndarray:
        """S[a, b] = the one code a gave on all instruments in common with b, else 0."""
        steady = np.concatenate(self.whole.sides).take(_layout(self.actors).sides)
        steady.flags.writeable = False
        return steady

    def upper_of(self, name: str, reason: bool = False) -> np.ndarray:
        """Measure ``name``'s values (its reason codes, with ``reason``) over the pairs a <= b,
        in the order of ``np.triu_indices(A)`` (read-only)."""
        return (self.whole.reason_codes if reason else self.whole.values)[name]

    @cached_property
    def upper(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The unordered pairs (a < b) as two index arrays, and their counts ``n``."""
        a, b, _places = self._apart
        return a, b, self.counts.reshape(-1).take(a * self.actors + b)

    @cached_property
    def _apart(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs a < b and their places among the pairs a <= b."""
        layout = _layout(self.actors)
        places = np.flatnonzero(layout.a != layout.b)
        return layout.a[places], layout.b[places], places

    def pairs_with(self, min_n: int) -> tuple[np.ndarray, np.ndarray]:
        """The unordered pairs (a < b) with at least ``min_n`` instruments in common, as two
        index arrays (read-only, kept for the next call with the same ``min_n``)."""
        a, b, _places = self.kept(min_n)
        return a, b

    def kept(self, min_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`pairs_with` and the pairs' places among the pairs a <= b (read-only, kept for
        the next call with the same ``min_n``)."""
        if min_n not in self._kept:
            if min_n > 0:  # row by row, as np.triu_indices
                layout = _layout(self.actors)
                n = self.counts.reshape(-1).take(layout.upper)  # of every pair a <= b
                places = np.flatnonzero((n >= min_n) & (layout.a != layout.b))
                a, b = layout.a.take(places), layout.b.take(places)
            else:
                a, b, places = (array.copy() for array in self._apart)
            a.flags.writeable = b.flags.writeable = places.flags.writeable = False
            self._kept[min_n] = (a, b, places)
        return self._kept[min_n]

    def kept_measures(self, min_n: int) -> Measured:
        """Every measure over the pairs of :meth:`pairs_with` (``min_n``), in their order."""
        group, found = self.kept_groups(min_n)
        return found.taken(group)

    def kept_groups(self, min_n: int) -> tuple[np.ndarray, Measured]:
        """The pairs of :meth:`pairs_with` (``min_n``) in groups whose measures are all the
        same: each pair's group and every measure of one pair of each group (computed for
        those pairs alone unless every pair's are known).  Pairs with the same counts C[c, d]
        and the same number of signatures of the two sides together are a group (every
        measure is computed from these alone, each operation the same: the same bits); with
        weights, counts too large to be packed in one integer, or every pair's measures known,
        each pair is its own group."""
        if min_n not in self._kept_groups:
            places = self.kept(min_n)[2]
            grouped = None if "whole" in vars(self) else self._grouped(places)
            if grouped is not None:
                group, found = grouped
            elif "whole" in vars(self):
                group, found = np.arange(len(places)), self.whole.taken(places)
            else:
                joint = _Joint.of_product(self.product, self._stacked, places)
                group, found = np.arange(len(places)), _measured(joint, self._weights, self._d_max)
            group.flags.writeable = False
            self._kept_groups[min_n] = (group, found)
        return self._kept_groups[min_n]

    def _grouped(self, places: np.ndarray) -> tuple[np.ndarray, Measured] | None:
        """Each pair's group (:meth:`kept_groups`) among the pairs a <= b at ``places``, and
        every measure of one pair of each group, computed from its counts C[c, d] read
        back from the group's key; None with weights or counts too large to pack."""
        packed = self._keys(places)
        if packed is None:
            return None
        keys, base, signed_base = packed
        order = keys.argsort()  # the pairs of a group side by side: any of them stands for it
        ranked = keys.take(order)
        starts = np.ones(len(ranked), dtype=bool)  # where the next group starts
        np.not_equal(ranked[1:], ranked[:-1], out=starts[1:])
        group = np.empty(len(ranked), dtype=np.intp)
        group[order] = np.cumsum(starts) - 1
        unique, firsts = ranked[starts], order[starts]
        unique //= signed_base  # the counts C[c, d], a digit each (the first the highest)
        powers = np.int64(base) ** np.arange(_CELLS - 1, -1, -1, dtype=np.int64)
        digits = unique[np.newaxis, :] // powers[:, np.newaxis]
        digits %= base
        cells = digits.astype(self._stacked.dtype)
        layout = _layout(self.actors)
        chosen = places.take(firsts)
        k = len(CATEGORIES)
        joint = _Joint(cells.reshape(k, k, -1), self._signed, self._stacked,
                       (layout.a.take(chosen), layout.b.take(chosen), layout.upper.take(chosen)),
                       lambda: self.product)  # fmt: skip
        return group, _measured(joint, self._weights, self._d_max)

    @cached_property
    def _signed(self) -> np.ndarray:
        """How many instruments each actor signed (code 1), in the stack's dtype: the diagonal
        of :attr:`product`'s block (1, 1), from the stack alone."""
        yes = CATEGORIES.index(1)
        return self._stacked[yes * self.actors : (yes + 1) * self.actors].sum(axis=1)

    def _keys(self, places: np.ndarray) -> tuple[np.ndarray, int, int] | None:
        """Each pair's counts C[c, d] as the digits of one number in base I + 1 (C[1, 1] the
        highest), times 2 I + 1, plus the signatures of its two sides; and the two bases.  The
        digits come from one product of whole numbers below 2**53 (exact in float64): actor a's
        code c on an instrument weighs ``base**(3 (2 - c'))``, b's code d ``base**(2 - d')``
        (c', d' = their places in CATEGORIES), so an instrument adds 1 to digit (c, d).  None
        with weights or counts too large to pack."""
        instruments = self._stacked.shape[1]
        base, signed_base = instruments + 1, 2 * instruments + 1
        if self._weights is not None or base**_CELLS > 2**53:  # then key < 2**60
            return None
        k = len(CATEGORIES)
        hot = self._stacked.reshape(k, -1)  # row c: the one-hot (A, I) matrix of code c
        powers = np.float64(base) ** np.arange(k - 1, -1, -1)
        left = (powers**k @ hot).reshape(self.actors, instruments)
        right = (powers @ hot).reshape(self.actors, instruments)
        layout = _layout(self.actors)
        key = (left @ right.T).reshape(-1).take(layout.upper.take(places)).astype(np.int64)
        signed = self._signed.astype(np.int64)
        key *= signed_base
        key += signed.take(layout.a.take(places)) + signed.take(layout.b.take(places))
        return key, base, signed_base

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
    """Every measure in MEASURES for every pair of rows (actors) of ``codes`` (computed when
    first read, :class:`PairwiseResult`).

    Each measure is computed for the pairs a <= b (the upper triangle, kept as one vector) and
    copied to (b, a): the arrays are exactly symmetric whatever order a sum is taken in."""
    codes, weights, d_max = _validate(codes, weights, d_max)
    return PairwiseResult(_one_hot(codes), weights, d_max)


def _measured(joint: _Joint, weights: np.ndarray | None, d_max: float) -> Measured:
    """Every measure over the pairs of ``joint``; NaN exactly where a reason is given;
    read-only."""
    values: dict[str, np.ndarray] = {"n": joint.n}
    reasons: dict[str, np.ndarray] = {"n": _reasons(joint.n.shape, [])}  # all 0: never undefined
    with np.errstate(divide="ignore", invalid="ignore"):
        _add_distance_measures(values, reasons, joint, d_max)
        _add_weighted_s(values, reasons, joint, weights, d_max)
        sides = (_single_code(joint.rows), _single_code(joint.cols))  # a's codes, b's
        _add_chance_corrected(values, reasons, joint, d_max)
        values["jaccard"], reasons["jaccard"] = _jaccard(joint)
    return _finalise(values, reasons, sides)


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
    if _CODES_FROM_0 and codes.dtype == np.int8 and not _above(codes.view(np.uint8)):
        # the matrix's own codes (a negative one is above the highest as uint8)
        return codes, _validate_weights(weights, codes.shape[1]), _checked_d_max(d_max)
    bad = ~np.isin(codes, VALID_CODES)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"codes must be in {set(VALID_CODES)}; found {codes[where]!r} at (actor, instrument) "
            f"{where}"
        )
    return codes.astype(np.int8), _validate_weights(weights, codes.shape[1]), _checked_d_max(d_max)


def _above(codes: np.ndarray) -> bool:
    """Whether some code is above the highest valid code."""
    return bool((codes > VALID_CODES[-1]).any())


def _checked_d_max(d_max: float) -> float:
    if not (np.isfinite(d_max) and d_max > 0):
        raise ValueError(f"d_max must be a positive finite number, got {d_max!r}")
    return float(d_max)


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
    """The joint category counts of some pairs a <= b: whole numbers, exact, and so is each sum
    of them, whatever its order. Every array is a vector over the pairs."""

    def __init__(self, cells: np.ndarray, signed: np.ndarray, stacked: np.ndarray,
                 pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
                 product: Callable[[], np.ndarray]) -> None:  # fmt: skip
        """``cells[c, d]``: the instruments in common on which a has code c and b code d (in
        the stack's dtype); ``signed``: how many instruments each actor signed; ``pairs``: the
        pairs' a, b and flat places in an (A, A) array; ``product`` gives the (3A x 3A) product
        of the one-hot ``stacked`` when a weighted sum needs every pair's counts."""
        k = len(CATEGORIES)
        self.actors = stacked.shape[0] // k
        self.stacked = stacked
        self.signed = signed
        self._product = product
        self.a, self.b, self.upper = pairs
        self.cells = cells
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

    @classmethod
    def of_product(cls, product: np.ndarray, stacked: np.ndarray,
                   places: np.ndarray | None = None) -> _Joint:  # fmt: skip
        """The pairs at ``places`` among the pairs a <= b (every one for None), their counts
        read from one product of the one-hot stack with itself (block (c, d) of the (3A x 3A)
        product is C[c, d])."""
        k = len(CATEGORIES)
        actors = stacked.shape[0] // k
        layout = _layout(actors)
        gather, a, b, upper = layout.gather, layout.a, layout.b, layout.upper
        if places is not None:  # some of the pairs a <= b
            gather, a, b, upper = gather[:, places], a[places], b[places], upper[places]
        cells = product.reshape(-1).take(gather).reshape(k, k, -1)
        yes = CATEGORIES.index(1)
        signed = np.diag(product)[yes * actors : (yes + 1) * actors]
        return cls(cells, signed, stacked, (a, b, upper), lambda: product)

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
        blocks = self._product().reshape(k, self.actors, k, self.actors).transpose(0, 2, 1, 3)
        return np.ascontiguousarray(blocks, dtype=np.float64)

    def paired(self, square: np.ndarray) -> np.ndarray:
        """An (A, A) array's values for the pairs a <= b."""
        return square.reshape(-1).take(self.upper)


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


@lru_cache(maxsize=16)
def _disagreement(kind: str, d_max: float) -> np.ndarray:
    """Disagreement weights w[c, d] over the categories: nominal, linear or squared (read-only,
    kept: every result asks for the same few tables)."""
    if kind == "nominal":
        table = (_DIFF != 0).astype(np.float64)
    elif kind == "linear":
        table = np.abs(_DIFF) / d_max
    else:
        table = (_DIFF / d_max) ** 2
    table.flags.writeable = False
    return table


@lru_cache(maxsize=16)
def _terms(kind: str, d_max: float) -> tuple[tuple[int, int, float, bool], ...]:
    """The non-zero weights of :func:`_disagreement`'s table as (c, d, weight, whether it is a
    power of two), in the order :func:`_expected` adds their terms (c, then d)."""
    table = _disagreement(kind, d_max)
    return tuple((c, d, float(weight), _power_of_two(weight))
                 for (c, d), weight in np.ndenumerate(table) if weight)  # fmt: skip


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
        expected = _expected(_terms(kind, d_max), margins[pool], products[pool], pool)
        value = np.divide(observed[kind], expected)
        values[name] = np.subtract(1.0, value, out=value)
        reasons[name] = _reasons(n.shape, [(no_common, NO_COMMON), (expected == 0, NO_VARIANCE)])


def _expected(
    terms: Sequence[tuple[int, int, float, bool]],
    margins: tuple[np.ndarray, np.ndarray],
    products: dict[tuple[int, int], np.ndarray],
    symmetric: bool,
) -> np.ndarray:
    """``einsum("cd,cab,dab->ab", table, first, second)`` to the last bit, the table given by
    its non-zero weights (``terms``, :func:`_terms`): the terms
    ``(table[c, d] * first[c]) * second[d]`` added to 0 in that order (c, then d).

    A weight that is a power of two scales exactly, so such a term is the weight times the
    product of the two marginals, kept in ``products`` (by (c, d), or by the sorted pair when the
    two marginals are the same, ``symmetric``) for the next table; a zero weight adds nothing."""
    first, second = margins
    total = np.zeros(first.shape[1:], dtype=np.float64)
    term = np.empty_like(total)
    for c, d, weight, exact in terms:
        if not exact:
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
    union = np.add(joint.signed[joint.a], joint.signed[joint.b], dtype=np.float64)
    union -= both
    return np.divide(both, union, out=both), _reasons(both.shape, [(union == 0, NO_SIGNATURES)])


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
    sides: tuple[np.ndarray, np.ndarray],
) -> Measured:
    """NaN exactly where a reason is given; in MEASURES order, read-only."""
    for name in MEASURES:
        value, reason = values[name], reasons[name]
        if value.flags.writeable:  # a vector shared by two measures is done once
            np.copyto(value, np.nan, where=reason != 0)
            value.flags.writeable = False
        reason.flags.writeable = False
    for side in sides:
        side.flags.writeable = False
    return Measured({m: values[m] for m in MEASURES}, {m: reasons[m] for m in MEASURES}, sides)
