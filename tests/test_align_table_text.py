"""The all-pairs table's text written from its arrays at once (each cell with the separator or the
JSON key before it and the line end after it) equals what :func:`govkg.output.format_rows`
writes, whatever the column names hold; and the matrix coded from stance arrays keeps, in each
cell, the highest code of its acts."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govkg.align.matrix import KIND_CODES, build_matrix
from govkg.align.table import Column, ColumnTable, Filled
from govkg.load import open_project
from govkg.namespaces import DATA_BASE
from govkg.output import FORMATS, format_rows
from govkg.store import Store

#: Column names a key or a template could trip on: braces, quotes, commas, line ends.
column_names = st.sampled_from(["n", "{0}", "a}}b", '"q"', "x,y", "two\nlines", "{{", "É"])


def _table(names: list[str], rows: int) -> ColumnTable:
    """Value columns and a note column of templates (with and without the pair's actors)."""
    people = ("USA", "A,B", "{1}")
    columns: list[Column | Filled] = []
    for k in range(len(names) - 1):
        values = [None, k, 0.25, 'say "no"', "", "state:USA"]
        columns.append(Column.of_choices(np.arange(rows) % (k + 2), values))
    templates = ("", "{0} said yes; {1} varied", "no {{variance}}")
    which = np.arange(rows) % len(templates)
    columns.append(Filled(which, np.arange(rows) % 3, (np.arange(rows) + 1) % 3, templates,
                          people))  # fmt: skip
    return ColumnTable(tuple(names), tuple(columns))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(column_names, min_size=1, max_size=4, unique=True),
    st.integers(0, 7),
    st.integers(1, 4),
)
def test_text_from_arrays_is_format_rows_text_whatever_the_names(names: list[str], rows: int,
                                                                 chunk: int) -> None:  # fmt: skip
    table = _table(names, rows)
    expected = {fmt: format_rows(table.names, table.rows(), fmt) for fmt in FORMATS}
    for fmt in FORMATS:
        assert table.format(fmt) == expected[fmt], fmt
        out = io.StringIO()
        table.write(out, fmt, chunk)
        assert out.getvalue() == expected[fmt], fmt


def test_a_filled_column_without_fields_is_its_template_on_every_row() -> None:
    column = Filled(np.array([1, 0, 1]), np.zeros(3, np.intp), np.zeros(3, np.intp),
                    ("a {{b}}", "plain"), ("USA",))  # fmt: skip
    assert column.to_list() == ["plain", "a {b}", "plain"]
    assert column.texts("csv", 0, ",", "\n") == [",plain\n", ",a {b}\n", ",plain\n"]


@pytest.fixture(scope="module")
def store() -> Store:
    return open_project()[1]


def test_a_cell_of_several_acts_keeps_its_highest_code_when_none_is_later(store: Store) -> None:
    """Undated acts on one cell: the highest code wins, in any order of the rows."""
    kind = f"{DATA_BASE}stance-kind/"
    usa, fra = f"{DATA_BASE}state/USA", f"{DATA_BASE}state/FRA"
    one, two = f"{DATA_BASE}instrument/a", f"{DATA_BASE}instrument/b"
    rows = [
        (usa, one, kind + "signed"),
        (usa, one, kind + "abstained"),
        (fra, one, kind + "signed"),
        (usa, two, kind + "participated"),
        (fra, two, kind + "voted-no"),
        (fra, two, kind + "signed"),
    ]
    for order in (rows, rows[::-1]):
        matrix = build_matrix(store, order, KIND_CODES)
        codes = {(a, i.iri): int(matrix.codes[r, c]) for r, a in enumerate(matrix.actors)
                 for c, i in enumerate(matrix.instruments)}  # fmt: skip
        assert codes == {(usa, one): 2, (fra, one): 1, (usa, two): 0, (fra, two): 3}
