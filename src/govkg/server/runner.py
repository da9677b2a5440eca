"""Running untrusted queries with a time limit that really stops them.

Oxigraph cannot interrupt a query, and a thread cannot be killed; so the SPARQL endpoint sends
each query to a *query process* that holds the store open read-only, and kills that process when
the query outlives its time.  Other requests go on in other processes meanwhile.  The pool keeps
``workers`` processes warm and starts more on demand, up to ``max_workers``.

The embedded in-memory store is first copied to a temporary on-disk store that the processes
open; an on-disk store is opened where it is.  A store of another kind (a remote SPARQL server,
which has its own limits) is queried in a thread by :class:`ThreadRunner`.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from govkg.errors import StoreError
from govkg.server.execute import Job, execute, timed_out
from govkg.server.results import Answer
from govkg.store import Store

T = TypeVar("T")

#: How long a new query process may take to open the store.
START_TIMEOUT = 60.0
#: How long a query may wait for a free query process before the server says it is busy.
QUEUE_TIMEOUT = 30.0
#: A query running longer than this (seconds) is slow: a request that has waited ``GROW_AFTER``
#: seconds while some process is on a slow query starts one more process.
SLOW = 0.25
GROW_AFTER = 0.05


class Runner(ABC):
    """Answers jobs within a time limit."""

    @abstractmethod
    async def run(self, job: Job, timeout: float) -> Answer:
        """The job's answer, or 503 when it takes longer than ``timeout`` seconds."""

    def start(self) -> None:  # noqa: B027 - optional: warm up before the first request
        """Get ready for the first request."""

    def close(self) -> None:  # noqa: B027 - optional: nothing to release by default
        """Release what the runner holds."""


class ThreadRunner(Runner):
    """Runs each job in a daemon thread; past the timeout the client is answered and the thread
    abandoned (it cannot be stopped).  For stores that bound their own queries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def run(self, job: Job, timeout: float) -> Answer:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()

        def work() -> None:
            answer = execute(self.store, job)
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
                loop.call_soon_threadsafe(_settle, future, answer)

        threading.Thread(target=work, name="govkg-query", daemon=True).start()
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return timed_out(timeout)


def _settle(future: asyncio.Future[T], value: T) -> None:
    """Give ``future`` its value unless it has one (or was cancelled)."""
    if not future.done():
        future.set_result(value)


def _wake(loop: asyncio.AbstractEventLoop, future: asyncio.Future[None]) -> None:
    """Settle a future of ``loop`` from its own thread (directly) or from another one."""
    with contextlib.suppress(RuntimeError):  # no loop running here
        if asyncio.get_running_loop() is loop:
            _settle(future, None)
            return
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits
        loop.call_soon_threadsafe(_settle, future, None)


@dataclass(eq=False)  # hashed by identity: the pool keeps each busy one
class _Worker:
    process: subprocess.Popen[bytes]
    jobs: Connection
    conn: Connection

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self.jobs.close()
        self.conn.close()


def _start_worker(path: Path) -> _Worker:
    """A query process over the store in ``path``, once it says it is ready."""
    command = [sys.executable, "-m", "govkg.server.worker", str(path)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    jobs = Connection(os.dup(process.stdin.fileno()), readable=False)
    conn = Connection(os.dup(process.stdout.fileno()), writable=False)
    process.stdin.close()
    process.stdout.close()
    worker = _Worker(process, jobs, conn)
    try:
        hello = conn.recv() if conn.poll(START_TIMEOUT) else "no answer"
    except (EOFError, OSError):
        hello = "it ended while starting"
    if hello != "ready":
        worker.stop()
        raise StoreError(f"a query process could not open the store: {hello}")
    return worker


async def _exchange(worker: _Worker, job: Job, timeout: float) -> Answer | None:
    """Send the job and wait for its answer; None when the time runs out first.

    The wait holds no thread: the event loop watches the pipe.  Job and answer are pickled
    with the plain pickler (plain data: no handles to pass between processes).
    """
    loop = asyncio.get_running_loop()
    arrived: asyncio.Future[bool] = loop.create_future()
    descriptor = worker.conn.fileno()
    loop.add_reader(descriptor, _settle, arrived, True)
    timer = loop.call_later(timeout, _settle, arrived, False)
    try:
        worker.jobs.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
        if not await arrived:
            return None
    finally:
        timer.cancel()
        loop.remove_reader(descriptor)
    answer = pickle.loads(worker.conn.recv_bytes())  # arriving; a capped answer reads in ms
    assert isinstance(answer, Answer)
    return answer


class ProcessRunner(Runner):
    """A pool of query processes over an on-disk Oxigraph store opened read-only."""

    def __init__(self, store: Store, workers: int = 2, max_workers: int = 8) -> None:
        self.store = store
        self.workers = max(1, workers)
        self.max_workers = max(self.workers, max_workers)
        self._path: Path | None = store.folder
        self._snapshot: Path | None = None
        self._idle: list[_Worker] = []
        #: Each process answering a query, and since when (time.monotonic()).
        self._busy: dict[_Worker, float] = {}
        self._count = 0
        self._lock = threading.Lock()
        self._closed = False
        #: Requests waiting for a free process, woken as soon as one is released.
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        atexit.register(self.close)

    def start(self) -> None:
        while self._reserve_if_below(self.workers):
            self._add_started()

    async def run(self, job: Job, timeout: float) -> Answer:
        """The answer; a query waits for a free process (up to ``QUEUE_TIMEOUT``), then may run
        for ``timeout`` seconds."""
        worker = await self._acquire(asyncio.get_running_loop().time() + QUEUE_TIMEOUT)
        if worker is None:
            return Answer.error(503, "the server is busy: every query process is in use")
        try:
            answer = await _exchange(worker, job, timeout)
        except (EOFError, OSError):
            self._discard(worker)
            return Answer.error(500, "the query process ended unexpectedly")
        if answer is None:
            self._discard(worker)
            return timed_out(timeout)
        self._release(worker)
        return answer

    async def _acquire(self, deadline: float) -> _Worker | None:
        """An idle process; else wait for one to be freed.  A request that has waited
        ``GROW_AFTER`` seconds while some process is on a slow query (over ``SLOW`` seconds)
        starts one more process in the background, up to the maximum, and takes whichever
        process is free first: the new one, or one released meanwhile (a start takes ~0.25 s).
        So fast queries queue for the warm processes (more processes than cores would only
        share the cores), and a runaway never holds up the others for long."""
        loop = asyncio.get_running_loop()
        waiting_since = loop.time()
        starting: asyncio.Future[None] | None = None
        while loop.time() < deadline:
            with self._lock:
                if self._idle:
                    worker = self._idle.pop()
                    self._busy[worker] = time.monotonic()
                    return worker
            if starting is not None and starting.done():
                starting.result()  # a start that failed raises its StoreError here
                starting = None
            if starting is None and self._may_grow(loop.time() - waiting_since):
                starting = asyncio.ensure_future(run_in_threadpool(self._pooled_start))
            await self._wait_for_release(loop, min(0.05, max(0.0, deadline - loop.time())))
        return None

    def _may_grow(self, waited: float) -> bool:
        """Reserve a place for one more process: below ``workers`` (one was stopped), or below
        the maximum for a request that has waited ``GROW_AFTER`` seconds behind a slow query."""
        if self._reserve_if_below(self.workers):
            return True
        return waited > GROW_AFTER and self._any_slow() and self._reserve_if_below(self.max_workers)

    def _any_slow(self) -> bool:
        """Some process busy with a query that has run for over ``SLOW`` seconds."""
        now = time.monotonic()
        with self._lock:
            return any(now - started > SLOW for started in self._busy.values())

    async def _wait_for_release(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        """Sleep until a process is released, first come first woken (or ``seconds`` pass: to
        see whether the busy processes' queries have become slow)."""
        released: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(seconds, _settle, released, None)
        entry = (loop, released)
        with self._lock:
            self._waiting.append(entry)
        try:
            await released
        finally:
            timer.cancel()
            with self._lock, contextlib.suppress(ValueError):
                self._waiting.remove(entry)

    def _reserve_if_below(self, limit: int) -> bool:
        with self._lock:
            if self._closed or self._count >= limit:
                return False
            self._count += 1
            return True

    def _unreserve(self) -> None:
        with self._lock:
            self._count -= 1

    def _started(self) -> _Worker:
        return _start_worker(self._store_path())

    def _store_path(self) -> Path:
        """Where the processes open the store: its folder, or a snapshot of a memory store."""
        with self._lock:
            if self._path is None:
                self._path = self._snapshot = snapshot(self.store)
            return self._path

    def _pooled_start(self) -> None:
        """Start a process (its place already reserved) and put it in the idle pool, waking a
        waiting request; a failed start gives its place back and raises."""
        try:
            worker = self._started()
        except StoreError:
            self._unreserve()
            raise
        self._release(worker)

    def _add_started(self) -> None:
        with contextlib.suppress(StoreError):
            self._pooled_start()

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.pop(worker, None)
            if not self._closed:
                self._idle.append(worker)
                waiter = self._waiting.pop(0) if self._waiting else None
                if waiter is not None:
                    _wake(*waiter)
                return
        worker.stop()

    def _discard(self, worker: _Worker) -> None:
        """Stop a process; the next request that finds none idle starts its replacement."""
        with self._lock:
            self._busy.pop(worker, None)
        worker.stop()
        self._unreserve()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)


def snapshot(store: Store) -> Path:
    """A temporary on-disk copy of an in-memory store, for query processes to open."""
    path = Path(tempfile.mkdtemp(prefix="govkg-serve-"))
    copy = ox.Store(str(path))
    copy.bulk_extend(store.quads())
    copy.flush()
    del copy
    return path


def make_runner(store: Store, workers: int, max_workers: int) -> Runner:
    """Query processes for the embedded store (``workers`` > 0), else a thread per query."""
    if workers <= 0 or not store.embedded:
        return ThreadRunner(store)
    return ProcessRunner(store, workers, max_workers)
