"""Real servers for the tests: the app under uvicorn, and ``oxigraph serve``, on free loopback
ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_url(app: Starlette) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread until the block ends; its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def serve(app: Starlette) -> Iterator[httpx.Client]:
    """Serve ``app`` and give an HTTP client for it (redirects not followed)."""
    with serve_url(app) as base, httpx.Client(base_url=base, follow_redirects=False) as client:
        yield client


def oxigraph_binary() -> str:
    """The ``oxigraph`` server program installed with the [test] extras."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    assert Path(found).exists(), "the oxigraph server is installed with the [test] extras"
    return found


@contextmanager
def running_oxigraph(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``oxigraph serve`` on a free loopback port with its store in ``folder``: its --store
    value and its process (stopped on leaving, if still running)."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start within 20 s") from None
                time.sleep(0.1)
        yield f"sparql+http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        process.wait(timeout=10)
