"""govkg's scale benchmark, end to end, in one command: every step the issue names, at every
size, each step's own script run as a child process, then one summary table (stdout) and one JSON
document (--json) with every step's full results.

Steps (each also runs alone; ``--help`` on the script tells its options):

- ``load``     ``load_bench.py``      the project into the embedded store (memory, disk) and rdflib
- ``validate`` ``validate_bench.py``  SHACL validation (SPARQL engine; pySHACL up to 100 k triples)
- ``queries``  ``queries_bench.py``   every catalogue query, defaults and synthetic values; rdflib
- ``align``    ``align_bench.py``     the stance matrix and all pairs; rdflib's matrix query
- ``export``   ``export_bench.py``    the stances view as GEXF
- ``serve``    ``serve_bench.py``     ``/sparql`` lookup, a resource page and a page of a
  whole-graph listing under concurrent clients on ``govkg serve`` (with its pages), the lookup on
  ``govkg serve --sparql-only`` (the endpoint alone), against Oxigraph's own server (``oxigraph
  serve``) on the same data
- ``remote``   ``remote_bench.py``    every catalogue query on ``oxigraph serve`` and Virtuoso
  beside the embedded store (sizes up to 100 x 1,000 only: Virtuoso's upload is slow)

Sizes are actors x instruments of the synthetic graph added to the shipped one (``0x0``: the
shipped graph alone); stores and projects are built once per size in /tmp/govkg-bench.

    .venv/bin/python bench/run.py [--sizes 0x0,20x100,100x1000,200x5000] [--runs 3]
        [--steps load,validate,queries,align,export,serve,remote] [--load-generator ab|wrk]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchkit import machine, machine_line

HERE = Path(__file__).resolve().parent
STEPS = ("load", "validate", "queries", "align", "export", "serve", "remote")
#: The most cells (actors x instruments) the remote step is run at.
REMOTE_CELLS = 100_000


def step_command(
    step: str, sizes: str, runs: int, out: Path, load_generator: str = "ab"
) -> list[str]:
    """The child command of a step, writing its JSON to ``out`` (``load_generator``: the serve
    step's, ``ab`` or ``wrk``)."""
    common = ["--json", str(out)]
    synthetic = ",".join(s for s in sizes.split(",") if s != "0x0") or "20x100"
    by_step = {
        "load": ["load_bench.py", "--sizes", synthetic, "--runs", str(runs)],
        "validate": ["validate_bench.py", "--sizes", synthetic],
        "queries": ["queries_bench.py", "--sizes", synthetic, "--runs", str(runs),
                    "--backends", "memory", "--rdflib-limit", "100000", "--rdflib-timeout", "15"],
        "align": ["align_bench.py", "--sizes", sizes, "--runs", str(max(runs, 5))],
        "export": ["export_bench.py", "--sizes", synthetic, "--runs", "1",
                   "--views", "stances", "--formats", "gexf", "--stores", "memory"],
        "serve": ["serve_bench.py", "--sizes", sizes, "--kinds", "lookup,page,listing",
                  "--rounds", "2", "--seconds", "10", "--load-generator", load_generator],
        "remote": ["remote_bench.py", "--sizes", remote_sizes(sizes), "--runs", str(runs)],
    }  # fmt: skip
    script, *options = by_step[step]
    return [sys.executable, str(HERE / script), *options, *common]


def remote_sizes(sizes: str) -> str:
    """The sizes the remote step runs at: those of at most ``REMOTE_CELLS`` cells."""
    small = [s for s in sizes.split(",") if _size_key(s)[1] <= REMOTE_CELLS]
    return ",".join(small) or "0x0"


def run_step(step: str, sizes: str, runs: int, load_generator: str = "ab") -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="govkg-bench-") as scratch:
        out = Path(scratch) / f"{step}.json"
        start = time.perf_counter()
        command = step_command(step, sizes, runs, out, load_generator)
        done = subprocess.run(command, cwd=HERE, check=False)
        seconds = time.perf_counter() - start
        results = json.loads(out.read_text()) if out.exists() else None
    return {"exit": done.returncode, "seconds": seconds, "results": results}


# ------------------------------------------------------------------------------ the summary table


def _sizes_of(results: Any) -> list[dict[str, Any]]:
    if isinstance(results, list):
        return results
    if isinstance(results, dict):
        return results.get("sizes") or results.get("graphs") or []
    return []


def _label(row: dict[str, Any]) -> str:
    return f"{row['actors']}x{row['instruments']}" if row.get("actors") else "0x0"


def load_lines(row: dict[str, Any]) -> dict[str, str]:
    memory, disk, rdflib = row["memory"], row["disk"], row.get("rdflib")
    ratio = f", {memory['triples_per_s'] / rdflib['triples_per_s']:.0f}x rdflib" if rdflib else ""
    return {
        "triples": f"{memory['triples']:,}",
        "load, memory (triples/s, peak)":
            f"{memory['triples_per_s']:,.0f}/s, {memory['peak_mb']:,.0f} MB{ratio}",
        "load, disk (govkg load)": f"{disk['seconds']:.1f} s, {disk['peak_mb']:,.0f} MB",
    }  # fmt: skip


def validate_lines(row: dict[str, Any]) -> dict[str, str]:
    text = f"{row['sparql_s']:.1f} s, {row['violations']} violations"
    if "pyshacl_s" in row:
        same = "same" if row.get("same_report") else "DIFFERENT"
        text += f" (pySHACL {row['pyshacl_s']:.1f} s, {same})"
    return {"validate": text}


def queries_lines(row: dict[str, Any]) -> dict[str, str]:
    timings = row["backends"]["memory"]["queries"]
    slow = sorted((t["median_s"], name) for name, t in timings.items() if t["median_s"] >= 1.0)
    fast = [t["median_s"] for t in timings.values() if t["median_s"] < 1.0]
    lines = {
        "queries under 1 s (slowest of them)":
            f"{len(fast)} of {len(timings)} ({max(fast, default=0):.3f} s)",
        "queries over 1 s": ", ".join(f"{n} {s:.1f} s" for s, n in slow) or "none",
    }  # fmt: skip
    rdflib = (row.get("rdflib") or {}).get("queries")
    if rdflib:
        ratios = [
            rdflib[name]["median_s"] / max(timings[name]["median_s"], 1e-4)
            for name in timings
            if name in rdflib and rdflib[name].get("median_s") is not None
        ]
        timeouts = sum(1 for name in rdflib if rdflib[name].get("median_s") is None)
        if ratios:
            lines["queries on rdflib"] = (
                f"{min(ratios):.0f}-{max(ratios):.0f}x slower, {timeouts} timed out"
            )
    return lines


def align_lines(row: dict[str, Any]) -> dict[str, str]:
    ours = row["oxigraph"]
    text = (
        f"{ours['command_s']:.3f} s, {ours['ratio']:.1f}x its lower bound "
        f"{ours['lower_bound_s']:.3f} s ({ours['pairs']:,} pairs, {ours['rows']:,} rows; "
        f"medians of {ours['run_count']} runs)"
    )
    if "rdflib" in row:
        text += f"; rdflib matrix query {row['rdflib']['matrix_query_s']:.1f} s"
    return {"align, all pairs": text}


def export_lines(row: dict[str, Any]) -> dict[str, str]:
    view = row["views"]["stances"]
    gexf, bound = view["formats"]["gexf"], view["formats"]["gexf"]["lower_bound"]
    return {
        "export stances GEXF": f"{gexf['seconds']:.1f} s, {gexf['time_ratio']:.1f}x its lower "
        f"bound {bound['seconds']:.1f} s (one SELECT + streamed write); peak "
        f"{gexf['peak_mb']:,.0f} MB, {gexf['memory_ratio']:.2f}x its lower bound's "
        f"({view['edges']:,} edges, {gexf['bytes'] / 1e6:,.0f} MB file)"
    }


#: serve_bench's govkg modes: (its name, the prefix of its ratios' keys, the summary line's suffix)
SERVE_MODES = (
    ("govkg", "", ""),
    ("govkg-on-demand", "on_demand_", ", --pages-on-demand"),
    ("govkg-endpoint", "endpoint_", ", --sparql-only"),
)


def serve_lines(row: dict[str, Any]) -> dict[str, str]:
    """A line per query kind and govkg mode (``govkg serve``; ``govkg serve --sparql-only``,
    SPARQL kinds only): its numbers, and Oxigraph's server's with the ratios where it ran."""
    lines = {}
    for kind, servers in row["summary"].items():
        theirs = servers.get("oxigraph")
        for mode, prefix, suffix in SERVE_MODES:
            ours = servers.get(mode)
            if ours is None:
                continue
            text = (
                f"{ours['rps']:.0f} req/s, p50 {ours['p50_ms']:.0f} ms, "
                f"p99 {ours['p99_ms']:.0f} ms, PSS {ours['pss_mb']:.0f} MB"
            )
            if theirs and prefix + "ratio" in servers:
                text += (
                    f"; oxigraph serve {theirs['rps']:.0f} req/s, PSS {theirs['pss_mb']:.0f} MB "
                    f"({servers[prefix + 'ratio']:.2f}x its req/s, "
                    f"{servers[prefix + 'memory_ratio']:.1f}x memory)"
                )
            lines[f"serve {kind}{suffix}"] = text
    if row.get("load_generator"):
        lines["serve: load generator"] = row["load_generator"]
    return lines


def remote_lines(row: dict[str, Any]) -> dict[str, str]:
    lines = {}
    for store, result in row["stores"].items():
        s = result["summary"]
        lines[f"catalogue on {store}"] = (
            f"load {result['load_s']:.1f} s; queries total {s['total_s']:.2f} s, slowest "
            f"{s['slowest']} {s['slowest_s']:.3f} s"
            + (f", errors {s['errors']}" if s["errors"] else "")
        )
    if row["mismatches"]:
        lines["catalogue rows DIFFER"] = ", ".join(row["mismatches"])
    return lines


SUMMARIES: dict[str, Callable[[dict[str, Any]], dict[str, str]]] = {
    "load": load_lines,
    "validate": validate_lines,
    "queries": queries_lines,
    "align": align_lines,
    "export": export_lines,
    "serve": serve_lines,
    "remote": remote_lines,
}


# ------------------------------------------------------------------------------ issue 22's targets


@dataclass(frozen=True)
class Target:
    """One target of issue 22, checked against one size's results of this run."""

    step: str
    size: str
    name: str
    check: Callable[[dict[str, Any]], tuple[str, bool]]


def _export_time(row: dict[str, Any]) -> tuple[str, bool]:
    gexf = row["views"]["stances"]["formats"]["gexf"]
    seconds, peak = gexf["seconds"], gexf["peak_mb"]
    return f"{seconds:.1f} s, {peak:,.0f} MB", seconds < 30 and peak < 1500


def _export_ratio(row: dict[str, Any]) -> tuple[str, bool]:
    ratio = row["views"]["stances"]["formats"]["gexf"]["time_ratio"]
    return f"{ratio:.2f}x its lower bound", ratio <= 2.0


def _align_ratio(limit: float) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    def check(row: dict[str, Any]) -> tuple[str, bool]:
        ratio = row["oxigraph"]["ratio"]
        return f"{ratio:.2f}x its lower bound", ratio <= limit

    return check


def _lookup(prefix: str) -> Callable[[dict[str, Any]], tuple[str, bool]]:
    """The lookup target of one govkg mode, whose ratios to Oxigraph's server serve_bench keeps
    under ``prefix + "ratio"`` and ``prefix + "memory_ratio"`` ("": ``govkg serve``;
    "endpoint_": ``govkg serve --sparql-only``): met only when both are within the target."""

    def check(row: dict[str, Any]) -> tuple[str, bool]:
        lookup = row["summary"]["lookup"]
        ratio, memory = lookup[prefix + "ratio"], lookup[prefix + "memory_ratio"]
        text = f"{ratio:.2f}x oxigraph serve's req/s, {memory:.1f}x its memory (PSS)"
        return text, ratio <= 1.25 and memory <= 4.0

    return check


def _page(row: dict[str, Any]) -> tuple[str, bool]:
    p50 = row["summary"]["page"]["govkg"]["p50_ms"]
    return f"p50 {p50:.0f} ms", p50 < 200


def _listing(row: dict[str, Any]) -> tuple[str, bool]:
    listing = row["summary"]["listing"]["govkg"]
    p50, first = listing["p50_ms"], listing.get("first_s", float("nan"))
    return f"p50 {p50:.0f} ms (the first, reading it: {first:.1f} s)", p50 < 200


LOOKUP = "/sparql lookup within 1.25x, memory 4x"
ON_DEMAND = "on_demand_"
TARGETS = (
    Target("export", "100x1000", "export stances GEXF within 2x of its bound", _export_ratio),
    Target("export", "200x5000", "export stances GEXF < 30 s and < 1.5 GB", _export_time),
    Target("align", "0x0", "align all pairs within 3x of its bound", _align_ratio(3.0)),
    Target("align", "100x1000", "align all pairs within 1.5x of its bound", _align_ratio(1.5)),
    Target("serve", "100x1000", f"{LOOKUP} (govkg serve, with pages)", _lookup("")),
    Target("serve", "100x1000", f"{LOOKUP} (govkg serve --pages-on-demand)", _lookup(ON_DEMAND)),
    Target("serve", "100x1000", f"{LOOKUP} (govkg serve --sparql-only)", _lookup("endpoint_")),
    Target("serve", "200x5000", f"{LOOKUP} (govkg serve, with pages)", _lookup("")),
    Target("serve", "200x5000", f"{LOOKUP} (govkg serve --pages-on-demand)", _lookup(ON_DEMAND)),
    Target("serve", "200x5000", f"{LOOKUP} (govkg serve --sparql-only)", _lookup("endpoint_")),
    Target("serve", "200x5000", "a state's page < 200 ms p50, 16 clients", _page),
    Target("serve", "200x5000", "a listing's page < 200 ms p50, 16 clients", _listing),
)


def target_table(steps: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(target, size, measured, verdict) for every target whose step and size this run has."""
    table = []
    for target in TARGETS:
        outcome = steps.get(target.step)
        if outcome is None:
            continue
        rows = [r for r in _sizes_of(outcome["results"]) if _label(r) == target.size]
        if not rows:
            continue
        try:
            text, met = target.check(rows[0])
        except (KeyError, TypeError, ZeroDivisionError) as error:
            text, met = f"no result ({error!r})", False
        table.append((target.name, target.size, text, "met" if met else "NOT MET"))
    return table


def summary(steps: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """{size: {line: text}} from every step's results."""
    table: dict[str, dict[str, str]] = {}
    for step, outcome in steps.items():
        for row in _sizes_of(outcome["results"]):
            try:
                lines = SUMMARIES[step](row)
            except (KeyError, TypeError, AttributeError, ZeroDivisionError) as error:
                lines = {step: f"no result ({error!r})"}
            table.setdefault(_label(row), {}).update(lines)
        if outcome["exit"] != 0:
            table.setdefault("errors", {})[step] = f"exit {outcome['exit']}"
    return dict(sorted(table.items(), key=lambda item: _size_key(item[0])))


def _size_key(label: str) -> tuple[int, int]:
    """Sizes smallest first (``0x0``, ``20x100`` …), anything else (``errors``) last."""
    actors, _x, instruments = label.partition("x")
    if not (actors.isdigit() and instruments.isdigit()):
        return (1, 0)
    return (0, int(actors) * int(instruments))


def print_summary(table: dict[str, dict[str, str]], steps: dict[str, dict[str, Any]]) -> None:
    print("\n" + "=" * 100 + "\ngovkg scale benchmark: summary\n")
    for size, lines in table.items():
        print(f"{size}:")
        for name, text in lines.items():
            print(f"  {name:<38}{text}")
    targets = target_table(steps)
    if targets:
        print("\nissue 22's targets (this run):")
        width = max(len(name) for name, *_rest in targets) + 2
        for name, size, text, verdict in targets:
            print(f"  {name:<{width}}{size:<10}{text:<52}  {verdict}")
    print("\nstep times: " + ", ".join(f"{s} {o['seconds']:.0f} s" for s, o in steps.items()))
    print(machine_line())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0x0,20x100,100x1000,200x5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument(
        "--load-generator",
        choices=("ab", "wrk"),
        default="ab",
        help="the serve step's: ab (HTTP/1.0: a connection a request, but for the endpoint alone, "
        "which honours its keep-alive) or wrk (HTTP/1.1 kept alive by every server)",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    report: dict[str, Any] = {"sizes": args.sizes, "machine_before": machine(), "steps": {}}
    for step in args.steps.split(","):
        print(f"\n### {step}", flush=True)
        report["steps"][step] = run_step(step, args.sizes, args.runs, args.load_generator)
    report["seconds"] = time.perf_counter() - start
    report["machine_after"] = machine()
    report["summary"] = summary(report["steps"])
    report["targets"] = target_table(report["steps"])
    print_summary(report["summary"], report["steps"])
    print(f"end to end: {report['seconds'] / 60:.1f} min")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    failed = [step for step, outcome in report["steps"].items() if outcome["exit"] != 0]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
