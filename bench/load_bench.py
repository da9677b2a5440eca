"""Loading a project, as govkg loads it, timed on synthetic graphs of growing size: into the
embedded Oxigraph store in memory (what every command does by default), into an on-disk store
(``govkg --store DIR load``), and into plain rdflib (an in-memory Graph, ``Graph.parse``) as the
baseline where it finishes in reasonable time.

Each size is a project folder: the shipped ontology and graph plus the synthetic graph written
as one Turtle file (``graph/synthetic.ttl``), built once in ``/tmp/govkg-bench``.  Every run is a
fresh child process, so its peak memory (its own ``VmHWM``) is the load's alone.  Median of
--runs runs; a table on stdout, JSON with --json.

    .venv/bin/python bench/load_bench.py [--sizes 20x100,100x1000,200x5000] [--runs 3]
        [--rdflib-limit 450000] [--json FILE]
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from benchkit import ROOT, STORES, machine, machine_line, size_parser, sizes, store_folder
from synthetic import ntriples

from govkg.namespaces import PREFIXES as ALL_PREFIXES
from govkg.project import find_project

TARGET_TPS = 300_000  # the issue: at least 300,000 triples/s into the embedded store at ~4 M
TARGET_MB = 2048  # with a peak under 2 GB
PREFIXES = {k: ALL_PREFIXES[k] for k in ("gk", "stance", "state", "instrument", "rdfs", "prov")}

# One load in a child process: prints "triples seconds peak_mb".
CHILD = """
import sys, time
mode, root, target = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if mode == "rdflib":
    from rdflib import Dataset
    from govkg.project import find_project
    dataset = Dataset()
    for path in find_project(root).data_files():
        dataset.graph(path.as_uri()).parse(path, format="turtle")
    triples = len(dataset)
else:
    from govkg.load import load_project, rebuild
    from govkg.project import find_project
    from govkg.store import OxigraphStore
    if mode == "memory":
        triples = len(load_project(find_project(root), OxigraphStore()))
    else:
        triples = rebuild(root, target)[2]
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec
with open("/proc/self/status", encoding="ascii") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(triples, seconds, peak)
"""


def project_folder(actors: int, instruments: int) -> Path:
    """A project folder for the size: the shipped files plus ``graph/synthetic.ttl`` (cached)."""
    store = store_folder(find_project(ROOT), actors, instruments)
    folder = store.with_name(store.name.replace("store-", "project-", 1))
    if (folder / ".complete").exists():
        return folder
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    for part in ("ontology", "graph"):
        shutil.copytree(ROOT / part, building / part)
    if actors:
        store = ox.Store()
        store.load(ntriples(actors, instruments), ox.RdfFormat.N_TRIPLES)
        store.dump(
            output=str(building / "graph" / "synthetic.ttl"),
            format=ox.RdfFormat.TURTLE,
            from_graph=ox.DefaultGraph(),
            prefixes=PREFIXES,
        )
        del store
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    (folder / ".complete").write_text("")
    return folder


def one_load(mode: str, root: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=STORES) as scratch:
        target = str(Path(scratch) / "store")
        done = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(root), target],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} load failed: {done.stderr.strip().splitlines()[-1:]}")
    triples, seconds, peak = done.stdout.split()
    return {"triples": int(triples), "seconds": float(seconds), "peak_mb": float(peak)}


def measure(mode: str, root: Path, runs: int) -> dict[str, Any]:
    loads = [one_load(mode, root) for _ in range(runs)]
    seconds = statistics.median(load["seconds"] for load in loads)
    triples = loads[0]["triples"]
    return {
        "triples": triples,
        "seconds": seconds,
        "triples_per_s": triples / seconds,
        "peak_mb": max(load["peak_mb"] for load in loads),
        "runs": [load["seconds"] for load in loads],
    }


def main() -> None:
    args = size_parser(__doc__).parse_args()
    STORES.mkdir(parents=True, exist_ok=True)
    print(machine_line())
    rows = []
    for actors, instruments in sizes(args.sizes):
        root = project_folder(actors, instruments)
        row: dict[str, Any] = {"actors": actors, "instruments": instruments}
        row["memory"] = measure("memory", root, args.runs)
        row["disk"] = measure("disk", root, max(1, args.runs // 2))
        if row["memory"]["triples"] <= args.rdflib_limit:
            row["rdflib"] = measure("rdflib", root, max(1, args.runs // 2))
        rows.append(row)
        report(row)
    print(machine_line())
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "sizes": rows}, indent=2))


def report(row: dict[str, Any]) -> None:
    memory = row["memory"]
    print(f"\n{row['actors']}x{row['instruments']}: {memory['triples']:,} triples")
    print(f"  {'into':<22}{'seconds':>9}{'triples/s':>12}{'peak MB':>9}{'vs rdflib':>11}")
    for mode in ("memory", "disk", "rdflib"):
        if mode not in row:
            continue
        step = row[mode]
        ratio = ""
        if "rdflib" in row and mode != "rdflib":
            ratio = f"{step['triples_per_s'] / row['rdflib']['triples_per_s']:.1f}x"
        print(
            f"  {mode:<22}{step['seconds']:>9.2f}{step['triples_per_s']:>12,.0f}"
            f"{step['peak_mb']:>9,.0f}{ratio:>11}"
        )
    if memory["triples"] > 3_000_000:
        ok = memory["triples_per_s"] >= TARGET_TPS and memory["peak_mb"] < TARGET_MB
        verdict = "met" if ok else "NOT met"
        print(f"  target {TARGET_TPS:,} triples/s under {TARGET_MB} MB: {verdict}")


if __name__ == "__main__":
    main()
