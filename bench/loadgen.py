"""A load generator for ``govkg serve``: many concurrent clients, a mix of requests, latencies.

Used by the load test (a short run in CI) and by ``bench/http_load.py`` (the long run).  Loopback
only: it talks to a server the caller started.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

#: The mix of requests: resource pages, documents, canned queries and SPARQL.
MIX: tuple[tuple[str, dict[str, str]], ...] = (
    ("/doc/state/USA", {"Accept": "text/html"}),
    ("/doc/state/CHN.ttl", {}),
    ("/id/state/FRA", {"Accept": "text/turtle"}),
    ("/doc/instrument/paris-statement-2025", {"Accept": "text/html"}),
    ("/queries/stances-on-instrument.json", {}),
    ("/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:State }"), {}),
    ("/sparql?query=ASK%20%7B%7D", {}),
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class LoadResult:
    """Latencies in seconds of the requests that succeeded, and what went wrong with the rest."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    def summary(self) -> str:
        n = len(self.latencies) + len(self.errors)
        mean = statistics.fmean(self.latencies) if self.latencies else 0.0
        return (
            f"{n} requests in {self.seconds:.1f} s ({n / max(self.seconds, 1e-9):.0f}/s), "
            f"{len(self.errors)} errors, mean {mean * 1000:.0f} ms, "
            f"p50 {self.percentile(50) * 1000:.0f} ms, p99 {self.percentile(99) * 1000:.0f} ms"
        )


async def _client(base: str, jobs: asyncio.Queue[int], result: LoadResult) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while True:
            try:
                number = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            path, headers = MIX[number % len(MIX)]
            started = time.perf_counter()
            try:
                response = await client.get(path, headers=headers)
            except httpx.HTTPError as error:
                result.errors.append(f"{path}: {type(error).__name__}")
                continue
            if response.status_code >= 400:
                result.errors.append(f"{path}: {response.status_code} {response.text[:60]}")
            else:
                result.latencies.append(time.perf_counter() - started)


async def _runaway(base: str, stop: asyncio.Event, statuses: list[int]) -> None:
    """Keeps one runaway query in flight until ``stop`` is set."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while not stop.is_set():
            response = await client.get("/sparql", params={"query": RUNAWAY})
            statuses.append(response.status_code)


async def _run(base: str, requests: int, clients: int, runaways: int) -> LoadResult:
    jobs: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        jobs.put_nowait(number)
    result, stop, statuses = LoadResult(), asyncio.Event(), []
    background = [asyncio.create_task(_runaway(base, stop, statuses)) for _ in range(runaways)]
    if runaways:
        await asyncio.sleep(0.5)  # let the runaways start first
    started = time.perf_counter()
    await asyncio.gather(*(_client(base, jobs, result) for _ in range(clients)))
    result.seconds = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*background)
    result.errors += [f"runaway answered {s}" for s in statuses if s != 503]
    return result


def run_load(base: str, requests: int = 2000, clients: int = 50, runaways: int = 0) -> LoadResult:
    """Send ``requests`` GETs from ``clients`` concurrent clients, with ``runaways`` runaway
    queries kept in flight meanwhile."""
    return asyncio.run(_run(base, requests, clients, runaways))
