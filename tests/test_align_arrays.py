"""The all-pairs table kept as arrays: every row equals one computed a pair at a time, its text
equals what :func:`govkg.output.format_rows` writes for its rows in every format, and the matrix
read column-wise equals the matrix built from every stance row with its dates."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkg.align import StanceMatrix, all_pair_rows, load_matrix, measure, pair_measures, pair_row
from govkg.align.analysis import SHOWN, kept_pairs, pair_table, rounded
from govkg.align.matrix import KIND_CODES, build_matrix, dated_stance_rows, of_actor_types
from govkg.align.report import AlignRequest, Table, align_matrix
from govkg.align.table import Column, ColumnTable, Filled
from govkg.output import FORMATS, format_rows
from govkg.store import Store

CHANCE = ("pi", "kappa", "kappa_squared", "kappa_linear", "pi_squared")
VERBS = {1: "said yes", 2: "abstained", 3: "said no"}
NO_COMMON = "no instruments in common"

#: Actor codes, some with what CSV quotes, templates use, tables change or prefixes shorten.
names = st.one_of(
    st.text(alphabet="ABCXYZ", min_size=1, max_size=3),
    st.sampled_from(["A,B", 'Q"T', "N\nL", "{0}", "{x}}", "É", "https://w3id.org/govkg/id/x"]),
)


@st.composite
def matrices(draw: st.DrawFn) -> tuple[StanceMatrix, np.ndarray | None, int]:
    """A random stance matrix (some actors with one answer throughout), weights or none, min_n."""
    actors = draw(st.integers(2, 9))
    instruments = draw(st.integers(0, 12))
    codes = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, 3), min_size=instruments, max_size=instruments),
                min_size=actors,
                max_size=actors,
            )
        ),
        dtype=np.int8,
    ).reshape(actors, instruments)
    for row in draw(st.lists(st.integers(0, actors - 1), max_size=actors)):
        codes[row][codes[row] > 0] = draw(st.integers(1, 3))
    weights = None
    if draw(st.booleans()):
        weights = np.array(
            draw(
                st.lists(
                    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.7]),
                    min_size=instruments,
                    max_size=instruments,
                )
            ),
            dtype=float,
        )
    codes_of = tuple(draw(st.lists(names, min_size=actors, max_size=actors, unique=True)))
    matrix = StanceMatrix(
        actors=tuple(f"https://w3id.org/govkg/id/state/S{k}" for k in range(actors)),
        codes_of=codes_of,
        labels=codes_of,
        instruments=(),
        codes=codes,
        absent=np.zeros(codes.shape, dtype=bool),
    )
    return matrix, weights, draw(st.integers(0, 4))


def _on(n: int) -> str:
    counted = {1: "the one instrument", 2: "both instruments"}.get(n, f"all {n} instruments")
    return f"on {counted} in common"


def reference_row(
    matrix: StanceMatrix, a: int, b: int, weights: np.ndarray | None, weighted: bool
) -> dict[str, object]:
    """One pair's row from its two code vectors alone, the note written from its rules."""
    x, y = matrix.codes[a].tolist(), matrix.codes[b].tolist()
    found = pair_measures(x, y, None if weights is None else weights.tolist())
    n = int(found["n"][0] or 0)
    shown = (*SHOWN, "s_weighted") if weighted else SHOWN
    row: dict[str, object] = {"actor_a": matrix.codes_of[a], "actor_b": matrix.codes_of[b], "n": n}
    for name in shown:
        row[name] = found[name][0]
    common = [k for k in range(len(x)) if x[k] and y[k]]
    sx, sy = ({x[k] for k in common}, {y[k] for k in common}) if common else (set(), set())
    one_x, one_y = (sx.pop() if len(sx) == 1 else 0), (sy.pop() if len(sy) == 1 else 0)
    first, second = matrix.codes_of[a], matrix.codes_of[b]
    notes = []
    if one_x and one_y and one_x == one_y:
        notes.append(
            f"kappa and pi undefined (no variance): {first} and {second} both "
            f"{VERBS[one_x]} {_on(n)}"
        )
    elif one_x and one_y:
        notes.append(
            f"{first} {VERBS[one_x]} and {second} {VERBS[one_y]} {_on(n)}: neither "
            "varies, so kappa is 0, pi -1"
        )
    elif one_x or one_y:
        who, code = (first, one_x) if one_x else (second, one_y)
        notes.append(
            f"{who} {VERBS[code]} {_on(n)}: one side never varies, so kappa is 0, pi at most 0"
        )
    for name in shown:
        reason = found[name][1]
        if not reason or (name in CHANCE and (one_x or one_y)):
            continue
        text = reason if reason == NO_COMMON else f"{name} undefined: {reason}"
        if text not in notes:
            notes.append(text)
    row["note"] = "; ".join(notes)
    return row


def assert_same_row(got: dict[str, object], want: dict[str, object]) -> None:
    """Equal, the measures as rounded to 4 places (a value half-way between two may round
    either way when computed over two rows instead of all)."""
    assert got.keys() == want.keys()
    for key, value in want.items():
        if key in ("actor_a", "actor_b", "n", "note") or value is None:
            assert got[key] == value, key
            continue
        assert isinstance(value, float) and isinstance(got[key], float), key
        if got[key] != round(value, 4) + 0.0:
            assert abs(abs(value * 1e4 - np.floor(value * 1e4)) - 0.5) < 1e-6, key


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_the_array_table_equals_a_per_pair_reference(
    case: tuple[StanceMatrix, np.ndarray | None, int],
) -> None:
    matrix, weights, min_n = case
    weighted = weights is not None
    result = measure(matrix, "missing", weights)
    rows = pair_table(matrix, result, min_n, weighted).rows()
    names = list(pair_table(matrix, result, min_n, weighted).names)
    got = [dict(zip(names, row, strict=True)) for row in rows]
    a, b = kept_pairs(result, min_n)
    # exactly the per-pair rows govkg builds one at a time (govkg align --pair, the pages)
    assert got == [pair_row(matrix, result, i, j, weighted) for i, j in zip(a, b, strict=True)]
    assert got == all_pair_rows(matrix, result, min_n, weighted)
    # and, measure by measure, the rows computed from each pair's two code vectors alone
    everyone = [(i, j) for i in range(len(matrix.actors)) for j in range(i + 1, len(matrix.actors))]
    wanted = [reference_row(matrix, i, j, weights, weighted) for i, j in everyone]
    wanted = [row for row in wanted if int(row["n"]) >= min_n]  # type: ignore[call-overload]
    assert len(got) == len(wanted)
    for row, want in zip(got, wanted, strict=True):
        assert_same_row(row, want)


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_the_array_table_writes_what_format_rows_writes(
    case: tuple[StanceMatrix, np.ndarray | None, int],
) -> None:
    matrix, weights, min_n = case
    table = pair_table(matrix, measure(matrix, "missing", weights), min_n, weights is not None)
    rows = table.rows()
    for fmt in FORMATS:
        assert table.format(fmt) == format_rows(table.names, rows, fmt), fmt


values = st.one_of(
    st.none(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=12),
    st.sampled_from(
        [
            "a,b",
            'say "no"',
            "two\nlines",
            "cr\rhere",
            "{0}",
            "state:USA",
            "https://w3id.org/govkg/id/state/USA",
            "",
            " ",
        ]
    ),
)


def _template(before: str, after: str, fields: str) -> str:
    """Texts around the fields, their braces doubled so that they stay text."""
    return _escaped(before) + "{0}" + _escaped(after) + fields


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@st.composite
def column_tables(draw: st.DrawFn) -> ColumnTable:
    """A table of value columns and template columns of random rows."""
    rows = draw(st.integers(0, 12))
    columns: list[Column | Filled] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            distinct = draw(st.lists(values, min_size=1, max_size=5))
            index = draw(st.lists(st.integers(0, len(distinct) - 1), min_size=rows, max_size=rows))
            columns.append(Column.of_choices(np.array(index, dtype=np.intp), distinct))
        else:
            texts = st.text(alphabet='ab ,"\n{}É', max_size=6)
            fields = st.sampled_from(["", "{1}", " and {1}"])
            made = st.builds(_template, texts, texts, fields)
            templates = draw(st.lists(made, min_size=1, max_size=3))
            people = draw(
                st.lists(
                    st.sampled_from(["USA", "A,B", 'Q"T', "{0}", "N\nL"]), min_size=1, max_size=3
                )
            )
            pick = st.lists(st.integers(0, len(people) - 1), min_size=rows, max_size=rows)
            which = st.lists(st.integers(0, len(templates) - 1), min_size=rows, max_size=rows)
            columns.append(
                Filled(
                    np.array(draw(which), dtype=np.intp),
                    np.array(draw(pick), dtype=np.intp),
                    np.array(draw(pick), dtype=np.intp),
                    tuple(templates),
                    tuple(people),
                )
            )
    headers = tuple(f"c{k}" for k in range(len(columns)))
    return ColumnTable(headers, tuple(columns))


def assert_writes_what_format_rows_writes(table: ColumnTable, chunk: int) -> None:
    """Every format, whole and ``chunk`` rows at a time (the chunks join into the same text)."""
    rows = table.rows()
    for fmt in FORMATS:
        want = format_rows(table.names, rows, fmt)
        assert table.format(fmt) == want, fmt
        out = io.StringIO()
        table.write(out, fmt, chunk)
        assert out.getvalue() == want, fmt


@settings(max_examples=200, deadline=None)
@given(column_tables(), st.integers(1, 5))
def test_columns_write_what_format_rows_writes(table: ColumnTable, chunk: int) -> None:
    assert_writes_what_format_rows_writes(table, chunk)


decimals = st.one_of(
    st.floats(-3, 3),
    st.integers(-30000, 30000).map(lambda k: k / 1e4),
    st.integers(-30000, 30000).map(lambda k: (k + 0.5) / 1e4),  # half-way
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(st.lists(decimals, max_size=50))
def test_rounding_arrays_is_rounding_each_value(numbers: list[float]) -> None:
    got = rounded(np.array(numbers, dtype=float)).tolist()
    want = [round(v, 4) + 0.0 for v in numbers]
    assert [repr(v) for v in got] == [repr(v) for v in want]


def test_nan_stays_nan_when_rounded() -> None:
    assert np.isnan(rounded(np.array([np.nan, 0.5]))[0])


@pytest.fixture(scope="module")
def whole(store: Store) -> StanceMatrix:
    return load_matrix(store)


def test_the_matrix_read_by_columns_is_the_matrix_of_every_dated_row(
    store: Store, whole: StanceMatrix
) -> None:
    """Read column-wise (dates only where an actor has several acts) or row by row with every
    date, the matrix is the same."""
    rows = of_actor_types(store, dated_stance_rows(store), ())
    other = build_matrix(store, rows, KIND_CODES)
    assert whole.actors == other.actors and whole.codes_of == other.codes_of
    assert whole.labels == other.labels and whole.instruments == other.instruments
    assert np.array_equal(whole.codes, other.codes)
    assert np.array_equal(whole.absent, other.absent)


def test_the_all_pairs_table_is_made_into_rows_only_when_read(whole: StanceMatrix) -> None:
    report = align_matrix(whole, AlignRequest())
    table = report.tables[-1]
    assert isinstance(table, Table)
    text = table.format("csv")
    assert table._rows is None  # written straight from the arrays
    assert len(table) == len(text.splitlines()) - 1 > 1000
    assert text == format_rows(table.columns, table.rows, "csv")
    assert report.blocs is not None and "groups" not in vars(report.blocs)  # not found yet
