"""A request for a page, relayed by a query process of ``govkg serve`` to the pages process.

``govkg serve`` answers ``/sparql`` in its query processes, which accept every connection; the
pages (and the query page, the CORS preflight, any other path) are the app's, which runs in one
pages process listening on a private Unix socket (:mod:`govkg.server.pages_process`).  A query
process that reads such a request hands it to a thread, which sends the request (its head, with
``Connection: close``, and its body) to the pages process and the answer, as it comes, to the
client; the process goes on with its other connections meanwhile.  The client sees the app's
answer, but for its connection's headers: an answer framed by its length (a page, a document)
keeps the connection when the client asked to (``Connection: keep-alive``), and the connection
goes back to the query process's kept ones; any other (a stream) closes it.

Limits: at most ``MOST`` requests relayed at once by a process (beyond: 503); a request body
needs a ``Content-Length`` (411 otherwise); a client has ``READ_TIMEOUT`` seconds to send the
whole body and ``WRITE_TIMEOUT`` to take the whole answer; the pages process has
``PAGE_TIMEOUT`` seconds to begin its answer and between two pieces of it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Protocol

from govkg.server.endpoint_connections import KEEP_IDLE, Client
from govkg.server.endpoint_http import RequestHead, closing_text

#: Requests a query process relays at once at most.
MOST = 256
#: Seconds the pages process may take to begin its answer, and between two pieces of it (the
#: first read of a listing at 4 M triples takes 42 s).
PAGE_TIMEOUT = 300.0
#: Seconds to reach the pages process (it may be starting: its socket accepts meanwhile).
CONNECT_TIMEOUT = 10.0
#: Seconds a client has to send a request's whole body, and to take the whole answer.
READ_TIMEOUT = 10.0
WRITE_TIMEOUT = 60.0
#: The longest answer head read to see how its body is framed, in bytes.
MAX_ANSWER_HEAD = 65536
#: Seconds the unread rest of a request body is read and dropped after the answer.
LINGER = 2.0
#: Headers of the client's connection, not passed on (RFC 9110 section 7.6.1); ``Expect`` is
#: answered here (the body is read from the client before the pages see the request's end).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "upgrade", "expect"})

#: Why a request is not relayed: the status to answer and one line.
Refusal = tuple[int, str]
#: Logs one relayed answer's status.
Logger = Callable[[int], None]

_running = threading.BoundedSemaphore(MOST)
_active = threading.Condition()
_count = 0


def refusal(head: RequestHead) -> Refusal | None:
    """Why the request cannot be relayed (the status and message), or None.  A body over a
    route's limit is the app's to refuse (its answer says so in the route's format)."""
    if "transfer-encoding" in head.headers:
        return 411, "a request body needs a Content-Length header here"
    return None


class Keeping(Protocol):
    """Where a relayed connection goes back to once its answer is passed on whole and its client
    asked to keep it: the query process's kept connections (called from the relay's thread)."""

    def may_keep(self) -> bool:
        """Whether the connection may be kept after this answer."""
        ...

    def give_back(self, client: Client) -> bool:
        """Keep ``client`` from now on (its answer is written whole); False: it may not be
        kept after all (the process stops, or keeps as many as it may), the caller closes it."""
        ...


def start(
    client: Client, head: RequestHead, socket_path: str, log: Logger, keeping: Keeping | None
) -> bool:
    """Relay the request in a thread, which owns ``client`` from now on (and gives it back to
    ``keeping`` when it may be kept); False (nothing started, the connection still the
    caller's) when ``MOST`` relays are running or no thread can start."""
    global _count
    if not _running.acquire(blocking=False):
        return False
    with _active:
        _count += 1
    thread = threading.Thread(
        target=_relay,
        args=(client, head, socket_path, log, keeping),
        daemon=True,
        name="govkg-relay",
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


def _relay(
    client: Client, head: RequestHead, socket_path: str, log: Logger, keeping: Keeping | None
) -> None:
    kept = False
    try:
        status, kept = _exchange(client, head, socket_path, keeping)
        log(status)
        kept = kept and keeping is not None and keeping.give_back(client)
        if not kept:
            _drain(client)
    except OSError:
        kept = False  # the client went away or stalled: let go silently
    finally:
        if not kept:
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


def _exchange(
    client: Client, head: RequestHead, socket_path: str, keeping: Keeping | None
) -> tuple[int, bool]:
    """Send the request on, the answer back: the answer's status, and whether the connection
    may be kept (the answer was framed by its length and passed on whole, the client asked to
    keep it, nothing of its request is left unread).  An OSError on the client's side (gone, or
    too slow taking the answer) ends it silently."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as pages:
        try:
            pages.settimeout(CONNECT_TIMEOUT)
            pages.connect(socket_path)
            pages.settimeout(PAGE_TIMEOUT)
            pages.sendall(request_bytes(head))
        except OSError as error:
            return _fail(client, 502, f"the pages could not be reached ({_why(error)})"), False
        length = int(head.headers.get("content-length", "0"))
        expects = head.headers.get("expect", "").lower() == "100-continue"
        try:
            whole = _send_body(client, pages, length, expects)
        except TimeoutError:
            message = f"the request did not arrive within {READ_TIMEOUT:g} s"
            return _fail(client, 408, message), False
        except _PagesSlow:
            message = f"the pages did not read the request in {PAGE_TIMEOUT:g} s"
            return _fail(client, 504, message), False
        try:
            first = pages.recv(1 << 16)
        except TimeoutError:
            message = f"the page was not ready within {PAGE_TIMEOUT:g} s"
            return _fail(client, 504, message), False
        except OSError as error:
            return _fail(client, 502, f"the pages could not answer ({_why(error)})"), False
        if not first:
            return _fail(client, 502, "the pages process ended without an answer"), False
        wanted = whole and head.keep_alive and keeping is not None and keeping.may_keep()
        return _status(first), _pass_on(_Sender(client), pages, first, head.method, wanted)


class _Sender:
    """Writes to the client, which has ``WRITE_TIMEOUT`` seconds in all to take the answer
    (the time the pages take to make it is not counted)."""

    def __init__(self, client: Client) -> None:
        self.connection = client.connection
        self.left = WRITE_TIMEOUT

    def send(self, data: bytes) -> None:
        began = time.monotonic()
        self.connection.settimeout(max(0.01, self.left))
        self.connection.sendall(data)
        self.left -= time.monotonic() - began


def _pass_on(sender: _Sender, pages: socket.socket, first: bytes, method: str, keep: bool) -> bool:
    """Send the answer to the client as it comes; True when it was framed by its length and
    sent whole with ``Connection: keep-alive`` (``keep``: the client asked, the process may
    keep one more), else it is sent as it is up to its end and the connection closes."""
    data, cut = first, False
    while keep and b"\r\n\r\n" not in data and len(data) <= MAX_ANSWER_HEAD:
        try:
            more = pages.recv(1 << 16)
        except OSError:  # the pages stalled or went away within the head: what came, then close
            more, cut = b"", True
        if not more:
            break
        data += more
    if cut:
        sender.send(data)
        return False
    length = framed_length(data, method) if keep else None
    if length is None:
        while data:
            sender.send(data)
            data = pages.recv(1 << 16)
        return False
    head, _, body = data.partition(b"\r\n\r\n")
    if len(body) > length:  # more than the answer: not kept
        sender.send(data)
        return False
    sender.send(kept_head(head) + body)
    left = length - len(body)
    while left > 0:
        chunk = pages.recv(min(left, 1 << 16))
        if not chunk:
            return False  # cut short: the client sees the connection close
        sender.send(chunk)
        left -= len(chunk)
    return True


def framed_length(data: bytes, method: str) -> int | None:
    """The length of the body after the answer head at the start of ``data`` when the head is
    whole and frames the body by length (0 for a HEAD, a 204 or a 304); None otherwise."""
    head, blank, _ = data.partition(b"\r\n\r\n")
    if not blank:
        return None
    lines = head.split(b"\r\n")
    status = _status(lines[0])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length" and headers.get(key, value.strip()) != value.strip():
            return None  # two lengths: not trusted
        headers[key] = value.strip()
    if status < 200 or b"transfer-encoding" in headers:
        return None
    if method == "HEAD" or status in (204, 304):
        return 0
    length = headers.get(b"content-length", b"")
    return int(length) if length.isdigit() else None


def kept_head(head: bytes) -> bytes:
    """The answer's head with its connection's headers saying the connection is kept."""
    lines = [
        line
        for line in head.split(b"\r\n")
        if line.partition(b":")[0].strip().lower() not in (b"connection", b"keep-alive")
    ]
    lines += [b"Connection: keep-alive", f"Keep-Alive: timeout={KEEP_IDLE:g}".encode()]
    return b"\r\n".join(lines) + b"\r\n\r\n"


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
    with contextlib.suppress(OSError):
        client.connection.settimeout(WRITE_TIMEOUT)
        client.connection.sendall(closing_text(status, message))
    return status


def _status(first: bytes) -> int:
    """The status of an answer from its first bytes (0 when they are not a status line)."""
    parts = first.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
