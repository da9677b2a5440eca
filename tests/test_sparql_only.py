"""``govkg serve --sparql-only`` as its users see it, over real HTTP: the full server's answers,
byte for byte; its query processes replaced when they end, added behind a stalled client, and
stopped with it; what it refuses and how.  (The W3C protocol tests, the runaway queries and the
limits run on it in test_sparql_protocol.py.)"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from paths import ROOT
from servers import child_processes, free_port, port_of, running_sparql_only
from servers import serve as _serve

from govkg.load import rebuild
from govkg.server import ServerSettings, create_app
from govkg.store import Store

LOOKUP = (
    "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT ?actor ?kind WHERE { ?s gk:instrument "
    "<https://w3id.org/govkg/id/instrument/reaim-2026-pathways-to-action> ; gk:actor ?actor ; "
    "gk:stanceKind ?kind } ORDER BY ?actor ?kind"
)
ASKS = [
    (LOOKUP, "application/sparql-results+json"),
    (LOOKUP, "application/sparql-results+xml"),
    (LOOKUP, "text/csv"),
    (LOOKUP, "text/tab-separated-values"),
    # over the row cap (blank nodes left out: each snapshot of the store names its own)
    (
        "SELECT * WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) } ORDER BY ?s ?p ?o",
        "application/sparql-results+json",
    ),
    ("ASK { ?s ?p ?o }", "application/sparql-results+json"),
    ("CONSTRUCT WHERE { <https://w3id.org/govkg/id/state/USA> ?p ?o }", "text/turtle"),
    ("SELECT * WHERE { ?s ?p }", "application/sparql-results+json"),
]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with running_sparql_only("--max-rows", "50", "--query-workers", "1") as running:
        yield running


def _workers(supervisor: int) -> dict[int, str]:
    """The supervisor's query processes: pid → their command line."""
    return child_processes(supervisor, "govkg.server.endpoint_worker")


def _alive(pid: int) -> bool:
    """The process runs (a zombie waiting to be reaped has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(condition: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def test_answers_are_the_full_servers_bytes(
    endpoint: tuple[str, subprocess.Popen[bytes]], store: Store
) -> None:
    base, _process = endpoint
    with _serve(create_app(store, ServerSettings(max_rows=50))) as full:
        for query, accept in ASKS:
            ours = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": accept})
            theirs = full.get("/sparql", params={"query": query}, headers={"Accept": accept})
            assert ours.status_code == theirs.status_code, (query, accept, ours.text)
            assert ours.headers["content-type"] == theirs.headers["content-type"]
            assert ours.content == theirs.content, (query, accept)
            truncated = "x-govkg-truncated"
            assert ours.headers.get(truncated) == theirs.headers.get(truncated)
            assert ours.headers["connection"] == "keep-alive"
            assert ours.headers["access-control-allow-origin"] == "*"


def test_other_paths_methods_and_a_browsers_preflight(
    endpoint: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = endpoint
    for path in ("/", "/doc/state/USA", "/sparql/x"):
        response = httpx.get(base + path)
        assert response.status_code == 404
        assert response.text == "not found: this server answers SPARQL queries at /sparql only\n"
    deleted = httpx.delete(base + "/sparql")
    assert deleted.status_code == 405
    assert deleted.text.startswith("method DELETE not allowed")
    head = httpx.head(base + "/sparql", params={"query": "ASK {}"})
    get = httpx.get(base + "/sparql", params={"query": "ASK {}"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content)) != "0"
    preflight = httpx.options(
        base + "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    description = httpx.get(base + "/sparql")
    assert description.headers["content-type"].startswith("text/turtle")
    assert "sd:SPARQL11Query" in description.text


def test_a_request_line_too_long_is_one_line(
    endpoint: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = endpoint
    port = port_of(base)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(b"GET /sparql?query=" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n")
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ")
    assert body.count(b"\n") == 1 and b"Traceback" not in body
    assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_stalled_client_does_not_hold_up_the_others(
    endpoint: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """One warm process, held by a client that sends half a request and waits: the next query
    is answered by a process started for it, well before the stalled one is let go."""
    base, process = endpoint
    port = port_of(base)
    with socket.create_connection(("127.0.0.1", port)) as stalled:
        stalled.sendall(b"GET /sparql?query=ASK")
        time.sleep(0.3)
        started = time.monotonic()
        answer = httpx.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30)
        took = time.monotonic() - started
        assert answer.status_code == 200
        assert took < 8, f"the query waited {took:.1f} s behind a stalled client"
        assert len(_workers(process.pid)) == 2


def test_a_query_process_that_dies_is_replaced(
    endpoint: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = endpoint
    _wait_for(lambda: len(_workers(process.pid)) >= 1)
    victim = min(_workers(process.pid))
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: victim not in _workers(process.pid) and _workers(process.pid))
    response = httpx.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30)
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def test_stopping_ends_every_process_and_removes_the_snapshot() -> None:
    with running_sparql_only("--query-workers", "2") as (base, process):
        workers = _workers(process.pid)
        assert len(workers) == 2
        snapshot = Path(next(iter(workers.values())).split()[3])
        assert snapshot.is_dir() and snapshot.name.startswith("govkg-serve-")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert not any(_alive(pid) for pid in workers)
        assert not snapshot.exists()
        with pytest.raises(httpx.ConnectError):
            httpx.get(base + "/sparql", params={"query": "ASK {}"})


def test_a_store_folder_is_served_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    rebuild(ROOT, str(folder))
    with running_sparql_only(store=str(folder)) as (base, process):
        response = httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert response.json()["boolean"] is True
        assert all(str(folder) in line for line in _workers(process.pid).values())
    assert (folder / "CURRENT").exists()


def _govkg(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "govkg", "--root", str(ROOT), *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_what_it_refuses_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        busy = _govkg("serve", "--sparql-only", "--port", port)
    assert busy.returncode == 2
    assert busy.stderr.strip().splitlines()[-1] == (
        f"govkg serve: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
    asked = _govkg("serve", "--sparql-only", "--get", "/sparql")
    assert asked.returncode == 2
    assert "--get is answered by the full server" in asked.stderr
    remote = _govkg("--store", f"sparql+http://127.0.0.1:{free_port()}/", "serve", "--sparql-only")
    assert remote.returncode == 2
    for done in (busy, asked, remote):
        assert "Traceback" not in done.stderr


def test_a_client_that_sends_its_request_slowly_is_cut_off(
    endpoint: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """A byte every 2 s keeps no process for longer than the whole request's 10 s."""
    base, _process = endpoint
    port = port_of(base)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
        started = time.monotonic()
        slow.sendall(b"GET /sparql?query=ASK")
        slow.settimeout(2.0)
        answer = b""
        while time.monotonic() - started < 30:
            try:
                chunk = slow.recv(65536)
            except TimeoutError:
                with contextlib.suppress(OSError):
                    slow.sendall(b"%")
                continue
            if not chunk:
                break
            answer += chunk
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert answer.endswith(b"the request did not arrive within 10 s\n")
    assert 9.5 < took < 14


def test_query_processes_do_not_outlive_their_supervisor() -> None:
    """Nor its temporary files: the snapshot of the store in memory, the state file."""
    with running_sparql_only("--query-workers", "2") as (_base, process):
        workers = _workers(process.pid)
        arguments = next(iter(workers.values())).split()
        snapshot, state = Path(arguments[3]), Path(arguments[6])
        assert snapshot.is_dir() and state.is_file()
        process.kill()
        process.wait(timeout=10)
        try:
            _wait_for(lambda: not any(_alive(pid) for pid in workers), 10)
            assert not snapshot.exists() and not state.exists()
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)


def test_a_store_that_can_no_longer_be_opened_ends_the_server_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    rebuild(ROOT, str(folder))
    with running_sparql_only(store=str(folder)) as (_base, process):
        workers = _workers(process.pid)
        victim = min(workers)
        shutil.rmtree(folder)
        os.kill(victim, signal.SIGKILL)  # its replacement cannot open the store
        assert process.wait(timeout=60) == 2
        assert process.stderr is not None
        lines = process.stderr.read().decode().strip().splitlines()
    assert lines[-1] == "govkg serve: a query process could not open the store (see above)"
    assert lines[-2].startswith("govkg serve: a query process could not open the store: ")
    assert not any(_alive(pid) for pid in workers)  # the others stopped with it


def test_an_ipv6_address_is_served() -> None:
    with running_sparql_only("--query-workers", "1", host="::1") as (base, process):
        assert base.startswith("http://[::1]:")
        response = httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert response.json()["boolean"] is True
        process.terminate()
        process.wait(timeout=20)
        assert process.stderr is not None
        said = process.stderr.read().decode()
    assert f"govkg: serving SPARQL on {base}/sparql (1 query process;" in said


def test_the_access_log_has_a_line_for_each_answer_as_the_full_servers() -> None:
    """With --access-log, each answer is one line on stderr in uvicorn's format (the full
    server's), a query stopped at its time limit too, a control character escaped; without
    it, none."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running_sparql_only("--access-log", "--query-workers", "1") as (base, process):
        assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200
        with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as raw:
            raw.sendall(b"GET /doc/x\x1b[31m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert raw.makefile("rb").read().startswith(b"HTTP/1.1 404 ")
        stopped = httpx.get(
            base + "/sparql", params={"query": runaway, "timeout": "0.5"}, timeout=30
        )
        assert stopped.status_code == 503
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert process.stderr is not None
        logged = [
            line for line in process.stderr.read().decode().splitlines() if line.startswith("INFO:")
        ]
    peer = r"INFO:     127\.0\.0\.1:\d+ - "
    assert len(logged) == 4, logged  # the fixture's first ASK, then the three above
    assert re.fullmatch(peer + r'"GET /sparql\?query=ASK%7B%7D HTTP/1\.1" 200 OK', logged[0])
    assert re.fullmatch(peer + r'"GET /sparql\?query=ASK\+%7B%7D HTTP/1\.1" 200 OK', logged[1])
    assert re.fullmatch(peer + r'"GET /doc/x\\x1b\[31m HTTP/1\.1" 404 Not Found', logged[2])
    assert re.fullmatch(
        peer + r'"GET /sparql\?query=SELECT.* HTTP/1\.1" 503 Service Unavailable', logged[3]
    )
    with running_sparql_only("--query-workers", "1") as (base, process):
        assert httpx.get(base + "/sparql", params={"query": "ASK {}"}).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert process.stderr is not None
        assert "INFO:" not in process.stderr.read().decode()
