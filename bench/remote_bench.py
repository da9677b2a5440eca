"""Every catalogue query on a remote SPARQL server beside the embedded store: embedded Oxigraph
in memory, a real ``oxigraph serve`` and a real Virtuoso 7.2, all on loopback, holding the same
graph (the shipped project plus a synthetic graph of actors x instruments (--sizes), as
``benchkit.py`` builds it; ``0x0``: the shipped graph alone).

The servers are started as the tests start them (tests/servers.py, tests/virtuoso.py) and loaded
through govkg's own :class:`~govkg.store.remote.RemoteStore` (Graph Store Protocol, one request per
50,000 triples of a graph); the load time is that upload.  Each query runs as ``govkg query``
binds it (default parameters), median of --runs; its rows must be equal on the three stores, and
a mismatch or an error is printed loudly.  A table on stdout, JSON with --json.

    .venv/bin/python bench/remote_bench.py [--sizes 0x0,20x100] [--runs 3]
        [--stores embedded,oxigraph serve,virtuoso] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from benchkit import ROOT, bench_store, govkg_store, machine, machine_line, sizes, timed

from govkg.errors import GovkgError
from govkg.project import find_project
from govkg.queries import catalogue, run_query
from govkg.store import RemoteStore, Store

sys.path.insert(0, str(ROOT / "tests"))
from servers import running_oxigraph
from virtuoso import running_virtuoso

STORES = ("embedded", "oxigraph serve", "virtuoso")


@contextmanager
def embedded(_folder: Path) -> Iterator[str]:
    yield "memory"


@contextmanager
def oxigraph(folder: Path) -> Iterator[str]:
    with running_oxigraph(folder) as (spec, _process):
        yield spec


SERVERS: dict[str, Callable[[Path], AbstractContextManager[str]]] = {
    "embedded": embedded,
    "oxigraph serve": oxigraph,
    "virtuoso": running_virtuoso,
}


def loaded(spec: str, data: bytes) -> tuple[Store, float]:
    """The store named by ``spec`` holding the N-Quads ``data``, and the seconds the load took."""
    start = time.perf_counter()
    if spec == "memory":
        memory = ox.Store()
        memory.load(data, ox.RdfFormat.N_QUADS)
        store: Store = govkg_store(memory)
    else:
        store = RemoteStore.from_spec(spec, timeout=600)
        store.load(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    return store, time.perf_counter() - start


def time_queries(store: Store, runs: int) -> dict[str, dict[str, Any]]:
    """Each catalogue query's median seconds and rows (or its error)."""
    out: dict[str, dict[str, Any]] = {}
    for query in catalogue(find_project(ROOT)):
        try:
            timing = timed(lambda q=query: run_query(store, q), runs)  # type: ignore[misc]
        except GovkgError as error:
            out[query.name] = {"error": str(error)}
            continue
        result = timing.value
        rows = len(result.rows) if result.kind == "select" else len(result.triples)  # type: ignore[attr-defined]
        out[query.name] = {"median_s": timing.median, "runs_s": timing.runs, "rows": rows}
    return out


def bench_one(name: str, data: bytes, runs: int) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="govkg-remote-bench-") as folder,
        SERVERS[name](Path(folder)) as spec,
    ):
        store, load_s = loaded(spec, data)
        return {"load_s": load_s, "quads": len(store), "queries": time_queries(store, runs)}


def summary(queries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    times = {name: q["median_s"] for name, q in queries.items() if "median_s" in q}
    slowest = max(times, key=times.__getitem__) if times else None
    return {
        "total_s": sum(times.values()),
        "median_s": statistics.median(times.values()) if times else None,
        "slowest": slowest,
        "slowest_s": times.get(slowest or ""),
        "errors": sorted(set(queries) - set(times)),
    }


def mismatches(results: dict[str, dict[str, Any]]) -> list[str]:
    """The queries whose rows (or success) differ between the stores."""
    names = results["embedded"]["queries"]
    return [
        name
        for name in names
        if len({json.dumps(results[s]["queries"][name].get("rows", "error")) for s in results}) > 1
    ]


def cell(entry: dict[str, Any]) -> str:
    if "error" in entry:
        return "ERROR"
    return f"{entry['median_s'] * 1000:9.1f} ms {entry['rows']:>6}"


def print_table(results: dict[str, dict[str, Any]], bad: list[str]) -> None:
    width = max(len(n) for n in results["embedded"]["queries"]) + 2
    print(f"{'query':<{width}}" + "".join(f"{s:>22}" for s in results))
    for name in results["embedded"]["queries"]:
        flag = "   <-- ROWS DIFFER" if name in bad else ""
        print(f"{name:<{width}}" + "".join(f"{cell(results[s]['queries'][name]):>22}"
                                             for s in results) + flag)  # fmt: skip
    print()
    for store, row in results.items():
        s = row["summary"]
        errors = f"; ERRORS: {s['errors']}" if s["errors"] else ""
        print(f"{store:<16} load {row['load_s']:8.2f} s ({row['quads']:,} quads); queries: total "
              f"{s['total_s']:.2f} s, median {s['median_s'] * 1000:.1f} ms, slowest {s['slowest']} "
              f"{s['slowest_s'] * 1000:.0f} ms{errors}")  # fmt: skip
    for name in bad:
        print(f"MISMATCH: {name}: rows " + ", ".join(
            f"{store} {results[store]['queries'][name].get('rows', 'error')}" for store in results
        ), file=sys.stderr)  # fmt: skip
        for store in results:
            if "error" in results[store]["queries"][name]:
                print(f"  {store}: {results[store]['queries'][name]['error']}", file=sys.stderr)


def bench_size(actors: int, instruments: int, stores: list[str], runs: int) -> dict[str, Any]:
    """One size on every store: loads, query timings, summaries and mismatches; printed."""
    built = bench_store(actors, instruments)
    disk = ox.Store.read_only(str(built.path))
    data = disk.dump(format=ox.RdfFormat.N_QUADS) or b""
    del disk
    print(f"graph {built.label}: {built.quads:,} quads\n", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for name in stores:
        results[name] = bench_one(name, data, runs)
        results[name]["summary"] = summary(results[name]["queries"])
    bad = mismatches(results)
    print_table(results, bad)
    return {"actors": actors, "instruments": instruments, "quads": built.quads,
            "stores": results, "mismatches": bad}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shown = "actors x instruments, comma-separated; 0x0: the shipped graph"
    parser.add_argument("--sizes", "--size", dest="sizes", default="0x0,20x100", help=shown)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stores", default=",".join(STORES))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine_line())
    rows = [bench_size(actors, instruments, args.stores.split(","), args.runs)
            for actors, instruments in sizes(args.sizes)]  # fmt: skip
    print(machine_line())
    if args.json:
        document = {"machine": machine(), "sizes": rows}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if any(row["mismatches"] for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
