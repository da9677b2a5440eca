"""A remote server that misbehaves on the wire: a body cut short, a server that trickles its
answer a byte at a time. Each is one clear error within the store's one deadline, never a
traceback or an answer read forever. The misbehaving peer is a real TCP server on loopback."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from paths import ROOT
from servers import read_request, running_oxigraph

from govkg.errors import StoreError
from govkg.load import rebuild
from govkg.store import RemoteStore

HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n"
)
BODY = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'


@contextmanager
def peer(behave: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback server that reads one request and answers with ``behave``; its store URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(OSError):  # OSError: the client gave up
            read_request(connection)
            behave(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"sparql+http://127.0.0.1:{port}/"
    finally:
        listener.close()
        thread.join(timeout=10)


def cut(connection: socket.socket) -> None:
    connection.sendall(HEAD % len(BODY) + BODY[:20])


def trickle(connection: socket.socket) -> None:
    connection.sendall(HEAD % len(BODY))
    for byte in BODY:
        connection.sendall(bytes([byte]))
        time.sleep(0.25)


def test_a_body_cut_short_is_an_error() -> None:
    with peer(cut) as spec:
        store = RemoteStore.from_spec(spec)
        with pytest.raises(StoreError) as error:
            store.query("SELECT ?x WHERE { ?x ?p ?o }")
    assert str(error.value) == (
        f"{store.endpoints.query} ended its answer early (20 bytes of {len(BODY)}): "
        "the answer is incomplete"
    )


def test_a_trickling_server_is_given_up_on_at_the_deadline() -> None:
    """Each byte comes within 0.25 s, far below the timeout: only a deadline for the whole
    exchange stops it (the whole answer would take 14 s)."""
    with peer(trickle) as spec:
        store = RemoteStore.from_spec(spec, timeout=1.5)
        started = time.monotonic()
        with pytest.raises(StoreError) as error:
            store.query("SELECT ?x WHERE { ?x ?p ?o }")
        waited = time.monotonic() - started
    assert str(error.value) == f"{store.endpoints.query} did not answer within 1.5 s"
    assert waited < 3


def test_a_server_killed_during_a_load_is_described_truthfully(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """``oxigraph serve`` is killed while ``govkg load`` reads the project's files: one Error
    line, exit 2, naming what failed and what the server holds now (it cannot be asked)."""
    root = tmp_path_factory.mktemp("killed")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "graph" / "reference", root / "graph" / "reference")
    with running_oxigraph(tmp_path_factory.mktemp("server")) as (spec, process):
        rebuild(root, spec)  # a previous version on the server
        read: list[str] = []

        def progress(name: str) -> None:
            read.append(name)
            if len(read) == 3:
                process.kill()
                process.wait(timeout=10)

        with pytest.raises(StoreError) as error:
            rebuild(root, spec, progress)
    message = str(error.value)
    assert message.startswith("cannot reach http://127.0.0.1:")
    assert message.endswith(
        "; the server could not be asked what it holds now; govkg had dropped its previous "
        "graphs first: run govkg load again once it answers"
    )
    assert "\n" not in message


def test_a_load_whose_store_endpoint_refuses_writes_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A store endpoint that refuses a write (here: one that does not exist, 404) is found by
    the test write before govkg drops anything: the previous version stays whole."""
    root = tmp_path_factory.mktemp("refused")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    with running_oxigraph(tmp_path_factory.mktemp("server")) as (spec, _process):
        rebuild(root, spec)
        before = len(RemoteStore.from_spec(spec))
        broken = spec + "?store=no-such-endpoint"
        with pytest.raises(StoreError) as error:
            rebuild(root, broken)
        held = len(RemoteStore.from_spec(spec))
    assert held == before > 0
    assert " answered 404 " in str(error.value)
    assert str(error.value).endswith("; nothing was changed on the server")


@contextmanager
def refusing_uploads_after(upstream: str, allowed: int) -> Iterator[str]:
    """A loopback proxy to the server ``upstream`` that forwards every request but answers 500
    to the Graph Store uploads after the first ``allowed``: a server that fails mid-load while
    it still answers queries.  Its store URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    base = upstream.removeprefix("sparql+").rstrip("/")
    uploads = 0

    class Proxy(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            nonlocal uploads
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/store"):
                uploads += 1
                if uploads > allowed:
                    self.send_error(500, "refused")
                    return
            request = urllib.request.Request(base + self.path, data=body, method="POST",
                                             headers=dict(self.headers))  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, data, kind = answer.status, answer.read(), answer.headers
            except urllib.error.HTTPError as error:
                status, data, kind = error.code, error.read(), error.headers
            self.send_response(status)
            self.send_header("Content-Type", kind.get("Content-Type", "text/plain"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"sparql+http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_load_that_fails_on_a_live_server_says_what_it_holds(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The server takes the test write and one upload, then refuses the next (500) after
    govkg dropped its graphs: the message counts what the server now holds."""
    root = tmp_path_factory.mktemp("refused-later")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    with running_oxigraph(tmp_path_factory.mktemp("server")) as (spec, _process):
        rebuild(root, spec)
        with refusing_uploads_after(spec, 2) as proxy, pytest.raises(StoreError) as error:
            rebuild(root, proxy)
        held = len(RemoteStore.from_spec(spec))
    assert held > 0
    assert " answered 500 refused" in str(error.value)
    assert str(error.value).endswith(
        f"; the server now holds {held:,} quads of govkg's graphs and no complete version (govkg "
        "had dropped its previous graphs first): run govkg load again"
    )
