"""A query process of ``govkg serve``: it accepts connections itself and answers their SPARQL
requests with Oxigraph, one request at a time; with the pages (without ``--sparql-only``) it
writes ``/sparql``'s answers as the app does (:mod:`govkg.server.endpoint_full`) and relays every
other request to the pages process (:mod:`govkg.server.endpoint_relay`).

``python -m govkg.server.endpoint_worker FOLDER LISTEN_FD,SEND_FD,RECEIVE_FD SLOT STATE_FILE
LIMITS SUPERVISOR [--remove]``; started, restarted and stopped by :mod:`govkg.server.endpoint`.
A process that outlives its supervisor (killed) removes the state file, and the folder with
``--remove`` (the snapshot of a store in memory), as the supervisor would have.  It shares the
listening socket with the other query processes: the kernel hands a connection to one that is
waiting for one, so a process busy with a long query is never handed another.  A connection is
kept between its client's requests (HTTP keep-alive) by the process that answers it, and moves
to another process when this one is held up (:mod:`govkg.server.endpoint_connections`).  A
request must arrive whole within ``READ_TIMEOUT`` (a client that sends it slowly holds a process
that long at most) and its answer be taken within ``WRITE_TIMEOUT``.

A query that runs past its time limit cannot be interrupted (Oxigraph has no cancellation), so
the process's watchdog thread, which runs while Oxigraph works without Python's lock, answers
the client the server's 503 ("did not finish within ... and was stopped") and ends the process;
the supervisor starts another.  Each process writes in its slot of the shared state file since
when it has been busy (0: waiting), from which the supervisor sees that every process is held
by a slow query and starts one more.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from govkg.errors import GovkgError, ProtocolError
from govkg.server import endpoint_relay
from govkg.server.endpoint import SLOW, Slots
from govkg.server.endpoint_connections import KEEP_IDLE, Client, Keeper
from govkg.server.endpoint_full import full_response
from govkg.server.endpoint_http import REASONS, HttpError, RequestHead, read_head
from govkg.server.execute import Job, execute_natively, timed_out
from govkg.server.negotiation import wants_page
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
#: Seconds a stopping process waits for the pages' answers it is passing on.
STOP_RELAYS = 4.0
#: The exit status of a process that stopped a query at its time limit.
EXIT_STOPPED = 3
ENDPOINT = "/sparql"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Govkg-Truncated",
}


class Watchdog(threading.Thread):
    """Holds the request being answered to its deadlines: it must arrive within
    ``READ_TIMEOUT`` and its answer be taken within ``WRITE_TIMEOUT``, else the connection is
    cut (the handler's read or write fails and it moves on); a query must finish within its
    time limit, else the client is answered 503 and the process ends.  A request that holds
    the process ``SLOW`` seconds has the process's idle kept connections handed to others."""

    def __init__(self, on_slow: Callable[[], None]) -> None:
        super().__init__(daemon=True, name="govkg-watchdog")
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._slow_at: float | None = None
        self._on_slow = on_slow
        self._seconds = 0.0
        self._phase = "read"
        self._connection: socket.socket | None = None

    def watch(self, connection: socket.socket, seconds: float, phase: str) -> None:
        """From now on, ``connection`` has ``seconds`` for ``phase``: ``read`` (its request,
        which begins now), ``query`` or ``write`` (its answer)."""
        with self._lock:
            self._connection, self._seconds, self._phase = connection, seconds, phase
            now = time.monotonic()
            self._deadline = now + seconds
            if phase == "read":
                self._slow_at = now + SLOW

    def disarm(self) -> bool:
        """No deadline now: True if none had passed (a query's answer is the handler's to
        send; after a query's deadline the watchdog is answering and ending the process)."""
        with self._lock:
            armed = self._deadline is not None
            self._deadline = self._slow_at = None
            return armed

    def run(self) -> None:
        while True:
            time.sleep(WATCH_EVERY)
            with self._lock:
                now = time.monotonic()
                slow = self._slow_at is not None and now > self._slow_at
                if slow:
                    self._slow_at = None
                late = self._deadline is not None and now > self._deadline
                if late:
                    self._deadline = None
                connection, seconds, phase = self._connection, self._seconds, self._phase
            if slow or (late and phase == "query"):  # a process that ends hands them off
                self._on_slow()
            if late and connection is not None:
                _late(connection, seconds, phase)


def _late(connection: socket.socket, seconds: float, phase: str) -> None:
    """A deadline passed: a query's is answered 503 and ends the process; a request that has
    not arrived is answered 408; then the connection is cut."""
    exchange = Exchange.current
    with contextlib.suppress(OSError):
        connection.settimeout(2.0)
        if phase == "query":
            answer = timed_out(seconds)
        elif phase == "read":
            answer = Answer.error(408, f"the request did not arrive within {seconds:g} s")
        if phase in ("query", "read"):
            if exchange is None:
                connection.sendall(response_bytes(answer))
            else:
                connection.sendall(exchange.response(answer, exchange.asked_head()))
            if exchange is not None:
                exchange.log(answer.status)
        connection.shutdown(socket.SHUT_RDWR)
    if phase == "query":  # the pages' answers this process is passing on end first
        endpoint_relay.wait_all(STOP_RELAYS)
        os._exit(EXIT_STOPPED)


def response_bytes(answer: Answer, head_only: bool = False, keep: bool = False) -> bytes:
    """The whole HTTP/1.1 response for ``answer``, keeping the connection or closing it."""
    headers = {**answer.headers, **CORS, "Content-Type": content_type(answer.media_type)}
    headers["Content-Length"] = str(len(answer.body))
    headers.update(_KEEP if keep else _CLOSE)
    reason = REASONS.get(answer.status, "")
    lines = [f"HTTP/1.1 {answer.status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + answer.body


_KEEP = {"Connection": "keep-alive", "Keep-Alive": f"timeout={KEEP_IDLE:g}"}
_CLOSE = {"Connection": "close"}
#: A request the query process has passed to the pages process (see ``Exchange.run``).
RELAYED = None


class Exchange:
    """One request of a client's connection and its answer; :meth:`run` says whether the
    connection stays open for the next request."""

    store: OxigraphStore
    settings: ServerSettings
    watchdog: Watchdog
    keeper: Keeper
    stopping: Stopping
    access_log = False
    #: ``govkg serve``: the pages process's socket (other paths are relayed to it, and answers
    #: are written as the full server writes them); None: ``--sparql-only``.
    pages: str | None = None
    #: Where a relayed connection goes back to, to be kept (the process's loop).
    keeping: endpoint_relay.Keeping | None = None
    #: The exchange being answered (its 503 at a query's time limit is logged by the watchdog).
    current: Exchange | None = None

    def __init__(self, client: Client) -> None:
        Exchange.current = self
        self.client = client
        self.connection = client.connection
        self.unread = False  # the request's body, or the rest of its head, was not read
        self.keep = False
        self.head: RequestHead | None = None

    def run(self) -> bool | None:
        """Answer the request: whether its connection stays open, or ``RELAYED`` (the relay's
        thread has it now)."""
        try:
            head = read_head(self.client.rfile)
        except HttpError as error:
            self.unread = True
            self._send(Answer.error(error.status, error.message))
            return False
        if head is None:
            return False
        self.head, self.keep = head, head.keep_alive
        if self.pages is not None and self._for_pages(head):
            return self._relay(head, self.pages)
        if head.method not in ("POST", "PUT", "PATCH") and _has_body(head.headers):
            self.unread = True  # a body nobody reads must not be read as the next request
        if head.method in ("GET", "HEAD"):
            self._answer(lambda query_string: parse_get(query_string, self.settings))
        elif head.method == "POST":
            self._answer(self._parse_post)
        elif head.method == "OPTIONS":  # a browser's CORS preflight (no credentials)
            self._send(Answer(204, "text/plain", b"", dict(_PREFLIGHT)))
        else:
            self.unread = True
            message = f"method {head.method} not allowed: GET, HEAD, POST or OPTIONS"
            self._send(Answer.error(405, message))
        return self.keep

    def asked_head(self) -> bool:
        """Whether the request is a HEAD (its answer has no body)."""
        return self.head is not None and self.head.method == "HEAD"

    @property
    def request(self) -> RequestHead:
        """The request's head, once read."""
        if self.head is None:
            raise RuntimeError("no request read yet")
        return self.head

    def _for_pages(self, head: RequestHead) -> bool:
        """Whether the pages process answers the request: any path but the endpoint's, any
        method but GET, HEAD and POST there (a CORS preflight), and the query page for a
        browser's GET of the endpoint without a query."""
        parts = urlsplit(head.target)
        if parts.path != ENDPOINT or head.method not in ("GET", "HEAD", "POST"):
            return True
        if head.method != "GET" or not wants_page(head.headers.get("accept")):
            return False
        try:
            return parse_get(parts.query.encode("latin-1"), self.settings).query is None
        except ProtocolError:  # answered here, as the app answers it
            return False

    def _relay(self, head: RequestHead, socket_path: str) -> bool | None:
        """Pass the request to the pages process (a thread waits for its answer); answer
        here when it cannot be passed on."""
        refused = endpoint_relay.refusal(head)
        relayed = refused is None and endpoint_relay.start(
            self.client, head, socket_path, self.log, self.keeping
        )
        if relayed:
            return RELAYED
        self.unread = True
        status, message = refused or (503, "too many pages asked for at once: try again soon")
        self._send(Answer.error(status, message))
        return False

    def response(self, answer: Answer, head_only: bool = False, keep: bool = False) -> bytes:
        """The whole response for ``answer``: as the full server writes it under
        ``govkg serve``, in plain text with its CORS headers under ``--sparql-only``."""
        if self.pages is None:
            return response_bytes(answer, head_only, keep)
        connection = list((_KEEP if keep else _CLOSE).items())
        return full_response(answer, self.head, head_only, connection)

    def _parse_post(self, query_string: bytes) -> Any:
        content_type = self.request.headers.get("content-type", "")
        refuse_update(content_type)
        body = self._body()
        return parse_post(query_string, content_type, body, self.settings)

    def _body(self) -> bytes:
        length = self.request.headers.get("content-length")
        if length is None or "transfer-encoding" in self.request.headers:
            self.unread = True
            raise ProtocolError(411, "a POST needs a Content-Length header")
        if int(length) > self.settings.max_body:
            self.unread = True
            raise ProtocolError(413, f"request body over {self.settings.max_body} bytes")
        if self.request.headers.get("expect", "").lower() == "100-continue":
            self.client.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return self.client.rfile.read(int(length))

    def _answer(self, parse: Any) -> None:
        parts = urlsplit(self.request.target)
        if parts.path != ENDPOINT:
            message = f"not found: this server answers SPARQL queries at {ENDPOINT} only"
            self._send(Answer.error(404, message))
            return
        try:
            request = parse(parts.query.encode("latin-1"))
        except ProtocolError as error:
            self._send(Answer.error(error.status, error.message))
            return
        if request.query is None:
            description = service_description().encode()
            varies = {"Vary": "Accept"} if self.pages else {}  # the app's page for a browser
            self._send(Answer(200, "text/turtle", description, varies))
            return
        accept = self.request.headers.get("accept")
        job = Job(request.query, accept, self.settings.max_rows, request.dataset)
        self.watchdog.watch(self.connection, request.timeout, "query")
        answer = execute_natively(self.store, job)
        if not self.watchdog.disarm():  # the watchdog is answering and ending the process
            time.sleep(READ_TIMEOUT)
        self._send(answer)

    def _send(self, answer: Answer) -> None:
        """Write the answer (its head alone to a HEAD request), keeping the connection if the
        client asked to and nothing of the request is left unread; after an answer sent before
        the request was read, read and drop what the client still sends for a moment, so that
        it reads the answer rather than a reset connection."""
        wanted = self.keep and not self.unread and not self.stopping.asked
        self.keep = wanted and self.keeper.may_keep()
        self.watchdog.watch(self.connection, WRITE_TIMEOUT, "write")
        self.client.wfile.write(self.response(answer, self.asked_head(), self.keep))
        self.log(answer.status)
        if self.unread:
            _linger(self.connection)

    def log(self, status: int) -> None:
        """With ``--access-log``, one line on stderr as uvicorn writes it for the full server
        (the target's control characters escaped, and cut after ``LOGGED_TARGET`` characters)."""
        if not self.access_log:
            return
        with contextlib.suppress(OSError):
            host, port = self.connection.getpeername()[:2]
            peer = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            head = self.head
            request = (
                "-" if head is None else f"{head.method} {_printable(head.target)} {head.version}"
            )
            line = f'INFO:     {peer} - "{request}" {status} {REASONS.get(status, "")}\n'
            os.write(2, line.encode("utf-8", "backslashreplace"))


#: The longest request target an access log line shows, in characters.
LOGGED_TARGET = 2000


def _printable(target: str) -> str:
    shown = target if target.isprintable() else target.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= LOGGED_TARGET else shown[:LOGGED_TARGET] + "..."


def _has_body(headers: dict[str, str]) -> bool:
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


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


def _answer_one(client: Client) -> bool | None:
    """Answer one request of ``client``: True if its connection stays open, ``RELAYED`` if a
    relay's thread has it now.  A client that goes away or stalls is let go silently."""
    Exchange.watchdog.watch(client.connection, READ_TIMEOUT, "read")
    keep: bool | None = False
    exchange = Exchange(client)
    try:
        keep = exchange.run()
    except OSError:
        pass
    except Exception as error:  # a fault of govkg's: one line, and the next connection
        print(f"govkg serve: internal error ({type(error).__name__}): {error}", file=sys.stderr)
        with contextlib.suppress(OSError):
            kind = type(error).__name__
            answer = Answer.error(500, f"internal error ({kind})")
            client.wfile.write(exchange.response(answer, exchange.asked_head()))
    armed = Exchange.watchdog.disarm()
    return RELAYED if keep is RELAYED else armed and keep


class Stopping:
    """SIGTERM: end at once when waiting for a connection, else after the current answer."""

    def __init__(self) -> None:
        self.asked = False
        self.busy = False
        self.until: float | None = None  # once stopped: the end of the relays' grace
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's

    def _on_signal(self, _signum: int, _frame: Any) -> None:
        self.asked = True
        if not self.busy and not endpoint_relay.active():
            os._exit(0)


def _wake_pair() -> tuple[socket.socket, socket.socket]:
    pair = socket.socketpair()
    for end in pair:
        end.setblocking(False)
    return pair[0], pair[1]


@dataclass
class Process:
    """What a query process's loop works with: the shared listening socket, its slot in the
    shared state file, its kept connections."""

    listener: socket.socket
    slot: int
    slots: Slots
    keeper: Keeper
    stopping: Stopping
    #: Woken when a relay's thread gives a connection back (the loop waits on the first end).
    wake: tuple[socket.socket, socket.socket] = field(default_factory=_wake_pair)

    def may_keep(self) -> bool:
        """Whether a relayed connection may be kept after its answer."""
        return not self.stopping.asked and self.keeper.may_keep()

    def give_back(self, client: Client) -> bool:
        """Keep a connection whose relayed answer is written whole (from the relay's thread),
        and wake the loop so that it waits for the connection's next request too; False when
        it may not be kept now (stopping, or ``KEEP_MOST`` kept: answers promised meanwhile)."""
        if not self.may_keep():
            return False
        client.asking = client.pending()
        self.keeper.keep(client)
        with contextlib.suppress(OSError):  # full: the loop is being woken already
            self.wake[1].send(b"w")
        return True

    def answer(self, client: Client) -> None:
        """Answer one request of ``client``, then keep its connection (its next request, if it
        has begun to arrive, waits its turn behind the other kept connections': a client that
        sends its requests back to back must not have the process to itself) or close it."""
        self.stopping.busy = True
        self.slots.set(self.slot, time.monotonic())
        kept = _answer_one(client)
        if kept and not self.stopping.asked:
            client.asking = client.pending()
            self.keeper.keep(client)
        elif kept is not RELAYED:
            client.close()
        self.slots.set(self.slot, 0.0)
        self.stopping.busy = False

    def wait(self, seconds: float) -> tuple[Client | None, bool]:
        """Wait for a kept connection's next request or a new connection (taking in those
        handed off meanwhile): of the kept connections with a request, the one idle since the
        longest (none waits behind the others for ever), and whether a new connection waits."""
        idle = {client.fileno(): client for client in self.keeper.idle()}
        asking = [client for client in idle.values() if client.asking]  # read already
        receiving = self.keeper.receiving
        poll = select.poll()
        for fd in (self.listener.fileno(), self.wake[0].fileno(), *idle):
            poll.register(fd, select.POLLIN)
        if receiving is not None:
            poll.register(receiving.fileno(), select.POLLIN)
        else:
            seconds = min(seconds, SLOW)
        ready = {fd for fd, _ in poll.poll(0 if asking else seconds * 1000)}
        if self.wake[0].fileno() in ready:
            with contextlib.suppress(OSError):
                self.wake[0].recv(4096)  # the connection given back is among the kept ones
        if receiving is not None and receiving.fileno() in ready:
            self.keeper.receive()
        asking += [idle[fd] for fd in ready if fd in idle and not idle[fd].asking]
        client = min(asking, key=lambda client: client.idle_since, default=None)
        if client is not None:
            client.asking = False
        return client, self.listener.fileno() in ready

    def accept(self) -> Client | None:
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:  # another process took it
            return None
        return Client(connection)


def _serving(stopping: Stopping) -> bool:
    """Whether to go on: until stopped; once stopped, while requests are being relayed (the
    pages' own queries they wait for come here too), ``STOP_RELAYS`` seconds at most."""
    if not stopping.asked:
        return True
    if stopping.until is None:
        stopping.until = time.monotonic() + STOP_RELAYS
    return endpoint_relay.active() > 0 and time.monotonic() < stopping.until


def serve(process: Process, extra: bool, supervisor: int) -> None:
    """Accept and answer connections until stopped, or until the supervisor (its pid) has
    ended; an extra process also when idle too long.  Kept connections' requests and new
    connections take turns, so that neither waits on the other for long."""
    process.listener.setblocking(False)  # shared by all the processes: each waits in poll
    idle_since, turn = time.monotonic(), False
    while _serving(process.stopping) and os.getppid() == supervisor:  # never its supervisor's
        kept, new = process.wait(min(1.0, process.keeper.expire()))
        turn = not turn
        if new and (kept is None or turn):
            client = process.accept()
            if client is not None:
                process.answer(client)
                idle_since = time.monotonic()
        elif kept is not None and process.keeper.take(kept):
            process.answer(kept)
            idle_since = time.monotonic()
        elif (
            extra
            and not (process.keeper.count() or endpoint_relay.active())
            and (time.monotonic() - idle_since > IDLE_EXIT)
        ):
            break
    process.keeper.close_all()


def main(argv: list[str]) -> int:
    folder, fds, slot, state, limits, supervisor = argv[:6]
    listen_fd, send_fd, receive_fd = (int(fd) for fd in fds.split(","))
    options = json.loads(limits)
    Exchange.access_log = bool(options.pop("access_log", False))
    Exchange.pages = options.pop("pages", None)
    settings = ServerSettings(**options)
    listener = socket.socket(fileno=listen_fd)
    try:
        store = OxigraphStore.read_only(folder)
    except GovkgError as error:
        print(f"govkg serve: a query process could not open the store: {error}", file=sys.stderr)
        return 2
    slots = Slots(state, settings.max_query_workers)
    keeper = Keeper((send_fd, receive_fd), slots, int(slot), settings.max_query_workers)
    Exchange.store, Exchange.settings, Exchange.keeper = store, settings, keeper
    Exchange.stopping = Stopping()
    Exchange.watchdog = Watchdog(keeper.hand_off_all)
    Exchange.watchdog.start()
    extra = int(slot) >= settings.query_workers
    gc.collect()
    gc.freeze()  # what start-up made is never collected again: each collection looks at less
    slots.set(int(slot), 0.0)  # ready
    process = Process(listener, int(slot), slots, keeper, Exchange.stopping)
    Exchange.keeping = process
    serve(process, extra, int(supervisor))
    until = Exchange.stopping.until
    endpoint_relay.wait_all(STOP_RELAYS if until is None else until - time.monotonic())
    if os.getppid() != int(supervisor):  # it was killed: what it would have removed, removed
        with contextlib.suppress(OSError):
            os.unlink(state)
        if "--remove" in argv[6:]:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
