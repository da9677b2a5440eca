"""SPARQL endpoint throughput: ``govkg serve`` (with its pages) and ``govkg serve --sparql-only``
(the endpoint alone, served by pre-forked query processes) against Oxigraph's own server
(``oxigraph serve``) over the same on-disk store, the same queries from N concurrent clients sent
by ApacheBench (``ab``, a load generator written in C: ``scripts/install-test-tools.sh`` installs
it; or ``wrk``, also C, with ``--load-generator wrk``: HTTP/1.1 connections kept alive, as real
clients keep them, by all three servers).  ``ab -k`` asks for HTTP/1.0's keep-alive, which only
``govkg serve --sparql-only`` honours: under ``ab`` the two others open a new connection for each
request, and the comparison is not like for like (``wrk``'s is).

For each graph (the shipped one, and shipped + synthetic 100 x 1000: see ``benchkit.py``) and each
round, each server of --servers in turn is started on the store folder, loaded and stopped:
``govkg`` (``govkg --store FOLDER serve``), ``govkg-endpoint`` (``govkg --store FOLDER serve
--sparql-only``: the SPARQL kinds only, it serves no pages) and ``oxigraph`` (``oxigraph serve
--location FOLDER --union-default-graph``); the servers never run at the same time.  Each query
kind gets --requests requests (or as many as fit in --seconds) from --clients clients (after a
warm-up); requests per second, p50 and p99 latency, errors, the servers' CPU time per request,
and their memory: RSS and PSS summed over the server's whole process tree (govkg: the server and
its query processes; PSS counts a page shared by N processes as 1/N in each, where RSS counts it
N times), current at the end of the load and peak RSS.  Medians over --rounds rounds; the ratios
Oxigraph/govkg, for each of govkg's two modes, are printed next to the targets (lookups within
1.25x of Oxigraph's server, memory within 4x).  With --pin split (the default on a machine of 2
CPUs or more) each server runs on CPU 0 and the load generator on CPU 1, so that the load
generator takes no CPU from the server; with --pin none all share every CPU.  Two kinds are
govkg's pages, not SPARQL: ``page``, a state's resource page, and ``listing``, page 2 of the
catalogue's ``single-source-facts`` (800,000 facts at 4 M triples), whose first answer (timed
apart, before the warm-up, as ``first_s``) reads the whole listing the others are given from.

    .venv/bin/python bench/serve_bench.py [--sizes 0x0,100x1000] [--clients 16] [--requests 3000]
        [--rounds 3] [--kinds lookup,aggregate,matrix,ask,construct,page,listing]
        [--servers govkg,govkg-endpoint,oxigraph] [--pin split|none]
        [--load-generator ab|wrk] [--settle 900] [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
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
from urllib.parse import quote

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
#: Issue 22's targets: lookups within 1.25x of Oxigraph's server, memory within 4x.
TARGET_RATIO = 1.25
MEMORY_RATIO = 4.0
#: The servers measured, in the order a round starts them.
SERVERS = ("govkg", "govkg-on-demand", "govkg-endpoint", "oxigraph")
#: govkg's modes, each compared with Oxigraph's server: the prefix of its ratios' keys in a
#: kind's summary (``ratio``, ``memory_ratio`` … for the full server, as before the endpoint mode).
RATIO_PREFIX = {"govkg": "", "govkg-on-demand": "on_demand_", "govkg-endpoint": "endpoint_"}
#: govkg's modes: the options ``govkg serve`` gets for each.
MODE_OPTIONS = {
    "govkg": [],
    "govkg-on-demand": ["--pages-on-demand"],
    "govkg-endpoint": ["--sparql-only"],
}
#: Kinds that are govkg's pages, not SPARQL queries: only the full server answers them.
PAGE_KINDS = ("page", "listing")


def server_names(text: str) -> list[str]:
    """The servers of ``--servers`` (comma-separated, each at most once), in SERVERS' order."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SERVERS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown server {', '.join(unknown) or '(none)'}: choose from {', '.join(SERVERS)}"
        )
    return [name for name in SERVERS if name in names]


def answers(server: str, kind: str) -> bool:
    """Whether a server answers a query kind: pages only the full ``govkg serve`` does (with
    ``--pages-on-demand`` it would, but it is measured before any page is asked for)."""
    return server == "govkg" or kind not in PAGE_KINDS


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


def descendants(pid: int) -> list[int]:
    """The process and all its descendants (query processes are children of the server)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(parent, []).append(int(entry.name))
    found, index = [pid], 0
    while index < len(found):
        found += parents.get(found[index], [])
        index += 1
    return found


def _rollup(pid: int, field: str) -> float:
    """A field of /proc/PID/smaps_rollup (``Rss``, ``Pss``) in MB; 0 when the process is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Server:
    name: str
    base: str
    sparql: str  # the endpoint's path
    process: subprocess.Popen[bytes]

    def peak_mb(self) -> float:
        """Peak RSS of each process of the server's tree, summed (query processes included)."""
        return sum(rss_mb(pid) for pid in descendants(self.process.pid))

    def memory_mb(self) -> dict[str, float]:
        """Current RSS and PSS of the server's whole process tree, summed, and its processes."""
        pids = descendants(self.process.pid)
        return {
            "rss_mb": sum(_rollup(pid, "Rss") for pid in pids),
            "pss_mb": sum(_rollup(pid, "Pss") for pid in pids),
            "processes": len(pids),
        }

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server and its live descendants."""
        total = 0.0
        for pid in descendants(self.process.pid):
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


#: CPU sets: (server, load generator) per --pin choice; None: no pinning.
def cpu_sets(pin: str) -> tuple[str | None, str | None]:
    if pin == "split" and (os.cpu_count() or 1) >= 2:
        return "0", "1"
    return None, None


def _pinned(command: list[str], cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus, *command] if cpus else command


@contextlib.contextmanager
def govkg_server(
    folder: Path,
    workers: int | None,
    pythonpath: str | None,
    cpus: str | None,
    settle_s: float = 900.0,
    mode: str = "govkg",
) -> Iterator[Server]:
    """``govkg serve`` on the store folder, once it answers and has done its start-up work
    (``mode``: one of MODE_OPTIONS: with its pages, with them at the first page request, or
    the endpoint alone)."""
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
        *MODE_OPTIONS[mode],
        "--port",
        str(port),
        "--timeout",
        "30",
        *([] if workers is None else ["--query-workers", str(workers)]),
    ]
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    name = mode
    with _running(_pinned(command, cpus), port, name, "/sparql", env) as server:
        _settle(server, most_s=settle_s)
        yield server


def _settle(server: Server, quiet_s: float = 1.0, most_s: float = 120.0) -> None:
    """Wait until the server has used no CPU for ``quiet_s`` (govkg reads the pages' alignment
    in the background at start: the load must not share the CPU with it)."""
    deadline = time.monotonic() + most_s
    used = server.cpu_s()
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = server.cpu_s()
        if now - used < 0.05 * quiet_s:
            return
        used = now


@contextlib.contextmanager
def oxigraph_server(folder: Path, cpus: str | None) -> Iterator[Server]:
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
    with _running(_pinned(command, cpus), port, "oxigraph", "/query") as server:
        yield server


@contextlib.contextmanager
def _running(
    command: list[str], port: int, name: str, endpoint: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """A server process, once its endpoint answers ASK {}, stopped on leaving (with every
    process of its tree: the next server must not share the CPU with one left behind)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(process, base + endpoint + "?query=ASK%7B%7D", f"{name} serve")
        yield Server(name, base, endpoint, process)
    finally:
        tree = {pid: _started(pid) for pid in descendants(process.pid)}
        process.terminate()
        process.wait(timeout=30)
        _stop_left(name, tree)


def _started(pid: int) -> str:
    """A live process's start time (field 22 of /proc/PID/stat, to tell it from a reused pid);
    "" when it is gone or a zombie."""
    with contextlib.suppress(OSError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return "" if fields[0] == "Z" else fields[19]
    return ""


def _stop_left(name: str, tree: dict[int, str], wait_s: float = 5.0) -> None:
    """Kill, by pid, the processes of a stopped server's tree still running after ``wait_s``
    (and say so: a server should stop its own)."""
    deadline = time.monotonic() + wait_s
    left = list(tree)
    while left and time.monotonic() < deadline:
        left = [pid for pid, start in tree.items() if start and _started(pid) == start]
        if left:
            time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    if left:
        print(
            f"  {name}: {len(left)} processes still ran {wait_s:g} s after it was stopped "
            f"(killed: {', '.join(map(str, left))})",
            file=sys.stderr,
        )


# ------------------------------------------------------------------------------------------ load

_AB_NUMBER = {
    "requests": r"Complete requests:\s+(\d+)",
    "failed": r"Failed requests:\s+(\d+)",
    "non_2xx": r"Non-2xx responses:\s+(\d+)",
    "rps": r"Requests per second:\s+([\d.]+)",
    "seconds": r"Time taken for tests:\s+([\d.]+)",
    "p50_ms": r"\n\s+50%\s+(\d+)",
    "p99_ms": r"\n\s+99%\s+(\d+)",
}


def ab(
    url: str, accept: str, requests: int, clients: int, seconds: float, cpus: str | None
) -> dict[str, Any]:
    """``ab -n REQUESTS -c CLIENTS`` (at most ``seconds``) on the URL: its numbers."""
    # -t first: it sets -n to 50,000, which the -n after it lowers (both limits hold)
    command = ["ab", "-q", "-k", "-s", "120", "-t", str(max(1, int(seconds)))]
    command += ["-n", str(requests), "-c", str(clients), "-H", f"Accept: {accept}", url]
    done = subprocess.run(_pinned(command, cpus), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ab failed: {done.stderr.strip()[-500:]}")
    found: dict[str, Any] = {}
    for key, pattern in _AB_NUMBER.items():
        match = re.search(pattern, done.stdout)
        found[key] = float(match.group(1)) if match else 0.0
    found["errors"] = int(found.pop("failed") + found.pop("non_2xx"))
    found["load_generator"] = "ab " + " ".join(command[1:-1])
    return found


def _kinds(result: dict[str, Any]) -> str:
    """`` (read 1, timeout 2)``: the kinds of a load's errors, where the load generator says."""
    kinds = result.get("error_kinds") or {}
    return " (" + ", ".join(f"{k} {n}" for k, n in kinds.items()) + ")" if kinds else ""


_WRK_TIME = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str, label: str) -> float:
    """A latency percentile of ``wrk --latency`` in milliseconds (it prints 850.00us, 1.2ms, 2s)."""
    match = re.search(rf"\n\s+{label}\s+([\d.]+)(us|ms|s|m)\b", text)
    return float(match.group(1)) * _WRK_TIME[match.group(2)] if match else 0.0


def wrk(url: str, accept: str, clients: int, seconds: float, cpus: str | None) -> dict[str, Any]:
    """``wrk`` (C, HTTP/1.1 with keep-alive, as browsers and SPARQL clients send) for ``seconds``
    with ``clients`` connections from one thread: its numbers.  ``ab`` speaks HTTP/1.0, whose
    keep-alive only the endpoint alone honours."""
    command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, int(seconds))}s", "--latency"]
    command += ["-H", f"Accept: {accept}", url]
    done = subprocess.run(_pinned(command, cpus), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {(done.stderr or done.stdout).strip()[-500:]}")
    out = done.stdout
    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    kinds = wrk_errors(out)
    return {
        "requests": float(requests.group(1)) if requests else 0.0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "seconds": float(seconds),
        "p50_ms": _wrk_ms(out, "50%"),
        "p99_ms": _wrk_ms(out, "99%"),
        "errors": sum(kinds.values()),
        "error_kinds": kinds,
        "load_generator": "wrk " + " ".join(command[1:-1]),
    }


def wrk_errors(out: str) -> dict[str, int]:
    """The errors ``wrk`` counted, by kind (``non_2xx`` answers; ``connect``, ``read``,
    ``write`` and ``timeout`` socket errors), the kinds it counted none of left out."""
    found = {}
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non_2xx:
        found["non_2xx"] = int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets:
        counts = map(int, sockets.groups())
        found |= dict(zip(("connect", "read", "write", "timeout"), counts, strict=True))
    return {kind: count for kind, count in found.items() if count}


def generate(
    generator: str,
    url: str,
    accept: str,
    requests: int,
    clients: int,
    seconds: float,
    cpus: str | None,
) -> dict[str, Any]:
    """The load of ``ab`` (``requests`` requests, at most ``seconds``) or ``wrk`` (``seconds``)."""
    if generator == "wrk":
        return wrk(url, accept, clients, seconds, cpus)
    return ab(url, accept, requests, clients, seconds, cpus)


def load(
    server: Server,
    sparql: str | None,
    accept: str,
    args: argparse.Namespace,
    page: str,
    cpus: str | None,
) -> dict[str, Any]:
    path = page if sparql is None else server.sparql + "?query=" + quote(sparql, safe="")
    url = server.base + path
    first = None
    if sparql is None:  # a page: its first answer may read what the others are given from
        start = time.perf_counter()
        first_answer(url, accept)
        first = time.perf_counter() - start
    ab(url, accept, min(50, args.requests), args.clients, 5, cpus)  # warm-up
    cpu = server.cpu_s()
    generator = args.load_generator
    result = generate(generator, url, accept, args.requests, args.clients, args.seconds, cpus)
    result["server_cpu_ms_per_request"] = (
        (server.cpu_s() - cpu) * 1000 / result["requests"] if result["requests"] else 0.0
    )
    result.update(server.memory_mb())
    if first is not None:
        result["first_s"] = first
    return result


def first_answer(url: str, accept: str, most_s: float = 1800.0) -> None:
    """Ask for ``url`` until it is answered 200: a listing still being read is answered 503
    with ``Retry-After`` (asked again at once: the server waits a while before it says so)."""
    deadline = time.monotonic() + most_s
    while True:
        response = httpx.get(url, headers={"Accept": accept}, timeout=most_s)
        if response.status_code != 503 or "retry-after" not in response.headers:
            response.raise_for_status()
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} was still being read after {most_s:.0f} s")


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


def start(name: str, folder: Path, args: argparse.Namespace, cpus: str | None) -> Any:
    """The context manager that runs one of SERVERS on the store folder."""
    if name == "oxigraph":
        return oxigraph_server(folder, cpus)
    return govkg_server(
        folder,
        args.query_workers,
        args.govkg_pythonpath,
        cpus,
        args.settle,
        mode=name,
    )


def skipped(servers: list[str], kinds: list[str]) -> dict[str, list[str]]:
    """Server → the kinds of ``kinds`` it does not answer (pages), for servers that skip any."""
    found = {name: [kind for kind in kinds if not answers(name, kind)] for name in servers}
    return {name: missed for name, missed in found.items() if missed}


def bench_graph(folder: Path, actors: int, args: argparse.Namespace) -> dict[str, Any]:
    kinds = args.kinds.split(",")
    servers: list[str] = args.servers
    mix = queries(actors)
    pages = {
        "page": "/doc/state/" + ("S001" if actors else "USA"),
        "listing": "/queries/single-source-facts?page=2",
    }
    server_cpus, load_cpus = cpu_sets(args.pin)
    missed = skipped(servers, kinds)
    for name, names in missed.items():
        print(
            f"  {name}: skips {', '.join(names)} (govkg's pages: it serves none)", file=sys.stderr
        )
    rounds: list[dict[str, Any]] = []
    found: dict[str, dict[str, str]] = {name: {} for name in servers}
    for number in range(args.rounds):
        this: dict[str, Any] = {}
        for name in servers:
            with start(name, folder, args, server_cpus) as server:
                this[name] = {}
                for kind in kinds:
                    if not answers(name, kind):
                        continue
                    if kind in pages:
                        sparql, accept = None, "text/html"
                    else:
                        sparql, accept = mix[kind]
                        if number == 0:
                            found[name][kind] = answer_size(server, sparql, accept)
                    result = load(server, sparql, accept, args, pages.get(kind, ""), load_cpus)
                    this[name][kind] = result
                    print(
                        f"  round {number + 1} {name:<15}{kind:<10}{result['rps']:>8.0f} req/s  "
                        f"p50 {result['p50_ms']:4.0f} ms  p99 {result['p99_ms']:5.0f} ms  "
                        f"cpu {result['server_cpu_ms_per_request']:5.2f} ms/req  "
                        f"pss {result['pss_mb']:5.0f} MB ({result['processes']} processes)  "
                        f"errors {result['errors']}{_kinds(result)}  {machine_line()[9:]}",
                        file=sys.stderr,
                    )
                this[name]["peak_mb"] = server.peak_mb()
        rounds.append(this)
    return {
        "summary": summarise(rounds, kinds, found, servers),
        "rounds": rounds,
        "peak_mb": {n: max(r[n]["peak_mb"] for r in rounds) for n in servers},
        "pin": {"server_cpus": server_cpus, "load_cpus": load_cpus},
        "load_generator": _load_generator(rounds),
        "servers": servers,
        "skipped": missed,
    }


def _load_generator(rounds: list[dict[str, Any]]) -> str:
    """The load generator's command line, as the first load of the first round ran it."""
    for results in rounds[0].values() if rounds else ():
        for kind, result in results.items():
            if kind != "peak_mb":
                return str(result["load_generator"])
    return ""


_MEDIANS = (
    "rps",
    "p50_ms",
    "p99_ms",
    "server_cpu_ms_per_request",
    "rss_mb",
    "pss_mb",
    "processes",
)


def summarise(
    rounds: list[dict[str, Any]],
    kinds: list[str],
    answers: dict[str, dict[str, str]],
    servers: tuple[str, ...] | list[str] = ("govkg", "oxigraph"),
) -> dict[str, Any]:
    """Per kind and server: medians over the rounds, errors summed; and for each of govkg's
    modes the Oxigraph/govkg ratios (throughput: Oxigraph's req/s over govkg's; memory: govkg's
    PSS over Oxigraph's), under RATIO_PREFIX's keys (``ratio``, ``memory_ratio``, ``rss_ratio``
    for ``govkg serve``; ``endpoint_ratio`` … for ``govkg serve --sparql-only``)."""
    summary: dict[str, Any] = {}
    for kind in kinds:
        summary[kind] = {}
        for name in servers:
            runs = [r[name][kind] for r in rounds if kind in r.get(name, {})]
            if not runs:
                continue
            summary[kind][name] = {
                key: statistics.median(run[key] for run in runs) for key in _MEDIANS
            }
            summary[kind][name]["errors"] = sum(run["errors"] for run in runs)
            if all("first_s" in run for run in runs):
                summary[kind][name]["first_s"] = statistics.median(run["first_s"] for run in runs)
            summary[kind][name]["answer"] = answers.get(name, {}).get(kind, "")
        theirs = summary[kind].get("oxigraph")
        for mode, prefix in RATIO_PREFIX.items():
            ours = summary[kind].get(mode)
            if ours and theirs:
                summary[kind][prefix + "ratio"] = (
                    theirs["rps"] / ours["rps"] if ours["rps"] else float("inf")
                )
                summary[kind][prefix + "memory_ratio"] = ours["pss_mb"] / max(
                    theirs["pss_mb"], 1e-9
                )
                summary[kind][prefix + "rss_ratio"] = ours["rss_mb"] / max(theirs["rss_mb"], 1e-9)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="0x0,100x1000",
        help=f"0x0 is the shipped graph alone (others: {DEFAULT_SIZES})",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000, help="per query kind and round")
    parser.add_argument(
        "--seconds",
        type=float,
        default=15.0,
        help="stop sending a kind's requests after this many seconds",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default="lookup,aggregate,matrix,ask,construct,page,listing")
    parser.add_argument(
        "--servers",
        type=server_names,
        default=list(SERVERS),
        help="the servers to measure, each round in this order: govkg (govkg serve, with its "
        "pages), govkg-endpoint (govkg serve --sparql-only: SPARQL kinds only), oxigraph",
    )
    parser.add_argument(
        "--query-workers",
        type=int,
        default=None,
        help="govkg serve's warm processes, in both modes (default: govkg's)",
    )
    parser.add_argument("--govkg-pythonpath", help="extra PYTHONPATH for govkg's servers only")
    parser.add_argument(
        "--pin",
        choices=("split", "none"),
        default="split",
        help="split: servers on CPU 0, the load generator on CPU 1 (with 2 CPUs or more); "
        "none: no pinning",
    )
    parser.add_argument(
        "--load-generator",
        choices=("ab", "wrk"),
        default="ab",
        help="ab: HTTP/1.0 (its keep-alive honoured by the endpoint alone only); "
        "wrk: HTTP/1.1 keep-alive, --seconds long",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=900.0,
        help="wait at most this many seconds for govkg's start-up work before the load",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    project = find_project(ROOT)
    report: dict[str, Any] = {
        "machine_before": machine(),
        "clients": args.clients,
        "requests": args.requests,
        "rounds": args.rounds,
        "servers": args.servers,
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
    """One graph's table: a line per kind and server, each govkg mode's ratios to Oxigraph's."""
    name = "shipped graph" if not row["actors"] else f"{row['actors']}x{row['instruments']}"
    pin = row["pin"]
    where = (
        f"servers on CPU {pin['server_cpus']}, the load generator on CPU {pin['load_cpus']}"
        if pin["server_cpus"]
        else "no CPU pinning"
    )
    peaks = ", ".join(f"{n} {mb:,.0f} MB" for n, mb in row["peak_mb"].items())
    print(
        f"\n{name}: {row['quads']:,} quads, {clients} clients, {where}; load generator: "
        f"{row['load_generator']}; peak RSS (each server's process tree): {peaks}"
    )
    for server, kinds in row.get("skipped", {}).items():
        print(f"  {server} skipped {', '.join(kinds)}: govkg's pages, which it does not serve")
    print(
        f"  {'query':<10}{'server':<16}{'req/s':>8}{'p50':>6}{'p99':>6}{'cpu/req':>9}"
        f"{'PSS MB':>8}{'procs':>6}{'ox/this':>8}{'memory':>8}  answer"
    )
    for kind, servers in row["summary"].items():
        for number, server in enumerate(n for n in SERVERS if n in servers):
            print(_server_line(kind, server, servers, first=number == 0))


def _server_line(kind: str, server: str, servers: dict[str, Any], first: bool) -> str:
    """A kind's line for one server: its numbers; for a govkg mode, its ratios to Oxigraph's
    server (and the lookup target's verdict), and Oxigraph's answer where it differs."""
    ours, theirs = servers[server], servers.get("oxigraph")
    line = (
        f"  {kind if first else '':<10}{server:<16}{ours['rps']:>8.0f}{ours['p50_ms']:>6.0f}"
        f"{ours['p99_ms']:>6.0f}{ours['server_cpu_ms_per_request']:>7.2f}ms{ours['pss_mb']:>8.0f}"
        f"{ours['processes']:>6.0f}"
    )
    prefix = RATIO_PREFIX.get(server)
    verdict = same = ""
    if prefix is not None and prefix + "ratio" in servers:
        ratio, memory = servers[prefix + "ratio"], servers[prefix + "memory_ratio"]
        line += f"{ratio:>7.2f}x{memory:>7.1f}x"
        if kind == "lookup":
            met = ratio <= TARGET_RATIO and memory <= MEMORY_RATIO
            verdict = f" ({'met' if met else 'not met'}: {TARGET_RATIO}x, {MEMORY_RATIO:g}x)"
        if theirs and ours["answer"] != theirs["answer"]:
            same = f" (oxigraph: {theirs['answer']})"
    else:
        line += f"{'-':>8}{'-':>8}"
    errors = f"  ERRORS {ours['errors']}" if ours["errors"] else ""
    return f"{line}  {ours['answer']}{same}{verdict}{errors}".rstrip()


if __name__ == "__main__":
    main()
