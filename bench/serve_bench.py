"""SPARQL endpoint throughput: ``govkg serve`` against Oxigraph's own server (``oxigraph serve``)
over the same on-disk store, the same queries from N concurrent clients (httpx, asyncio).

For each graph (the shipped one, and shipped + synthetic 100 x 1000: see ``benchkit.py``) and each
round, govkg is started on the store folder (``govkg --store FOLDER serve``), loaded and stopped,
then ``oxigraph serve --location FOLDER --union-default-graph``; the servers never run at the same
time.  Each query kind gets --requests requests (or as many as fit in --seconds) from --clients
clients (after a warm-up);
requests per second, p50 and p99 latency, errors, and the servers' peak RSS (govkg: the server
and its query processes).  Medians over --rounds rounds; the ratio govkg/Oxigraph is printed next
to the issue's target (the endpoint within 1.5x of Oxigraph's server on the lookup query).  The
load generator runs on the same machine and takes CPU from both servers alike.

    .venv/bin/python bench/serve_bench.py [--sizes 0x0,100x1000] [--clients 16] [--requests 600]
        [--rounds 3] [--kinds lookup,aggregate,matrix,ask,construct,page] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from benchkit import DEFAULT_SIZES, ROOT, bench_store, machine, machine_line, rss_mb, sizes

from govkg.align.matrix import STANCES
from govkg.project import find_project

PREFIXES = """PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX stancekind: <https://w3id.org/govkg/id/stance-kind/>
"""
ID = "https://w3id.org/govkg/id/"
SELECT_JSON = "application/sparql-results+json"
TARGET_RATIO = 1.5


def queries(actors: int) -> dict[str, tuple[str, str]]:
    """Query kind → (SPARQL, Accept).  On a synthetic graph the lookups name synthetic IRIs."""
    instrument = f"{ID}instrument/" + ("i3" if actors else "reaim-2026-pathways-to-action")
    state = f"{ID}state/" + ("S001" if actors else "USA")
    return {
        "lookup": (
            PREFIXES + f"SELECT ?actor ?kind WHERE {{ ?s gk:instrument <{instrument}> ; "
            "gk:actor ?actor ; gk:stanceKind ?kind }",
            SELECT_JSON,
        ),
        "aggregate": (
            PREFIXES + "SELECT ?kind (COUNT(*) AS ?n) WHERE { ?s gk:stanceKind ?kind } "
            "GROUP BY ?kind",
            SELECT_JSON,
        ),
        # govkg.align's stance matrix query, capped at govkg's default row cap so that both
        # servers send the same rows
        "matrix": (PREFIXES + STANCES + "LIMIT 10000", SELECT_JSON),
        "ask": (
            PREFIXES + f"ASK {{ ?s gk:actor <{state}> ; gk:stanceKind stancekind:declined }}",
            SELECT_JSON,
        ),
        "construct": (
            PREFIXES + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s gk:instrument "
            f"<{instrument}> ; ?p ?o }}",
            "text/turtle",
        ),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """The process's children, started by any of its threads (query processes start from a
    thread pool)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


@dataclass
class Server:
    name: str
    base: str
    sparql: str  # the endpoint's path
    process: subprocess.Popen[bytes]

    def peak_mb(self) -> float:
        """Peak RSS of the server and its child processes (query processes), summed."""
        pids = [self.process.pid, *children(self.process.pid)]
        return sum(rss_mb(pid) for pid in pids)

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server and its live children."""
        total = 0.0
        for pid in [self.process.pid, *children(self.process.pid)]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


def _wait(process: subprocess.Popen[bytes], url: str, name: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{name} did not start: {error[-2000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def govkg_server(folder: Path, workers: int, pythonpath: str | None) -> Iterator[Server]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "govkg",
        "--root",
        str(ROOT),
        "--store",
        str(folder),
        "serve",
        "--port",
        str(port),
        "--timeout",
        "30",
        "--query-workers",
        str(workers),
    ]
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    with _running(command, port, "govkg", "/sparql", env) as server:
        yield server


@contextlib.contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    port = free_port()
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    command = [
        binary,
        "serve",
        "--location",
        str(folder),
        "--union-default-graph",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    with _running(command, port, "oxigraph", "/query") as server:
        yield server


@contextlib.contextmanager
def _running(
    command: list[str], port: int, name: str, endpoint: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """A server process, once its endpoint answers ASK {}, stopped on leaving."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(process, base + endpoint + "?query=ASK%7B%7D", f"{name} serve")
        yield Server(name, base, endpoint, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


# ------------------------------------------------------------------------------------------ load


async def _load(
    base: str,
    path: str,
    params: dict[str, str],
    accept: str,
    requests: int,
    clients: int,
    seconds: float = 1e9,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    todo = iter(range(requests))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def one_client() -> None:
            for _ in todo:
                if time.perf_counter() > stop:
                    return
                started = time.perf_counter()
                try:
                    response = await client.get(path, params=params, headers={"Accept": accept})
                    await response.aread()
                except httpx.HTTPError as error:
                    errors.append(type(error).__name__)
                    continue
                if response.status_code >= 400:
                    errors.append(f"{response.status_code} {response.text[:80]}")
                else:
                    latencies.append(time.perf_counter() - started)

        start = time.perf_counter()
        stop = start + seconds
        await asyncio.gather(*(one_client() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    done = len(latencies) + len(errors)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    return {
        "requests": done,
        "seconds": elapsed,
        "rps": done / elapsed,
        "p50_ms": pct(50) * 1000,
        "p99_ms": pct(99) * 1000,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:3],
    }


def load(
    server: Server,
    kind: str,
    sparql: str | None,
    accept: str,
    requests: int,
    clients: int,
    page: str,
    seconds: float,
) -> dict[str, Any]:
    path, params = (page, {}) if sparql is None else (server.sparql, {"query": sparql})
    asyncio.run(_load(server.base, path, params, accept, min(50, requests), clients, 5))  # warm-up
    cpu = server.cpu_s()
    result = asyncio.run(_load(server.base, path, params, accept, requests, clients, seconds))
    result["server_cpu_s"] = server.cpu_s() - cpu
    return result


def answer_size(server: Server, sparql: str, accept: str) -> str:
    """What one answer holds (rows, boolean or triples), to check both servers agree."""
    response = httpx.get(
        server.base + server.sparql,
        params={"query": sparql},
        headers={"Accept": accept},
        timeout=120,
    )
    if accept == "text/turtle":
        triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
        return f"{len(triples)} triples"
    data = response.json()
    if "boolean" in data:
        return f"boolean {data['boolean']}"
    return f"{len(data['results']['bindings'])} rows"


# ----------------------------------------------------------------------------------------- main


def bench_graph(folder: Path, actors: int, args: argparse.Namespace) -> dict[str, Any]:
    kinds = args.kinds.split(",")
    mix = queries(actors)
    page = "/doc/state/" + ("S001" if actors else "USA")
    rounds: list[dict[str, Any]] = []
    answers: dict[str, dict[str, str]] = {"govkg": {}, "oxigraph": {}}
    for number in range(args.rounds):
        this: dict[str, Any] = {}
        for name in ("govkg", "oxigraph"):
            starter = (
                govkg_server(folder, args.query_workers, args.govkg_pythonpath)
                if name == "govkg"
                else oxigraph_server(folder)
            )
            with starter as server:
                this[name] = {}
                for kind in kinds:
                    if kind == "page":
                        if name == "oxigraph":
                            continue  # Oxigraph's server has no resource pages
                        sparql, accept = None, "text/html"
                    else:
                        sparql, accept = mix[kind]
                        if number == 0:
                            answers[name][kind] = answer_size(server, sparql, accept)
                    result = load(
                        server,
                        kind,
                        sparql,
                        accept,
                        args.requests,
                        args.clients,
                        page,
                        args.seconds,
                    )
                    this[name][kind] = result
                    print(
                        f"  round {number + 1} {name:<9}{kind:<10}{result['rps']:>8.0f} req/s  "
                        f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
                        f"errors {result['errors']}  {machine_line()[9:]}",
                        file=sys.stderr,
                    )
                this[name]["peak_mb"] = server.peak_mb()
        rounds.append(this)
    summary: dict[str, Any] = {}
    for kind in kinds:
        summary[kind] = {}
        for name in ("govkg", "oxigraph"):
            runs = [r[name][kind] for r in rounds if kind in r[name]]
            if not runs:
                continue
            summary[kind][name] = {
                key: statistics.median(run[key] for run in runs)
                for key in ("rps", "p50_ms", "p99_ms", "server_cpu_s")
            }
            summary[kind][name]["errors"] = sum(run["errors"] for run in runs)
            summary[kind][name]["answer"] = answers[name].get(kind, "")
    peaks = {name: max(r[name]["peak_mb"] for r in rounds) for name in ("govkg", "oxigraph")}
    return {"summary": summary, "rounds": rounds, "peak_mb": peaks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="0x0,100x1000",
        help=f"0x0 is the shipped graph alone (others: {DEFAULT_SIZES})",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=600, help="per query kind and round")
    parser.add_argument(
        "--seconds",
        type=float,
        default=15.0,
        help="stop sending a kind's requests after this many seconds",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="lookup,aggregate,matrix,ask,construct,page")
    parser.add_argument("--query-workers", type=int, default=2, help="govkg serve's warm processes")
    parser.add_argument("--govkg-pythonpath", help="extra PYTHONPATH for govkg serve only")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    project = find_project(ROOT)
    report: dict[str, Any] = {
        "machine_before": machine(),
        "clients": args.clients,
        "requests": args.requests,
        "rounds": args.rounds,
        "graphs": [],
    }
    print(machine_line())
    for actors, instruments in sizes(args.sizes):
        built = bench_store(actors, instruments, project)
        print(f"{actors}x{instruments}: {built.quads:,} quads", file=sys.stderr)
        row = {
            "actors": actors,
            "instruments": instruments,
            "quads": built.quads,
            **bench_graph(built.path, actors, args),
            "machine_after": machine(),
        }
        report["graphs"].append(row)
        print_graph(row, args.clients)
    print(machine_line())
    report["machine_after"] = machine()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def print_graph(row: dict[str, Any], clients: int) -> None:
    name = "shipped graph" if not row["actors"] else f"{row['actors']}x{row['instruments']}"
    print(
        f"\n{name}: {row['quads']:,} quads, {clients} clients; peak RSS govkg "
        f"{row['peak_mb']['govkg']:,.0f} MB (server + query processes), "
        f"oxigraph {row['peak_mb']['oxigraph']:,.0f} MB"
    )
    print(
        f"  {'query':<10}{'govkg req/s':>12}{'p50 ms':>8}{'p99 ms':>8}{'ox req/s':>10}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'ox/govkg':>10}  answer"
    )
    for kind, servers in row["summary"].items():
        ours = servers["govkg"]
        theirs = servers.get("oxigraph")
        line = f"  {kind:<10}{ours['rps']:>12.0f}{ours['p50_ms']:>8.1f}{ours['p99_ms']:>8.1f}"
        if theirs:
            ratio = theirs["rps"] / ours["rps"]
            verdict = (
                ""
                if kind != "lookup"
                else (" ok" if ratio <= TARGET_RATIO else f" > {TARGET_RATIO}x target")
            )
            same = "" if ours["answer"] == theirs["answer"] else f" (oxigraph: {theirs['answer']})"
            line += (
                f"{theirs['rps']:>10.0f}{theirs['p50_ms']:>8.1f}{theirs['p99_ms']:>8.1f}"
                f"{ratio:>9.2f}x{verdict}  {ours['answer']}{same}"
            )
        else:
            line += f"{'-':>10}{'-':>8}{'-':>8}{'-':>10}  (govkg only)"
        errors = ours["errors"] + (theirs["errors"] if theirs else 0)
        print(line + (f"  ERRORS {errors}" if errors else ""))


if __name__ == "__main__":
    main()
