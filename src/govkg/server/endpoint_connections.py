"""The connections a query process of ``govkg serve`` keeps open between a
client's requests (HTTP keep-alive), and their hand-off from one query process to another.

A kept connection belongs to the process that accepted it, which answers its requests one at a
time between its other connections' requests.  So that no client waits on a process busy with
another client while a process is free, a connection moves: the processes share a hand-off
socket (a Unix socket pair of messages made by the supervisor) on which a process sends a
connection (its descriptor) and whichever waiting process receives it keeps it from then on.  A
process hands off

- the connection it has just answered, when it keeps more connections than a waiting process
  keeps plus one (so connections spread over the processes as they open), and
- all its idle connections, when one request has held it ``SLOW`` seconds (a slow or runaway
  query, a client sending slowly): their clients' next requests are answered by another process
  (or by one the supervisor starts, as it sees them waiting).

A connection is closed after ``KEEP_IDLE`` seconds without a request (said to the client in a
``Keep-Alive`` header), and a process keeps at most ``KEEP_MOST``: beyond that its answers say
``Connection: close``.  A connection is only handed off with nothing of its next request read
yet (the whole of what the client sent is in the kernel's buffer, not in the process's: a
pipelined request read with the one before stays); one whose next request has begun to arrive
waits its turn among the kept ones, so that a client sending requests back to back does not have
a process to itself.  A process stopped at a query's time limit hands off its idle connections
before it ends.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from govkg.server.endpoint import SLOW, Slots

#: Seconds a kept connection may wait for its client's next request.
KEEP_IDLE = 5.0
#: Connections a process keeps at most.
KEEP_MOST = 64


class _Raw(socket.SocketIO):
    """A connection's raw reader that can be held: a held read finds nothing (as on a
    non-blocking socket with nothing to read), so that the buffer's own bytes can be looked at
    without reading more from the kernel."""

    held = False

    def readinto(self, b: Any) -> int | None:
        return None if self.held else super().readinto(b)


class Writer:
    """The writing side of a connection: unbuffered, each write sent whole."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection

    def write(self, data: bytes) -> int:
        self._connection.sendall(data)
        return len(data)


@dataclass(eq=False)
class Client:
    """One client's connection, its read buffer kept from one request to the next."""

    connection: socket.socket
    rfile: io.BufferedReader = field(init=False)
    wfile: Writer = field(init=False)
    idle_since: float = 0.0
    asking: bool = False  # its next request has begun to arrive (maybe read into ``rfile``)

    def __post_init__(self) -> None:
        self.connection.setblocking(True)
        self._raw = _Raw(self.connection, "rb")
        self.rfile = io.BufferedReader(self._raw)
        self.wfile = Writer(self.connection)

    def fileno(self) -> int:
        return self.connection.fileno()

    def pending(self) -> bool:
        """Whether the next request has begun to arrive, in this process's buffer (a pipelined
        one, read with the last) or in the kernel's, without waiting for it or reading it."""
        if self.buffered():
            return True
        try:
            self.connection.setblocking(False)  # a timeout set would make recv wait
            return bool(self.connection.recv(1, socket.MSG_PEEK))
        except OSError:  # nothing yet (or a connection gone: its next read says so)
            return False
        finally:
            with contextlib.suppress(OSError):
                self.connection.setblocking(True)

    def buffered(self) -> bool:
        """Whether bytes of the next request are in this process's buffer, where another
        process could not read them (so the connection cannot be handed off)."""
        self._raw.held = True
        try:
            return bool(self.rfile.peek(1))
        except OSError:
            return False
        finally:
            self._raw.held = False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.rfile.close()
        with contextlib.suppress(OSError):
            self.connection.close()


class Keeper:
    """A process's idle kept connections and its ends of the shared hand-off socket."""

    def __init__(self, handoff: tuple[int, int], slots: Slots, slot: int, most: int) -> None:
        self._send = socket.socket(fileno=handoff[0])
        self._receive = socket.socket(fileno=handoff[1])
        self._send.setblocking(False)
        self._receive.setblocking(False)
        self._slots, self._slot, self._most = slots, slot, most
        self._lock = threading.Lock()
        self._idle: list[Client] = []
        self._deaf_until = 0.0  # not taking connections in (it has just handed one off)

    @property
    def receiving(self) -> socket.socket | None:
        """The end on which handed-off connections arrive, to wait on; None for ``SLOW``
        seconds after this process handed one off to even out the connections, so that a
        waiting process takes it (else it takes it back)."""
        return self._receive if time.monotonic() >= self._deaf_until else None

    def idle(self) -> list[Client]:
        with self._lock:
            return list(self._idle)

    def count(self) -> int:
        with self._lock:
            return len(self._idle)

    def may_keep(self) -> bool:
        """Whether one more connection may be kept (else the answer closes it)."""
        return self.count() < KEEP_MOST

    def keep(self, client: Client) -> None:
        """Keep ``client`` (just answered, nothing of its next request read), or hand it to a
        process that keeps fewer."""
        client.idle_since = time.monotonic()
        if not client.buffered() and self._fewer_elsewhere() and self._hand(client):
            self._deaf_until = time.monotonic() + SLOW
            self._publish()
            return
        with self._lock:
            self._idle.append(client)
        self._publish()

    def take(self, client: Client) -> bool:
        """Take ``client`` out of the idle ones to answer it (False: not kept here any more)."""
        with self._lock:
            if client not in self._idle:
                return False
            self._idle.remove(client)
        self._publish()
        return True

    def receive(self) -> None:
        """Keep a connection another process handed off, if one is waiting."""
        try:
            _, fds, _, _ = socket.recv_fds(self._receive, 1, 1)
        except (BlockingIOError, InterruptedError):
            return
        for fd in fds:
            client = Client(socket.socket(fileno=fd))
            client.idle_since = time.monotonic()
            with self._lock:
                self._idle.append(client)
        self._publish()

    def hand_off_all(self) -> None:
        """Hand every idle connection to the other processes (this one is held up), those
        whose next request waits in the kernel included; those the hand-off socket has no room
        for, and those whose next request this process has read into its buffer, stay."""
        with self._lock:  # what has been read of a request stays with the process that read it
            idle = [client for client in self._idle if not client.buffered()]
            self._idle = [client for client in self._idle if client not in idle]
        kept = [client for client in idle if not self._hand(client)]
        with self._lock:
            self._idle.extend(kept)
        self._publish()

    def expire(self) -> float:
        """Close the connections idle for ``KEEP_IDLE``: the seconds until the next one is due
        (``KEEP_IDLE`` when none is kept)."""
        now = time.monotonic()
        with self._lock:
            due = [c for c in self._idle if now - c.idle_since >= KEEP_IDLE]
            self._idle = [c for c in self._idle if c not in due]
            left = min((KEEP_IDLE - (now - c.idle_since) for c in self._idle), default=KEEP_IDLE)
        for client in due:
            client.close()
        if due:
            self._publish()
        return left

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for client in idle:
            client.close()
        self._publish()

    def _hand(self, client: Client) -> bool:
        """Send ``client`` to the hand-off socket and close it here (False: no room)."""
        try:
            socket.send_fds(self._send, [b"c"], [client.fileno()])
        except OSError:
            return False
        client.close()
        return True

    def _fewer_elsewhere(self) -> bool:
        """Whether a process waiting for a connection keeps fewer connections than this one
        would keep with one more, by more than one."""
        mine = self.count() + 1
        for slot in range(self._most):
            if slot == self._slot or self._slots.get(slot) != 0.0:
                continue
            if self._slots.kept(slot) + 1 < mine:
                return True
        return False

    def _publish(self) -> None:
        self._slots.set_kept(self._slot, self.count())
