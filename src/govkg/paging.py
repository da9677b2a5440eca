"""A catalogue query's answer a page at a time, paged in the query itself (the LIMIT and OFFSET
among its solution modifiers, the total a COUNT over it: :mod:`govkg.store.paged_text`), and the
number of rows it has.  Pages are stable (page 1, then 2, … is the whole answer in order) when the
query's ORDER BY orders its rows totally.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.errors import ParameterError, QueryError
from govkg.queries import Query, check_given, sorted_concatenations
from govkg.store import QueryResult, Store, Term
from govkg.store.paged_text import TOTAL, Page, combined, count_text, paged_text

__all__ = [
    "Page",
    "Paged",
    "combined",
    "count_rows",
    "count_text",
    "make_page",
    "page_number",
    "page_summary",
    "paged_text",
    "paging_json",
    "run_page",
]


@dataclass(frozen=True)
class Paged:
    """One page of an answer and the number of rows the whole answer has."""

    result: QueryResult
    total: int
    page: Page


def make_page(limit: int | None, offset: int | None, what: str = "--limit") -> Page:
    """A page from a limit and an offset as given; a limit below 1 or a negative offset is a
    :class:`ParameterError` (``what`` names the limit's option in the message)."""
    if limit is not None and limit < 1:
        raise ParameterError(f"{what} {limit}: expected a whole number of rows, 1 or more")
    if offset is not None and offset < 0:
        offset_name = "--offset" if what.startswith("--") else "offset"
        raise ParameterError(f"{offset_name} {offset}: expected 0 or more")
    return Page(limit, offset or 0)


def page_number(page: int, size: int) -> Page:
    """Page ``page`` (from 1) of ``size`` rows."""
    if page < 1:
        raise ParameterError(f"page {page}: expected 1 or more")
    return make_page(size, (page - 1) * size, "limit")


def count_rows(store: Store, sparql: str, bindings: Mapping[str, Term]) -> int:
    """The number of rows the SELECT query gives with ``bindings``."""
    result = store.query(count_text(sparql, list(bindings)), bindings)
    if not result.rows:
        return 0
    index = result.variables.index(TOTAL)
    term = result.rows[0][index]
    if not isinstance(term, ox.Literal):
        raise QueryError(f"the count of rows came back as {term!r}, not a number")
    return int(term.value)


#: Totals already counted: (query text, its bindings in N-Triples) → rows.
Totals = MutableMapping[tuple[str, tuple[tuple[str, str], ...]], int]


def run_page(
    store: Store,
    query: Query,
    params: Mapping[str, str] | None,
    page: Page,
    totals: Totals | None = None,
) -> Paged:
    """One page of a catalogue query's answer, its parameters bound (as
    :func:`govkg.queries.run_query` binds them), and the whole answer's number of rows.

    ``totals`` keeps each answer's number of rows once counted, for a store that does not change
    while it is kept (a server's): counting every row of a listing of 800,000 facts takes about
    as long as reading them, the page itself milliseconds."""
    bindings = query.bindings(params or {})
    check_given(store, query, params or {})
    key = (query.text, tuple(sorted((name, str(term)) for name, term in bindings.items())))
    try:
        result = store.query(paged_text(query.text, page), bindings)
        total = totals.get(key) if totals is not None else None
        if total is None:
            total = count_rows(store, query.text, bindings)
            if totals is not None:
                totals[key] = total
    except QueryError as error:
        raise QueryError(f"{query.name}: {error}") from None
    return Paged(sorted_concatenations(query.text, result), total, page)


def page_summary(paged: Paged) -> str:
    """``rows 11-20 of 57`` (``no rows at offset 60 of 57`` past the end)."""
    shown = len(paged.result.rows)
    first = paged.page.offset + 1
    if not shown:
        return f"no rows at offset {paged.page.offset} of {paged.total}"
    return f"rows {first}-{paged.page.offset + shown} of {paged.total}"


def paging_json(paged: Paged) -> dict[str, object]:
    """The members a JSON answer gets when it is paged: ``total``, ``limit`` and ``offset``."""
    return {"total": paged.total, "limit": paged.page.limit, "offset": paged.page.offset}
