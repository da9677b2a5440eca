"""One SPARQL job, start to finish: run the query on a store and render the answer as bytes.

A job and its answer are plain data, so the same function runs in the server's process (over any
store) or in a query process (see :mod:`govkg.server.runner` and :mod:`govkg.server.worker`).
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from govkg.errors import GovkgError, ProtocolError, QueryError, StoreError
from govkg.server.native import native_answer
from govkg.server.results import Answer, to_answer
from govkg.store import Dataset, OxigraphStore, Store

if TYPE_CHECKING:  # a query process of the endpoint's needs none of multiprocessing
    from multiprocessing.connection import Connection


@dataclass(frozen=True)
class Job:
    """A query to answer: its text, the dataset the request named, the Accept header, the cap."""

    query: str
    accept: str | None = None
    max_rows: int = 10_000
    dataset: Dataset | None = None


def timed_out(seconds: float) -> Answer:
    """The answer to a query stopped at its time limit."""
    return Answer.error(503, f"the query did not finish within {seconds:g} s and was stopped")


def execute(store: Store, job: Job) -> Answer:
    """The answer to ``job``; every failure becomes an error answer with a one-line message."""
    return _answered(lambda: _general(store, job))


def execute_natively(store: OxigraphStore, job: Job) -> Answer:
    """As :func:`execute`, SELECT answers written by Oxigraph's own writers
    (:mod:`govkg.server.native`): what a query process does over its Oxigraph store."""
    native = partial(native_answer, store, job.query, job.accept, job.max_rows, job.dataset)
    return _answered(lambda: native() or _general(store, job))


def _general(store: Store, job: Job) -> Answer:
    result = store.query(job.query, dataset=job.dataset, limit=job.max_rows)
    return to_answer(result, job.accept, job.max_rows)


def _answered(work: Callable[[], Answer]) -> Answer:
    """``work``'s answer, or its failure as an error answer."""
    try:
        return work()
    except ProtocolError as error:
        return Answer.error(error.status, error.message)
    except QueryError as error:
        return Answer.error(400, str(error))
    except StoreError as error:  # a remote server down, slow or failing: try again later
        return Answer.error(503, str(error).splitlines()[0])
    except GovkgError as error:
        return Answer.error(500, str(error).splitlines()[0])
    except Exception as error:
        return Answer.error(500, f"internal error ({type(error).__name__})")


def worker_main(path: str, jobs: Connection, conn: Connection) -> None:
    """A query process: open the store read-only, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; it ends us
    os.nice(5)  # pages and cheap requests first: a runaway query yields the CPU to the server
    try:
        store = OxigraphStore.read_only(path)
    except GovkgError as error:
        conn.send(str(error))
        return
    conn.send("ready")
    while True:
        try:
            job = pickle.loads(jobs.recv_bytes())
        except (EOFError, OSError):
            return
        conn.send_bytes(pickle.dumps(execute_natively(store, job), pickle.HIGHEST_PROTOCOL))
