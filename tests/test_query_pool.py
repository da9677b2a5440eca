"""The pool of query processes grows only behind slow queries: a flood of fast ones queues for
the warm processes (more processes than cores would only share them), a runaway gets the others
a process of their own.  Real uvicorn on loopback, real query processes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from servers import serve

from govkg.server import ServerSettings, create_app
from govkg.store import Store

LOOKUP = (
    "SELECT ?actor ?kind WHERE { ?s gk:instrument instrument:paris-statement-2025 ; "
    "gk:actor ?actor ; gk:stanceKind ?kind }"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def query_processes() -> set[int]:
    """This test process's children that are govkg query processes (other tests' servers in
    this process may have some too)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == os.getpid() and b"govkg.server.worker" in command:
            found.add(int(entry.name))
    return found


@pytest.fixture
def client(store: Store) -> Iterator[httpx.Client]:
    settings = ServerSettings(timeout_s=3.0, query_workers=2, max_query_workers=6)
    with serve(create_app(store, settings)) as http:  # no lifespan: processes start on demand
        assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        yield http


@pytest.fixture
def others() -> set[int]:
    """Query processes of other tests' servers, there before this test's."""
    return query_processes()


def ours(others: set[int]) -> int:
    return len(query_processes() - others)


def test_a_flood_of_fast_queries_keeps_the_warm_processes(
    others: set[int], client: httpx.Client
) -> None:
    def lookup(_: int) -> int:
        return client.get("/sparql", params={"query": LOOKUP}).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lookup, range(400)))
    assert statuses == [200] * 400
    assert ours(others) == 2


def test_a_runaway_gets_the_others_a_process(others: set[int], client: httpx.Client) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        runaways = [
            pool.submit(client.get, "/sparql", params={"query": RUNAWAY}, timeout=30)
            for _ in range(2)
        ]
        time.sleep(0.5)
        started = time.monotonic()
        fast = client.get("/sparql", params={"query": LOOKUP}, timeout=30)
        waited = time.monotonic() - started
        busy = sum(not r.done() for r in runaways)
        during = ours(others)
        assert [r.result().status_code for r in runaways] == [503, 503]
    assert fast.status_code == 200
    assert busy == 2, f"the lookup waited for the runaways ({waited:.1f} s)"
    assert during >= 3  # the two runaways' processes and the one started for the lookup
