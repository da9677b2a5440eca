"""The shortcuts the all-pairs step takes give what the plain ways give: the distinct values of
every row of measures found with one sort, the pairs grouped by a key from one float64 product
(exact up to the largest base it is used for), the footer's counts by group, the actors linked to
another; and the matrix read with fewer rows: the dates of a cell's acts read only when its acts
have different codes, one query for those dates and the instruments' earliest stance dates, the
actors of each type as one text (row by row when one is a blank node), a literal actor without a
space read grouped, the queries given to the store without their header comments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_align_lazy_pairs import random_codes
from test_align_matrix_reading import (
    INSTRUMENT_ROWS,
    NAMES,
    PREFIXES,
    SMALL,
    assert_matrix_is,
    small_store,
)

from govkg.align.analysis import _defined, linked_actors, rounded, steady_counts
from govkg.align.matrix import (
    _DATED_RUN,
    DETAILS,
    STANCE_GROUPS,
    MatrixOptions,
    _bare,
    _dates,
    _Details,
    _grouped_cells,
    _stance_dates,
    build_matrix,
    coding,
    dated_stance_rows,
    load_matrix,
)
from govkg.align.measures import MEASURES, all_pairs
from govkg.align.table import Column, distinct_rows
from govkg.store import OxigraphStore, Store

# --- the pair table ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda width: st.lists(
            st.lists(st.sampled_from([0.0, 0.5, -1.25, 3.0, 1e9, float("nan")]) | st.floats(-3, 3),
                     min_size=width, max_size=width),
            min_size=1, max_size=4,
        )
    )
)  # fmt: skip
def test_distinct_rows_are_each_rows_unique_values(rows: list[list[float]]) -> None:
    numbers = np.array(rows, dtype=np.float64)
    for (values, index), row in zip(distinct_rows(numbers), numbers, strict=True):
        unique, inverse = np.unique(row, return_inverse=True)
        assert np.array_equal(np.array(values), unique, equal_nan=True)
        assert index.tolist() == inverse.reshape(-1).tolist()


def test_distinct_rows_of_no_columns_are_empty() -> None:
    assert [(v, i.tolist()) for v, i in distinct_rows(np.zeros((2, 0)))] == [([], []), ([], [])]


def test_number_rows_are_each_rows_numbers() -> None:
    codes = random_codes(30, 12, 5)
    found = all_pairs(codes).kept_measures(1)
    numbers = np.stack([found.values["n"], *(rounded(found.values[m]) for m in MEASURES[1:])])
    converts = [int, *[_defined] * (len(MEASURES) - 1)]
    made = Column.of_number_rows(numbers, converts)
    for column, row, convert in zip(made, numbers, converts, strict=True):
        plain = Column.of_numbers(row, convert)
        assert column.values == plain.values and column.index.tolist() == plain.index.tolist()


def test_number_rows_as_they_are_have_nan_as_none() -> None:
    codes = random_codes(30, 12, 5)
    found = all_pairs(codes).kept_measures(0)
    numbers = np.stack([*(rounded(found.values[m]) for m in MEASURES[1:]),
                        np.linspace(-1.0, 1.0, len(found.values["n"]))])  # fmt: skip
    assert np.isnan(numbers).any(axis=1).any() and not np.isnan(numbers).any(axis=1).all()
    plain = Column.of_number_rows(numbers, [_defined] * len(numbers))
    made = Column.of_number_rows(numbers, [None] * len(numbers))
    for column, want in zip(made, plain, strict=True):
        assert column.values == want.values and column.index.tolist() == want.index.tolist()
        assert all(v is None or v == v for v in column.values)


def _codes_with_full_cells(actors: int, instruments: int) -> np.ndarray:
    """Random codes, and actors that said yes, no or abstain on every instrument: a pair of them
    fills one count C[c, d] with every instrument, the highest digit a key can have."""
    codes = random_codes(actors, instruments, instruments)
    for row, code in enumerate((1, 1, 2, 3, 3)):
        codes[row] = code
    return codes


@pytest.mark.parametrize("instruments", [3, 29, 57, 58])
def test_pairs_grouped_by_their_keys_have_every_pairs_measures(instruments: int) -> None:
    codes = _codes_with_full_cells(24, instruments)
    fresh = all_pairs(codes)
    assert fresh._keys(fresh.kept(0)[2]) is not None  # the groups come from the keys
    group, found = fresh.kept_groups(0)
    assert len(found.values["n"]) < len(group)  # pairs share groups
    every = all_pairs(codes)
    a, b = every.pairs_with(0)
    for name in MEASURES:
        assert found.values[name].take(group).tobytes() == every.values[name][a, b].tobytes()
        assert found.reason_codes[name].take(group).tobytes() == (
            every.reason_codes[name][a, b].tobytes()
        )
    assert found.sides[0].take(group).tobytes() == every.steady[a, b].tobytes()
    assert found.sides[1].take(group).tobytes() == every.steady[b, a].tobytes()


def test_keys_too_large_for_a_float64_product_group_nothing() -> None:
    result = all_pairs(random_codes(10, 59, 1))  # 60**9 > 2**53
    assert result._keys(result.kept(0)[2]) is None
    group, found = result.kept_groups(0)
    assert group.tolist() == list(range(len(found.values["n"])))


@pytest.mark.parametrize("min_n", [0, 1, 3])
def test_steady_counts_are_the_kept_pairs_counted_one_by_one(min_n: int) -> None:
    result = all_pairs(random_codes(40, 12, 8))
    a, b = result.pairs_with(min_n)
    x, y = result.steady[a, b], result.steady[b, a]
    want = {
        "one": sum(1 for p, q in zip(x, y, strict=True) if (p > 0) != (q > 0)),
        "same": sum(1 for p, q in zip(x, y, strict=True) if p > 0 and p == q),
        "different": sum(1 for p, q in zip(x, y, strict=True) if p > 0 and q > 0 and p != q),
    }
    assert steady_counts(result, min_n) == want
    assert sum(want.values()) > 0


@pytest.mark.parametrize("min_n", [0, 1, 4])
def test_linked_actors_have_enough_instruments_in_common_with_another(min_n: int) -> None:
    result = all_pairs(random_codes(30, 8, 2))
    counts = result.values["n"]
    want = [i for i in range(30)
            if any(counts[i, j] >= max(min_n, 1) for j in range(30) if j != i)]  # fmt: skip
    assert linked_actors(result, min_n) == want
    assert all(isinstance(i, int) for i in want)


# --- the matrix -------------------------------------------------------------------------------


@contextmanager
def queries_of(store: OxigraphStore) -> Iterator[list[str]]:
    """The text of each query the store is given meanwhile (the queries still run)."""
    texts: list[str] = []
    query = store.query

    def spied(sparql: str, *args: object, **kwargs: object) -> object:
        texts.append(sparql)
        return query(sparql, *args, **kwargs)  # type: ignore[arg-type]

    store.query = spied  # type: ignore[method-assign]
    try:
        yield texts
    finally:
        del store.query


def _dated_read(texts: list[str]) -> bool:
    """Whether one of these queries reads stances with their dates."""
    body = _DATED_RUN.split("VALUES")[1].split("\n", 1)[1]  # the pattern after the VALUES block
    return any(body in text for text in texts)


#: AAA signed the treaty, then ratified it (both "yes"), the day listed in the other order.
SAME_CODE = (
    PREFIXES
    + """
i:pact a gk:Convention ; rdfs:label "A pact"@en ; dcterms:date "2024-01-01"^^xsd:date .
state:AAA a gk:State ; gk:iso3 "AAA" ; rdfs:label "Aland"@en .
state:BBB a gk:State ; gk:iso3 "BBB" .
x:p-a2 a gk:Stance ; gk:actor state:AAA ; gk:instrument i:pact ; gk:stanceKind k:ratified ;
    dcterms:date "2025-03-01"^^xsd:date .
x:p-a a gk:Stance ; gk:actor state:AAA ; gk:instrument i:pact ; gk:stanceKind k:signed ;
    dcterms:date "2024-01-01"^^xsd:date .
x:p-b a gk:Stance ; gk:actor state:BBB ; gk:instrument i:pact ; gk:stanceKind k:declined .
"""
)


def test_acts_of_one_code_in_a_cell_are_coded_without_their_dates() -> None:
    store = small_store(SAME_CODE)
    with queries_of(store) as texts:
        matrix = load_matrix(store)
    assert not _dated_read(texts)
    assert matrix.codes.tolist() == [[1], [3]]
    assert_matrix_is(matrix, store)


def test_acts_of_different_codes_in_a_cell_are_coded_by_their_dates() -> None:
    store = small_store(SMALL)
    with queries_of(store) as texts:
        matrix = load_matrix(store)
    assert _dated_read(texts)  # AAA signed the treaty, then withdrew
    assert_matrix_is(matrix, store)


def test_acts_coded_alike_by_the_options_are_coded_without_their_dates() -> None:
    store = small_store(SMALL)
    codes = coding({"withdrew": "yes"})  # signed, then withdrew: yes either way
    with queries_of(store) as texts:
        matrix = load_matrix(store, MatrixOptions(codes=codes))
    assert not _dated_read(texts)
    every = build_matrix(store, dated_stance_rows(store), codes)
    every = every.rows([every.actors.index(a) for a in matrix.actors])
    assert matrix.instruments == every.instruments
    assert np.array_equal(matrix.codes, every.codes)
    treaty = [i.slug for i in matrix.instruments].index("treaty")
    assert matrix.codes[matrix.actors.index(f"{_STATE}AAA"), treaty] == 1


_STATE = "https://w3id.org/govkg/id/state/"


@pytest.mark.parametrize("several", [False, True])
@pytest.mark.parametrize("undated", [False, True])
def test_dates_read_together_are_the_dates_read_apart(several: bool, undated: bool) -> None:
    store = small_store(SMALL)
    instruments = {f"https://w3id.org/govkg/id/instrument/{n}" for n in ("treaty", "vote")}
    some = instruments if several else set()
    none = sorted(instruments | {"https://w3id.org/govkg/id/instrument/untyped"}) if undated else []
    rows, dates = _dates(store, some, none)
    assert sorted(rows) == sorted(dated_stance_rows(store, some) if several else [])
    assert dates == _stance_dates(store, none)
    assert bool(rows) == several and bool(dates) == undated


#: A literal actor without a space, and a typed actor that is a blank node.
ODD_ACTORS = (
    PREFIXES
    + """
x:o-3 a gk:Stance ; gk:actor "oneword" ; gk:instrument i:vote ; gk:stanceKind k:voted-yes .
x:o-4 a gk:Stance ; gk:actor [ a gk:State ; gk:iso3 "BNK" ] ; gk:instrument i:treaty ;
    gk:stanceKind k:signed .
"""
)


def test_a_literal_actor_without_a_space_is_read_grouped() -> None:
    literal = ODD_ACTORS.split("x:o-4")[0]
    store = small_store(SMALL, literal)
    assert _grouped_cells(store.query(STANCE_GROUPS)) is not None
    matrix = load_matrix(store)
    assert "oneword" in matrix.actors
    assert_matrix_is(matrix, store)


def test_a_typed_blank_node_actor_has_its_types_read_row_by_row() -> None:
    store = small_store(SMALL, ODD_ACTORS)
    details = _Details.read(store)
    assert details.typed_unread
    assert sum(1 for types in details.actor_types.values() if types == {_GK_STATE}) >= 3
    matrix = load_matrix(store)
    assert len(matrix.actors) == 5 + 2  # AAA BBB CCC NOCODE BODY, the literal, the blank node
    assert_matrix_is(matrix, store)
    for types in [("state",), ("company",)]:
        assert_matrix_is(load_matrix(store, MatrixOptions(actor_types=types)), store, types)


_GK_STATE = "https://w3id.org/govkg/ontology#State"


def test_the_actors_of_each_type_read_as_one_text_are_the_rows_of_each_type() -> None:
    store = small_store(SMALL)
    details = _Details.read(store)
    assert not details.typed_unread
    rows = store.query("SELECT ?actor ?type WHERE { VALUES ?type { gk:State "
                       "gk:InternationalOrganisation gk:Company gk:ResearchInstitution } "
                       "?actor a ?type }")  # fmt: skip
    want: dict[str, set[str]] = {}
    for actor, kind in rows.rows:
        assert actor is not None and kind is not None
        want.setdefault(actor.value, set()).add(kind.value)
    assert details.actor_types == want
    assert len(want) == 5


def test_a_query_is_run_without_its_header_comment() -> None:
    bare = _bare(DETAILS)
    assert DETAILS.startswith("# title:") and bare.startswith("SELECT")
    assert DETAILS.endswith(bare) and "#" not in bare.split("\n", 1)[0]
    assert _bare("SELECT * WHERE { ?s ?p ?o } # not a header\n") == (
        "SELECT * WHERE { ?s ?p ?o } # not a header\n"
    )
    assert _bare("# only a comment\n") == ""


# --- the details read ungrouped ----------------------------------------------------------------


def _names(store: Store) -> dict[str, tuple[str, str]]:
    """Each coded actor's (label, code) as the grouped query (SAMPLE) gives them."""
    rows = store.query(NAMES).records()
    return {r.text("actor"): (r.text("label", ""), r.text("code")) for r in rows}


def _instrument_rows(store: Store) -> dict[str, tuple[str, ...]]:
    """Each instrument's label, complete flag, own and event date as the grouped query gives."""
    names = ("label", "complete", "ownDate", "eventDate")
    return {r.text("instrument"): tuple(r.text(n, "") for n in names)
            for r in store.query(INSTRUMENT_ROWS).records()}  # fmt: skip


#: Actors with several codes and labels, instruments with several labels, flags and dates (one
#: a blank node), some of them in another graph: each is named and dated as SAMPLE and MIN do.
SEVERAL = (
    PREFIXES
    + """
state:AAA gk:iso3 "AA2" ; gk:orgId "AAO" ; rdfs:label "Åland"@sv, "Ahvenanmaa" .
org:BODY gk:orgId "BODY2" ; rdfs:label "The body"@en .
i:treaty rdfs:label "Treaty"@fr ; gk:listComplete false ; dcterms:date "2024-01-05" ;
    gk:adoptedAt x:conference .
x:conference schema:startDate "2023-05-01"^^xsd:date, "2023-04-30" .
i:vote dcterms:date [ rdfs:label "a date with no text" ], "2020-01-01" .
i:summit-text rdfs:label "Texte"@fr .
x:summit schema:startDate "2023-10-31" .
"""
)


def test_actors_and_instruments_read_ungrouped_are_named_as_grouped() -> None:
    store = small_store(SMALL, SEVERAL, SEVERAL.replace("Åland", "Aaland"))
    details = _Details.read(store)
    assert not details.names_unread
    assert details.names == _names(store)
    assert details.instruments == _instrument_rows(store)
    assert details.instruments["https://w3id.org/govkg/id/instrument/vote"][2] == ""
    assert_matrix_is(load_matrix(store), store)


@pytest.mark.parametrize("separator", ["001F", "001E"])
def test_a_label_holding_a_separator_has_the_actors_read_row_by_row(separator: str) -> None:
    store = small_store(SMALL, PREFIXES + f'state:BBB rdfs:label "B\\u{separator}land" .')
    assert any(chr(int(separator, 16)) in label for label, _ in _names(store).values())
    details = _Details.read(store)
    assert details.names_unread
    assert details.names == _names(store)
    assert_matrix_is(load_matrix(store), store)


def test_a_coded_blank_node_has_the_actors_read_row_by_row() -> None:
    store = small_store(SMALL, ODD_ACTORS)
    details = _Details.read(store)
    assert details.names_unread
    assert details.names == _names(store)
    assert "BNK" in {code for _, code in details.names.values()}


def test_a_store_without_coded_actors_names_none() -> None:
    store = small_store(SMALL.split("state:AAA a gk:State")[0])
    details = _Details.read(store)
    assert not details.names_unread and details.names == {} == _names(store)
