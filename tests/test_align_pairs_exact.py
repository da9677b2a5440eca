"""``measures.all_pairs`` gives, to the last bit, what the measures' definitions written out over
whole (A, A) arrays give: the joint counts C[c, d, a, b] in float64, every weighted sum and
margin as written, the expected disagreement by ``np.einsum``, the lower triangle copied from
the upper one.  It computes the pairs a <= b only, sums by distance and shares products of
marginals, so a change in the order of any operation would show here (random codes, several
d_max, with and without weights)."""

from __future__ import annotations

import numpy as np
import pytest

from govkg.align.measures import MEASURES, REASONS, all_pairs

DIFF = np.subtract.outer(np.arange(1, 4), np.arange(1, 4)).astype(np.float64)
CODE = {reason: k for k, reason in enumerate(REASONS)}


def weighted_sum(table: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sum of table[c, d] * counts[c, d]: term by term when exact (weights in quarters),
    else by one tensordot (as the measures define it)."""
    if np.array_equal(table * 4, np.round(table * 4)):
        total = np.zeros(counts.shape[2:])
        for (c, d), weight in np.ndenumerate(table):
            if weight:
                total += weight * counts[c, d]
        return total
    return np.tensordot(table, counts, axes=([0, 1], [0, 1]))


def reasons_of(shape: tuple[int, ...], rules: list[tuple[np.ndarray, str]]) -> np.ndarray:
    out = np.zeros(shape, dtype=np.int8)
    for mask, reason in reversed(rules):
        out[mask] = CODE[reason]
    return out


def reference(codes: np.ndarray, weights: np.ndarray | None, d_max: float) -> tuple[
        dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:  # fmt: skip
    """Every measure over whole arrays, straight from the definitions."""
    one_hot = np.concatenate([(codes == c).astype(np.float64) for c in (1, 2, 3)])
    actors = codes.shape[0]
    counts = np.ascontiguousarray(
        (one_hot @ one_hot.T).reshape(3, actors, 3, actors).transpose(0, 2, 1, 3)
    )
    n = counts.sum(axis=(0, 1))
    no_common = n == 0
    values: dict[str, np.ndarray] = {"n": n}
    reasons = {"n": reasons_of(n.shape, [])}
    with np.errstate(divide="ignore", invalid="ignore"):
        absolute = weighted_sum(np.abs(DIFF), counts)
        squared = weighted_sum(DIFF**2, counts)
        values["agreement"] = 1.0 - absolute / (2.0 * n)
        values["s"] = 1.0 - 2.0 * absolute / (n * d_max)
        values["s_squared"] = 1.0 - 2.0 * squared / (n * d_max**2)
        for name in ("agreement", "s", "s_squared"):
            reasons[name] = reasons_of(n.shape, [(no_common, "no instruments in common")])
        if weights is None:
            values["s_weighted"], reasons["s_weighted"] = values["s"], reasons["s"]
        else:
            left = np.concatenate([one_hot[k * actors:(k + 1) * actors] * weights
                                   for k in range(3)])  # fmt: skip
            joint = (left @ one_hot.T).reshape(3, actors, 3, actors).transpose(0, 2, 1, 3)
            joint = np.ascontiguousarray(joint)
            total = joint.sum(axis=(0, 1))
            sums = np.tensordot(np.abs(DIFF), joint, axes=([0, 1], [0, 1]))
            values["s_weighted"] = 1.0 - 2.0 * sums / (total * d_max)
            reasons["s_weighted"] = reasons_of(n.shape, [
                (no_common, "no instruments in common"),
                (total == 0, "zero total weight on the instruments in common")])  # fmt: skip
        first, second = counts.sum(axis=1) / n, counts.sum(axis=0) / n
        pooled = (first + second) / 2.0
        tables = {"nominal": (DIFF != 0).astype(np.float64), "linear": np.abs(DIFF) / d_max,
                  "squared": (DIFF / d_max) ** 2}  # fmt: skip
        for name, kind, pool in (("pi", "nominal", True), ("kappa", "nominal", False),
                                 ("kappa_squared", "squared", False),
                                 ("kappa_linear", "linear", False),
                                 ("pi_squared", "squared", True)):  # fmt: skip
            table = tables[kind]
            observed = weighted_sum(table, counts) / n
            a, b = (pooled, pooled) if pool else (first, second)
            expected = np.einsum("cd,cab,dab->ab", table, a, b)
            values[name] = 1.0 - observed / expected
            reasons[name] = reasons_of(n.shape, [(no_common, "no instruments in common"),
                                                 (expected == 0, "no variance")])  # fmt: skip
        both = counts[0, 0]
        union = np.diag(both)[:, None] + np.diag(both)[None, :] - both
        values["jaccard"] = both / union
        unsigned = (union == 0, "neither actor signed any instrument")
        reasons["jaccard"] = reasons_of(n.shape, [unsigned])
    lower = np.tril(np.ones(n.shape, dtype=bool), -1)
    for name in MEASURES:
        values[name] = np.where(reasons[name] != 0, np.nan, values[name])
        np.copyto(values[name], values[name].T, where=lower)
        reasons[name] = reasons[name].copy()
        np.copyto(reasons[name], reasons[name].T, where=lower)
    marginal = counts.sum(axis=1)
    single = (marginal > 0).sum(axis=0) == 1
    steady = np.where(single, marginal.argmax(axis=0) + 1, 0).astype(np.int8)
    return values, reasons, steady


CASES = [
    (actors, instruments, missing, d_max, weighted)
    for actors, instruments in ((2, 1), (3, 6), (9, 40), (60, 25), (31, 300))
    for missing in (0.1, 0.6, 0.95)
    for d_max in (2.0, 3.0, 1.5, 4.0)
    for weighted in (False, True)
]


@pytest.mark.parametrize(("actors", "instruments", "missing", "d_max", "weighted"), CASES)
def test_every_measure_is_the_definitions_to_the_last_bit(
    actors: int, instruments: int, missing: float, d_max: float, weighted: bool
) -> None:
    rng = np.random.default_rng(actors * 1000 + instruments + int(missing * 100))
    rest = (1 - missing) / 3
    codes = rng.choice(4, size=(actors, instruments), p=[missing, rest * 1.5, rest * 0.5, rest])
    codes[0] = np.where(codes[0] > 0, 1, 0)  # one actor that never varies
    weights = None
    if weighted:
        weights = rng.random(instruments) * 3
        weights[::4] = 0.0
    values, reasons, steady = reference(codes, weights, d_max)
    result = all_pairs(codes, weights, d_max)
    assert list(result.values) == list(MEASURES) == list(result.reason_codes)
    for name in MEASURES:
        got = result.values[name]
        assert got.dtype == np.float64 and got.flags.c_contiguous and not got.flags.writeable
        assert got.tobytes() == values[name].tobytes(), name  # NaN's bits too
        assert result.reason_codes[name].tobytes() == reasons[name].tobytes(), name
        assert result.reason_codes[name].dtype == np.int8
    assert result.steady.tobytes() == steady.tobytes()
    assert not result.steady.flags.writeable


def test_values_are_exactly_symmetric_and_nan_only_where_a_reason_is_given() -> None:
    rng = np.random.default_rng(5)
    codes = rng.choice(4, size=(50, 30), p=[0.5, 0.2, 0.1, 0.2])
    result = all_pairs(codes, rng.random(30), 3.0)
    for name in MEASURES:
        value, reason = result.values[name], result.reason_codes[name]
        assert value.tobytes() == value.T.copy().tobytes(), name
        assert np.array_equal(np.isnan(value), reason != 0), name
