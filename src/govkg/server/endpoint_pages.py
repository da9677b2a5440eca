"""The supervisor's side of the pages process of ``govkg serve``: its private Unix socket, and
the process itself, started with the server or at the first page request, and again at the next
request after it ended.

The socket is made and listened on here, before any pages process runs: a query process relays
a page request to it at once (:mod:`govkg.server.endpoint_relay`), and the request waits in the
socket's queue while the pages process starts.  A pages process that ended with an error is
not started again for ``RETRY`` seconds; requests meanwhile are answered 503 here.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from govkg.server.endpoint_http import closing_text

#: Seconds before a pages process that ended with an error at its start is started again.
RETRY = 5.0
#: A pages process that ends with an error within this many seconds of its start failed to
#: start (a later end, such as a crash or the kernel's out-of-memory killer, is restarted at
#: the next request).
STARTING = 10.0
#: Seconds the pages process has to finish its answers when stopped.
STOP_GRACE = 6.0
#: glibc's malloc arenas for the pages process (unless the environment sets them): its threads
#: (a listing read, the alignment read at its start) otherwise keep an arena each, and a page of
#: a listing at 425 k triples left it 35 MB larger than with two.
ARENAS = "2"
_UNAVAILABLE = "the pages could not start (the server's log says why); try again in a moment\n"


class PagesError(Exception):
    """The pages' socket cannot be made: one line for the user."""


@dataclass
class PagesProcess:
    """The pages' socket and process (``on_demand``: not started before the first request)."""

    root: str
    folder: str
    limits: dict[str, Any]
    endpoint: str  # the server's own /sparql, for the pages' queries
    on_demand: bool = False
    process: subprocess.Popen[bytes] | None = None
    failed_at: float | None = field(default=None)
    started_at: float = 0.0

    def __post_init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="govkg-pages-")
        self.path = os.path.join(self.directory, "pages.sock")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.listener.bind(self.path)
            self.listener.listen(1024)
        except OSError as error:
            self.listener.close()
            shutil.rmtree(self.directory, ignore_errors=True)
            reason = error.strerror or str(error)
            raise PagesError(f"cannot make the pages' socket {self.path}: {reason}") from None
        self.listener.setblocking(False)

    def begin(self) -> None:
        """At the server's start: start the pages process unless it waits for a request."""
        if not self.on_demand:
            self.start()

    def start(self) -> None:
        fd = self.listener.fileno()
        command = [sys.executable, "-m", "govkg.server.pages_process", self.root, self.folder]
        command += [str(fd), json.dumps(self.limits), self.endpoint, str(os.getpid())]
        command.append(self.directory)  # removed by the pages process if this one is killed
        # its own session: Ctrl-C reaches the supervisor, which stops it after the query
        # processes (whose relays it may still be answering)
        env = {"MALLOC_ARENA_MAX": ARENAS, **os.environ}
        self.process = subprocess.Popen(command, pass_fds=(fd,), start_new_session=True, env=env)
        self.started_at = time.monotonic()

    def look(self) -> None:
        """Note a pages process that ended; start one for a request that waits."""
        if self.process is not None:
            if self.process.poll() is None:
                return
            now = time.monotonic()
            if self.process.returncode not in (0, -15) and now - self.started_at < STARTING:
                self.failed_at = now
            self.process = None
        if not select.select([self.listener], [], [], 0)[0]:
            return
        if self.failed_at is not None and time.monotonic() - self.failed_at < RETRY:
            self._refuse_waiting()
            return
        self.start()

    def _refuse_waiting(self) -> None:
        """Answer 503 to the requests waiting on the socket."""
        answer = closing_text(503, _UNAVAILABLE)
        while True:
            try:
                connection, _ = self.listener.accept()
            except BlockingIOError:
                return
            with connection, contextlib.suppress(OSError):
                connection.settimeout(1.0)
                connection.recv(1 << 16)
                connection.sendall(answer)

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.terminate()
            try:
                self.process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        self.listener.close()
        shutil.rmtree(self.directory, ignore_errors=True)
