"""Load on ``govkg serve``: 2,000 requests from 50 concurrent clients, then the same with two
runaway queries in flight; latencies (mean, p50, p99) and errors on stdout.

    .venv/bin/python bench/http_load.py [--requests 2000] [--clients 50] [--timeout 5]

It starts ``govkg serve`` on a free loopback port over the project's graph and stops it after.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from loadgen import run_load

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(timeout: float, root: Path = ROOT) -> Iterator[str]:
    """``govkg serve`` in its own process on a free loopback port; its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "govkg", "--root", str(root), "serve",
               "--port", str(port), "--timeout", str(timeout)]  # fmt: skip
    # Its log goes to a file, never a pipe: a pipe nobody reads fills and stops the server, and
    # reading one to its end waits for every process that holds it (the query processes too).
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not _answers(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    process.terminate()
                    process.wait(timeout=30)
                    log.seek(0)
                    raise RuntimeError("govkg serve did not start: " + log.read().decode())
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/sparql?query=ASK%7B%7D", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's query timeout")
    options = parser.parse_args()
    with served(options.timeout) as base:
        for runaways in (0, 2):
            result = run_load(base, options.requests, options.clients, runaways)
            print(f"{runaways} runaway queries in flight: {result.summary()}")
            for error in sorted(set(result.errors))[:10]:
                print(f"  error: {error}")


if __name__ == "__main__":
    main()
