"""rdflib parses each SPARQL text once per test session; imported by conftest.py before govkg.

pySHACL has rdflib parse the same SPARQL texts again for every graph and focus node, and govkg
checks each SPARQL constraint of the shapes with rdflib's ``prepareQuery`` at every ``validate``
and ``import`` (about 45 ms a parse: most of the time of the shape fixtures, 1.6 s an import).  A
prepared query is rdflib's own way to run one text many times, and nobody changes one, so parsing
each text once changes nothing in what is computed.  Only in the test process (not in the
``govkg`` processes some tests start), and only texts that parse: one that does not raises again
at every call.
"""

from __future__ import annotations

from typing import Any

import rdflib.plugins.sparql
from rdflib.plugins.sparql import processor

_prepare = processor.prepareQuery
_query = processor.SPARQLProcessor.query
_prepared: dict[tuple[object, ...], Any] = {}


def prepare_once(queryString: str, initNs: Any = None, base: str | None = None) -> Any:
    """``prepareQuery``, remembered by its arguments."""
    key = (queryString, base, tuple(sorted((initNs or {}).items())))
    if key not in _prepared:
        _prepared[key] = _prepare(queryString, initNs, base)
    return _prepared[key]


def query_prepared_once(
    self: processor.SPARQLProcessor,
    strOrQuery: Any,
    initBindings: Any = None,
    initNs: Any = None,
    base: str | None = None,
    DEBUG: bool = False,
) -> Any:
    """``SPARQLProcessor.query`` (what ``Graph.query`` runs), a text prepared once."""
    if isinstance(strOrQuery, str):
        strOrQuery = prepare_once(strOrQuery, initNs, base)
    return _query(self, strOrQuery, initBindings, initNs, base, DEBUG)


rdflib.plugins.sparql.prepareQuery = prepare_once
processor.prepareQuery = prepare_once
processor.SPARQLProcessor.query = query_prepared_once  # type: ignore[method-assign]
