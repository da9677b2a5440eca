"""What a user sees when a remote store fails: one ``Error:`` line, exit 2, no traceback, and
never the password of the store URL (a real loopback peer answers each request as told)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from held_answers import answers_held
from paths import ROOT
from servers import read_request

from govkg.cli import cli
from govkg.errors import QueryError
from govkg.store.remote import RemoteStore

PASSWORD = "s3cret-Pa55"
JSON = b"application/sparql-results+json"
ONE_ROW = (
    b'{"head": {"vars": ["x"]}, '
    b'"results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}'
)


def answer(status: bytes, body: bytes, *headers: bytes) -> bytes:
    head = [b"HTTP/1.1 " + status, b"Content-Type: " + JSON, *headers, b"Connection: close"]
    if not any(h.lower().startswith(b"content-length") for h in headers):
        head.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(head) + b"\r\n\r\n" + body


@contextmanager
def peer(reply: Callable[[], bytes]) -> Iterator[str]:
    """A loopback server answering every request with ``reply()``; its store URL, with a
    user and password in it."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection, contextlib.suppress(OSError):
                read_request(connection)
                connection.sendall(reply())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"sparql+http://reader:{PASSWORD}@127.0.0.1:{port}/sparql"
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting for the next request
        listener.close()
        thread.join(timeout=10)


def run(store: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "--store", store, *args])
    return result.exit_code, result.stdout, result.stderr


def assert_one_error_line(code: int, out: str, err: str) -> str:
    assert code == 2, (out, err)
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("Error: "), err
    assert "Traceback" not in err
    assert PASSWORD not in err
    return err.strip()


CASES = {
    "a body cut short": (
        lambda: answer(b"200 OK", ONE_ROW[:30], b"Content-Length: %d" % len(ONE_ROW)),
        "ended its answer early (30 bytes of",
    ),
    "a row limit": (
        lambda: answer(b"200 OK", ONE_ROW, b"X-SPARQL-MaxRows: 1"),
        "cut the answer at its row limit of 1 (X-SPARQL-MaxRows): the answer is incomplete",
    ),
    "a server error": (
        lambda: answer(b"500 Internal Server Error", b"Virtuoso 42000 Error SR186: no grant"),
        "answered 500 Internal Server Error: Virtuoso 42000 Error SR186: no grant",
    ),
    "an answer that is not SPARQL JSON": (
        lambda: answer(b"200 OK", b"<html>maintenance</html>"),
        "sent an answer govkg cannot read",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failing_server_gives_one_line_and_no_password(case: str) -> None:
    reply, expected = CASES[case]
    with peer(reply) as store:
        line = assert_one_error_line(*run(store, "query", "signatories"))
    assert expected in line
    assert "reader:***@" in line or "127.0.0.1" in line  # the server is named


def test_an_unreachable_server_names_it_without_its_password() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    store = f"sparql+http://reader:{PASSWORD}@127.0.0.1:{port}/sparql"
    line = assert_one_error_line(*run(store, "query", "signatories"))
    assert line.startswith(f"Error: cannot reach http://127.0.0.1:{port}/sparql")


def test_a_store_url_without_its_scheme_is_refused_with_a_masked_suggestion() -> None:
    store = f"http://reader:{PASSWORD}@127.0.0.1:1/sparql"
    line = assert_one_error_line(*run(store, "query", "signatories"))
    assert line == (
        "Error: unknown store 'http://reader:***@127.0.0.1:1/sparql': use memory, a folder, or "
        "sparql+http://...; did you mean 'sparql+http://reader:***@127.0.0.1:1/sparql'?"
    )


BROKEN_ROW = (
    b'{"head": {"vars": ["x"]}, "results": {"bindings": ['
    b'{"x": {"type": "literal", "value": "1"}}, {"x": {"type": "uri"}}]}}'
)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (answer(b"200 OK", ONE_ROW, b"X-SPARQL-MaxRows: 1"), "cut the answer at its row limit"),
        (answer(b"200 OK", BROKEN_ROW), "sent an answer govkg cannot read"),
    ],
    ids=["a row limit", "a row that cannot be read"],
)
def test_an_error_holds_no_parsed_answer(reply: bytes, expected: str) -> None:
    """An error raised once the answer is parsed (a cut answer) or while its rows are read
    carries none of pyoxigraph's parsed answers in its traceback: an error kept in a reference
    cycle is dropped on whichever thread collects it, and pyoxigraph then leaks the answer it
    made on another thread (a PytestUnraisableExceptionWarning in a CI run)."""
    with peer(lambda: reply) as store:
        remote = RemoteStore.from_spec(store)
        with pytest.raises(QueryError) as error:
            remote.query("SELECT ?x WHERE { ?x ?p ?o }")
    assert expected in str(error.value)
    assert answers_held(error.value) == []
