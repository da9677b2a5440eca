"""govkg's own fixed SPARQL, in ``.rq`` files beside the code that runs it.

A module's queries are ``sparql/NAME.rq`` in its folder, written as the catalogue's are (a
``# title:`` and ``# description:`` header, then the query; the store declares govkg's
prefixes), and read once.  tests/test_fixed_queries.py reads each header as the catalogue does
and parses each query.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from govkg.errors import LoadError


@cache
def fixed_query(module_file: str, name: str) -> str:
    """The text of ``sparql/<name>.rq`` beside the module whose ``__file__`` is given."""
    path = Path(module_file).parent / "sparql" / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise LoadError(str(path), f"cannot read govkg's own query: {error.strerror}") from None


def with_values(text: str, variable: str, terms: str) -> str:
    """The query with its empty ``VALUES ?variable { }`` given ``terms`` (N-Triples terms,
    written by Oxigraph: never query syntax); with ``terms`` empty, the block is dropped."""
    marker = f"VALUES ?{variable} {{ }}"
    if marker not in text:
        raise ValueError(f"the query has no {marker!r} to fill")
    return text.replace(marker, f"VALUES ?{variable} {{ {terms} }}" if terms else "", 1)
