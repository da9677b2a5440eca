"""A listing's total of rows is counted once per query and parameters while a server runs
(its store does not change): later pages take only their own rows."""

from __future__ import annotations

from collections.abc import Mapping

from paths import ROOT

from govkg.load import open_project
from govkg.paging import Page, run_page
from govkg.queries import find_query
from govkg.store import OxigraphStore, QueryResult, Term


class CountingStore(OxigraphStore):
    """The shipped graph in a real Oxigraph store, noting each query it answers."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def query(
        self, sparql: str, bindings: Mapping[str, Term] | None = None, **options: object
    ) -> QueryResult:
        self.texts.append(sparql)
        return super().query(sparql, bindings, **options)  # type: ignore[arg-type]


def _counts(store: CountingStore) -> int:
    return sum("govkg_paging_total" in text for text in store.texts)


def test_the_total_is_counted_once_per_query_and_parameters() -> None:
    project, shipped = open_project(ROOT)
    store = CountingStore()
    store.load(shipped.quads())
    query = find_query(project, "stances-on-instrument")
    totals: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    first = run_page(store, query, None, Page(5, 0), totals)
    second = run_page(store, query, None, Page(5, 5), totals)
    assert first.total == second.total > 10
    assert _counts(store) == 1
    assert [r for r in first.result.rows] != [r for r in second.result.rows]
    other = run_page(
        store, query, {"instrument": "instrument:paris-statement-2025"}, Page(5), totals
    )
    assert _counts(store) == 2  # other parameters: counted anew
    assert other.total != first.total
    unkept = run_page(store, query, None, Page(5, 0))  # no totals kept: counted every time
    assert unkept.total == first.total and _counts(store) == 3
