"""govkg's scale benchmark: load, a lookup query, an aggregate query and align (all pairs) on
synthetic graphs of growing size, on embedded Oxigraph and, side by side where it finishes in
reasonable time, plain rdflib (in-memory Graph, its SPARQL engine).  Medians of several runs;
a table on stdout and JSON with --json FILE.  Peak memory is the process's maximum RSS.

    .venv/bin/python bench/run.py [--sizes 20x100,200x1000,200x5000] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from synthetic import ntriples

from govkg.align import load_matrix, measure
from govkg.store import OxigraphStore

LOOKUP = """SELECT ?actor ?kind WHERE { ?s <https://w3id.org/govkg/ontology#instrument>
  <https://w3id.org/govkg/id/instrument/i3> ; <https://w3id.org/govkg/ontology#actor> ?actor ;
  <https://w3id.org/govkg/ontology#stanceKind> ?kind }"""
AGGREGATE = """SELECT ?kind (COUNT(*) AS ?n) WHERE {
  ?s <https://w3id.org/govkg/ontology#stanceKind> ?kind } GROUP BY ?kind"""
RDFLIB_LIMIT = 400_000  # triples: beyond this rdflib takes minutes per step


def median(step: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def oxigraph_steps(data: bytes, runs: int) -> dict[str, float]:
    store = OxigraphStore()
    start = time.perf_counter()
    store.load(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    load = time.perf_counter() - start
    matrix = load_matrix(store)
    return {
        "triples": len(store),
        "load_s": load,
        "load_triples_per_s": len(store) / load,
        "lookup_s": median(lambda: store.query(LOOKUP), runs),
        "aggregate_s": median(lambda: store.query(AGGREGATE), runs),
        "matrix_s": median(lambda: load_matrix(store), runs),
        "align_pairs_s": median(lambda: measure(matrix, "missing"), runs),
    }


def rdflib_steps(data: bytes, runs: int) -> dict[str, float]:
    graph = Graph()
    start = time.perf_counter()
    graph.parse(data=data, format="nt")
    load = time.perf_counter() - start
    return {
        "load_s": load,
        "load_triples_per_s": len(graph) / load,
        "lookup_s": median(lambda: list(graph.query(LOOKUP)), runs),
        "aggregate_s": median(lambda: list(graph.query(AGGREGATE)), runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20x100,200x1000,200x5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    for size in args.sizes.split(","):
        actors, instruments = (int(n) for n in size.split("x"))
        data = ntriples(actors, instruments)
        row: dict[str, object] = {"actors": actors, "instruments": instruments}
        row["oxigraph"] = oxigraph_steps(data, args.runs)
        if row["oxigraph"]["triples"] <= RDFLIB_LIMIT:  # type: ignore[index]
            row["rdflib"] = rdflib_steps(data, args.runs)
        row["peak_mb"] = peak_mb()
        results.append(row)
        report(row)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def report(row: dict) -> None:
    ox_steps, rl = row["oxigraph"], row.get("rdflib")
    print(f"\n{row['actors']} actors x {row['instruments']} instruments: "
          f"{ox_steps['triples']:,} triples, peak {row['peak_mb']:.0f} MB")  # fmt: skip
    print(f"  {'step':<22}{'oxigraph':>12}{'rdflib':>12}{'oxigraph faster':>17}")
    for key in ("load_triples_per_s", "lookup_s", "aggregate_s", "matrix_s", "align_pairs_s"):
        other = rl.get(key) if rl else None
        ours = ox_steps[key]
        if other is None:
            ratio = ""
        elif key.endswith("per_s"):
            ratio = f"{ours / other:.1f}x"
        else:
            ratio = f"{other / ours:.1f}x" if ours else "-"
        shown = f"{other:,.3f}" if other is not None else "-"
        print(f"  {key:<22}{ours:>12,.3f}{shown:>12}{ratio:>17}")


if __name__ == "__main__":
    main()
