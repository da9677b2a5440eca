"""``govkg serve --sparql-only`` keeps a client's connection between its requests (HTTP/1.1
keep-alive, and HTTP/1.0's when asked), answers pipelined requests in order, closes what it
must, and moves kept connections off a process held by a slow query or keeping more than its
share.  Over real sockets with the standard library's own HTTP client."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import pytest
from servers import child_processes, port_of, running_sparql_only

from govkg.server.endpoint_connections import KEEP_IDLE

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/govkg/ontology#State> }"


@pytest.fixture(scope="module")
def one() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """One warm query process (more start only when it is held up)."""
    with running_sparql_only("--query-workers", "1", "--timeout", "30") as running:
        yield running


def _path(query: str) -> str:
    return "/sparql?query=" + quote(query)


def _get(
    connection: http.client.HTTPConnection, query: str, extra: str = ""
) -> http.client.HTTPResponse:
    accept = {"Accept": "application/sparql-results+json"}
    connection.request("GET", _path(query) + extra, headers=accept)
    response = connection.getresponse()
    response.read()
    return response


def _read_answer(reader: BinaryIO) -> tuple[str, dict[str, str], bytes]:
    """One answer read from a socket's file: its status line, headers, body."""
    status = reader.readline().decode()
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return status.strip(), headers, body


def test_a_connection_is_kept_request_after_request(
    one: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = one
    connection = http.client.HTTPConnection("127.0.0.1", port_of(base), timeout=30)
    first = _get(connection, "ASK {}")
    kept = connection.sock
    assert first.status == 200
    assert first.getheader("Connection") == "keep-alive"
    assert first.getheader("Keep-Alive") == f"timeout={KEEP_IDLE:g}"
    for query in (COUNT, "ASK { ?s ?p ?o }", COUNT):
        response = _get(connection, query)
        assert response.status == 200
        assert connection.sock is kept, "the client had to open a new connection"
    connection.close()


def test_pipelined_requests_are_answered_in_order(
    one: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = one
    request = "GET {} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
    queries = [COUNT, "ASK {}", "SELECT ?x WHERE { VALUES ?x { 7 } }"]
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as client:
        client.sendall("".join(request.format(_path(q)) for q in queries).encode())
        reader = client.makefile("rb")
        answers = [_read_answer(reader) for _ in queries]
    assert [status for status, _, _ in answers] == ["HTTP/1.1 200 OK"] * 3
    assert answers[0][2].startswith(b"n\r\n") and int(answers[0][2].split()[1]) > 100
    assert answers[1][2] == b"boolean\r\ntrue\r\n"
    assert answers[2][2] == b"x\r\n7\r\n"


@pytest.mark.parametrize(
    ("version", "connection", "kept"),
    [
        ("HTTP/1.1", "", True),
        ("HTTP/1.1", "Connection: close\r\n", False),
        ("HTTP/1.0", "", False),
        ("HTTP/1.0", "Connection: keep-alive\r\n", True),
    ],
)
def test_what_the_client_asks_is_done(
    one: tuple[str, subprocess.Popen[bytes]], version: str, connection: str, kept: bool
) -> None:
    base, _process = one
    request = f"GET {_path('ASK {}')} {version}\r\nHost: x\r\n{connection}\r\n".encode()
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as client:
        reader = client.makefile("rb")
        client.sendall(request)
        status, headers, _body = _read_answer(reader)
        assert status == "HTTP/1.1 200 OK"
        assert headers["connection"] == ("keep-alive" if kept else "close")
        if not kept:
            assert reader.read() == b"", "the server did not close the connection"
            return
        client.sendall(request)
        assert _read_answer(reader)[0] == "HTTP/1.1 200 OK"


def test_a_client_sending_back_to_back_does_not_have_the_process_to_itself(
    one: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """Two kept connections on the one process: 200 requests pipelined on the first, then, as
    the process answers them, one on the second, which is answered before the first's are
    all answered."""
    base, _process = one
    request = f"GET {_path('ASK {}')} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    port = port_of(base)
    with (
        socket.create_connection(("127.0.0.1", port), timeout=30) as other,
        socket.create_connection(("127.0.0.1", port), timeout=30) as eager,
    ):
        other_reader, eager_reader = other.makefile("rb"), eager.makefile("rb")
        for client, reader in ((other, other_reader), (eager, eager_reader)):
            client.sendall(request)
            assert _read_answer(reader)[1]["connection"] == "keep-alive"
        eager.sendall(request * 200)
        time.sleep(0.005)
        other.sendall(request)
        assert _read_answer(other_reader)[0] == "HTTP/1.1 200 OK"
        try:  # the eager client's answers written before the other's
            written = eager.recv(1 << 20, socket.MSG_DONTWAIT | socket.MSG_PEEK)
        except BlockingIOError:
            written = b""
        assert written.count(b"HTTP/1.1 200 OK") < 100, "the eager client's requests went first"
        answers = [_read_answer(eager_reader) for _ in range(200)]
    assert [status for status, _, _ in answers] == ["HTTP/1.1 200 OK"] * 200


def test_an_idle_kept_connection_is_closed_after_its_time(
    one: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = one
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=KEEP_IDLE + 10) as client:
        reader = client.makefile("rb")
        client.sendall(f"GET {_path('ASK {}')} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert _read_answer(reader)[1]["connection"] == "keep-alive"
        answered = time.monotonic()
        assert reader.read() == b""
        waited = time.monotonic() - answered
    assert KEEP_IDLE - 0.5 < waited < KEEP_IDLE + 4, waited


def test_a_body_nobody_reads_is_never_read_as_the_next_request(
    one: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """A GET with a body: its answer closes the connection, so the body (here a request of its
    own) is never answered."""
    base, _process = one
    smuggled = f"GET {_path('ASK {}')} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    head = f"GET {_path('ASK {}')} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(smuggled)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as client:
        reader = client.makefile("rb")
        client.sendall(head.encode() + smuggled)
        status, headers, _body = _read_answer(reader)
        assert status == "HTTP/1.1 200 OK" and headers["connection"] == "close"
        assert reader.read() == b""


def test_a_slow_query_does_not_hold_up_its_process_kept_connections(
    one: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """One warm process keeps a client's connection, then runs another client's query, which
    it stops at 8 s: the first client's next request on its kept connection is answered long
    before (by a process started for it, to which the connection moved)."""
    base, _process = one
    port = port_of(base)
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    assert _get(kept, "ASK {}").status == 200
    socket_before = kept.sock
    runaway = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(lambda: _get(runaway, RUNAWAY, "&timeout=8").status)
        time.sleep(0.6)
        started = time.monotonic()
        response = _get(kept, COUNT)
        took = time.monotonic() - started
        assert response.status == 200
        assert kept.sock is socket_before, "the kept connection was closed"
        assert took < 6, f"the request waited {took:.1f} s behind another client's query"
        assert slow.result(timeout=60) == 503
    kept.close()


def _established(port: int) -> set[str]:
    """The socket inodes of the server's side of established connections on ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    return inodes


def _sockets(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target[8:-1])
    return found


def _workers(supervisor: int) -> list[int]:
    return list(child_processes(supervisor, "govkg.server.endpoint_worker"))


def test_kept_connections_spread_over_the_processes() -> None:
    """Two processes, four clients that connect one after the other (maybe before the second
    process has started): as they go on sending requests, each process comes to keep two of
    their connections, whichever accepted them."""
    with running_sparql_only("--query-workers", "2") as (base, process):
        port = port_of(base)
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
        deadline = time.monotonic() + 30
        counts: list[int] = []
        while counts != [2, 2]:
            assert time.monotonic() < deadline, f"kept connections by process: {counts}"
            for client in clients:
                assert _get(client, COUNT).status == 200
            time.sleep(0.3)
            established = _established(port)
            counts = sorted(len(_sockets(pid) & established) for pid in _workers(process.pid))
        for client in clients:
            client.close()
