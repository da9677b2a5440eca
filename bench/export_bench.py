"""``govkg export`` timed end to end (the view built from the store, each file written atomically)
on synthetic graphs of growing size, next to its lower bound measured in the same run, over an
in-memory store and over an on-disk one.

The lower bound of the stances view is what no export of it can avoid: one SELECT of the stances
(the view's own query for that store, ``stances_query``: by scans on disk; every row read as the
store streams it) and a streamed write of one GEXF ``edge`` element a row; ``select`` is the
SELECT alone (every row read, nothing written).  Each
run of each step is a child process forked from the process holding the store, so that every
step starts from the same memory: its time and its peak RSS (``VmHWM``, the store included) are
its own, and govkg's runs alternate with the lower bound's, so that a machine shared with others
slows both alike.  The ratios (govkg / lower bound, time and peak memory) are what the issue
judges: at most 2x in time at 100 x 1,000.  Median of --runs runs of each.

The graphs are the shipped project plus the synthetic graph (see ``benchkit.py``), held

- ``memory``: in an in-memory Oxigraph store, as ``govkg export`` holds it by default (the
  parent loads it once; each child shares its pages);
- ``disk``: in the on-disk benchmark store, opened read-only in each child as
  ``govkg --store DIR export`` opens it (the opening is not timed; ``open_s`` is one opening),
  the operating system's page cache warm after the first run.

    .venv/bin/python bench/export_bench.py [--sizes 20x100,100x1000,200x5000] [--runs 3]
        [--stores disk,memory] [--views stances,alignment,dialogues,full]
        [--formats gexf,graphml,csv] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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
    reset_peak,
    rss_mb,
    sizes,
)
from lxml import etree

from govkg.export import ExportRequest, write_export
from govkg.export.gexf import GEXF
from govkg.export.views import stances_query
from govkg.project import find_project
from govkg.store import OxigraphStore, Store

Opener = Callable[[], Store]
Step = Callable[[Store], dict[str, Any]]


def in_child(step: Step, opener: Opener) -> dict[str, Any]:
    """Run ``step`` on the store ``opener`` gives, in a forked child: its result, ``seconds``,
    ``peak_mb`` (the child's peak RSS, counted from the memory it shares with this process at
    the fork and the store it opened) and ``added_mb`` (that peak less the child's RSS when the
    step starts: what the step itself added)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, report through the pipe, exit without cleaning up
        os.close(read)
        code = 0
        try:
            store = opener()
            reset_peak()
            before = rss_mb(field="VmRSS")
            start, cpu = time.perf_counter(), time.process_time()
            found = step(store)
            found["seconds"] = time.perf_counter() - start
            found["cpu_s"] = time.process_time() - cpu
            found["peak_mb"] = rss_mb()
            found["added_mb"] = found["peak_mb"] - before
        except BaseException as error:  # reported to the parent, which raises it
            found, code = {"error": repr(error)}, 1
        with os.fdopen(write, "w", encoding="utf-8") as out:
            json.dump(found, out)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    found = json.loads(text) if text else {"error": "the child died"}
    if "error" in found:
        raise RuntimeError(f"benchmark step failed: {found['error']}")
    return found


def select(store: Store) -> dict[str, Any]:
    """The stances SELECT alone: every row read as the store streams it."""
    return {"rows": sum(1 for _row in store.iter_rows(stances_query(store)))}


def lower_bound(store: Store, target: Path) -> dict[str, Any]:
    """One SELECT of the stances, its rows streamed to a GEXF edge element each."""
    rows = 0
    with open(target, "wb") as handle, etree.xmlfile(handle, encoding="UTF-8") as xml:
        xml.write_declaration()
        with xml.element(f"{{{GEXF}}}edges", nsmap={None: GEXF}):
            for stance, actor, instrument, kind, day, _as_of in store.iter_rows(
                stances_query(store)
            ):
                attributes = {"id": stance.value, "source": actor.value, "target": instrument.value}  # type: ignore[union-attr]
                attributes["kind"] = kind.value  # type: ignore[union-attr]
                if day is not None:
                    attributes["start"] = day.value  # type: ignore[union-attr]
                xml.write(etree.Element(f"{{{GEXF}}}edge", attributes), pretty_print=True)
                rows += 1
    return {"rows": rows, "bytes": target.stat().st_size}


def govkg_export(store: Store, request: ExportRequest) -> dict[str, Any]:
    """The export as ``govkg export … --out`` makes it: built, streamed, renamed into place."""
    result = write_export(store, request)
    size = sum(path.stat().st_size for path in result.paths)
    return {"nodes": result.nodes, "edges": result.edges, "bytes": size}


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def export_size(
    opener: Opener, views: list[str], formats: list[str], runs: int, out: Path
) -> dict[str, Any]:
    """Each view in each format, ``runs`` times, alternating with the lower bound."""
    results: dict[str, Any] = {}
    for view in views:
        entry: dict[str, Any] = {"formats": {}}
        for fmt in formats:
            target = out / (f"{view}.{fmt}" if fmt != "csv" else view)
            request = ExportRequest.create(fmt, view, out=target)
            ours, bound, selected = [], [], []
            for _run in range(runs):
                if view == "stances":
                    selected.append(in_child(select, opener))
                    bound.append(in_child(lambda s: lower_bound(s, out / "bound.gexf"), opener))
                ours.append(in_child(lambda s, r=request: govkg_export(s, r), opener))  # type: ignore[misc]
            found = _summary(ours)
            entry.update(nodes=ours[-1]["nodes"], edges=ours[-1]["edges"])
            if bound:
                found["lower_bound"] = {
                    **_summary(bound),
                    "select_s": _median(selected, "seconds"),
                    "select_peak_mb": _median(selected, "peak_mb"),
                }
                found["time_ratio"] = found["seconds"] / found["lower_bound"]["seconds"]
                found["memory_ratio"] = found["peak_mb"] / found["lower_bound"]["peak_mb"]
                found["cpu_ratio"] = found["cpu_s"] / found["lower_bound"]["cpu_s"]
            entry["formats"][fmt] = found
            print(f"  {view} {fmt}: {_line(found)}", file=sys.stderr)
        results[view] = entry
    return results


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the runs' time, CPU and memory, every run's seconds, the last run's bytes."""
    return {
        "seconds": _median(runs, "seconds"),
        "runs_s": [run["seconds"] for run in runs],
        "cpu_s": _median(runs, "cpu_s"),
        "peak_mb": _median(runs, "peak_mb"),
        "added_mb": _median(runs, "added_mb"),
        "bytes": runs[-1]["bytes"],
    }


def _line(found: dict[str, Any]) -> str:
    text = (
        f"{found['seconds']:.2f} s (CPU {found['cpu_s']:.2f} s), "
        f"peak {found['peak_mb']:,.0f} MB (+{found['added_mb']:,.0f})"
    )
    bound = found.get("lower_bound")
    if bound:
        text += (
            f"; lower bound {bound['seconds']:.2f} s (CPU {bound['cpu_s']:.2f} s, "
            f"SELECT {bound['select_s']:.2f} s), "
            f"peak {bound['peak_mb']:,.0f} MB (+{bound['added_mb']:,.0f}); ratio "
            f"{found['time_ratio']:.2f}x time ({found['cpu_ratio']:.2f}x CPU), "
            f"{found['memory_ratio']:.2f}x memory"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=3)
    # disk first: the parent then holds no store yet, which each child would count as its own
    parser.add_argument("--stores", default="disk,memory")
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
        row: dict[str, Any] = {"actors": actors, "instruments": instruments, "quads": built.quads}
        for kind in args.stores.split(","):
            print(f" {kind} store", file=sys.stderr)
            found = STORE_KINDS[kind](built.path, views, formats, args.runs)
            if kind == "memory":  # where the report has always had it
                row.update(found)
            else:
                row[kind] = found
        row["machine_after"] = machine()
        report["sizes"].append(row)
        print_size(row)
    print(machine_line())
    report["machine_after"] = machine()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def memory_store(path: Path, views: list[str], formats: list[str], runs: int) -> dict[str, Any]:
    """The exports over the store loaded in memory in this process (each child shares it)."""
    with Peak() as opened:
        start = time.perf_counter()
        store = govkg_store(memory_copy(path))
        open_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="govkg-export-bench-") as folder:
        return {
            "open_s": open_s,
            "store_mb": rss_mb(field="VmRSS"),
            "open_peak_mb": opened.mb,
            "views": export_size(lambda: store, views, formats, runs, Path(folder)),
        }


def disk_store(path: Path, views: list[str], formats: list[str], runs: int) -> dict[str, Any]:
    """The exports over the on-disk store, opened read-only by each child."""
    start = time.perf_counter()
    opened = OxigraphStore.read_only(path)
    open_s = time.perf_counter() - start
    del opened
    with tempfile.TemporaryDirectory(prefix="govkg-export-bench-") as folder:
        return {
            "open_s": open_s,
            "views": export_size(
                lambda: OxigraphStore.read_only(path), views, formats, runs, Path(folder)
            ),
        }


STORE_KINDS = {"memory": memory_store, "disk": disk_store}


def print_size(row: dict[str, Any]) -> None:
    print(f"\n{row['actors']} actors x {row['instruments']} instruments: {row['quads']:,} quads")
    print(
        f"  {'store':<8}{'view':<10}{'format':<8}{'nodes':>7}{'edges':>9}{'MB out':>8}"
        f"{'govkg s':>9}{'peak MB':>9}{'bound s':>9}{'select s':>9}{'peak MB':>9}{'x time':>8}"
        f"{'x mem':>7}"
    )
    print("  (peak: the process's, the store included; x: govkg / lower bound, same run)")
    kinds = [("memory", row)] if "views" in row else []
    kinds += [(kind, row[kind]) for kind in STORE_KINDS if kind in row and kind != "memory"]
    for kind, found in kinds:
        for name, view in found["views"].items():
            for fmt, out in view["formats"].items():
                print(f"  {kind:<8}{name:<10}{fmt:<8}{_columns(view, out)}")
    if "store_mb" in row:
        print(f"  (the process with the store in memory: {row['store_mb']:,.0f} MB)")


def _columns(view: dict[str, Any], out: dict[str, Any]) -> str:
    bound = out.get("lower_bound")
    tail = (
        f"{bound['seconds']:>9.2f}{bound['select_s']:>9.2f}{bound['peak_mb']:>9,.0f}"
        f"{out['time_ratio']:>8.2f}{out['memory_ratio']:>7.2f}"
        if bound
        else f"{'-':>9}{'-':>9}{'-':>9}{'-':>8}{'-':>7}"
    )
    return (
        f"{view['nodes']:>7,}{view['edges']:>9,}{out['bytes'] / 1e6:>8.1f}{out['seconds']:>9.2f}"
        f"{out['peak_mb']:>9,.0f}{tail}"
    )


if __name__ == "__main__":
    main()
