"""``govkg serve`` on the embedded store: the SPARQL endpoint served by its query processes, and
the pages by a pages process (``--sparql-only``: the endpoint alone).

A query process (:mod:`govkg.server.endpoint_worker`) accepts connections itself on one shared
listening socket and answers ``/sparql`` with Oxigraph: no hop between processes, no pages'
imports.  Every other request (a page, a document, the query page) it relays to the pages
process, which runs the app (:mod:`govkg.server.app`) under uvicorn on a private Unix socket
(:mod:`govkg.server.endpoint_pages`, :mod:`govkg.server.endpoint_relay`).  This module is the
supervisor, ``python -m govkg.server.endpoint``: it opens the socket, keeps ``query_workers``
processes running (one that stopped a runaway query at its time limit ends and is replaced),
starts one more, up to ``max_query_workers``, while every process is held by a query slower than
``SLOW`` seconds, starts the pages process (at once, or at the first page request), and on
SIGTERM or Ctrl-C stops them all (each after the answer it is writing).  It imports the standard
library only.
"""

from __future__ import annotations

import array
import contextlib
import fcntl
import json
import mmap
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from typing import Any, NoReturn

from govkg.server.endpoint_pages import PagesError, PagesProcess

#: A process busy this many seconds while all are busy: start one more (as the full server).
SLOW = 0.25
#: How often the supervisor looks at its processes, in seconds.
TICK = 0.05
#: Seconds the processes have to finish the answers they are writing when stopped.
STOP_GRACE = 5.0
SLOT = struct.Struct("d")
#: A slot's value while its process starts (0.0: waiting for a connection; else busy since).
STARTING = -1.0
#: A slot's value while it has no process.
ABSENT = -2.0


class Slots:
    """The state file shared with the query processes: for each process, since when it is busy
    (0.0: waiting for a connection; ``STARTING``: starting; ``ABSENT``: none), then for each,
    how many idle connections it keeps."""

    def __init__(self, path: str, size: int) -> None:
        self._size = size
        with open(path, "r+b") as file:
            self._map = mmap.mmap(file.fileno(), 2 * SLOT.size * size)

    @staticmethod
    def create(file: Any, size: int) -> None:
        """Fill a new state file: every slot absent, no connection kept."""
        file.write(SLOT.pack(ABSENT) * size + SLOT.pack(0.0) * size)
        file.flush()

    def set(self, slot: int, value: float) -> None:
        SLOT.pack_into(self._map, slot * SLOT.size, value)

    def get(self, slot: int) -> float:
        return float(SLOT.unpack_from(self._map, slot * SLOT.size)[0])

    def set_kept(self, slot: int, count: int) -> None:
        SLOT.pack_into(self._map, (self._size + slot) * SLOT.size, float(count))

    def kept(self, slot: int) -> int:
        return int(SLOT.unpack_from(self._map, (self._size + slot) * SLOT.size)[0])


@dataclass
class Supervisor:
    """The listening socket, the shared state file and the query processes by slot."""

    folder: str
    listener: socket.socket
    limits: dict[str, Any]
    state: str
    remove: bool = False
    pages: PagesProcess | None = None
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.slots = Slots(self.state, self.most)
        # kept connections handed from one query process to another: sent on the first end,
        # received on the second (by whichever process is waiting), one message each
        self.handoff = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

    @property
    def warm(self) -> int:
        return int(self.limits["query_workers"])

    @property
    def most(self) -> int:
        return int(self.limits["max_query_workers"])

    def start(self, slot: int) -> subprocess.Popen[bytes]:
        """A query process in ``slot`` (exit status 2: it could not open the store); its slot
        says "starting" until it has opened the store."""
        fds = (self.listener.fileno(), *(end.fileno() for end in self.handoff))
        command = [sys.executable, "-m", "govkg.server.endpoint_worker", self.folder]
        command += [",".join(map(str, fds)), str(slot), self.state, json.dumps(self.limits)]
        command.append(str(os.getpid()))  # it ends when this process has ended
        command += ["--remove"] if self.remove else []
        self.slots.set(slot, STARTING)
        self.slots.set_kept(slot, 0)
        process = subprocess.Popen(command, pass_fds=fds)
        self.processes[slot] = process
        return process

    def look(self) -> None:
        """Replace warm processes that ended; forget extra ones that did; grow if held up."""
        for slot, process in list(self.processes.items()):
            if process.poll() is None:
                continue
            del self.processes[slot]
            self.slots.set(slot, ABSENT)
            self.slots.set_kept(slot, 0)
            if process.returncode == 2:  # it could not open the store: say so, do not loop
                raise EndpointError("a query process could not open the store (see above)")
            if slot < self.warm:
                self.start(slot)
        self._grow()
        if self.pages is not None:
            self.pages.look()

    def _grow(self) -> None:
        """One more process when none is waiting, one has been busy ``SLOW`` seconds, and more
        connections wait to be accepted or taken over than processes are starting."""
        now = time.monotonic()
        since = [self.slots.get(slot) for slot in self.processes]
        if any(started == 0.0 for started in since):
            return
        busy = [now - started for started in since if started > 0.0]
        if not busy or max(busy) < SLOW:
            return
        waiting = queued(self.listener) + handed_off(self.handoff[1])
        if waiting <= since.count(STARTING):
            return
        free = next((s for s in range(self.most) if s not in self.processes), None)
        if free is not None:
            self.start(free)

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(OSError):
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in self.processes.values():
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self.pages is not None:
            self.pages.stop()


def queued(listener: socket.socket) -> int:
    """Connections waiting to be accepted (Linux: ``tcpi_unacked`` of a listening socket);
    1 where the system does not say, so that a slow query still lets one more process start."""
    try:
        info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    except (AttributeError, OSError):
        return 1
    return int(struct.unpack_from("I", info, 24)[0])


def handed_off(receiving: socket.socket) -> int:
    """How many kept connections wait on the hand-off socket to be taken over (a message of
    one byte each)."""
    waiting = array.array("i", [0])
    try:
        fcntl.ioctl(receiving.fileno(), termios.FIONREAD, waiting)
    except OSError:
        return 0
    return int(waiting[0])


class EndpointError(Exception):
    """The endpoint cannot run: one line for the user."""


class _Stop(Exception):
    pass


def _on_signal(_signum: int, _frame: Any) -> None:
    raise _Stop


def listen(host: str, port: int) -> socket.socket:
    """The listening socket (the processes accept on it); a refusal is an EndpointError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise EndpointError(f"cannot listen on {host}:{port}: {reason}") from None


@dataclass(frozen=True)
class PagesOptions:
    """``govkg serve`` with its pages: the project's folder, and whether the pages process waits
    for the first page request to start."""

    root: str
    on_demand: bool = False


def run(
    folder: str,
    host: str,
    port: int,
    limits: dict[str, Any],
    remove: bool = False,
    pages: PagesOptions | None = None,
) -> None:
    """Serve the store in ``folder`` until SIGTERM or Ctrl-C (``remove``: the folder is a
    snapshot, removed at the end; by the query processes if this one is killed); with
    ``pages``, the pages too, from the pages process."""
    listener = listen(host, port)
    address, bound = listener.getsockname()[:2]
    shown = f"[{address}]" if ":" in address else address
    with tempfile.NamedTemporaryFile(prefix="govkg-endpoint-", suffix=".state") as state:
        Slots.create(state, int(limits["max_query_workers"]))
        pages_process = None
        if pages is not None:
            endpoint = f"http://{_loopback(address)}:{bound}/sparql"
            try:
                pages_process = PagesProcess(pages.root, folder, limits, endpoint, pages.on_demand)
            except PagesError as error:
                listener.close()
                raise EndpointError(str(error)) from None
            limits = {**limits, "pages": pages_process.path}
        supervisor = Supervisor(folder, listener, limits, state.name, remove, pages_process)
        signal.signal(signal.SIGTERM, _on_signal)
        signal.signal(signal.SIGINT, _on_signal)
        try:
            for slot in range(supervisor.warm):
                supervisor.start(slot)
            if pages_process is not None:
                pages_process.begin()
            print(_serving(f"http://{shown}:{bound}/", supervisor.warm, pages), file=sys.stderr)
            sys.stderr.flush()
            while True:
                time.sleep(TICK)
                supervisor.look()
        except _Stop:
            pass
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            supervisor.stop()
            listener.close()
            for end in supervisor.handoff:
                end.close()


def _serving(base: str, warm: int, pages: PagesOptions | None) -> str:
    processes = f"{warm} query process{'es' * (warm != 1)}"
    if pages is None:
        return f"govkg: serving SPARQL on {base}sparql ({processes}; Ctrl-C to stop)"
    when = "; pages from the first page request" if pages.on_demand else ""
    return f"govkg: serving on {base} ({processes}{when}; Ctrl-C to stop)"


def _loopback(address: str) -> str:
    """The address the pages process reaches the server at (a wildcard is this machine)."""
    if address in ("0.0.0.0", ""):
        return "127.0.0.1"
    if ":" in address:
        return "[::1]" if address == "::" else f"[{address}]"
    return address


def main(argv: list[str]) -> int:
    """``python -m govkg.server.endpoint FOLDER HOST PORT LIMITS_JSON [--remove] [--pages ROOT
    [--on-demand]]``: serve; with ``--remove`` the folder (a snapshot of a store in memory) is
    deleted at the end; with ``--pages``, the pages of the project in ROOT too."""
    folder, host, port, limits = argv[:4]
    options = argv[4:]
    pages = None
    if "--pages" in options:
        pages = PagesOptions(options[options.index("--pages") + 1], "--on-demand" in options)
    try:
        run(folder, host, int(port), json.loads(limits), "--remove" in options, pages)
    except EndpointError as error:
        print(f"govkg serve: {error}", file=sys.stderr)
        return 2
    finally:
        if "--remove" in argv[4:]:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def exec_endpoint(
    folder: str,
    host: str,
    port: int,
    limits: dict[str, Any],
    remove: bool,
    pages: PagesOptions | None = None,
) -> NoReturn:
    """Replace this process by the supervisor (so the CLI's imports are not kept)."""
    command = [sys.executable, "-m", "govkg.server.endpoint", folder, host, str(port)]
    command += [json.dumps(limits), *(["--remove"] if remove else [])]
    if pages is not None:
        command += ["--pages", pages.root, *(["--on-demand"] if pages.on_demand else [])]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
