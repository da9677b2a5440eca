"""The pages process gives back the memory its reads of the store filled while no page reads it.

Oxigraph keeps the blocks and indexes a handle has read (up to ~45 MB at 4 M triples, ~12 MB at
425 k, after the whole-graph reads the pages make at their start), a second copy of what the
query processes keep for ``/sparql``.  Once the pages process has read nothing for
:data:`IDLE_S` seconds it lets go of its handle (:meth:`OxigraphStore.let_go`; the next page
opens the folder again, ~15 ms at 4 M triples) and gives the freed heap back to the system
(:func:`give_back_memory`).  A page asked for meanwhile keeps the handle open, its caches warm.
"""

from __future__ import annotations

import ctypes
import threading

from govkg.store import OxigraphStore

#: Seconds without a read of the store before the pages process lets go of its handle.
IDLE_S = 10.0
#: How often (seconds) the process looks.
CHECK_S = 1.0


def give_back_memory() -> None:
    """Return the free pages of the process's heap to the system (glibc's ``malloc_trim``; on a
    C library without it, nothing): freed memory otherwise stays counted as the process's."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # no such C library or function here
        return
    trim(0)


def let_go_when_idle(
    store: OxigraphStore, idle_s: float = IDLE_S, stop: threading.Event | None = None
) -> threading.Thread:
    """A daemon thread that, each time the store has not been read for ``idle_s`` seconds, lets
    go of its handle and gives the memory back (once per idle spell), until ``stop`` is set."""
    thread = threading.Thread(
        target=_watch,
        args=(store, idle_s, stop or threading.Event()),
        name="govkg-idle-store",
        daemon=True,
    )
    thread.start()
    return thread


def _watch(store: OxigraphStore, idle_s: float, stop: threading.Event) -> None:
    given_back = False
    while not stop.wait(min(CHECK_S, idle_s)):
        if store.idle_s() < idle_s:
            given_back = False
        elif not given_back:
            store.let_go()
            give_back_memory()
            given_back = True
