"""Text search over the graph: names, quotations, descriptions, positions and principles,
ranked, with the matched words marked, filtered by kind.

Oxigraph has no full-text index, so govkg builds one with SQLite FTS5 from the store:

- :mod:`~govkg.textsearch.documents`: what is indexed, read by fixed SPARQL (``sparql/``);
- :mod:`~govkg.textsearch.kinds`: each document's kind (state, quote, instrument …);
- :mod:`~govkg.textsearch.query`: the user's text as words and a safely quoted FTS5 query;
- :mod:`~govkg.textsearch.index`: the FTS5 table, its ranking and snippets;
- :mod:`~govkg.textsearch.results`: a request, a page of hits, their HTML and JSON forms;
- :mod:`~govkg.textsearch.cache`: where an index lives (memory, or a file beside an on-disk
  store) and when it is built again.
"""

from govkg.textsearch.cache import TextSearch, index_for, index_path, search
from govkg.textsearch.index import HAS_FTS5, TextIndex, TextSearchError, require_fts5
from govkg.textsearch.kinds import KINDS
from govkg.textsearch.results import (
    HIT_COLUMNS,
    MAX_PER_PAGE,
    PER_PAGE,
    Hit,
    SearchPage,
    SearchRequest,
    hit_rows,
    marked_html,
    page_json,
    plain,
)

__all__ = [
    "HAS_FTS5",
    "HIT_COLUMNS",
    "KINDS",
    "MAX_PER_PAGE",
    "PER_PAGE",
    "Hit",
    "SearchPage",
    "SearchRequest",
    "TextIndex",
    "TextSearch",
    "TextSearchError",
    "hit_rows",
    "index_for",
    "index_path",
    "marked_html",
    "page_json",
    "plain",
    "require_fts5",
    "search",
]
