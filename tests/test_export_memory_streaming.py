"""What an export holds (issue 22: the stances view at 4 M triples within 1.5 GB): the stances
query's rows are read one at a time and never all held; a view holds no object per edge (an edge
is made as it is read, and the GEXF writer makes none); the compact ids sort exactly as Python
sorts strings and tell a repeated id, whichever path sorts them."""

from __future__ import annotations

import gc
import io
import random
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from govkg.errors import ExportError
from govkg.export import ExportRequest, ViewGraph, build_view, write_gexf
from govkg.export.model import Edge
from govkg.export.texts import Texts
from govkg.export.views import StanceRows, stances_query
from govkg.store import Store, Term

ALPHABET = ["a", "b", "z", "/", "-", "é", "中", "🙂", "\ud800", "\x7f", "\x80"]


class _Value:
    """A term of a row, as the stance reader reads it (``value``), that can be counted alive."""

    __slots__ = ("__weakref__", "value")

    def __init__(self, value: str) -> None:
        self.value = value


class _CountingStore:
    """The shipped store, its stance rows made of terms whose live number is recorded as each
    row is handed out."""

    def __init__(self, store: Store) -> None:
        self.store, self.folder = store, store.folder
        self.alive: weakref.WeakSet[_Value] = weakref.WeakSet()
        self.most_alive = 0
        self.rows = 0

    def iter_rows(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[tuple[_Value | None, ...]]:
        for row in self.store.iter_rows(sparql, bindings):
            values = tuple(None if term is None else _Value(term.value) for term in row)
            self.alive.update(value for value in values if value is not None)
            self.most_alive = max(self.most_alive, len(self.alive))
            self.rows += 1
            yield values
            del values


def _texts(strings: list[str]) -> Texts:
    texts = Texts()
    for text in strings:
        texts.append(text)
    return texts


def _expected(strings: list[str], subset: list[int] | None) -> tuple[list[int], list[int]]:
    indices = list(range(len(strings))) if subset is None else subset
    order = sorted(range(len(indices)), key=lambda place: strings[indices[place]])
    repeats = [
        n
        for n in range(1, len(order))
        if strings[indices[order[n]]] == strings[indices[order[n - 1]]]
    ]
    return order, repeats


def test_the_stance_rows_are_read_one_at_a_time(store: Store) -> None:
    counting = _CountingStore(store)
    rows = StanceRows.read(counting, None)  # type: ignore[arg-type]
    assert counting.rows == len(rows.ids) > 800
    assert counting.most_alive <= 2 * 6  # at most the row handed out and the one before it
    assert len(list(store.iter_rows(stances_query(store)))) == counting.rows
    assert [rows.ids[n] for n in range(3)] == [
        row[0].value  # type: ignore[union-attr]
        for row, _n in zip(store.iter_rows(stances_query(store)), range(3), strict=False)
    ]


def test_a_view_holds_no_object_per_edge_and_the_gexf_writer_makes_none(store: Store) -> None:
    gc.collect()
    view = build_view(store, ExportRequest.create("gexf", "stances"))
    gc.collect()
    assert view.edge_count > 800
    assert not [o for o in gc.get_objects() if isinstance(o, Edge)]

    class Watching(io.RawIOBase):
        """A stream that counts the edge objects alive at each write."""

        def __init__(self) -> None:
            self.edges_alive: list[int] = []

        def writable(self) -> bool:
            return True

        def write(self, data: Any) -> int:
            self.edges_alive.append(sum(isinstance(o, Edge) for o in gc.get_objects()))
            return len(data)

    stream = Watching()
    write_gexf(view, stream)
    assert len(stream.edges_alive) > 2 and max(stream.edges_alive) == 0
    edges = view.edge_elements()  # edges are made as they are read
    assert len(edges) == view.edge_count and edges[0].id < edges[-1].id


@pytest.mark.parametrize("seed", range(6))
def test_compact_ids_sort_as_python_sorts_strings(seed: int) -> None:
    """Short and long strings (some cut in the sort keys), shared prefixes, repeats, code points
    from every UTF-8 length and a lone surrogate; the whole set and a subset."""
    chance = random.Random(seed)
    prefix = "".join(chance.choice(ALPHABET) for _ in range(chance.randint(0, 40)))
    lengths = [0, 1, 2, 9] * 6 + [40]  # one string in 25 longer than the sort keys
    strings = [
        prefix + "".join(chance.choice(ALPHABET) for _ in range(chance.choice(lengths)))
        for _ in range(chance.randint(1, 400))
    ]
    strings += [prefix + "a" * 30 + chance.choice(ALPHABET) for _ in range(5)]  # cut alike
    strings += chance.sample(strings, k=min(len(strings), 20))
    texts = _texts(strings)
    assert [texts[n] for n in range(len(strings))] == strings
    subset = sorted(chance.sample(range(len(strings)), k=len(strings) // 2))
    for chosen in (None, subset):
        order, repeats = texts.order(chosen)
        assert (list(order), list(repeats)) == _expected(strings, chosen)


def test_strings_with_nul_sort_as_python_sorts_them() -> None:
    strings = ["a\0", "a", "a\0b", "", "a", "\0"]
    order, repeats = _texts(strings).order()
    assert (list(order), list(repeats)) == _expected(strings, None)


def test_edges_added_out_of_order_are_read_in_id_order_and_a_repeated_id_is_an_error() -> None:
    view = ViewGraph("t", True, {}, {"kind": "string"})
    for node in ("urn:a", "urn:b"):
        view.add_node(node, node)
    ids = _texts(["urn:e3", "urn:e1", "urn:e2"])
    view.take_edge_ids(ids)
    style = view.edge_style(label="x", attrs={"kind": "k"})
    for index in (0, 1, 2):
        view.add_styled_edge(index, "urn:a", "urn:b", style)
    view.add_edge("urn:e0", "urn:b", "urn:a", label="y")
    assert [edge_id for edge_id, _data in view.edges()] == ["urn:e0", "urn:e1", "urn:e2", "urn:e3"]
    assert [data["label"] for _id, data in view.edges()] == ["y", "x", "x", "x"]
    view.add_edge("urn:e2", "urn:a", "urn:b")
    with pytest.raises(ExportError, match="edge urn:e2 twice"):
        view.edge_elements()
