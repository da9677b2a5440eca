"""Validation at scale: the SPARQL engine, and pySHACL where it finishes, on the shipped project
plus a synthetic graph that has focus nodes for nearly every shape (``validation_ntriples`` in
``synthetic.py``, with a few known faults), in memory; a table on stdout and JSON with --json.

    .venv/bin/python bench/validate_bench.py [--sizes 20x100,100x1000,200x5000]
        [--pyshacl-max 100000] [--slowest 5] [--json out.json]

For each size: the store's size, the time to load it, the SPARQL engine's time (compiling the
shapes, running the queries, finding the files of the results, counting the triples), pySHACL's
time when the store has at most ``--pyshacl-max`` triples (its report must be the same), the
results, and whether every known fault was found.  Peak memory is the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from synthetic import FAULT_RESULTS, ntriples, validation_ntriples

from govkg.load import parse_files
from govkg.namespaces import DATA_BASE, GRAPH_BASE
from govkg.project import Project, find_project
from govkg.shacl_sparql import compile_shapes
from govkg.store import OxigraphStore
from govkg.validate import ValidationReport, project_graph, validate_store, validate_store_sparql

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC_GRAPH = GRAPH_BASE + "synthetic.nt"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(
    project: Project, actors: int, instruments: int, plain: bool = False
) -> tuple[OxigraphStore, float]:
    """The project's files (each its own named graph) and the synthetic graph, in memory
    (``plain``: ``run.py``'s graph, where every stance lacks a label, a violation each)."""
    start = time.perf_counter()
    store = OxigraphStore()
    store.load(parse_files(project, project.data_files()))
    data = ntriples(actors, instruments) if plain else validation_ntriples(actors, instruments)
    store._store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(SYNTHETIC_GRAPH))
    return store, time.perf_counter() - start


def faults_found(report: ValidationReport) -> bool:
    found = Counter(
        (r.focus.removeprefix(DATA_BASE), r.constraint.split("#")[1], r.severity.split("#")[1])
        for r in report.results
    )
    return not Counter(FAULT_RESULTS) - found


def slowest_queries(store: OxigraphStore, project: Project, count: int) -> list[dict[str, Any]]:
    """The queries that take longest, each with its shape and seconds."""
    compiled = compile_shapes(project_graph(project.shapes_files(), project))
    timings = []
    for unit in compiled.shapes:
        for query in unit.queries:
            start = time.perf_counter()
            store.query(query.text)
            timings.append(
                {
                    "shape": unit.shape.name,
                    "seconds": time.perf_counter() - start,
                    "query": " ".join(query.text.split())[:160],
                }
            )
    return sorted(timings, key=lambda t: -t["seconds"])[:count]


def measure(project: Project, actors: int, instruments: int, args: argparse.Namespace) -> dict:
    store, load_s = build(project, actors, instruments, args.plain)
    row: dict[str, Any] = {
        "actors": actors,
        "instruments": instruments,
        "quads": len(store),
        "load_s": load_s,
    }
    shapes = project_graph(project.shapes_files(), project)
    start = time.perf_counter()
    compiled = compile_shapes(shapes)
    row["sparql_compile_s"] = time.perf_counter() - start
    start = time.perf_counter()
    sparql = validate_store_sparql(store, shapes, compiled)
    row["sparql_s"] = time.perf_counter() - start + row["sparql_compile_s"]
    row |= {
        "triples": sparql.triples,
        "violations": len(sparql.violations),
        "warnings": len(sparql.warnings),
        "faults_found": None if args.plain else faults_found(sparql),
    }
    if sparql.triples <= args.pyshacl_max:
        start = time.perf_counter()
        reference = validate_store(store, project, engine="pyshacl")
        row["pyshacl_s"] = time.perf_counter() - start
        row["same_report"] = reference.to_json() == sparql.to_json()
    if args.slowest:
        row["slowest"] = slowest_queries(store, project, args.slowest)
    row["peak_mb"] = peak_mb()
    return row


def report(row: dict) -> None:
    pyshacl = f"{row['pyshacl_s']:.1f} s" if "pyshacl_s" in row else "-"
    ratio = f"{row['pyshacl_s'] / row['sparql_s']:.0f}x" if "pyshacl_s" in row else "-"
    same = {True: "yes", False: "NO"}.get(row.get("same_report"), "-")  # type: ignore[call-overload]
    print(
        f"{row['actors']:>4}x{row['instruments']:<5} {row['triples']:>10,} {row['load_s']:>8.1f} "
        f"{row['sparql_s']:>9.1f} {pyshacl:>9} {ratio:>6} {same:>6} {row['violations']:>6} "
        f"{row['warnings']:>5} { {True: 'yes', False: 'NO'}.get(row['faults_found'], '-'):>7} "
        f"{row['peak_mb']:>8,.0f}"
    )
    for slow in row.get("slowest", []):
        print(f"      {slow['seconds']:6.2f} s  {slow['shape']}: {slow['query'][:100]}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20x100,100x1000,200x5000")
    parser.add_argument(
        "--pyshacl-max", type=int, default=100_000, help="run pySHACL too up to this many triples"
    )
    parser.add_argument("--slowest", type=int, default=0, help="show the N slowest queries")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="run.py's synthetic graph instead (a violation on every stance)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    project = find_project(ROOT)
    print(
        f"{'size':<10} {'triples':>10} {'load s':>8} {'sparql s':>9} {'pyshacl':>9} {'ratio':>6} "
        f"{'same':>6} {'viol.':>6} {'warn.':>5} {'faults':>7} {'peak MB':>8}"
    )
    rows = []
    for size in args.sizes.split(","):
        actors, instruments = (int(n) for n in size.split("x"))
        rows.append(measure(project, actors, instruments, args))
        report(rows[-1])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
