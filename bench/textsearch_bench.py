"""The text index (govkg.textsearch): how long it takes to read the documents from the store and
build the FTS5 index, how big the index is, and how long a search takes, on the shipped graph
and on the shipped graph plus synthetic ones (``validation_ntriples``: labelled stances,
quotations, people).

    .venv/bin/python bench/textsearch_bench.py --sizes 200x500,200x2000
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
from synthetic import validation_ntriples

from govkg.load import open_project
from govkg.store import OxigraphStore, Store
from govkg.textsearch import SearchRequest, TextIndex
from govkg.textsearch.documents import read_documents
from govkg.textsearch.index import build

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("china", "united states", "optimism", "turkiye", "e", "state 12", "zzzz")


def _store(actors: int, instruments: int) -> Store:
    _project, store = open_project(ROOT)
    assert isinstance(store, OxigraphStore)
    if actors:
        data = validation_ntriples(actors, instruments, faults=False)
        store.load(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                   for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))  # fmt: skip
    return store


def _latency(index: TextIndex, text: str, runs: int = 20) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        index.search(SearchRequest(text))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench(actors: int, instruments: int) -> None:
    store = _store(actors, instruments)
    start = time.perf_counter()
    documents = read_documents(store)
    read = time.perf_counter() - start
    start = time.perf_counter()
    index = build(documents, "")
    built = time.perf_counter() - start
    size = len(index.data()) / 1e6
    name = "shipped" if not actors else f"shipped+{actors}x{instruments}"
    print(f"{name}: {len(store):,} quads, {len(documents):,} documents; read {read:.2f} s, "
          f"build {built:.2f} s, index {size:.1f} MB")  # fmt: skip
    for text in QUERIES:
        total = index.search(SearchRequest(text)).total
        print(f"  {text!r}: {total:,} hits, {_latency(index, text):.1f} ms (median of 20)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="synthetic sizes, ACTORSxINSTRUMENTS,…")
    args = parser.parse_args()
    bench(0, 0)
    for size in filter(None, args.sizes.split(",")):
        actors, instruments = (int(n) for n in size.split("x"))
        bench(actors, instruments)


if __name__ == "__main__":
    main()
