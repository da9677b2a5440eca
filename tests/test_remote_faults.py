"""A remote server that misbehaves on the wire: a body cut short, a server that trickles its
answer a byte at a time. Each is one clear error within the store's one deadline, never a
traceback or an answer read forever. The misbehaving peer is a real TCP server on loopback."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from govkg.errors import StoreError
from govkg.remote import RemoteStore

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


def read_request(connection: socket.socket) -> None:
    """Read the whole request (head and body), so that closing sends no reset."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n")
         if line.lower().startswith(b"content-length:")),
        0,
    )  # fmt: skip
    while len(body) < length:
        body += connection.recv(65536)


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
