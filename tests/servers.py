"""Servers for the tests: the app in process (no socket) where HTTP over a socket is not what
is tested; for real, on free loopback ports, the app under uvicorn, ``oxigraph serve``, and the
read-only ``rdflib-endpoint`` and Comunica."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient


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


@contextmanager
def in_process(app: Starlette) -> Iterator[httpx.Client]:
    """A client calling ``app`` in this process (starlette's TestClient, base URL
    ``http://testserver``): no socket, the app's startup and shutdown run as under uvicorn, an
    error in the app is its 500 answer, redirects are not followed."""
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
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


def wait_until_answers(
    url: str, process: subprocess.Popen[bytes], seconds: float, what: str
) -> None:
    """Wait until a GET of ``url`` answers (any HTTP status), or fail naming ``what``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within {seconds:g} s") from None
            time.sleep(0.2)


def stop_group(process: subprocess.Popen[bytes], grace: float = 20) -> None:
    """Stop a server started in its own session, with every process it started: SIGTERM, then
    SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def child_processes(parent_pid: int, module: str) -> dict[int, str]:
    """The child processes of ``parent_pid`` whose command line names ``module``: pid → their
    command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().decode(errors="replace").replace("\0", " ")
        except (OSError, IndexError):
            continue
        if parent == parent_pid and module in command:
            found[int(entry.name)] = command
    return found


def port_of(base: str) -> int:
    """The port of a base URL (``http://HOST:PORT``)."""
    return int(base.rsplit(":", 1)[1])


@contextmanager
def running_sparql_only(
    *options: str, store: str | None = None, host: str = "127.0.0.1"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``govkg serve --sparql-only`` over the shipped project (its store in memory unless
    ``store`` names one) on a free loopback port: its base URL and its process, which is
    stopped on leaving with SIGTERM, as a user stops it (its query processes are its to stop)."""
    with running_serve("--sparql-only", *options, store=store, host=host) as running:
        yield running


@contextmanager
def running_serve(
    *options: str, store: str | None = None, host: str = "127.0.0.1"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``govkg serve`` with ``options`` over the shipped project (its store in memory unless
    ``store`` names one) on a free loopback port, once ``/sparql`` answers: its base URL and its
    process, stopped on leaving with SIGTERM (the processes it started are its to stop)."""
    from paths import ROOT

    port = free_port()
    command = [sys.executable, "-m", "govkg", "--root", str(ROOT)]
    command += ["--store", store] if store else []
    command += ["serve", "--host", host, "--port", str(port), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    try:
        wait_until_answers(base + "/sparql?query=ASK%7B%7D", process, 120, "govkg serve")
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()


@contextmanager
def running_rdflib_endpoint(data: Path) -> Iterator[str]:
    """``rdflib-endpoint serve FILE`` (rdflib's SPARQL engine behind FastAPI, installed with the
    [test] extras) on a free loopback port: read-only, no SPARQL Update, no Graph Store Protocol.
    Its one endpoint is ``/``; yields the --store value naming it for all three."""
    found = shutil.which("rdflib-endpoint") or str(
        Path(sys.executable).with_name("rdflib-endpoint")
    )
    assert Path(found).exists(), "rdflib-endpoint is installed with the [test] extras"
    port = free_port()
    process = subprocess.Popen(
        [found, "serve", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/", process, 120, "rdflib-endpoint")
        yield f"sparql+http://127.0.0.1:{port}/?query=.&update=.&store=."
    finally:
        stop_group(process)


#: Where scripts/install-test-tools.sh installs Comunica (npm package @comunica/query-sparql-file).
COMUNICA = Path(os.environ.get("GOVKG_TEST_TOOLS", "/opt/govkg-test-tools")) / "comunica"
#: Comunica's server listens on every address; this makes it listen on loopback only.
LOOPBACK_ONLY = Path(__file__).with_name("node_loopback.js")


@contextmanager
def running_comunica(data: Path) -> Iterator[str]:
    """Comunica's SPARQL endpoint (``comunica-sparql-file-http``) over the RDF file ``data`` on a
    free loopback port, its named graphs' union as the default graph: read-only (no update
    without ``-u``, no Graph Store Protocol).  Yields the --store value naming ``/sparql``."""
    program = COMUNICA / "node_modules" / ".bin" / "comunica-sparql-file-http"
    assert program.exists(), "run scripts/install-test-tools.sh (Comunica, from npm)"
    port = free_port()
    process = subprocess.Popen(
        [str(program), str(data), "--port", str(port), "--unionDefaultGraph"],
        env={**os.environ, "NODE_OPTIONS": f"--require {LOOPBACK_ONLY}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/sparql", process, 120, "Comunica")
        yield f"sparql+http://127.0.0.1:{port}/?query=sparql"
    finally:
        stop_group(process)


def read_request(connection: socket.socket) -> None:
    """Read a whole HTTP request (head and body), so that closing the connection sends no reset;
    a client that closes first ends it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n")
         if line.lower().startswith(b"content-length:")),
        0,
    )  # fmt: skip
    while len(body) < length:
        body += connection.recv(65536)
