"""Every catalogue query (queries/*.rq and queries/checks/*.rq) timed on synthetic graphs of
growing size: embedded Oxigraph in memory and on disk, and plain rdflib (in-memory Graph, its
SPARQL engine) as the baseline where the graph is small enough for it.

Each graph is the shipped project plus a synthetic graph of A actors x I instruments (see
``benchkit.py``), so the queries' default parameters, bound as ``govkg query`` binds them, name
real resources while the stance table grows.  Queries with an instrument, state or event
parameter run a second time with synthetic values (``instrument:i3`` …), so a lookup also meets
a full-size answer.  Median of --runs runs, rows returned, peak RSS per step; a query over the
issue's target (1 s at about 4 million triples) is flagged.  A table on stdout, JSON with --json.

    .venv/bin/python bench/queries_bench.py [--sizes 20x100,100x1000,200x5000] [--runs 3]
        [--backends memory,disk] [--rdflib-limit 450000] [--rdflib-timeout 120] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from benchkit import (
    DEFAULT_SIZES,
    ROOT,
    Peak,
    bench_store,
    govkg_store,
    machine,
    machine_line,
    memory_copy,
    sizes,
    timed,
)

from govkg.project import find_project
from govkg.queries import Query, catalogue, run_query
from govkg.store import OxigraphStore, Store

TARGET_S = 1.0  # the issue: each competency query under 1 s at ~4 M triples
#: Synthetic values for parameters, by the prefix of their default (first, second … parameter).
SYNTHETIC = {
    "instrument:": ["instrument:i3", "instrument:i4"],
    "state:": ["state:S001", "state:S002"],
    "event:": ["event:i3"],
}


def synthetic_params(query: Query) -> dict[str, str] | None:
    """Synthetic values for the query's instrument, state and event parameters (None: none)."""
    given: dict[str, str] = {}
    used: dict[str, int] = {}
    for parameter in query.parameters:
        for prefix, values in SYNTHETIC.items():
            if (parameter.default or "").startswith(prefix):
                given[parameter.name] = values[used.get(prefix, 0) % len(values)]
                used[prefix] = used.get(prefix, 0) + 1
    return given or None


def cases(queries: list[Query]) -> list[tuple[str, Query, dict[str, str]]]:
    """(label, query, parameters): each query with its defaults, and with synthetic values."""
    out = []
    for query in queries:
        out.append((query.name, query, {}))
        params = synthetic_params(query)
        if params:
            out.append((query.name + " [synthetic]", query, params))
    return out


def time_oxigraph(store: Store, todo: list, runs: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for label, query, params in todo:
        with Peak() as peak:
            timing = timed(lambda q=query, p=params: run_query(store, q, p), runs)
        rows = len(timing.value.rows)  # type: ignore[attr-defined]
        results[label] = {
            "median_s": timing.median,
            "runs_s": timing.runs,
            "rows": rows,
            "peak_mb": peak.mb,
        }
        print(f"    {label:<44}{timing.median:>9.3f} s{rows:>9,} rows", file=sys.stderr)
    return results


# --------------------------------------------------------------------------------------- rdflib


def _rdflib_terms(bindings: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Literal, URIRef

    out: dict[str, Any] = {}
    for name, term in bindings.items():
        if isinstance(term, ox.NamedNode):
            out[name] = URIRef(term.value)
        else:
            out[name] = Literal(term.value, datatype=URIRef(term.datatype.value))
    return out


_GRAPH: Any = None  # the rdflib graph, parsed once, inherited by each forked query process


def _rdflib_child(query: Query, params: dict[str, str], runs: int, conn: Any) -> None:
    bindings = _rdflib_terms(query.bindings(params))
    timing = timed(lambda: list(_GRAPH.query(query.text, initBindings=bindings)), runs, 10.0)
    conn.send((timing.median, timing.runs, len(timing.value)))  # type: ignore[arg-type]


def time_rdflib(data: bytes, todo: list, runs: int, timeout: float) -> dict[str, Any]:
    """Parse into an rdflib Graph, then run each query in a forked process (killed at timeout)."""
    global _GRAPH
    from rdflib import Graph

    with Peak() as peak:
        start = time.perf_counter()
        _GRAPH = Graph()
        _GRAPH.parse(data=data, format="nt")
        load_s = time.perf_counter() - start
    results: dict[str, Any] = {
        "load_s": load_s,
        "triples": len(_GRAPH),
        "load_peak_mb": peak.mb,
        "queries": {},
    }
    context = multiprocessing.get_context("fork")
    for label, query, params in todo:
        ours, theirs = context.Pipe(duplex=False)
        child = context.Process(target=_rdflib_child, args=(query, params, runs, theirs))
        child.start()
        if ours.poll(timeout):
            median, all_runs, rows = ours.recv()
            entry = {"median_s": median, "runs_s": all_runs, "rows": rows}
        else:
            entry = {"median_s": None, "timeout_s": timeout, "rows": None}
        child.kill()
        child.join()
        results["queries"][label] = entry
        shown = f"{entry['median_s']:9.3f} s" if entry["median_s"] is not None else "  timeout"
        print(f"    rdflib {label:<37}{shown}", file=sys.stderr)
    _GRAPH = None
    return results


def rdflib_data(path: Path) -> bytes:
    """Every triple of the store (graph names dropped: the union default graph) as N-Triples."""
    store = ox.Store.read_only(str(path))
    return ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[return-value]


# ----------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="memory,disk")
    parser.add_argument("--only", help="comma-separated query names (default: all)")
    parser.add_argument(
        "--rdflib-limit", type=int, default=450_000, help="largest graph (triples) rdflib runs on"
    )
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="seconds per query")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    project = find_project(ROOT)
    queries = catalogue(project)
    if args.only:
        queries = [q for q in queries if q.name in args.only.split(",")]
    todo = cases(queries)
    report: dict[str, Any] = {"machine_before": machine(), "target_s": TARGET_S, "sizes": []}
    print(machine_line())
    for actors, instruments in sizes(args.sizes):
        built = bench_store(actors, instruments, project)
        row: dict[str, Any] = {
            "actors": actors,
            "instruments": instruments,
            "quads": built.quads,
            "store_build_s": built.build_s,
            "backends": {},
        }
        print(f"{actors}x{instruments}: {built.quads:,} quads", file=sys.stderr)
        for backend in args.backends.split(","):
            with Peak() as opened:
                start = time.perf_counter()
                if backend == "memory":
                    store: Store = govkg_store(memory_copy(built.path))
                else:
                    store = OxigraphStore.read_only(built.path)
                open_s = time.perf_counter() - start
            print(f"  {backend} (opened in {open_s:.1f} s)", file=sys.stderr)
            row["backends"][backend] = {
                "open_s": open_s,
                "open_peak_mb": opened.mb,
                "queries": time_oxigraph(store, todo, args.runs),
            }
            del store
        if built.quads <= args.rdflib_limit:
            print("  rdflib", file=sys.stderr)
            row["rdflib"] = time_rdflib(
                rdflib_data(built.path), todo, args.runs, args.rdflib_timeout
            )
        row["machine_after"] = machine()
        report["sizes"].append(row)
        print_size(row, todo)
    print(machine_line())
    report["machine_after"] = machine()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def print_size(row: dict[str, Any], todo: list) -> None:
    backends = list(row["backends"])
    rl = row.get("rdflib")
    print(
        f"\n{row['actors']} actors x {row['instruments']} instruments: {row['quads']:,} quads"
        + (f"; rdflib loaded {rl['triples']:,} triples in {rl['load_s']:.1f} s" if rl else "")
    )
    head = "".join(f"{b + ' s':>11}" for b in backends)
    print(f"  {'query':<44}{head}{'rows':>9}{'rdflib s':>11}{'rdflib/ox':>10}  flag")
    for label, _query, _params in todo:
        times = [row["backends"][b]["queries"][label]["median_s"] for b in backends]
        rows = row["backends"][backends[0]]["queries"][label]["rows"]
        cells = "".join(f"{t:>11.3f}" for t in times)
        theirs, ratio = "", ""
        if rl:
            entry = rl["queries"][label]
            if entry["median_s"] is None:
                theirs = f">{entry['timeout_s']:.0f}"
            else:
                theirs = f"{entry['median_s']:.3f}"
                ratio = f"{entry['median_s'] / max(min(times), 1e-6):.0f}x"
                if entry["rows"] != rows:
                    ratio += f" ({entry['rows']} rows!)"
        flag = " > 1 s" if max(times) > TARGET_S else ""
        print(f"  {label:<44}{cells}{rows:>9,}{theirs:>11}{ratio:>10} {flag}")


if __name__ == "__main__":
    main()
