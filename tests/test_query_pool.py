"""The pool of query processes grows only behind slow queries: a flood of fast ones queues for
the warm processes (more processes than cores would only share them), a runaway gets the others
a process of their own.  Real uvicorn on loopback, real query processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from servers import child_processes, free_port, serve

from govkg.server import ServerSettings, create_app
from govkg.store import Store

LOOKUP = (
    "SELECT ?actor ?kind WHERE { ?s gk:instrument instrument:paris-statement-2025 ; "
    "gk:actor ?actor ; gk:stanceKind ?kind }"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def query_processes(parent_pid: int | None = None, module: str = "govkg.server.worker") -> set[int]:
    """The children of ``parent_pid`` (default: this test process) that are govkg query
    processes (other tests' servers in this process may have some too): the app's pool's
    (``govkg.server.worker``), or those of ``govkg serve``'s supervisor
    (``govkg.server.endpoint_worker``)."""
    parent_pid = os.getpid() if parent_pid is None else parent_pid
    return set(child_processes(parent_pid, module))


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


@pytest.mark.parametrize("cpus", [1, 4])
def test_one_warm_process_per_cpu_the_server_may_use(cpus: int) -> None:
    """``govkg serve`` without --query-workers keeps one query process per CPU it may run on
    (more would only share the CPUs): under ``taskset -c 0``, one; on this machine's CPUs (at
    most 4 of them), one each."""
    allowed = sorted(os.sched_getaffinity(0))[:cpus]
    port = free_port()
    command = [sys.executable, "-m", "govkg", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.sched_setaffinity(0, allowed),
    )
    try:
        answered = _wait_for_sparql(f"http://127.0.0.1:{port}/sparql", seconds=60)
        assert answered, "govkg serve did not answer within 60 s"
        assert len(query_processes(server.pid, "govkg.server.endpoint_worker")) == len(allowed)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_sparql(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return False
