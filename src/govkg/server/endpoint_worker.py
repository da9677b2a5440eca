"""A query process of ``govkg serve --sparql-only``: it accepts connections itself and answers
each one's SPARQL request with Oxigraph, one connection at a time.

``python -m govkg.server.endpoint_worker FOLDER LISTEN_FD SLOT STATE_FILE LIMITS SUPERVISOR
[--remove]``; started, restarted and stopped by :mod:`govkg.server.endpoint`.  A process that
outlives its supervisor (killed) removes the state file, and the folder with ``--remove`` (the
snapshot of a store in memory), as the supervisor would have.  It shares the listening socket
with the other query processes: the kernel hands a connection to one that is waiting for one,
so a process busy with a long query is never handed another.  A request must arrive whole
within ``READ_TIMEOUT`` (a client that sends it slowly holds a process that long at most), its
answer be taken within ``WRITE_TIMEOUT``, and it is answered with ``Connection: close`` (a kept
connection would hold the process between its client's requests).

A query that runs past its time limit cannot be interrupted (Oxigraph has no cancellation), so
the process's watchdog thread, which runs while Oxigraph works without Python's lock, answers
the client the server's 503 ("did not finish within ... and was stopped") and ends the process;
the supervisor starts another.  Each process writes in its slot of the shared state file since
when it has been busy (0: waiting), from which the supervisor sees that every process is held
by a slow query and starts one more.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from govkg.errors import GovkgError, ProtocolError
from govkg.server.endpoint import Slots
from govkg.server.execute import Job, execute_natively, timed_out
from govkg.server.results import Answer, content_type
from govkg.server.settings import ServerSettings
from govkg.server.sparql import parse_get, parse_post, refuse_update, service_description
from govkg.store import OxigraphStore

#: Seconds a client has to send its whole request (line, headers and body), and to take the
#: whole answer.
READ_TIMEOUT = 10.0
WRITE_TIMEOUT = 60.0
#: Seconds an extra process (beyond the warm ones) waits for a connection before it ends.
IDLE_EXIT = 30.0
#: How often the watchdog looks at the running query's deadline, in seconds.
WATCH_EVERY = 0.05
#: Seconds an answer sent before the request's body was read waits for the client to stop
#: sending it.
LINGER = 2.0
#: The exit status of a process that stopped a query at its time limit.
EXIT_STOPPED = 3
ENDPOINT = "/sparql"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Govkg-Truncated",
}


class Watchdog(threading.Thread):
    """Holds the connection being answered to its deadline: its request must arrive within
    ``READ_TIMEOUT`` and its answer be taken within ``WRITE_TIMEOUT``, else the connection is
    cut (the handler's read or write fails and it moves on); a query must finish within its
    time limit, else the client is answered 503 and the process ends."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="govkg-watchdog")
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._seconds = 0.0
        self._phase = "read"
        self._connection: socket.socket | None = None

    def watch(self, connection: socket.socket, seconds: float, phase: str) -> None:
        """From now on, ``connection`` has ``seconds`` for ``phase``: ``read`` (its request),
        ``query`` or ``write`` (its answer)."""
        with self._lock:
            self._connection, self._seconds, self._phase = connection, seconds, phase
            self._deadline = time.monotonic() + seconds

    def disarm(self) -> bool:
        """No deadline now: True if none had passed (a query's answer is the handler's to
        send; after a query's deadline the watchdog is answering and ending the process)."""
        with self._lock:
            armed = self._deadline is not None
            self._deadline = None
            return armed

    def run(self) -> None:
        while True:
            time.sleep(WATCH_EVERY)
            with self._lock:
                late = self._deadline is not None and time.monotonic() > self._deadline
                if not late:
                    continue
                self._deadline = None
                connection, seconds, phase = self._connection, self._seconds, self._phase
            if connection is not None:
                _late(connection, seconds, phase)


def _late(connection: socket.socket, seconds: float, phase: str) -> None:
    """A deadline passed: a query's is answered 503 and ends the process; a request that has
    not arrived is answered 408; then the connection is cut."""
    with contextlib.suppress(OSError):
        connection.settimeout(2.0)
        if phase == "query":
            connection.sendall(response_bytes(timed_out(seconds)))
        elif phase == "read":
            message = f"the request did not arrive within {seconds:g} s"
            connection.sendall(response_bytes(Answer.error(408, message)))
        connection.shutdown(socket.SHUT_RDWR)
    if phase == "query":
        os._exit(EXIT_STOPPED)


def response_bytes(answer: Answer, head_only: bool = False) -> bytes:
    """The whole HTTP/1.1 response for ``answer``, closing the connection."""
    headers = {**answer.headers, **CORS, "Content-Type": content_type(answer.media_type)}
    headers["Content-Length"] = str(len(answer.body))
    headers["Connection"] = "close"
    reason = _REASONS.get(answer.status, "")
    lines = [f"HTTP/1.1 {answer.status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + answer.body


_REASONS = {status: phrase for status, (phrase, _) in BaseHTTPRequestHandler.responses.items()}


class Handler(BaseHTTPRequestHandler):
    """One connection's one request (the standard library reads the request line and headers)."""

    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT
    server_version = "govkg"
    store: OxigraphStore
    settings: ServerSettings
    watchdog: Watchdog

    def do_GET(self) -> None:
        self._answer(lambda query_string: parse_get(query_string, self.settings))

    def do_HEAD(self) -> None:
        self._answer(lambda query_string: parse_get(query_string, self.settings), head_only=True)

    def do_POST(self) -> None:
        def parsed(query_string: bytes) -> Any:
            content_type = self.headers.get("Content-Type", "")
            refuse_update(content_type)
            body = self._body()
            return parse_post(query_string, content_type, body, self.settings)

        self._answer(parsed)

    def do_OPTIONS(self) -> None:
        """A browser's CORS preflight: anyone's page may send queries (no credentials)."""
        answer = Answer(204, "text/plain", b"", dict(_PREFLIGHT))
        self._send(answer)

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.unread = True
            raise ProtocolError(411, "a POST needs a Content-Length header")
        if int(length) > self.settings.max_body:
            self.unread = True
            raise ProtocolError(413, f"request body over {self.settings.max_body} bytes")
        return self.rfile.read(int(length))

    def finish(self) -> None:
        """After an answer sent before the body was read, read and drop what the client still
        sends for a moment, so that it reads the answer rather than a reset connection."""
        super().finish()
        if getattr(self, "unread", False):
            _linger(self.connection)

    def _answer(self, parse: Any, head_only: bool = False) -> None:
        self.close_connection = True
        parts = urlsplit(self.path)
        if parts.path != ENDPOINT:
            message = f"not found: this server answers SPARQL queries at {ENDPOINT} only"
            self._send(Answer.error(404, message), head_only)
            return
        try:
            request = parse(parts.query.encode("latin-1"))
        except ProtocolError as error:
            self._send(Answer.error(error.status, error.message), head_only)
            return
        if request.query is None:
            description = service_description().encode()
            self._send(Answer(200, "text/turtle", description, {}), head_only)
            return
        job = Job(
            request.query, self.headers.get("Accept"), self.settings.max_rows, request.dataset
        )
        self.watchdog.watch(self.connection, request.timeout, "query")
        answer = execute_natively(self.store, job)
        if not self.watchdog.disarm():  # the watchdog is answering and ending the process
            time.sleep(READ_TIMEOUT)
        self._send(answer, head_only)

    def _send(self, answer: Answer, head_only: bool = False) -> None:
        self.close_connection = True
        self.watchdog.watch(self.connection, WRITE_TIMEOUT, "write")
        self.wfile.write(response_bytes(answer, head_only))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's own refusals (a bad request line, headers too long, an
        unknown method), as one line of plain text."""
        self.close_connection = True
        text = message or _REASONS.get(code, "error")
        if code == 501:
            code, text = 405, f"method {self.command} not allowed: GET, HEAD, POST or OPTIONS"
        with contextlib.suppress(OSError):
            self.wfile.write(response_bytes(Answer.error(code, text)))

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing: errors go back to the client; the supervisor logs what it does."""


_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def _linger(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + LINGER
        while (left := deadline - time.monotonic()) > 0:
            connection.settimeout(left)
            if not connection.recv(1 << 16):
                return


def _handle(connection: socket.socket) -> None:
    """Answer one connection; a client that goes away or stalls is let go silently."""
    Handler.watchdog.watch(connection, READ_TIMEOUT, "read")
    try:
        Handler(connection, connection.getpeername(), None)  # type: ignore[arg-type]
    except OSError:
        pass
    except Exception as error:  # a fault of govkg's: one line, and the next connection
        print(f"govkg serve: internal error ({type(error).__name__}): {error}", file=sys.stderr)
        with contextlib.suppress(OSError):
            kind = type(error).__name__
            connection.sendall(response_bytes(Answer.error(500, f"internal error ({kind})")))
    Handler.watchdog.disarm()
    with contextlib.suppress(OSError):
        connection.close()


class Stopping:
    """SIGTERM: end at once when waiting for a connection, else after the current answer."""

    def __init__(self) -> None:
        self.asked = False
        self.busy = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's

    def _on_signal(self, _signum: int, _frame: Any) -> None:
        self.asked = True
        if not self.busy:
            os._exit(0)


def serve(listener: socket.socket, slot: int, slots: Slots, extra: bool, supervisor: int) -> None:
    """Accept and answer connections until stopped, or until the supervisor (its pid) has
    ended; an extra process also when idle too long."""
    stopping = Stopping()
    listener.setblocking(False)  # shared by all the processes: each waits in select
    idle_since = time.monotonic()
    while not stopping.asked and os.getppid() == supervisor:  # never outlive the supervisor
        ready, _, _ = select.select([listener], [], [], 1.0)
        if not ready:
            if extra and time.monotonic() - idle_since > IDLE_EXIT:
                return
            continue
        try:
            connection, _ = listener.accept()
        except BlockingIOError:  # another process took it
            continue
        stopping.busy = True
        slots.set(slot, time.monotonic())
        connection.setblocking(True)
        _handle(connection)
        slots.set(slot, 0.0)
        stopping.busy = False
        idle_since = time.monotonic()


def main(argv: list[str]) -> int:
    folder, fd, slot, state, limits, supervisor = argv[:6]
    settings = ServerSettings(**json.loads(limits))
    listener = socket.socket(fileno=int(fd))
    try:
        store = OxigraphStore.read_only(folder)
    except GovkgError as error:
        print(f"govkg serve: a query process could not open the store: {error}", file=sys.stderr)
        return 2
    Handler.store, Handler.settings = store, settings
    Handler.watchdog = Watchdog()
    Handler.watchdog.start()
    extra = int(slot) >= settings.query_workers
    slots = Slots(state, settings.max_query_workers)
    slots.set(int(slot), 0.0)  # ready
    serve(listener, int(slot), slots, extra, int(supervisor))
    if os.getppid() != int(supervisor):  # it was killed: what it would have removed, removed
        with contextlib.suppress(OSError):
            os.unlink(state)
        if "--remove" in argv[6:]:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
