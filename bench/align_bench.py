"""Benchmark of govkg align on a synthetic graph of 200 actors x 5,000 instruments.

Prints a table of timings (median of several runs) and the targets they are held to:
all-pairs kappa, S and agreement under 2 s once the matrix is loaded; the command's work on a
loaded store (matrix query, measures, rows) under 10 s.  Loading the triples is timed apart: it is
the store's job, done once by ``govkg load`` when the store is on disk.

    .venv/bin/python bench/align_bench.py [--actors 200] [--instruments 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pyoxigraph as ox

from govkg.align import all_pair_rows, load_matrix, measure
from govkg.store import OxigraphStore

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
KINDS = ["signed", "endorsed", "declined", "voted-yes", "voted-no", "abstained", "did-not-vote"]
SHARES = [0.30, 0.15, 0.05, 0.30, 0.05, 0.08, 0.07]  # roughly the shipped graph's mix


def synthetic_ntriples(actors: int, instruments: int, seed: int = 7) -> bytes:
    """One stance per actor per instrument (80% of cells), kinds in realistic proportions."""
    rng = np.random.default_rng(seed)
    lines = []
    for i in range(instruments):
        iri = f"<{ID}instrument/i{i}>"
        lines.append(f"{iri} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GK}Instrument> .")
        lines.append(f'{iri} <http://purl.org/dc/terms/date> "{2000 + i % 26}-01-01"'
                     "^^<http://www.w3.org/2001/XMLSchema#date> .")  # fmt: skip
    kinds = rng.choice(len(KINDS), size=(actors, instruments), p=SHARES)
    present = rng.random((actors, instruments)) < 0.8
    for a in range(actors):
        actor = f"<{ID}state/S{a:03d}>"
        lines.append(f'{actor} <{GK}iso3> "S{a:03d}" .')
        for i in np.flatnonzero(present[a]):
            stance = f"<{ID}stance/i{i}--S{a:03d}>"
            lines.append(
                f"{stance} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GK}Stance> ."
            )
            lines.append(f"{stance} <{GK}actor> {actor} .")
            lines.append(f"{stance} <{GK}instrument> <{ID}instrument/i{i}> .")
            lines.append(f"{stance} <{GK}stanceKind> <{ID}stance-kind/{KINDS[kinds[a, i]]}> .")
    return ("\n".join(lines) + "\n").encode()


def timed(step: Callable[[], object], runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--instruments", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    data = synthetic_ntriples(args.actors, args.instruments)
    store = OxigraphStore()
    start = time.perf_counter()
    store.load(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    load_seconds = time.perf_counter() - start
    triples = len(store)

    matrix_seconds, matrix = timed(lambda: load_matrix(store), args.runs)
    pairs_seconds, result = timed(lambda: measure(matrix, "missing"), args.runs)
    rows_seconds, rows = timed(lambda: all_pair_rows(matrix, result), args.runs)
    command = matrix_seconds + pairs_seconds + rows_seconds

    print(f"synthetic graph: {args.actors} actors x {args.instruments} instruments, "
          f"{triples:,} triples, {len(rows):,} pairs")  # fmt: skip
    print(f"{'step':<44}{'seconds':>10}{'target':>10}  verdict")
    for step, seconds, target in (
        ("load triples into Oxigraph (once)", load_seconds, None),
        ("stance matrix: one SPARQL query + coding", matrix_seconds, None),
        ("all pairs: kappa, S, agreement, pi, jaccard", pairs_seconds, 2.0),
        ("pair rows for output", rows_seconds, None),
        ("align on a loaded store (the three above)", command, 10.0),
    ):
        verdict = "" if target is None else ("ok" if seconds < target else "TOO SLOW")
        target_text = "" if target is None else f"< {target:g}"
        print(f"{step:<44}{seconds:>10.2f}{target_text:>10}  {verdict}")
    print(f"load rate: {triples / load_seconds:,.0f} triples/s")


if __name__ == "__main__":
    main()
