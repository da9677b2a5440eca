"""Figures about the loaded graph: triples, files, classes and their instances, sources."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.fixed_queries import fixed_query
from govkg.namespaces import GRAPH_BASE, META_GRAPH, WRITTEN_GRAPH
from govkg.store import Store
from govkg.written import exact_view, stamp_size

# govkg's graphs only: a server's own (Virtuoso's virtrdf#) are not the project's
_OURS = f'STRSTARTS(STR(?g), "{GRAPH_BASE}")'
_PER_CLASS = f"""
SELECT ?class (COUNT(DISTINCT ?s) AS ?instances)
WHERE {{ GRAPH ?g {{ ?s a ?class }} FILTER({_OURS}) }}
GROUP BY ?class ORDER BY DESC(?instances) ?class
"""
_PER_FILE = f"""
SELECT ?g (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
  FILTER({_OURS} && ?g != <{META_GRAPH}> && ?g != <{WRITTEN_GRAPH}>) }}
GROUP BY ?g ORDER BY ?g
"""
_SOURCES = fixed_query(__file__, "sources")


@dataclass
class Stats:
    """Counts that describe the graph; each table is (header, rows)."""

    triples: int
    per_file: list[tuple[str, int]]
    per_class: list[tuple[str, int]]
    sources: list[tuple[str, str, int]]


def graph_stats(store: Store) -> Stats:
    """Count triples, triples per file, instances per class and facts per source (the records
    of rewritten literals and a persistent store's stamp are not data: not counted; literals
    count as written, so ``"01"`` and ``"1"`` are two triples although the store made them
    one)."""
    store = exact_view(store)
    per_file = store.query(_PER_FILE).records()
    per_class = store.query(_PER_CLASS).records()
    sources = store.query(_SOURCES).records()
    return Stats(
        triples=len(store) - stamp_size(store),  # the stamp is not data
        per_file=[(r.text("g").removeprefix(GRAPH_BASE), r.int("triples")) for r in per_file],
        per_class=[(r.text("class"), r.int("instances")) for r in per_class],
        sources=[(r.text("source"), r.text("title"), r.int("facts")) for r in sources],
    )
