"""Load on a real ``govkg serve`` process: many concurrent clients, with and without runaway
queries in flight, and not one error.  The short form of ``bench/http_load.py`` (2,000
requests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from paths import ROOT

BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

from http_load import served  # noqa: E402
from loadgen import MIX, run_load  # noqa: E402

REQUESTS = 350
CLIENTS = 50


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served(timeout=2.0) as url:
        yield url


@pytest.mark.parametrize("runaways", [0, 2])
def test_many_clients_get_no_errors(base: str, runaways: int) -> None:
    result = run_load(base, REQUESTS, CLIENTS, runaways)
    print(f"\n{runaways} runaway queries in flight: {result.summary()}")
    assert result.errors == []
    assert len(result.latencies) == REQUESTS >= len(MIX)  # every kind of request, many times


def test_a_query_process_whose_server_went_away_exits_quietly(tmp_path: Path) -> None:
    """A query process the server no longer listens to (stopped, or given up on while it was
    starting) ends without a traceback on the terminal."""
    import subprocess

    import pyoxigraph as ox

    from govkg.store import OxigraphStore

    store = OxigraphStore(tmp_path / "db")
    store.load([ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"))])
    del store
    process = subprocess.Popen(
        [sys.executable, "-m", "govkg.server.worker", str(tmp_path / "db")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout and process.stdin and process.stderr
    process.stdout.close()  # the server is gone before the process could say it is ready
    process.stdin.close()
    process.wait(timeout=60)
    err = process.stderr.read()
    assert b"Traceback" not in err, err.decode()
    assert process.returncode == 0
