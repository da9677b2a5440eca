"""Latency of the researcher pages (instrument and state profiles, a comparison, the matrix and
its P5 preset) under ``govkg serve``, measured with ApacheBench (``ab``, from apache2-utils:
``scripts/install-test-tools.sh``).

For each graph (the shipped one; shipped + synthetic ``AxI``: see ``benchkit.py``) and each page:

* **first request**: ``govkg --store FOLDER serve`` is started afresh and, as soon as its
  endpoint answers, the pages are fetched in turn, each twice (first, second).  The pages keep one
  alignment (stance matrix and every pair's measures, :mod:`govkg.site.agreement`) per store for
  300 s.  The server starts reading it in the background at start; a page that needs it before
  it is read (the state profile, in the default order) waits for it, and so does the first
  request after every 300 s, holding the others back while it reads it again: that page's first
  minus its second request is about what is left of reading the alignment;
* **warm**: another server for all pages, measured once its alignment is read (a P5 page is
  fetched first: it waits for the background read); per page a warm-up request (it pays for
  reading the alignment again if the kept one is over 300 s old), then ``ab -c C`` for each
  concurrency in --concurrency, for --seconds or --requests, whichever ends first (a page slower
  than a third of --seconds: 3 requests, at least one per client); requests per second, p50 and
  p95 (ab's percentiles, in ms) and failures (non-2xx answers or failed requests);
* the answer's size in bytes and its table rows (``<tr``), and whether it has a pager: a state
  with thousands of stances must page its table, not send all of it.

On a synthetic graph the instrument, the state and the pair compared are synthetic (``i3``,
``S001``, ``S001``/``S002``: S001 holds a stance on ~4,000 of the 5,000 instruments); the matrix
and the P5 preset are the same pages as on the shipped graph.  The issue asks for every page
under 200 ms on the shipped graph.  The load generator runs on the same machine.

    .venv/bin/python bench/pages_bench.py [--sizes 0x0,200x5000] [--concurrency 1,4]
        [--seconds 10] [--requests 2000] [--pages instrument,state,compare,matrix,p5]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from typing import Any

import httpx
from benchkit import ROOT, bench_store, machine, machine_line, sizes
from serve_bench import govkg_server

from govkg.project import find_project

TARGET_MS = 200.0
#: page → (path on the shipped graph, path on a synthetic one)
PAGES = {
    "instrument": (
        "/doc/instrument/reaim-2026-pathways-to-action.html",
        "/doc/instrument/i3.html",
    ),
    "state": ("/doc/state/USA.html", "/doc/state/S001.html"),
    "compare": ("/compare/CHN/USA.html", "/compare/S001/S002.html"),
    "matrix": ("/matrix.html", "/matrix.html"),
    "p5": ("/matrix/p5.html", "/matrix/p5.html"),
}


def page_path(page: str, actors: int) -> str:
    return PAGES[page][1 if actors else 0]


def fetch(base: str, path: str) -> tuple[float, httpx.Response]:
    """One GET: milliseconds to the whole answer, and the answer."""
    started = time.perf_counter()
    response = httpx.get(base + path, timeout=600)
    return (time.perf_counter() - started) * 1000, response


def shape(response: httpx.Response) -> dict[str, Any]:
    """What the answer holds: status, bytes, table rows, a pager."""
    text = response.text
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "rows": text.count("<tr"),
        "paged": 'class="pager"' in text,
    }


def first_requests(
    folder: Any, actors: int, pages: list[str], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """The pages in turn on a freshly started server: each one's first and second request (the
    first page that needs the alignment reads it)."""
    found: dict[str, dict[str, Any]] = {}
    with govkg_server(folder, 2, args.govkg_pythonpath, None) as server:
        for page in pages:
            path = page_path(page, actors)
            first_ms, response = fetch(server.base, path)
            second_ms, _again = fetch(server.base, path)
            found[page] = {"first_ms": first_ms, "second_ms": second_ms, **shape(response)}
            print(
                f"  {page:<11}first {first_ms:8.0f} ms  second {second_ms:6.0f} ms  "
                f"{found[page]['bytes']:>9,} bytes  {found[page]['rows']:>5} rows"
                f"{'  paged' if found[page]['paged'] else ''}",
                file=sys.stderr,
            )
    return found


_RPS = re.compile(r"^Requests per second:\s+([\d.]+)", re.M)
_PERCENT = re.compile(r"^\s+(\d+)%\s+(\d+)", re.M)
_COMPLETE = re.compile(r"^Complete requests:\s+(\d+)", re.M)
_FAILED = re.compile(r"^(?:Failed requests|Non-2xx responses):\s+(\d+)", re.M)


def ab(url: str, concurrency: int, seconds: float, requests: int, one_ms: float) -> dict[str, Any]:
    """``ab`` against one URL (variable length answers allowed): req/s, p50, p95, failures.

    A page that takes over a third of ``seconds`` (``one_ms``: its warm-up request) gets a fixed
    number of requests instead (3, at least one per client): ab drops what is in flight when its
    time limit ends, and would measure nothing."""
    if one_ms * 3 <= seconds * 1000:
        limit = ["-t", f"{seconds:g}", "-n", str(requests)]
    else:
        limit = ["-n", str(max(3, concurrency))]
    command = ["ab", "-q", "-l", "-s", "900", "-c", str(concurrency), *limit, url]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"ab failed: {result.stderr.strip()[-500:]}")
    out = result.stdout
    percent = {int(p): float(ms) for p, ms in _PERCENT.findall(out)}
    rps = _RPS.search(out)
    complete = _COMPLETE.search(out)
    return {
        "requests": int(complete.group(1)) if complete else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": percent.get(50, 0.0),
        "p95_ms": percent.get(95, 0.0),
        "failed": sum(int(n) for n in _FAILED.findall(out)),
    }


def warm(
    folder: Any, actors: int, pages: list[str], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Every page on one server, after a warm-up request each: ``ab`` per concurrency."""
    found: dict[str, dict[str, Any]] = {}
    with govkg_server(folder, 2, args.govkg_pythonpath, None) as server:
        # The server reads the alignment in the background at start: wait for it (the P5 page
        # needs it), so that no page is measured while it is being read.
        ready_ms, _response = fetch(server.base, "/matrix/p5.html")
        print(f"  alignment ready {ready_ms:.0f} ms after the server answered", file=sys.stderr)
        for page in pages:
            url = server.base + page_path(page, actors)
            # A warm-up request: it pays for reading the alignment when the server has none or
            # its copy is over 300 s old (a long run on a large graph outlives it).
            warm_up_ms, _response = fetch(server.base, page_path(page, actors))
            found[page] = {"warm_up_ms": warm_up_ms}
            for concurrency in args.concurrency:
                run = ab(url, concurrency, args.seconds, args.requests, warm_up_ms)
                found[page][f"c{concurrency}"] = run
                print(
                    f"  {page:<11}c={concurrency:<3}{run['rps']:8.1f} req/s  p50 "
                    f"{run['p50_ms']:6.0f} ms  p95 {run['p95_ms']:6.0f} ms  "
                    f"{run['requests']} requests, {run['failed']} failed",
                    file=sys.stderr,
                )
        peak = server.peak_mb()
    found["peak_mb"] = {"server": peak}
    found["alignment"] = {"ready_ms": ready_ms}
    return found


def print_graph(row: dict[str, Any], concurrency: list[int]) -> None:
    name = "shipped graph" if not row["actors"] else f"{row['actors']}x{row['instruments']}"
    print(
        f"\n{name}: {row['quads']:,} quads; server peak RSS {row['peak_mb']:,.0f} MB; the "
        f"alignment was read {row['alignment_ready_ms'] / 1000:.1f} s after the server answered"
    )
    head = f"  {'page':<11}{'path':<52}{'first ms':>9}{'2nd ms':>7}{'warm-up':>8}"
    for c in concurrency:
        head += f"{f'c={c} req/s':>12}{'p50':>6}{'p95':>6}"
    print(head + f"{'KB':>8}{'rows':>6}")
    for page, cold in row["first"].items():
        line = (
            f"  {page:<11}{page_path(page, row['actors']):<52}"
            f"{cold['first_ms']:>9.0f}{cold['second_ms']:>7.0f}"
            f"{row['warm'][page]['warm_up_ms']:>8.0f}"
        )
        slow = False
        for c in concurrency:
            run = row["warm"][page][f"c{c}"]
            line += f"{run['rps']:>12.1f}{run['p50_ms']:>6.0f}{run['p95_ms']:>6.0f}"
            slow |= c == 1 and run["p95_ms"] > TARGET_MS
            if run["failed"]:
                line += f" FAILED {run['failed']}"
        line += f"{cold['bytes'] / 1024:>8.0f}{cold['rows']:>6}" + (
            "  paged" if cold["paged"] else ""
        )
        if not row["actors"]:
            line += f"  > {TARGET_MS:.0f} ms target" if slow else ""
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0x0,200x5000", help="0x0: the shipped graph alone")
    parser.add_argument(
        "--concurrency",
        default="1,4",
        type=lambda text: [int(c) for c in text.split(",")],
        help="ab's concurrent clients, one run each",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and concurrency")
    parser.add_argument("--requests", type=int, default=2000, help="at most, per run")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--govkg-pythonpath", help="extra PYTHONPATH for govkg serve only")
    parser.add_argument("--json", type=argparse.FileType("w"))
    args = parser.parse_args()
    if shutil.which("ab") is None:
        parser.error("ab is missing: run scripts/install-test-tools.sh (apache2-utils)")
    pages = args.pages.split(",")
    project = find_project(ROOT)
    report: dict[str, Any] = {"machine_before": machine(), "graphs": []}
    print(machine_line())
    for actors, instruments in sizes(args.sizes):
        built = bench_store(actors, instruments, project)
        took = "" if built.build_s is None else f", built in {built.build_s:.0f} s"
        print(f"{actors}x{instruments}: {built.quads:,} quads{took}", file=sys.stderr)
        first = first_requests(built.path, actors, pages, args)
        hot = warm(built.path, actors, pages, args)
        row = {
            "actors": actors,
            "instruments": instruments,
            "quads": built.quads,
            "build_s": built.build_s,
            "first": first,
            "warm": {page: hot[page] for page in pages},
            "peak_mb": hot["peak_mb"]["server"],
            "alignment_ready_ms": hot["alignment"]["ready_ms"],
            "machine_after": machine(),
        }
        report["graphs"].append(row)
        print_graph(row, args.concurrency)
    print(machine_line())
    report["machine_after"] = machine()
    if args.json:
        json.dump(report, args.json, indent=2)


if __name__ == "__main__":
    main()
