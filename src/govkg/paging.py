"""A query's answer a page at a time, paged in the query itself, and the number of rows it has.

A page is a ``LIMIT`` and an ``OFFSET`` added to the SELECT query's own solution modifiers (after
its ORDER BY, before a trailing ``VALUES``); a query that has its own ``LIMIT``/``OFFSET`` keeps
its meaning: the page is taken from the rows it gives.  The total is a ``COUNT(*)`` over the
query as a sub-select (its ``PREFIX``/``BASE`` lines and ``FROM`` clauses hoisted out), grouped by
its bound parameters so that they stay projected where the store binds them.  Limit and offset
are validated integers, written as numbers: nothing a user types is pasted into the query.
Pages are stable (page 1, then 2, … is the whole answer in order) when the query's ORDER BY
orders its rows totally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.errors import ParameterError, QueryError
from govkg.queries import Query, check_given, sorted_concatenations
from govkg.store import QueryResult, Store, Term
from govkg.store.tokens import Token, brackets, tokenize

#: The total of rows: the query as a sub-select, counted (``{grouped}`` is empty or a GROUP BY).
COUNT_TEMPLATE = """{prologue}
SELECT {projected}(COUNT(*) AS ?{total}){dataset}
WHERE {{
{inner}
}}{grouped}
"""
_TOTAL = "govkg_paging_total"


@dataclass(frozen=True)
class Page:
    """Which rows to show: at most ``limit`` (None: all the rest) from ``offset`` on."""

    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class Paged:
    """One page of an answer and the number of rows the whole answer has."""

    result: QueryResult
    total: int
    page: Page


@dataclass(frozen=True)
class _Shape:
    """Where the parts of a SELECT query are: its form keyword, its WHERE group and modifiers."""

    tokens: list[Token]
    select: int  # index of the SELECT token (after the prologue)
    opening: int  # index of the ``{`` opening the WHERE group
    close: int  # index of the ``}`` closing the WHERE group
    modifiers_end: int  # index of a trailing VALUES token, or len(tokens)


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


def _shape(sparql: str) -> _Shape:
    """The parts of a SELECT query; any other form is a :class:`ParameterError`."""
    tokens = tokenize(sparql)
    pairs = brackets(tokens)
    index = 0
    while index < len(tokens) and tokens[index].word in ("PREFIX", "BASE"):
        index += 3 if tokens[index].word == "PREFIX" else 2
    if index >= len(tokens) or tokens[index].word != "SELECT":
        form = tokens[index].word.lower() if index < len(tokens) else "empty"
        raise ParameterError(f"only SELECT queries are paged; this is a {form or 'non-SELECT'}")
    opening = _next_top(tokens, pairs, index, lambda t: t.text == "{" and t.kind == "punct")
    if opening is None:
        raise QueryError("SPARQL syntax error: the query has no WHERE group")
    close = pairs[opening]
    values = _next_top(tokens, pairs, close + 1, lambda t: t.word == "VALUES")
    return _Shape(tokens, index, opening, close, len(tokens) if values is None else values)


def _next_top(
    tokens: list[Token], pairs: dict[int, int], start: int, wanted: Callable[[Token], bool]
) -> int | None:
    """The index of the first token from ``start`` on, outside brackets, that ``wanted`` accepts
    (a ``{`` itself is tested before its group is skipped)."""
    index = start
    while index < len(tokens):
        token = tokens[index]
        if wanted(token):
            return index
        index = pairs[index] + 1 if token.text in ("(", "{", "[") and index in pairs else index + 1
    return None


def _own_limits(shape: _Shape) -> tuple[int | None, int, list[tuple[int, int]]]:
    """The query's own LIMIT (None: none), OFFSET (0: none) and the text spans that give them."""
    limit, offset, spans = None, 0, []
    tokens = shape.tokens
    index = shape.close + 1
    while index < shape.modifiers_end:
        token = tokens[index]
        if token.word in ("LIMIT", "OFFSET") and index + 1 < shape.modifiers_end:
            number = tokens[index + 1]
            if number.kind != "number" or not number.text.isdigit():
                raise QueryError(f"SPARQL syntax error: {token.text} {number.text}")
            if token.word == "LIMIT":
                limit = int(number.text)
            else:
                offset = int(number.text)
            spans.append((token.start, number.end))
            index += 2
        else:
            index += 1
    return limit, offset, spans


def combined(own_limit: int | None, own_offset: int, page: Page) -> Page:
    """The LIMIT and OFFSET that give ``page`` of the rows a query with its own ``own_limit``
    and ``own_offset`` gives."""
    offset = own_offset + page.offset
    if own_limit is None:
        return Page(page.limit, offset)
    rest = max(0, own_limit - page.offset)
    return Page(rest if page.limit is None else min(page.limit, rest), offset)


def paged_text(sparql: str, page: Page) -> str:
    """The SELECT query with ``page``'s LIMIT and OFFSET among its solution modifiers."""
    shape = _shape(sparql)
    own_limit, own_offset, spans = _own_limits(shape)
    wanted = combined(own_limit, own_offset, page)
    at = (
        shape.tokens[shape.modifiers_end].start if shape.modifiers_end < len(shape.tokens) else None
    )
    clause = "\n" + (f"LIMIT {int(wanted.limit)} " if wanted.limit is not None else "")
    clause += f"OFFSET {int(wanted.offset)}\n"
    text, cut = sparql, sorted(spans, reverse=True)
    insert = len(text) if at is None else at
    for start, end in cut:  # spans come before the insertion point: remove from the end
        text = text[:start] + " " * (end - start) + text[end:]
    return text[:insert] + clause + text[insert:]


def count_text(sparql: str, bound: list[str]) -> str:
    """A query that counts the rows of the SELECT query ``sparql`` (one row; none when
    a bound parameter leaves it no rows), ``bound`` being its bound parameters' names."""
    shape = _shape(sparql)
    tokens, start = shape.tokens, shape.tokens[shape.select].start
    dataset, spans = [], []
    index = shape.select
    while index < shape.opening:
        if tokens[index].word == "FROM":
            named = tokens[index + 1].word == "NAMED"
            last = index + (2 if named else 1)
            spans.append((tokens[index].start, tokens[last].end))
            dataset.append(sparql[tokens[index].start : tokens[last].end])
            index = last + 1
        else:
            index += 1
    inner = sparql
    for begin, end in sorted(spans, reverse=True):
        inner = inner[:begin] + " " * (end - begin) + inner[end:]
    names = " ".join(f"?{name}" for name in bound)
    return COUNT_TEMPLATE.format(
        prologue=sparql[:start],
        projected=names + " " if names else "",
        total=_TOTAL,
        dataset="".join(" " + clause for clause in dataset),
        inner=inner[start:],
        grouped=f"\nGROUP BY {names}" if names else "",
    )


def count_rows(store: Store, sparql: str, bindings: Mapping[str, Term]) -> int:
    """The number of rows the SELECT query gives with ``bindings``."""
    result = store.query(count_text(sparql, list(bindings)), bindings)
    if not result.rows:
        return 0
    index = result.variables.index(_TOTAL)
    term = result.rows[0][index]
    if not isinstance(term, ox.Literal):
        raise QueryError(f"the count of rows came back as {term!r}, not a number")
    return int(term.value)


def run_page(store: Store, query: Query, params: Mapping[str, str] | None, page: Page) -> Paged:
    """One page of a catalogue query's answer, its parameters bound (as
    :func:`govkg.queries.run_query` binds them), and the whole answer's number of rows."""
    bindings = query.bindings(params or {})
    check_given(store, query, params or {})
    try:
        result = store.query(paged_text(query.text, page), bindings)
        total = count_rows(store, query.text, bindings)
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
