"""Pairwise agreement measures: published test vectors, a per-pair reference, edge cases."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from govkg.align.measures import MEASURES, PairwiseResult, all_pairs, pair_measures

NO_COMMON = "no instruments in common"
NO_VARIANCE = "no variance"
CHANCE_CORRECTED = ("pi", "kappa", "kappa_squared", "kappa_linear", "pi_squared")
CATEGORIES = (1, 2, 3)

Outcome = tuple[float | None, str]


# --- reference: one pair at a time, straight from the definitions ------------------------------


def ref_jaccard(x: list[int], y: list[int]) -> Outcome:
    signed_x = {i for i, v in enumerate(x) if v == 1}
    signed_y = {i for i, v in enumerate(y) if v == 1}
    union = signed_x | signed_y
    if not union:
        return None, "neither actor signed any instrument"
    return len(signed_x & signed_y) / len(union), ""


def ref_s_weighted(
    xs: list[int], ys: list[int], ws: list[float] | None, d_max: float, s: Outcome
) -> Outcome:
    if ws is None:
        return s
    total = sum(ws)
    if total == 0:
        return None, "zero total weight on the instruments in common"
    weighted = sum(w * abs(a - b) for w, a, b in zip(ws, xs, ys, strict=True))
    return 1 - 2 * weighted / (total * d_max), ""


def ref_nominal(xs: list[int], ys: list[int], pooled: bool) -> Outcome:
    """Classic (p_o - p_e) / (1 - p_e) for Cohen's kappa and Scott's pi."""
    n = len(xs)
    p_o = Fraction(sum(a == b for a, b in zip(xs, ys, strict=True)), n)
    px = {c: Fraction(xs.count(c), n) for c in CATEGORIES}
    py = {c: Fraction(ys.count(c), n) for c in CATEGORIES}
    if pooled:
        p_e = sum(((px[c] + py[c]) / 2) ** 2 for c in CATEGORIES)
    else:
        p_e = sum(px[c] * py[c] for c in CATEGORIES)
    if p_e == 1:
        return None, NO_VARIANCE
    return float((p_o - p_e) / (1 - p_e)), ""


def ref_weighted(xs: list[int], ys: list[int], power: int, d_max: float, pooled: bool) -> Outcome:
    """1 - observed / expected disagreement with weights (|i - j| / d_max) ** power."""
    n = len(xs)
    dm = Fraction(d_max)

    def weight(i: int, j: int) -> Fraction:
        return (abs(i - j) / dm) ** power

    observed = sum(weight(a, b) for a, b in zip(xs, ys, strict=True)) / n
    px = {c: Fraction(xs.count(c), n) for c in CATEGORIES}
    py = {c: Fraction(ys.count(c), n) for c in CATEGORIES}
    if pooled:
        px = py = {c: (px[c] + py[c]) / 2 for c in CATEGORIES}
    expected = sum(weight(i, j) * px[i] * py[j] for i in CATEGORIES for j in CATEGORIES)
    if expected == 0:
        return None, NO_VARIANCE
    return float(1 - observed / expected), ""


def reference(
    x: list[int], y: list[int], weights: list[float] | None, d_max: float
) -> dict[str, Outcome]:
    common = [i for i in range(len(x)) if x[i] != 0 and y[i] != 0]
    n = len(common)
    out: dict[str, Outcome] = {"n": (n, ""), "jaccard": ref_jaccard(x, y)}
    if n == 0:
        return {m: out.get(m, (None, NO_COMMON)) for m in MEASURES}
    xs = [x[i] for i in common]
    ys = [y[i] for i in common]
    dm = Fraction(d_max)
    absolute = sum(abs(a - b) for a, b in zip(xs, ys, strict=True))
    squared = sum((a - b) ** 2 for a, b in zip(xs, ys, strict=True))
    out["agreement"] = (float(1 - Fraction(absolute, 2 * n)), "")
    out["s"] = (float(1 - 2 * absolute / (n * dm)), "")
    out["s_squared"] = (float(1 - 2 * squared / (n * dm**2)), "")
    ws = None if weights is None else [weights[i] for i in common]
    out["s_weighted"] = ref_s_weighted(xs, ys, ws, d_max, out["s"])
    out["pi"] = ref_nominal(xs, ys, pooled=True)
    out["kappa"] = ref_nominal(xs, ys, pooled=False)
    out["kappa_squared"] = ref_weighted(xs, ys, 2, d_max, pooled=False)
    out["kappa_linear"] = ref_weighted(xs, ys, 1, d_max, pooled=False)
    out["pi_squared"] = ref_weighted(xs, ys, 2, d_max, pooled=True)
    return out


# --- random cases ------------------------------------------------------------------------------

# (seed, actors, instruments, share missing, with weights, d_max)
CASES = [
    (1, 2, 1, 0.2, False, 2.0),
    (2, 8, 30, 0.1, True, 2.0),
    (3, 12, 40, 0.7, True, 3.0),
    (4, 10, 6, 0.8, False, 2.0),
    (5, 20, 15, 0.5, True, 2.0),
    (6, 15, 4, 0.4, True, 3.0),
    (7, 6, 60, 0.0, False, 3.0),
]


def random_case(
    seed: int, actors: int, instruments: int, missing: float, weighted: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Codes with some actors that only ever use one code, and weights with some zeros."""
    rng = np.random.default_rng(seed)
    present = (1 - missing) * np.array([0.5, 0.2, 0.3])
    codes = rng.choice(4, size=(actors, instruments), p=[missing, *present])
    for row in rng.choice(actors, size=actors // 4, replace=False):
        codes[row][codes[row] > 0] = rng.integers(1, 4)
    if not weighted:
        return codes, None
    weights = rng.random(instruments) * (rng.random(instruments) > 0.3)
    return codes, weights


def assert_outcome_equal(got: Outcome, want: Outcome, where: str) -> None:
    assert got[1] == want[1], f"{where}: reason {got[1]!r} != {want[1]!r}"
    if want[0] is None:
        assert got[0] is None, f"{where}: {got[0]} where undefined"
    else:
        assert got[0] is not None, f"{where}: undefined where {want[0]} expected"
        assert abs(got[0] - want[0]) <= 1e-9, f"{where}: {got[0]} != {want[0]}"


@pytest.mark.parametrize(("seed", "actors", "instruments", "missing", "weighted", "d_max"), CASES)
def test_matches_per_pair_reference(
    seed: int, actors: int, instruments: int, missing: float, weighted: bool, d_max: float
) -> None:
    codes, weights = random_case(seed, actors, instruments, missing, weighted)
    result = all_pairs(codes, weights, d_max)
    w = None if weights is None else weights.tolist()
    for a in range(actors):
        for b in range(actors):
            want = reference(codes[a].tolist(), codes[b].tolist(), w, d_max)
            got = result.pair(a, b)
            assert set(got) == set(MEASURES)
            for m in MEASURES:
                assert_outcome_equal(got[m], want[m], f"case {seed}, pair ({a}, {b}), {m}")


def test_random_cases_reach_every_undefined_reason() -> None:
    seen: set[tuple[str, str]] = set()
    for seed, actors, instruments, missing, weighted, d_max in CASES:
        codes, weights = random_case(seed, actors, instruments, missing, weighted)
        result = all_pairs(codes, weights, d_max)
        seen |= {(m, str(r)) for m in MEASURES for r in np.unique(result.reasons[m]) if r}
    assert ("kappa", NO_VARIANCE) in seen
    assert ("pi_squared", NO_VARIANCE) in seen
    assert ("agreement", NO_COMMON) in seen
    assert ("s_weighted", "zero total weight on the instruments in common") in seen


@pytest.mark.parametrize(("seed", "actors", "instruments", "missing", "weighted", "d_max"), CASES)
def test_arrays_symmetric_and_nan_exactly_where_undefined(
    seed: int, actors: int, instruments: int, missing: float, weighted: bool, d_max: float
) -> None:
    codes, weights = random_case(seed, actors, instruments, missing, weighted)
    result = all_pairs(codes, weights, d_max)
    assert tuple(result.values) == MEASURES == tuple(result.reasons)
    for m in MEASURES:
        values, reasons = result.values[m], result.reasons[m]
        assert values.shape == reasons.shape == (actors, actors)
        assert values.dtype == np.float64
        assert np.array_equal(values, values.T, equal_nan=True), m
        assert np.array_equal(reasons, reasons.T), m
        assert np.array_equal(np.isnan(values), reasons != ""), m


# --- published / worked vectors ----------------------------------------------------------------


def test_worked_vector() -> None:
    got = pair_measures((1, 1, 3, 1, 2, 1), (1, 1, 3, 3, 1, 1))
    expected = {
        "agreement": 0.75,
        "s": 0.5,
        "s_squared": 0.5833,
        "s_weighted": 0.5,
        "pi": 0.3143,
        "kappa": 0.3333,
        "kappa_squared": 0.4444,
        "kappa_linear": 0.40,
        "pi_squared": 0.4393,
        "jaccard": 0.6,
    }
    assert got["n"] == (6, "")
    for m, value in expected.items():
        v, reason = got[m]
        assert reason == ""
        assert v is not None and round(v, 4) == value, m


def test_signorino_weighted_example() -> None:
    got = pair_measures((3, 3, 2, 2), (2, 2, 3, 3), weights=(0.5, 0.3, 0.1, 0.1), d_max=3)
    v, reason = got["s_weighted"]
    assert reason == "" and v is not None and round(v, 4) == 0.3333


def test_equal_weights_give_s() -> None:
    codes, _ = random_case(11, 9, 25, 0.3, False)
    plain = all_pairs(codes)
    weighted = all_pairs(codes, np.full(25, 0.7))
    s = plain.values["s"]
    np.testing.assert_array_equal(plain.values["s_weighted"], s)
    np.testing.assert_allclose(weighted.values["s_weighted"], s, rtol=0, atol=1e-12)


# --- undefined values and the diagonal --------------------------------------------------------


def test_no_instruments_in_common() -> None:
    got = pair_measures((1, 0, 2), (0, 3, 0), weights=(1.0, 1.0, 1.0))
    assert got["n"] == (0, "")
    assert got["jaccard"] == (0.0, "")
    for m in MEASURES:
        if m not in ("n", "jaccard"):
            assert got[m] == (None, NO_COMMON), m


def test_jaccard_undefined_when_neither_signed() -> None:
    got = pair_measures((2, 3, 0), (3, 2, 0))
    assert got["jaccard"] == (None, "neither actor signed any instrument")
    assert got["agreement"] == (0.5, "")


def test_no_variance() -> None:
    got = pair_measures((2, 2, 2, 0), (2, 2, 2, 1))
    assert got["agreement"] == (1.0, "")
    assert got["s"] == (1.0, "")
    for m in CHANCE_CORRECTED:
        assert got[m] == (None, NO_VARIANCE), m


def test_constant_actors_with_different_codes_are_defined() -> None:
    got = pair_measures((1, 1, 1), (3, 3, 3))
    assert got["kappa"] == (0.0, "")
    assert got["pi"] == (-1.0, "")
    assert got["s"] == (-1.0, "")


def test_diagonal() -> None:
    codes = np.array([[1, 2, 3, 0], [0, 0, 0, 0], [2, 2, 0, 2], [1, 1, 3, 3]])
    result = all_pairs(codes)
    assert result.values["n"].diagonal().tolist() == [3, 0, 3, 4]
    for a in (0, 2, 3):
        got = result.pair(a, a)
        for m in ("agreement", "s", "s_squared", "s_weighted"):
            assert got[m] == (1.0, ""), (a, m)
    assert result.pair(0, 0)["kappa"] == (1.0, "")
    assert result.pair(2, 2)["kappa"] == (None, NO_VARIANCE)
    assert result.pair(1, 1)["agreement"] == (None, NO_COMMON)
    assert result.pair(3, 3)["jaccard"] == (1.0, "")
    assert result.pair(2, 2)["jaccard"][0] is None


def test_result_is_read_only() -> None:
    result = all_pairs(np.array([[1, 2], [3, 1]]))
    assert isinstance(result, PairwiseResult)
    with pytest.raises(ValueError):
        result.values["s"][0, 1] = 0.0


def test_empty_inputs() -> None:
    assert all_pairs(np.zeros((0, 5), dtype=int)).values["s"].shape == (0, 0)
    result = all_pairs(np.zeros((3, 0), dtype=int))
    assert result.pair(0, 1)["s"] == (None, NO_COMMON)


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "weights", "d_max", "message"),
    [
        (np.array([[1, 4], [1, 2]]), None, 2.0, "codes must be in"),
        (np.array([[1, -1], [1, 2]]), None, 2.0, "codes must be in"),
        (np.array([[1, 2.5], [1, 2]]), None, 2.0, "codes must be in"),
        (np.array([1, 2, 3]), None, 2.0, "2-D"),
        (np.array([[[1]]]), None, 2.0, "2-D"),
        (np.array([["1", "2"]]), None, 2.0, "numeric"),
        (np.array([[1, 2], [3, 1]]), np.array([1.0, -0.5]), 2.0, "non-negative"),
        (np.array([[1, 2], [3, 1]]), np.array([1.0, np.nan]), 2.0, "non-negative"),
        (np.array([[1, 2], [3, 1]]), np.array([1.0, 1.0, 1.0]), 2.0, "shape"),
        (np.array([[1, 2], [3, 1]]), np.array([[1.0, 1.0]]), 2.0, "shape"),
        (np.array([[1, 2], [3, 1]]), None, 0.0, "d_max"),
        (np.array([[1, 2], [3, 1]]), None, -2.0, "d_max"),
    ],
)
def test_bad_input_raises(
    codes: np.ndarray, weights: np.ndarray | None, d_max: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        all_pairs(codes, weights, d_max)


def test_pair_measures_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        pair_measures((1, 2, 3), (1, 2))


def test_steady_names_the_one_answer_an_actor_gave_on_a_pair() -> None:
    """steady[a, b]: the code a gave on every instrument in common with b, 0 if it varied or
    there is none; where one side is steady, every kappa is 0 and every pi at most 0."""
    codes = np.array([[1, 1, 1, 0], [1, 3, 1, 2], [0, 0, 2, 2], [0, 0, 0, 0]])
    result = all_pairs(codes)
    assert result.steady.tolist() == [
        [1, 1, 1, 0],  # actor 0 said yes on all it shares with 1 (1, 1, 1) and with 2 (1)
        [0, 0, 0, 0],  # actor 1 varied: (1, 3, 1) against 0, (1, 2) against 2
        [2, 2, 2, 0],  # actor 2 abstained on everything it shares with anyone
        [0, 0, 0, 0],  # nothing in common with anyone
    ]
    assert not result.steady.flags.writeable
    for name in ("kappa", "kappa_squared", "kappa_linear"):
        assert result.values[name][0, 1] == 0.0, name
    for name in ("pi", "pi_squared"):
        assert result.values[name][0, 1] <= 0.0, name


def test_one_side_that_never_varies_gives_kappa_0_and_pi_at_most_0() -> None:
    """What the align note claims, on every vector of up to 5 codes against a constant one."""
    from itertools import product

    for n in range(1, 6):
        for x in product(CATEGORIES, repeat=n):
            for code in CATEGORIES:
                result = all_pairs(np.array([list(x), [code] * n]))
                assert result.steady[1, 0] == code
                for name in CHANCE_CORRECTED:
                    value = result.values[name][0, 1]
                    if np.isnan(value):  # both constant with the same code: no variance
                        assert set(x) == {code}, (x, code, name)
                    elif name.startswith("kappa"):
                        assert abs(value) < 1e-12, (x, code, name, value)
                    else:
                        assert value < 1e-12, (x, code, name, value)
