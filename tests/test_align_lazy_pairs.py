"""Every pair's measures computed when first asked for: the (A, A) arrays made lazily equal the
ones made from every pair's vectors, the measures of the kept pairs (computed for them alone,
once a group of pairs with the same counts) equal every pair's to the last bit, and the pair
table's CSV text equals a straightforward formatting of the rows made one pair at a time."""

from __future__ import annotations

import csv
import io
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_align_arrays import assert_writes_what_format_rows_writes

from govkg.align import StanceMatrix, load_matrix, measure, pair_row
from govkg.align.analysis import kept_pairs, pair_columns, pair_table
from govkg.align.measures import MEASURES, PairwiseResult, all_pairs
from govkg.align.report import AlignRequest, align_matrix
from govkg.align.table import Column, ColumnTable, Filled
from govkg.output import text_value
from govkg.store import Store


def random_codes(actors: int, instruments: int, seed: int) -> np.ndarray:
    """Codes with missing cells, some actors that never vary and some pairs with nothing in
    common."""
    rng = np.random.default_rng(seed)
    codes = rng.choice(4, size=(actors, instruments), p=[0.45, 0.3, 0.1, 0.15]).astype(np.int8)
    for row in range(0, actors, 4):
        codes[row][codes[row] > 0] = 1 + row % 3
    return codes


CASES = [  # actors, instruments (80: counts too large to group), weighted, d_max
    (2, 0, False, 2.0),
    (7, 3, False, 2.0),
    (40, 12, False, 2.0),
    (40, 29, True, 2.0),
    (35, 29, False, 3.0),
    (30, 80, False, 2.0),
    (25, 80, True, 4.0),
]


def square(vector: np.ndarray, actors: int) -> np.ndarray:
    """The (A, A) array of a vector over the pairs a <= b, written out pair by pair."""
    out = np.empty((actors, actors), dtype=vector.dtype)
    for k, (a, b) in enumerate(zip(*np.triu_indices(actors), strict=True)):
        out[a, b] = out[b, a] = vector[k]
    return out


def computed(actors: int, instruments: int, weighted: bool, d_max: float,
             seed: int = 3) -> PairwiseResult:  # fmt: skip
    codes = random_codes(actors, instruments, seed)
    weights = np.random.default_rng(seed).random(instruments) * 2 if weighted else None
    return all_pairs(codes, weights, d_max)


@pytest.mark.parametrize(("actors", "instruments", "weighted", "d_max"), CASES)
@pytest.mark.parametrize("min_n", [0, 1, 3])
def test_the_kept_pairs_measures_are_every_pairs_to_the_last_bit(
    actors: int, instruments: int, weighted: bool, d_max: float, min_n: int
) -> None:
    fresh = computed(actors, instruments, weighted, d_max)
    got = fresh.kept_measures(min_n)
    assert "whole" not in vars(fresh)  # the kept pairs' alone were computed
    every = computed(actors, instruments, weighted, d_max)
    a, b = every.pairs_with(min_n)
    assert np.array_equal(fresh.pairs_with(min_n)[0], a)
    assert np.array_equal(fresh.pairs_with(min_n)[1], b)
    for name in MEASURES:  # read from the (A, A) arrays: every pair's
        assert got.values[name].tobytes() == every.values[name][a, b].tobytes(), name
        assert got.reason_codes[name].tobytes() == every.reason_codes[name][a, b].tobytes()
    assert got.sides[0].tobytes() == every.steady[a, b].tobytes()
    assert got.sides[1].tobytes() == every.steady[b, a].tobytes()
    taken = every.kept_measures(min_n)  # from every pair's, known by now
    for name in MEASURES:
        assert taken.values[name].tobytes() == got.values[name].tobytes(), name
        assert taken.reason_codes[name].tobytes() == got.reason_codes[name].tobytes(), name
    counts = every.values["n"]
    want = [(i, j) for i in range(actors) for j in range(i + 1, actors) if counts[i, j] >= min_n]
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == want


@pytest.mark.parametrize(("actors", "instruments", "weighted", "d_max"), CASES)
def test_squares_made_when_read_are_the_pairs_vectors_written_out(
    actors: int, instruments: int, weighted: bool, d_max: float
) -> None:
    result = computed(actors, instruments, weighted, d_max)
    counts = result.values["n"]  # from one product, before any other measure
    assert "whole" not in vars(result)
    assert counts.tobytes() == square(result.whole.values["n"], actors).tobytes()
    assert list(result.values) == list(result.reason_codes) == list(MEASURES)
    for name in MEASURES:
        value, reasons = result.values[name], result.reason_codes[name]
        assert value.tobytes() == square(result.whole.values[name], actors).tobytes(), name
        assert reasons.tobytes() == square(result.whole.reason_codes[name], actors).tobytes()
        assert value.dtype == np.float64 and reasons.dtype == np.int8
        assert not value.flags.writeable and not reasons.flags.writeable
        assert result.values[name] is value  # made once
    steady = np.zeros((actors, actors), dtype=np.int8)
    for k, (a, b) in enumerate(zip(*np.triu_indices(actors), strict=True)):
        steady[a, b], steady[b, a] = result.whole.sides[0][k], result.whole.sides[1][k]
    assert result.steady.tobytes() == steady.tobytes()


def test_a_result_is_the_same_once_pickled_whatever_was_computed() -> None:
    result = computed(12, 9, False, 2.0)
    before = pickle.loads(pickle.dumps(result))  # nothing computed yet
    result.kept_measures(2)
    after = pickle.loads(pickle.dumps(result))
    for copy in (before, after):  # worked out by the process that pickles it
        assert "whole" in vars(copy) and "_stacked" not in vars(copy)
        assert (
            copy.kept_measures(3).values["n"].tobytes()
            == result.kept_measures(3).values["n"].tobytes()
        )
        for name in MEASURES:
            assert copy.values[name].tobytes() == result.values[name].tobytes(), name
            assert copy.reason_codes[name].tobytes() == result.reason_codes[name].tobytes()
        assert copy.steady.tobytes() == result.steady.tobytes()


def straightforward_csv(matrix: StanceMatrix, weights: np.ndarray | None, min_n: int) -> str:
    """The pair table as csv.writer writes the rows made one pair at a time, the measures read
    from every pair's (A, A) arrays."""
    weighted = weights is not None
    result = measure(matrix, "missing", weights)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(pair_columns(weighted))
    for a, b in zip(*kept_pairs(result, min_n), strict=True):
        row = pair_row(matrix, result, int(a), int(b), weighted)
        writer.writerow([text_value(value) for value in row.values()])  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture(scope="module")
def shipped(store: Store) -> StanceMatrix:
    return load_matrix(store)


def test_the_shipped_graphs_pair_table_is_its_rows_written_one_at_a_time(
    shipped: StanceMatrix,
) -> None:
    report = align_matrix(shipped, AlignRequest())
    text = report.tables[-1].format("csv")
    assert report.blocs is not None
    assert "whole" not in vars(report.blocs.result)  # no pair outside the table computed
    assert text == straightforward_csv(shipped, None, AlignRequest().min_n)
    assert len(text.splitlines()) > 1000


def test_the_heatmap_is_taken_from_every_pairs_measure_when_read(shipped: StanceMatrix) -> None:
    report = align_matrix(shipped, AlignRequest(bloc_measure="kappa"))
    assert report.blocs is not None and report.heat is not None
    linked = list(report.blocs.linked)
    every = measure(shipped, "missing")
    assert report.heat.tobytes() == every.values["kappa"][np.ix_(linked, linked)].tobytes()
    assert report.heat_n is not None
    assert report.heat_n.tobytes() == every.values["n"][np.ix_(linked, linked)].tobytes()
    assert report.matrix.codes_of == tuple(shipped.codes_of[i] for i in linked)


@pytest.mark.parametrize(("actors", "instruments", "weighted"), [(60, 20, False),
                                                                  (45, 30, True),
                                                                  (40, 70, False)])  # fmt: skip
@pytest.mark.parametrize("min_n", [0, 2])
def test_a_random_pair_table_is_its_rows_written_one_at_a_time(
    actors: int, instruments: int, weighted: bool, min_n: int
) -> None:
    codes = random_codes(actors, instruments, actors + instruments)
    weights = np.linspace(0.0, 2.0, instruments) if weighted else None
    matrix = StanceMatrix(
        actors=tuple(f"https://w3id.org/govkg/id/state/S{k}" for k in range(actors)),
        codes_of=tuple(f"S{k}" for k in range(actors)),
        labels=tuple(f"State {k}" for k in range(actors)),
        instruments=(),
        codes=codes,
        absent=np.zeros(codes.shape, dtype=bool),
    )
    table = pair_table(matrix, measure(matrix, "missing", weights), min_n, weighted)
    assert table.format("csv") == straightforward_csv(matrix, weights, min_n)


@st.composite
def grouped_tables(draw: st.DrawFn) -> ColumnTable:
    """Columns whose rows are in a few groups (each group one value, or one template) side by
    side with columns that are not, and template columns whose names change row by row."""
    rows = draw(st.integers(0, 40))
    count = draw(st.integers(1, 4))
    group = np.array(draw(st.lists(st.integers(0, count - 1), min_size=rows, max_size=rows)),
                     dtype=np.intp)  # fmt: skip
    texts = st.text(alphabet='ab ,"\n{}É', max_size=4)
    columns: list[Column | Filled] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["grouped", "grouped", "rows", "filled"]))
        if kind == "filled":
            made = st.builds(lambda x, y: _escaped(x) + "{0}" + _escaped(y), texts, texts)
            templates = tuple(draw(st.lists(made, min_size=1, max_size=3)))
            chosen = st.lists(st.integers(0, len(templates) - 1), min_size=count, max_size=count)
            by_group = np.array(draw(chosen), dtype=np.intp)
            people = ("USA", "FRA", "A,B") if draw(st.booleans()) else ("USA", "FRA")
            first = np.array(draw(st.lists(st.integers(0, len(people) - 1), min_size=rows,
                                           max_size=rows)), dtype=np.intp)  # fmt: skip
            columns.append(Filled(by_group.take(group), first, first[::-1].copy(), templates,
                                  people, group, by_group))  # fmt: skip
            continue
        values = tuple(draw(st.lists(st.one_of(st.none(), st.floats(-2, 2), st.integers(0, 99),
                                               texts), min_size=1, max_size=4)))  # fmt: skip
        picks = st.integers(0, len(values) - 1)
        if kind == "rows":
            index = np.array(draw(st.lists(picks, min_size=rows, max_size=rows)), dtype=np.intp)
            columns.append(Column(index, values))
            continue
        by_group = np.array(draw(st.lists(picks, min_size=count, max_size=count)), dtype=np.intp)
        columns.append(Column(by_group.take(group), values, group, by_group))
    return ColumnTable(tuple(f"c{k}" for k in range(len(columns))), tuple(columns))


@settings(max_examples=200, deadline=None)
@given(grouped_tables(), st.integers(1, 50))
def test_columns_in_groups_write_what_format_rows_writes(table: ColumnTable, chunk: int) -> None:
    plain = ColumnTable(table.names, tuple(_ungrouped(c) for c in table.columns))
    assert plain.rows() == table.rows()
    assert_writes_what_format_rows_writes(table, chunk)


def _escaped(text: str) -> str:
    """Text that a template gives back as it is (its braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def _ungrouped(column: Column | Filled) -> Column | Filled:
    if isinstance(column, Column):
        return Column(column.index, column.values)
    return Filled(column.which, column.first, column.second, column.templates, column.names)
