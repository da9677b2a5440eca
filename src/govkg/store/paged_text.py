"""A SELECT query's text with a page's LIMIT and OFFSET among its solution modifiers, and the query
that counts its rows: text only, no store (a query process caps its answers with it; see
:mod:`govkg.paging` for pages of the catalogue's answers).

A page is a ``LIMIT`` and an ``OFFSET`` added to the SELECT query's own solution modifiers (after
its ORDER BY, before a trailing ``VALUES``); a query that has its own ``LIMIT``/``OFFSET`` keeps
its meaning: the page is taken from the rows it gives.  The total is a ``COUNT(*)`` over the
query as a sub-select (its ``PREFIX``/``BASE`` lines and ``FROM`` clauses hoisted out), grouped by
its bound parameters so that they stay projected where the store binds them.  Limit and offset
are validated integers, written as numbers: nothing a user types is pasted into the query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from govkg.errors import ParameterError, QueryError
from govkg.store.tokens import Token, brackets, prologue_end, tokenize

#: The total of rows: the query as a sub-select, counted (``{grouped}`` is empty or a GROUP BY).
COUNT_TEMPLATE = """{prologue}
SELECT {projected}(COUNT(*) AS ?{total}){dataset}
WHERE {{
{inner}
}}{grouped}
"""
TOTAL = "govkg_paging_total"


@dataclass(frozen=True)
class Page:
    """Which rows to show: at most ``limit`` (None: all the rest) from ``offset`` on."""

    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class _Shape:
    """Where the parts of a SELECT query are: its form keyword, its WHERE group and modifiers."""

    tokens: list[Token]
    select: int  # index of the SELECT token (after the prologue)
    opening: int  # index of the ``{`` opening the WHERE group
    close: int  # index of the ``}`` closing the WHERE group
    modifiers_end: int  # index of a trailing VALUES token, or len(tokens)


def _shape(sparql: str) -> _Shape:
    """The parts of a SELECT query; any other form is a :class:`ParameterError`."""
    tokens = tokenize(sparql, prologue_end(sparql))  # the declarations need not be tokens
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
        total=TOTAL,
        dataset="".join(" " + clause for clause in dataset),
        inner=inner[start:],
        grouped=f"\nGROUP BY {names}" if names else "",
    )


@dataclass(frozen=True)
class Ordering:
    """A SELECT query's text without its ORDER BY clause, and that clause's keys: each a
    variable's name and whether it is descending."""

    unordered: str
    keys: tuple[tuple[str, bool], ...]


def plain_ordering(sparql: str) -> Ordering | None:
    """The query without its ORDER BY when that clause orders by variables only (``?v``,
    ``ASC(?v)``, ``DESC(?v)``) and the query has no LIMIT or OFFSET of its own (whose rows would
    depend on the order); None for any other query, or one that is not a SELECT."""
    try:
        shape = _shape(sparql)
    except (ParameterError, QueryError):  # not a SELECT, or not SPARQL: the query says why
        return None
    tokens = shape.tokens[shape.close + 1 : shape.modifiers_end]
    words = [token.word for token in tokens]
    if "LIMIT" in words or "OFFSET" in words or "ORDER" not in words:
        return None
    at = words.index("ORDER")
    if at + 1 >= len(words) or words[at + 1] != "BY":
        return None
    clause = tokens[at + 2 :]
    keys = _order_keys(clause)
    if not keys or any(t.word in ("GROUP", "HAVING") for t in clause):
        return None
    start, end = tokens[at].start, clause[-1].end
    return Ordering(sparql[:start] + " " * (end - start) + sparql[end:], keys)


def _order_keys(clause: list[Token]) -> tuple[tuple[str, bool], ...]:
    """The keys of an ORDER BY clause of variables only; () if it holds anything else."""
    keys: list[tuple[str, bool]] = []
    index = 0
    while index < len(clause):
        token = clause[index]
        if token.kind == "var":
            keys.append((token.text[1:], False))
            index += 1
            continue
        inner = clause[index + 1 : index + 4]  # ( ?v )
        shaped = len(inner) == 3 and inner[0].text == "(" and inner[2].text == ")"
        if token.word not in ("ASC", "DESC") or not shaped or inner[1].kind != "var":
            return ()
        keys.append((inner[1].text[1:], token.word == "DESC"))
        index += 4
    return tuple(keys)


def ordered_select(sparql: str) -> bool:
    """Whether the query is a SELECT query with an ORDER BY of its own (False for another form,
    or text that is not SPARQL: running it says why)."""
    try:
        shape = _shape(sparql)
    except (ParameterError, QueryError):
        return False
    return any(t.word == "ORDER" for t in shape.tokens[shape.close + 1 : shape.modifiers_end])
