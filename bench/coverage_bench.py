"""What coverage costs: every catalogue query timed alone and then with its coverage (the
queries :func:`govkg.queries.result_coverage` runs over the answer's instruments and events), on
synthetic graphs of growing size, in memory.  Resource pages' coverage (an instrument, an event,
a state) is timed too.  Median of --runs runs; a table on stdout, JSON with --json.

    .venv/bin/python bench/coverage_bench.py [--sizes 20x100,100x1000,200x5000] [--runs 3]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchkit import (
    DEFAULT_SIZES,
    ROOT,
    bench_store,
    govkg_store,
    machine_line,
    memory_copy,
    sizes,
    timed,
)
from queries_bench import cases

from govkg.coverage import page_coverage
from govkg.namespaces import DATA_BASE
from govkg.project import find_project
from govkg.queries import catalogue, result_coverage, run_query
from govkg.store import Store

PAGES = {
    "instrument page": f"{DATA_BASE}instrument/i3",
    "event page": f"{DATA_BASE}event/i3",
    "state page": f"{DATA_BASE}state/S001",
    "state page (USA)": f"{DATA_BASE}state/USA",
}


def time_queries(store: Store, runs: int) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for label, query, params in cases(catalogue(find_project(ROOT))):
        answer = timed(lambda q=query, p=params: run_query(store, q, p), runs)
        result = answer.value
        cover = timed(lambda q=query, p=params, r=result: result_coverage(store, q, p, r), runs)
        lists = len(cover.value.lists)  # type: ignore[attr-defined]
        found[label] = {"query_s": answer.median, "coverage_s": cover.median, "lists": lists}
        print(f"    {label:<44}{answer.median:>9.3f} s{cover.median:>9.3f} s{lists:>7}",
              file=sys.stderr)  # fmt: skip
    for label, iri in PAGES.items():
        cover = timed(lambda i=iri: page_coverage(store, i), runs)
        found[label] = {"query_s": None, "coverage_s": cover.median}
        print(f"    {label:<44}{'':>11}{cover.median:>9.3f} s", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(machine_line())
    report = []
    for actors, instruments in sizes(args.sizes):
        built = bench_store(actors, instruments)
        print(f"{built.label}: {built.quads:,} quads (query, coverage, lists)", file=sys.stderr)
        store = govkg_store(memory_copy(built.path))
        report.append({"size": built.label, "quads": built.quads,
                       "cases": time_queries(store, args.runs)})  # fmt: skip
        del store
    print(f"{'size':<12}{'case':<44}{'query s':>10}{'coverage s':>12}")
    for entry in report:
        for label, row in entry["cases"].items():
            query = "" if row["query_s"] is None else f"{row['query_s']:.3f}"
            print(f"{entry['size']:<12}{label:<44}{query:>10}{row['coverage_s']:>12.3f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
