"""A request for a page, relayed by a query process of ``govkg serve`` to the pages process.

``govkg serve`` answers ``/sparql`` in its query processes, which accept every connection; the
pages (and the query page, the CORS preflight, any other path) are the app's, which runs in one
pages process listening on a private Unix socket (:mod:`govkg.server.pages_process`).  A query
process that reads such a request hands it to a thread, which sends the request (its head, with
``Connection: close``, and its body) to the pages process and the answer, as it comes, to the
client, then closes the connection; the process goes on with its other connections meanwhile.
The client sees the app's answer byte for byte.

Limits: at most ``MOST`` requests relayed at once by a process (beyond: 503); a request body
needs a ``Content-Length`` (411 otherwise); a client has ``READ_TIMEOUT`` seconds to send the
whole body and ``WRITE_TIMEOUT`` to take the whole answer; the pages process has ``PAGE_TIMEOUT`` seconds to begin its answer and between two pieces of it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

from govkg.server.endpoint_connections import Client
from govkg.server.endpoint_http import RequestHead

#: Requests a query process relays at once at most.
MOST = 32
#: Seconds the pages process may take to begin its answer, and between two pieces of it (the
#: first read of a listing at 4 M triples takes 42 s).
PAGE_TIMEOUT = 300.0
#: Seconds to reach the pages process (it may be starting: its socket accepts meanwhile).
CONNECT_TIMEOUT = 10.0
#: Seconds a client has to send a request's whole body, and to take the whole answer.
READ_TIMEOUT = 10.0
WRITE_TIMEOUT = 60.0
#: Seconds the unread rest of a request body is read and dropped after the answer.
LINGER = 2.0
#: Headers of the client's connection, not passed on (RFC 9110 section 7.6.1); ``Expect`` is
#: answered here (the body is read from the client before the pages see the request's end).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "upgrade", "expect"})

#: Why a request is not relayed: the status to answer and one line.
Refusal = tuple[int, str]
#: Logs one relayed answer's status.
Logger = Callable[[int], None]

_REASONS = {status.value: status.phrase for status in HTTPStatus}
_running = threading.BoundedSemaphore(MOST)
_active = threading.Condition()
_count = 0


def refusal(head: RequestHead) -> Refusal | None:
    """Why the request cannot be relayed (the status and message), or None.  A body over a
    route's limit is the app's to refuse (its answer says so in the route's format)."""
    if "transfer-encoding" in head.headers:
        return 411, "a request body needs a Content-Length header here"
    return None


def start(client: Client, head: RequestHead, socket_path: str, log: Logger) -> bool:
    """Relay the request in a thread, which owns ``client`` from now on; False (nothing
    started, the connection still the caller's) when ``MOST`` relays are running or no thread
    can start."""
    global _count
    if not _running.acquire(blocking=False):
        return False
    with _active:
        _count += 1
    thread = threading.Thread(
        target=_relay, args=(client, head, socket_path, log), daemon=True, name="govkg-relay"
    )
    try:
        thread.start()
    except RuntimeError:  # no thread to be had (a limit on processes): refused like a busy one
        _running.release()
        _done()
        return False
    return True


def request_bytes(head: RequestHead) -> bytes:
    """The request's head as sent to the pages process: the same line and headers, the
    connection's own headers replaced by ``Connection: close``."""
    lines = [f"{head.method} {head.target} {head.version}"]
    lines += [f"{name}: {value}" for name, value in head.headers.items() if name not in HOP_BY_HOP]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _relay(client: Client, head: RequestHead, socket_path: str, log: Logger) -> None:
    try:
        status = _exchange(client, head, socket_path)
        log(status)
        _drain(client)
    except OSError:
        pass  # the client went away or stalled: let go silently
    finally:
        client.close()
        _running.release()
        _done()


def _done() -> None:
    global _count
    with _active:
        _count -= 1
        _active.notify_all()


def active() -> int:
    """How many requests this process is relaying now."""
    return _count


def wait_all(seconds: float) -> None:
    """Wait until no request is being relayed, ``seconds`` at most (a process stopping lets
    the pages' answers it passes on end)."""
    with _active:
        _active.wait_for(lambda: _count == 0, timeout=max(0.0, seconds))


class _PagesSlow(Exception):
    """The pages process did not take the request's body in time."""


def _exchange(client: Client, head: RequestHead, socket_path: str) -> int:
    """Send the request on, the answer back; the answer's status.  An OSError on the client's
    side (gone, or too slow taking the answer) ends it silently."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as pages:
        try:
            pages.settimeout(CONNECT_TIMEOUT)
            pages.connect(socket_path)
            pages.settimeout(PAGE_TIMEOUT)
            pages.sendall(request_bytes(head))
        except OSError as error:
            return _fail(client, 502, f"the pages could not be reached ({_why(error)})")
        length = int(head.headers.get("content-length", "0"))
        expects = head.headers.get("expect", "").lower() == "100-continue"
        try:
            _send_body(client, pages, length, expects)
        except TimeoutError:
            return _fail(client, 408, f"the request did not arrive within {READ_TIMEOUT:g} s")
        except _PagesSlow:
            return _fail(client, 504, f"the pages did not read the request in {PAGE_TIMEOUT:g} s")
        try:
            first = pages.recv(1 << 16)
        except TimeoutError:
            return _fail(client, 504, f"the page was not ready within {PAGE_TIMEOUT:g} s")
        except OSError as error:
            return _fail(client, 502, f"the pages could not answer ({_why(error)})")
        if not first:
            return _fail(client, 502, "the pages process ended without an answer")
        _pass_on(client, pages, first)
        return _status(first)


def _pass_on(client: Client, pages: socket.socket, first: bytes) -> None:
    """Send the answer to the client as it comes: the client has ``WRITE_TIMEOUT`` seconds in
    all to take it (time the pages take to make it is not counted)."""
    left = WRITE_TIMEOUT
    chunk = first
    while chunk:
        began = time.monotonic()
        client.connection.settimeout(max(0.01, left))
        client.connection.sendall(chunk)
        left -= time.monotonic() - began
        chunk = pages.recv(1 << 16)


def _send_body(
    client: Client, pages: socket.socket, length: int, expects_continue: bool = False
) -> bool:
    """Pass on the request's body (``length`` bytes: from the client's buffer, then its socket),
    after telling a client that waits for it to send it (``Expect: 100-continue``): the client
    has ``READ_TIMEOUT`` seconds for the whole body.  False when the pages process stopped
    reading it (it has answered already, and closed)."""
    deadline = time.monotonic() + READ_TIMEOUT
    if length and expects_continue:
        client.connection.settimeout(READ_TIMEOUT)
        client.connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    while length > 0:
        client.connection.settimeout(max(0.01, deadline - time.monotonic()))
        piece = client.rfile.read1(min(length, 1 << 16))
        if not piece:
            raise ConnectionResetError("the client closed its request body early")
        try:
            pages.sendall(piece)
        except TimeoutError:
            raise _PagesSlow from None
        except (BrokenPipeError, ConnectionResetError):
            return False
        length -= len(piece)
    return True


def _drain(client: Client) -> None:
    """Read and drop what the client still sends, ``LINGER`` seconds at most, so that closing
    the connection does not reset it before the client has read the whole answer (a request
    sent behind this one, the rest of a body the pages did not read)."""
    deadline = time.monotonic() + LINGER
    with contextlib.suppress(OSError):
        client.connection.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            client.connection.settimeout(left)
            if not client.connection.recv(1 << 16):
                return


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _fail(client: Client, status: int, message: str) -> int:
    """Answer the client ``status`` with one line of text (nothing of the page has been sent)."""
    body = (message + "\n").encode()
    head = f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\n"
    head += "Content-Type: text/plain; charset=utf-8\r\n"
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with contextlib.suppress(OSError):
        client.connection.settimeout(WRITE_TIMEOUT)
        client.connection.sendall(head.encode("latin-1") + body)
    return status


def _status(first: bytes) -> int:
    """The status of an answer from its first bytes (0 when they are not a status line)."""
    parts = first.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
