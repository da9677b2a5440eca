"""``govkg serve`` on the embedded store as its users see it, over real HTTP: its query
processes answer ``/sparql`` and relay every other request to the pages process, and the client
gets the app's answer, byte for byte; the pages process started on demand and again after it
ended; a relayed request that holds no query process; the query page's runaway query stopped
by the query processes; the access log; the supervisor's 503 while the pages cannot start."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from imported import imported_packages
from paths import ROOT
from servers import child_processes, port_of, running_serve, serve_url

from govkg.project import Project
from govkg.server import ServerSettings, create_app
from govkg.server.endpoint_full import error_answer
from govkg.server.endpoint_pages import ARENAS, RETRY, PagesProcess
from govkg.server.execute import Job
from govkg.server.front_runner import FrontRunner, to_answer
from govkg.server.results import TRUNCATED, Answer
from govkg.server.runner import ProcessRunner
from govkg.store import Store

PAGES = "govkg.server.pages_process"
GOVKG = (sys.executable, "-m", "govkg", "--root", str(ROOT))
TIMEOUT = 1.0
LOOKUP = (
    "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT ?actor ?kind WHERE { ?s gk:instrument "
    "<https://w3id.org/govkg/id/instrument/reaim-2026-pathways-to-action> ; gk:actor ?actor ; "
    "gk:stanceKind ?kind } ORDER BY ?actor ?kind"
)
CONSTRUCT = "CONSTRUCT WHERE { <https://w3id.org/govkg/id/state/USA> ?p ?o }"
#: A query that runs far longer than TIMEOUT (every triple, three times over, counted).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: Headers of the connection and of the server program, not of the answer.
HOP = {"date", "server", "connection", "keep-alive"}
#: The supervisor's answer while the pages process cannot start.
UNAVAILABLE = "the pages could not start (the server's log says why); try again in a moment\n"


@pytest.fixture(scope="module")
def front() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """One ``govkg serve`` for the module: one warm query process, its pages process started
    at the first page request, the access log on, queries stopped at TIMEOUT."""
    options = ("--query-workers", "1", "--timeout", f"{TIMEOUT:g}")
    with running_serve(*options, "--pages-on-demand", "--access-log") as running:
        assert running[1].stderr is not None
        os.set_blocking(running[1].stderr.fileno(), False)
        yield running


def _pages(supervisor: int) -> dict[int, str]:
    return child_processes(supervisor, PAGES)


def _wait_for(condition: Callable[[], object], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def _logged(process: subprocess.Popen[bytes]) -> list[str]:
    """The access log's lines written on the server's stderr since the last call."""
    assert process.stderr is not None
    data = b""
    while True:
        try:
            chunk = os.read(process.stderr.fileno(), 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    return [line for line in data.decode().splitlines() if line.startswith("INFO:")]


def _ask(base: str, query: str = "ASK {}") -> httpx.Response:
    return httpx.get(base + "/sparql", params={"query": query}, timeout=30)


def test_the_pages_process_starts_at_the_first_page_request(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """First in the module: no page has been asked for yet."""
    base, process = front
    for query in ("ASK {}", LOOKUP, CONSTRUCT):
        assert _ask(base, query).status_code == 200
    assert httpx.get(base + "/sparql").status_code == 200  # the service description
    assert _pages(process.pid) == {}
    page = httpx.get(base + "/", timeout=60)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.text.startswith("<!DOCTYPE html>")
    assert len(_pages(process.pid)) == 1


#: (method, path, query parameters, headers, body) of the requests compared.
Request = tuple[str, str, dict[str, str], dict[str, str], bytes | None]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
REQUESTS: list[Request] = [
    ("GET", "/sparql", {"query": LOOKUP}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", "/sparql", {"query": LOOKUP}, {"Accept": "text/csv"}, None),
    ("GET", "/sparql", {"query": LOOKUP}, {"Accept": "text/tab-separated-values"}, None),
    ("GET", "/sparql", {"query": LOOKUP}, {"Accept": "application/sparql-results+xml"}, None),
    ("GET", "/sparql", {"query": CONSTRUCT}, {"Accept": "text/turtle"}, None),
    ("GET", "/sparql", {"query": CONSTRUCT}, {"Accept": "application/n-triples"}, None),
    ("GET", "/sparql", {"query": "SELECT * WHERE { ?s ?p }"}, {"Accept": "text/plain"}, None),
    ("GET", "/sparql", {"query": "SELECT * WHERE { ?s ?p }"}, {"Accept": BROWSER}, None),
    ("GET", "/sparql", {"query": LOOKUP}, {"Origin": "https://example.org"}, None),
    ("GET", "/sparql", {}, {"Accept": "*/*"}, None),
    ("GET", "/sparql", {}, {"Accept": BROWSER}, None),
    ("HEAD", "/sparql", {"query": LOOKUP}, {}, None),
    ("HEAD", "/sparql", {}, {}, None),
    ("POST", "/sparql", {}, FORM, b"query=ASK+%7B+%3Fs+%3Fp+%3Fo+%7D"),
    ("POST", "/sparql", {}, {"Content-Type": "application/sparql-query"}, LOOKUP.encode()),
    ("POST", "/sparql", {}, {"Content-Type": "application/sparql-update"}, b"CLEAR ALL"),
    ("GET", "/sparql", {"query": LOOKUP, "timeout": "soon"}, {}, None),
    ("GET", "/sparql", {"query": LOOKUP}, {"Accept": "image/png"}, None),
    ("DELETE", "/sparql", {}, {}, None),
    (
        "OPTIONS",
        "/sparql",
        {},
        {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
        None,
    ),
    ("GET", "/", {}, {"Accept": BROWSER}, None),
    ("GET", "/", {}, {"Origin": "https://example.org"}, None),
    ("GET", "/id/state/USA", {}, {"Accept": BROWSER}, None),
    ("GET", "/doc/state/USA.ttl", {}, {}, None),
    ("GET", "/doc/state/no-such-state", {}, {"Accept": BROWSER}, None),
    ("GET", "/style.css", {}, {}, None),
    (
        "POST",
        "/reconcile",
        {},
        FORM,
        b"queries=" + json.dumps({"q0": {"query": "France"}}).encode(),
    ),
    ("GET", "/query", {"query": LOOKUP}, {"Accept": BROWSER}, None),
]


def _comparable(response: httpx.Response) -> dict[str, str]:
    """The answer's headers, names lower-cased, the connection's and server's left out.  A 405's
    ``Allow`` is compared as a set: Starlette keeps a route's methods in a set, whose order
    depends on each process's string hashing (the pages process and this one differ)."""
    headers = {
        name.lower(): value for name, value in response.headers.items() if name.lower() not in HOP
    }
    if "allow" in headers:
        headers["allow"] = ", ".join(sorted(headers["allow"].split(", ")))
    return headers


def _differences(ours: httpx.Response, theirs: httpx.Response) -> list[str]:
    """What differs between two answers to the same request: status, headers, body."""
    found = []
    if ours.status_code != theirs.status_code:
        found.append(f"status {ours.status_code} != {theirs.status_code}")
    mine, its = _comparable(ours), _comparable(theirs)
    found += [
        f"{name}: {mine.get(name)!r} != {its.get(name)!r}"
        for name in sorted(mine.keys() | its.keys())
        if mine.get(name) != its.get(name)
    ]
    if ours.content != theirs.content:
        found.append(f"body {ours.content[:120]!r} != {theirs.content[:120]!r}")
    return found


def test_answers_are_the_apps_bytes(
    front: tuple[str, subprocess.Popen[bytes]], store: Store
) -> None:
    """Each request, to ``govkg serve`` and to the app alone (same project, same limits, its
    queries in a query process as the server's, the same Host): the same status, headers and
    body.  Every difference is listed at once."""
    base, _process = front
    runner = ProcessRunner(store, 1, 1)
    app = create_app(store, ServerSettings(timeout_s=TIMEOUT), Project(ROOT), runner=runner)
    differences = []
    try:
        with serve_url(app) as alone:
            for method, path, params, headers, body in REQUESTS:
                asked = {"Host": "govkg.example", **headers}
                ours, theirs = (
                    httpx.request(
                        method, url + path, params=params, headers=asked, content=body, timeout=30
                    )
                    for url in (base, alone)
                )
                what = f"{method} {path}?{'&'.join(params)} {headers}"
                differences += [f"{what}: {found}" for found in _differences(ours, theirs)]
    finally:
        runner.close()
    assert not differences, "\n".join(differences)


def test_a_pages_process_that_ends_is_started_again(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """Killed, it is not started again for RETRY seconds (an ended process counts as failed:
    the pages' requests meanwhile are answered 503), then at the next request."""
    base, process = front
    if not _pages(process.pid):
        assert httpx.get(base + "/", timeout=60).status_code == 200
    (victim,) = _pages(process.pid)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + RETRY + 30
    while True:
        page = httpx.get(base + "/", timeout=60)
        if page.status_code == 200:
            break
        assert page.status_code == 503, page.text
        assert page.text == UNAVAILABLE
        assert time.monotonic() < deadline, "no pages process within the time"
        time.sleep(0.5)
    assert page.text.startswith("<!DOCTYPE html>")
    (started,) = _pages(process.pid)
    assert started != victim


def _workers(supervisor: int) -> set[int]:
    return set(child_processes(supervisor, "govkg.server.endpoint_worker"))


def test_a_relayed_request_does_not_hold_the_query_process(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """A page request whose body is slow to come waits in a thread: the one query process
    answers a query meanwhile, and no extra process is started for it (one is after
    ``endpoint.SLOW`` seconds of a busy process)."""
    base, process = front
    assert httpx.get(base + "/", timeout=60).status_code == 200  # the pages process is up
    _wait_for(lambda: len(_workers(process.pid)) == 1, 40)  # an extra one ends idle at 30 s
    workers = _workers(process.pid)
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as held:
        held.sendall(
            b"POST /reconcile HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
            b"queries="
        )
        time.sleep(1.0)
        started = time.monotonic()
        answer = _ask(base, LOOKUP)
        took = time.monotonic() - started
        assert answer.status_code == 200
        assert took < 3, f"the query waited {took:.1f} s behind a relayed request"
        assert _workers(process.pid) == workers
        held.sendall(b"x" * 92)  # the body, whole (not a valid batch: the app's 400)
        reply = held.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 400 "), reply[:200]


def test_a_chunked_request_body_is_refused(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = front
    answer = _exchanged(
        base,
        b"POST /reconcile HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        b"5\r\nq=abc\r\n0\r\n\r\n",
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411 "), head
    assert body == b"a request body needs a Content-Length header here\n"


def _exchanged(base: str, sent: bytes) -> bytes:
    """What the server answers, up to its closing the connection, to ``sent`` on a new one."""
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as client:
        client.sendall(sent)
        return client.makefile("rb").read()


def _sent(base: str, path: str, body: bytes) -> httpx.Response | str:
    """The answer to a form POST of ``body`` to ``path``, or what went wrong instead."""
    try:
        return httpx.post(base + path, content=body, headers=FORM, timeout=30)
    except httpx.HTTPError as error:
        return f"no answer: {type(error).__name__}: {error}"


def test_a_relayed_request_refused_before_its_body_has_the_apps_answer(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """The app may answer without reading a body (a path it does not have; a body over the
    limit, from its Content-Length) and close: the client gets that answer, as from the app."""
    base, _process = front
    missing = _sent(base, "/no-such-page", b"x" * 300_000)
    assert isinstance(missing, httpx.Response), missing
    assert (missing.status_code, missing.text) == (404, "Not Found")
    large = _sent(base, "/reconcile", b"x" * 2_000_000)
    assert isinstance(large, httpx.Response), large
    assert large.status_code == 413, large.text
    assert large.json() == {"error": "request body over 1000000 bytes"}


def test_a_relayed_request_that_expects_100_continue_gets_it(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """A client that sends ``Expect: 100-continue`` waits for ``100 Continue`` before its body
    (curl, for a large body, waits 1 s; other clients longer): the app under uvicorn sends it
    when it reads the body."""
    base, process = front
    body = b"queries=" + json.dumps({"q0": {"query": "France"}}).encode()
    with socket.create_connection(("127.0.0.1", port_of(base)), timeout=30) as client:
        client.sendall(
            b"POST /reconcile HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        client.settimeout(3)
        try:
            interim = client.recv(65536)
        except TimeoutError:
            interim = b""
        client.settimeout(30)
        client.sendall(body)
        rest = client.makefile("rb").read()
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n", (interim, rest[:100])
    while rest.startswith(b"HTTP/1.1 100 "):  # another interim answer may follow: allowed
        rest = rest.partition(b"\r\n\r\n")[2]
    assert rest.startswith(b"HTTP/1.1 200 OK\r\n"), rest[:200]
    time.sleep(0.3)
    assert _logged(process)[-1].endswith('"POST /reconcile HTTP/1.1" 200 OK')


def test_a_runaway_query_of_the_query_page_is_stopped(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """The query page's query runs in a query process, stopped at --timeout: the page says so,
    and the server answers queries afterwards."""
    base, _process = front
    started = time.monotonic()
    try:
        page = httpx.get(base + "/query", params={"query": RUNAWAY}, timeout=60)
    except httpx.RemoteProtocolError as error:
        pytest.fail(f"the query page's connection was closed without an answer: {error}")
    took = time.monotonic() - started
    assert took < TIMEOUT + 6, f"the query page took {took:.1f} s"
    assert page.status_code == 503
    assert f"the query did not finish within {TIMEOUT:g} s and was stopped" in page.text
    assert page.text.startswith("<!DOCTYPE html>")
    assert _ask(base, LOOKUP).status_code == 200


def test_the_access_log_has_a_line_for_a_relayed_answer_and_a_query(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, process = front
    time.sleep(0.3)
    _logged(process)  # the earlier tests' lines
    assert httpx.get(base + "/", timeout=60).status_code == 200
    assert _ask(base).status_code == 200
    lines: list[str] = []
    deadline = time.monotonic() + 10
    while len(lines) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        lines += _logged(process)
    time.sleep(0.3)
    lines += _logged(process)
    peer = r"INFO:     127\.0\.0\.1:\d+ - "
    assert len(lines) == 2, lines
    assert any(re.fullmatch(peer + r'"GET / HTTP/1\.1" 200 OK', x) for x in lines), lines
    assert any(
        re.fullmatch(peer + r'"GET /sparql\?query=ASK\+%7B%7D HTTP/1\.1" 200 OK', x) for x in lines
    ), lines


def test_the_supervisor_answers_503_while_the_pages_cannot_start(tmp_path: Path) -> None:
    """A pages process ended with an error less than RETRY seconds ago: the request waiting on
    the pages' socket is answered 503 by the supervisor's side, no process is started."""
    pages = PagesProcess(str(ROOT), str(tmp_path), {}, "http://127.0.0.1:9/sparql", on_demand=True)
    directory = Path(pages.directory)
    try:
        pages.failed_at = time.monotonic()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect(pages.path)
            client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            pages.look()
            answer = client.makefile("rb").read()
        assert pages.process is None
    finally:
        pages.stop()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    assert b"Content-Type: text/plain; charset=utf-8" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert body == UNAVAILABLE.encode()
    assert not directory.exists()


def test_the_pages_process_starts_without_the_libraries_a_page_may_not_need() -> None:
    """The pages process imports no HTTP client (its queries use the standard library), and
    neither rdflib, networkx nor rapidfuzz before a request needs them: its memory counts
    beside the query processes' (about 20 MB less at its start)."""
    heavy = ["httpx", "rich", "pygments", "rdflib", "networkx", "rapidfuzz"]
    assert imported_packages(["govkg.server.pages_process"], heavy) == []


def test_the_front_runner_keeps_the_endpoints_answer() -> None:
    stopped = to_answer(
        503,
        {"content-type": "text/plain; charset=utf-8"},
        b"the query did not finish within 1 s and was stopped\n",
    )
    assert stopped.status == 503
    assert stopped.message == "the query did not finish within 1 s and was stopped"
    assert stopped.body == b"the query did not finish within 1 s and was stopped\n"
    rows = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
    media = "application/sparql-results+json"
    cut = to_answer(200, {"content-type": media, TRUNCATED.lower(): "true"}, rows)
    assert (cut.status, cut.media_type, cut.body) == (200, media, rows)
    assert cut.headers == {"Vary": "Accept", TRUNCATED: "true"}
    whole = to_answer(200, {"content-type": media}, rows)
    assert TRUNCATED not in whole.headers


def test_the_front_runner_keeps_its_connection_and_sends_again_when_it_was_closed(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """The pages' queries reuse one kept connection; one the server has closed (its query
    process ended, and another took its place) is found closed when used and the query is sent
    again on a new one, answered."""
    base, process = front
    runner = FrontRunner(base + "/sparql")
    job = Job(LOOKUP, accept="application/sparql-results+json")
    first = asyncio.run(runner.run(job, TIMEOUT))
    assert first.status == 200 and b'"bindings"' in first.body
    ((_used, kept),) = runner._kept
    again = asyncio.run(runner.run(job, TIMEOUT))
    assert again.body == first.body
    assert runner._kept == [(runner._kept[0][0], kept)]  # the same connection, kept again
    (victim,) = _workers(process.pid)
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: _workers(process.pid) - {victim})
    late = asyncio.run(runner.run(job, TIMEOUT))
    assert late.body == first.body
    assert runner._kept[0][1] is not kept  # sent again on a new connection, now kept
    runner.close()
    assert runner._kept == []


def test_the_pages_process_starts_with_the_server_by_default() -> None:
    """Without ``--pages-on-demand`` the pages are ready before the first page request: the
    pages process runs once ``/sparql`` answers, and a page is answered.  It runs with two
    malloc arenas (its threads' arenas otherwise keep what a listing's read freed)."""
    with running_serve("--query-workers", "1") as (base, process):
        _wait_for(lambda: len(_pages(process.pid)) == 1)
        page = httpx.get(base + "/doc/state/USA", timeout=60)
        assert page.status_code == 200
        assert "United States" in page.text
        (pid,) = _pages(process.pid)
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"MALLOC_ARENA_MAX={ARENAS}".encode() in environment


def test_a_head_stopped_at_its_time_limit_gets_no_body(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """The 503 a query's watchdog sends to a HEAD is a head alone, as the app's would be."""
    base, _process = front
    target = "/sparql?" + urlencode({"query": RUNAWAY})
    # all the process sends before it ends
    answer = _exchanged(base, f"HEAD {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head, _, rest = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 "), head
    assert b"Content-Length: " in head
    assert rest == b""
    assert _ask(base).status_code == 200  # a process took the stopped one's place


def test_a_body_told_two_ways_is_refused_and_ends_its_connection(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """``Content-Length`` and ``Transfer-Encoding`` together: 400, and what follows is never
    read as a request (a proxy that reads the chunks would see another request there)."""
    base, _process = front
    smuggled = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"
    chunk = b"%x\r\n" % len(smuggled) + smuggled + b"\r\n0\r\n\r\n"
    answer = _exchanged(
        base,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + chunk,
    )
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert answer.count(b"HTTP/1.1 ") == 1  # nothing answered for the smuggled request


def test_an_error_page_for_an_absolute_target_links_from_the_top() -> None:
    """A request line may name the whole URL: the error page's links start from its path."""
    answer = error_answer(Answer.error(400, "bad"), BROWSER, "http://govkg.example/sparql?q=1")
    assert answer.media_type.startswith("text/html")
    assert b'href="./style.css"' in answer.body


def test_pages_on_demand_needs_the_query_processes() -> None:
    done = subprocess.run(
        [*GOVKG, "serve", "--query-workers", "0", "--pages-on-demand", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--pages-on-demand needs the embedded store and query processes" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_pages_socket_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    """A temporary folder whose path is too long for a Unix socket: exit 2, one line."""
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    done = subprocess.run(
        [*GOVKG, "serve", "--query-workers", "1", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(deep)},
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "cannot make the pages' socket" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(deep.glob("govkg-pages-*"))  # its folder removed


def test_a_relayed_answer_keeps_its_connection(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    """Pages, a redirect, a HEAD and queries one after the other on one connection: each
    answer says keep-alive and the next request goes on the same connection."""
    base, _process = front
    connection = http.client.HTTPConnection("127.0.0.1", port_of(base), timeout=30)
    asked = [("GET", "/"), ("GET", "/sparql?query=ASK%7B%7D"), ("GET", "/doc/state/USA")]
    asked += [("GET", "/id/state/USA"), ("HEAD", "/style.css"), ("GET", "/style.css")]
    ports = set()
    try:
        for method, path in asked:
            connection.request(method, path)
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status in (200, 303), (path, answer.status)
            assert answer.getheader("connection") == "keep-alive", path
            assert connection.sock is not None, f"{path} closed the connection"
            ports.add(connection.sock.getsockname()[1])
            if method == "HEAD":
                assert body == b""
            elif path == "/style.css":
                assert len(body) == int(answer.getheader("content-length") or -1) > 0
    finally:
        connection.close()
    assert len(ports) == 1  # one connection throughout


def test_pipelined_pages_and_queries_are_answered_in_order(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = front
    answers = _exchanged(
        base,
        b"GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n"
        b"Accept: application/sparql-results+json\r\n\r\n"
        b"GET /id/state/USA HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    style = httpx.get(base + "/style.css", timeout=30).content
    first, rest = _one_answer(answers)
    second, rest = _one_answer(rest)
    third, rest = _one_answer(rest)
    assert first[0].startswith(b"HTTP/1.1 200") and first[1] == style
    assert second[0].startswith(b"HTTP/1.1 200") and json.loads(second[1]) == {
        "head": {},
        "boolean": True,
    }
    assert third[0].startswith(b"HTTP/1.1 303") and b"location: /doc/state/USA" in third[0]
    assert b"connection: close" in third[0].lower()
    assert rest == b""


def _one_answer(data: bytes) -> tuple[tuple[bytes, bytes], bytes]:
    """The first answer in ``data`` (its head, its body by Content-Length) and what follows."""
    head, _, rest = data.partition(b"\r\n\r\n")
    found = re.search(rb"(?im)^content-length: *(\d+)", head)
    length = int(found.group(1)) if found else 0
    return (head, rest[:length]), rest[length:]


def test_a_relayed_answer_to_http_10_closes_its_connection(
    front: tuple[str, subprocess.Popen[bytes]],
) -> None:
    base, _process = front
    answer = _exchanged(base, b"GET /style.css HTTP/1.0\r\n\r\n")  # ends: the connection is closed
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"connection: close" in answer.partition(b"\r\n\r\n")[0].lower()
