"""``govkg align`` (all pairs) timed on synthetic graphs of growing size, and the same stance
matrix query on plain rdflib (an in-memory Graph, its SPARQL engine) as the baseline.

Steps on a loaded store: the stance matrix (one flat SPARQL query, then coding in numpy), every
measure for every pair of actors (kappa, S, agreement, pi, Jaccard: numpy, never a pairwise SPARQL
GROUP BY), and the pair rows for output.  Targets from the issue: all pairs under 2 s once the
matrix is loaded, ``align`` end to end on a loaded store under 10 s.  Medians of --runs runs; a
table on stdout, JSON with --json.

    .venv/bin/python bench/align_bench.py [--sizes 20x100,100x1000,200x5000] [--runs 3]
        [--rdflib-limit 450000] [--json FILE]
"""

from __future__ import annotations

import json
import time
from typing import Any

import pyoxigraph as ox
from benchkit import machine, machine_line, size_parser, sizes, timed
from rdflib import Graph
from synthetic import ntriples

from govkg.align import all_pair_rows, load_matrix, measure
from govkg.align.matrix import STANCES
from govkg.store import OxigraphStore
from govkg.store.sparql_text import prologue_for

TARGETS = {"pairs_s": 2.0, "command_s": 10.0}


def oxigraph_steps(data: bytes, runs: int) -> dict[str, Any]:
    store = OxigraphStore()
    store._store.load(data, ox.RdfFormat.N_TRIPLES)
    matrix = timed(lambda: load_matrix(store), runs)
    pairs = timed(lambda: measure(matrix.value, "missing"), runs)  # type: ignore[arg-type]
    rows = timed(lambda: all_pair_rows(matrix.value, pairs.value), runs)  # type: ignore[arg-type]
    return {
        "triples": len(store),
        "actors": len(matrix.value.actors),  # type: ignore[attr-defined]
        "pairs": len(rows.value),  # type: ignore[arg-type]
        "matrix_s": matrix.median,
        "pairs_s": pairs.median,
        "rows_s": rows.median,
        "command_s": matrix.median + pairs.median + rows.median,
    }


def rdflib_matrix(data: bytes, runs: int) -> dict[str, float]:
    graph = Graph()
    graph.parse(data=data, format="nt")
    query = prologue_for(STANCES) + STANCES
    return {"matrix_query_s": timed(lambda: list(graph.query(query)), runs, give_up=60).median}


def main() -> None:
    args = size_parser(__doc__).parse_args()
    print(machine_line())
    rows = []
    for actors, instruments in sizes(args.sizes):
        data = ntriples(actors, instruments)
        row: dict[str, Any] = {"actors": actors, "instruments": instruments}
        row["oxigraph"] = oxigraph_steps(data, args.runs)
        if row["oxigraph"]["triples"] <= args.rdflib_limit:
            row["rdflib"] = rdflib_matrix(data, args.runs)
        rows.append(row)
        report(row)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "sizes": rows}, indent=2))


def report(row: dict[str, Any]) -> None:
    ours = row["oxigraph"]
    print(f"\n{row['actors']}x{row['instruments']}: {ours['triples']:,} triples, "
          f"{ours['actors']} actors, {ours['pairs']:,} pairs")  # fmt: skip
    print(f"  {'step':<44}{'seconds':>9}{'target':>9}  rdflib")
    for key, step in (
        ("matrix_s", "stance matrix: one SPARQL query + coding"),
        ("pairs_s", "all pairs: kappa, S, agreement, pi, jaccard"),
        ("rows_s", "pair rows for output"),
        ("command_s", "align on a loaded store (the three)"),
    ):
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            verdict = f"< {target:g} ok" if ours[key] < target else "SLOW"
        baseline = ""
        if key == "matrix_s" and "rdflib" in row:
            theirs = row["rdflib"]["matrix_query_s"]
            baseline = f"query alone {theirs:.2f} s ({theirs / ours[key]:.0f}x slower)"
        print(f"  {step:<44}{ours[key]:>9.3f}{verdict:>9}  {baseline}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n{time.perf_counter() - start:.0f} s in all; {machine_line()}")
