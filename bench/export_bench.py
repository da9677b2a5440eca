"""``govkg export`` (library calls, as the command makes them) timed on synthetic graphs of growing
size: for each view (stances, alignment, full) the view is built once (the store's queries, the
networkx graph, the timeline), then rendered as GEXF, GraphML and CSV and written to files.
Median of --runs runs (one when a step takes over 30 s), bytes written, peak RSS of the process
during each step (it includes the store in memory and, for rendering, the built view).

The graphs are the shipped project plus the synthetic graph (see ``benchkit.py``), held in an
in-memory Oxigraph store as ``govkg export`` holds it by default.  The issue sets no time for
export; it asks for the numbers at each size, and for the whole benchmark at the largest size in
under 15 minutes.

    .venv/bin/python bench/export_bench.py [--sizes 20x100,100x1000,200x5000] [--runs 3]
        [--views stances,alignment,full] [--formats gexf,graphml,csv] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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

from govkg.export import ExportRequest, build_view, encode_view, write_files
from govkg.project import find_project


def export_size(store: Any, views: list[str], formats: list[str], runs: int, out: Path) -> dict:
    results: dict[str, Any] = {}
    for view_name in views:
        build_request = ExportRequest.from_options(formats[0], {"view": view_name})
        with Peak() as peak:
            built = timed(lambda r=build_request: build_view(store, r), runs)
        view = built.value
        nodes, edges = view.graph.number_of_nodes(), view.graph.number_of_edges()  # type: ignore[attr-defined]
        entry: dict[str, Any] = {
            "build_s": built.median,
            "build_runs_s": built.runs,
            "build_peak_mb": peak.mb,
            "nodes": nodes,
            "edges": edges,
            "formats": {},
        }
        print(
            f"  {view_name}: built in {built.median:.2f} s ({nodes:,} nodes, {edges:,} edges, "
            f"peak {peak.mb:,.0f} MB)",
            file=sys.stderr,
        )
        for fmt in formats:
            target = out / (f"{view_name}.{fmt}" if fmt != "csv" else view_name)
            request = ExportRequest.from_options(fmt, {"view": view_name, "out": str(target)})
            view.description = request.describe()  # type: ignore[attr-defined]
            with Peak() as peak:
                rendered = timed(lambda v=view, r=request: encode_view(v, r), runs)
            documents: list[bytes] = rendered.value  # type: ignore[assignment]
            paths = request.targets()
            with Peak() as wpeak:
                written = timed(
                    lambda p=paths, d=documents: write_files(list(zip(p, d, strict=True))), runs
                )
            size = sum(len(d) for d in documents)
            entry["formats"][fmt] = {
                "render_s": rendered.median,
                "render_runs_s": rendered.runs,
                "render_peak_mb": peak.mb,
                "write_s": written.median,
                "write_peak_mb": wpeak.mb,
                "bytes": size,
                "files": [p.name for p in paths],
                "total_s": built.median + rendered.median + written.median,
            }
            print(
                f"    {fmt}: render {rendered.median:.2f} s, write {written.median:.2f} s, "
                f"{size:,} bytes, peak {peak.mb:,.0f} MB",
                file=sys.stderr,
            )
            del documents, rendered
        del view, built
        results[view_name] = entry
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--views", default="stances,alignment,full")
    parser.add_argument("--formats", default="gexf,graphml,csv")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    project = find_project(ROOT)
    views, formats = args.views.split(","), args.formats.split(",")
    report: dict[str, Any] = {"machine_before": machine(), "sizes": []}
    print(machine_line())
    for actors, instruments in sizes(args.sizes):
        built = bench_store(actors, instruments, project)
        print(f"{actors}x{instruments}: {built.quads:,} quads", file=sys.stderr)
        with Peak() as opened:
            start = time.perf_counter()
            store = govkg_store(memory_copy(built.path))
            open_s = time.perf_counter() - start
        with tempfile.TemporaryDirectory(prefix="govkg-export-bench-") as folder:
            row = {
                "actors": actors,
                "instruments": instruments,
                "quads": built.quads,
                "open_s": open_s,
                "open_peak_mb": opened.mb,
                "views": export_size(store, views, formats, args.runs, Path(folder)),
                "machine_after": machine(),
            }
        del store
        report["sizes"].append(row)
        print_size(row)
    print(machine_line())
    report["machine_after"] = machine()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def print_size(row: dict[str, Any]) -> None:
    print(
        f"\n{row['actors']} actors x {row['instruments']} instruments: {row['quads']:,} quads "
        f"(store in memory: {row['open_peak_mb']:,.0f} MB)"
    )
    print(
        f"  {'view':<10}{'nodes':>10}{'edges':>11}{'build s':>9}{'peak MB':>9}  "
        f"{'format':<8}{'render s':>9}{'write s':>8}{'total s':>8}{'MB out':>9}{'peak MB':>9}"
    )
    for name, view in row["views"].items():
        first = True
        for fmt, out in view["formats"].items():
            lead = (
                (
                    f"  {name:<10}{view['nodes']:>10,}{view['edges']:>11,}{view['build_s']:>9.2f}"
                    f"{view['build_peak_mb']:>9,.0f}"
                )
                if first
                else " " * 49
            )
            print(
                f"{lead}  {fmt:<8}{out['render_s']:>9.2f}{out['write_s']:>8.2f}"
                f"{out['total_s']:>8.2f}{out['bytes'] / 1e6:>9.1f}{out['render_peak_mb']:>9,.0f}"
            )
            first = False


if __name__ == "__main__":
    main()
