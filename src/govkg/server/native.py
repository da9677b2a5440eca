"""SELECT answers written by Oxigraph's own result writers, in a query process.

The general path (:func:`govkg.server.results.to_answer`) reads every solution into Python
objects and writes them in Python; over the embedded store the same bytes' worth of answer can be
written by Oxigraph itself (JSON, XML and CSV), which halves the cost of a lookup.  TSV stays
with govkg's writer, which writes every literal with its datatype (``"197"^^xsd:integer``, where
Oxigraph writes ``197``).

The row cap stays exact: the SELECT runs with ``LIMIT max_rows + 1`` among its own solution
modifiers (:func:`govkg.paging.paged_text`; a query's own LIMIT and OFFSET keep their meaning).
An answer whose bytes are too few to hold more than ``max_rows`` rows is sent as written; a longer
one has its rows counted by Oxigraph's parser, and one over the cap is written again at
``LIMIT max_rows`` with ``X-Govkg-Truncated: true``.  ASK, CONSTRUCT and DESCRIBE answers are
written by the general writers from the same evaluation; a long CSV answer or a query the cap
cannot be added to returns None: the general path answers.
"""

from __future__ import annotations

import pyoxigraph as ox

from govkg.errors import ParameterError, QueryError
from govkg.server.negotiation import choose
from govkg.server.results import RESULT_TYPES, TRUNCATED, Answer, to_answer
from govkg.store.base import Dataset, to_result
from govkg.store.oxigraph import OxigraphStore, query_errors
from govkg.store.paged_text import Page, paged_text
from govkg.store.textcache import kept_for_texts

#: Media type → Oxigraph's writer of SELECT results.
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
}
#: The fewest bytes a row takes in each writer's output (a row with every variable unbound:
#: ``{}``, ``<result></result>``, ``\r\n``), so that a shorter answer has fewer rows.
ROW_BYTES = {
    ox.QueryResultsFormat.JSON: 2,
    ox.QueryResultsFormat.XML: 17,
    ox.QueryResultsFormat.CSV: 2,
}


def native_answer(
    store: OxigraphStore, sparql: str, accept: str | None, max_rows: int, dataset: Dataset | None
) -> Answer | None:
    """The answer to a SELECT query written by Oxigraph, or another form's answer from the
    general writers; None where the general path must answer (a long CSV answer,
    an error: it gives the message about the query as it was sent)."""
    try:
        capped = capped_text(sparql, max_rows + 1)
    except ParameterError:  # not a SELECT
        return _other_form(store, sparql, accept, max_rows, dataset)
    except QueryError:
        return None
    media = result_type(accept)
    if media not in FORMATS:
        return None
    writer = FORMATS[media]
    try:
        body = _written(store, capped, writer, dataset)
        if len(body) < ROW_BYTES[writer] * (max_rows + 1):
            return _answer(media, body)
        rows = _rows(body, writer)
        if rows is None:
            return None
        if rows > max_rows:
            body = _written(store, paged_text(sparql, Page(max_rows)), writer, dataset)
    except QueryError:
        return None
    return _answer(media, body, truncated=rows > max_rows)


@kept_for_texts()
def capped_text(sparql: str, limit: int) -> str:
    """The SELECT query with at most ``limit`` rows (:func:`paged_text`), kept for the query
    texts seen last (35 us of a lookup's 1.7 ms at 425 k triples)."""
    return paged_text(sparql, Page(limit))


@kept_for_texts(size=64, longest=1024)
def result_type(accept: str | None) -> str | None:
    """The SELECT result type an Accept header asks for (kept for the headers seen last)."""
    return choose(accept, list(RESULT_TYPES))


def _other_form(
    store: OxigraphStore, sparql: str, accept: str | None, max_rows: int, dataset: Dataset | None
) -> Answer | None:
    """An ASK, CONSTRUCT or DESCRIBE answer by the general writers, from the one evaluation
    (an ASK answer is a few bytes: govkg's JSON writer keeps its spacing)."""
    try:
        answer = store.evaluate(sparql, dataset=dataset)
        with query_errors():
            result = to_result(answer, max_rows)
    except QueryError:
        return None
    return to_answer(result, accept, max_rows)


def _written(
    store: OxigraphStore, sparql: str, writer: ox.QueryResultsFormat, dataset: Dataset | None
) -> bytes:
    """A SELECT query's solutions as Oxigraph writes them."""
    answer = store.evaluate(sparql, dataset=dataset)
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError("not a SELECT query")
    with query_errors():
        return answer.serialize(format=writer) or b""


def _rows(body: bytes, writer: ox.QueryResultsFormat) -> int | None:
    """The number of rows in a written answer (Oxigraph's parser); None for CSV, which it
    does not read."""
    if writer == ox.QueryResultsFormat.CSV:
        return None
    parsed = ox.parse_query_results(body, format=writer)
    if not isinstance(parsed, ox.QuerySolutions):
        return None
    return sum(1 for _ in parsed)


def _answer(media: str, body: bytes, truncated: bool = False) -> Answer:
    headers = {"Vary": "Accept"}
    if truncated:
        headers[TRUNCATED] = "true"
    media_type = f"{media}; charset=utf-8" if media.startswith("text/") else media
    return Answer(200, media_type, body, headers)
