"""Whole-graph data the pages read once per store and keep for a while (:data:`TTL` seconds).

The first read is made while the caller waits (:meth:`Kept.get`), or in the background while the
caller is told it is not ready yet (:meth:`Kept.ready`: for a part of a page that needs a
whole-graph computation, which takes minutes at 4 M triples, so that the rest of the page never
waits for it); after :data:`TTL` seconds the kept value is still given while a thread reads the
next one, so a read that takes seconds (or minutes, for the alignment at 4 M triples) never makes
a page wait twice, and a remote store's changes show within that time.  A store that has not
changed since (``Store.generation``: an embedded store no one has written to) is not read again.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from govkg.errors import GovkgError
from govkg.store import Store

_LOG = logging.getLogger("govkg.server")
#: Seconds a value read from a store is kept.
TTL = 300.0

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def stale(store: Store, read_at: float, generation: int | None, ttl: float | None = None) -> bool:
    """A value read at ``read_at`` (``time.monotonic()``), when the store's generation was
    ``generation``, is to be read again: ``ttl`` (:data:`TTL`) seconds old, of a store that may
    have changed since (a server's, whose generation is None; an embedded one written to)."""
    if time.monotonic() - read_at < (TTL if ttl is None else ttl):
        return False
    return generation is None or store.generation != generation


class Kept(Generic[T]):
    """One value per store, read by ``load`` (``what`` names it in the log)."""

    def __init__(
        self, load: Callable[[Store], T], what: str, ttl: Callable[[], float] | None = None
    ) -> None:
        self.load = load
        self.what = what
        #: Seconds a value is kept (looked up at each use; default :data:`TTL`).
        self.ttl = ttl or (lambda: TTL)
        self.lock = threading.Lock()
        #: Each store's value, when it was read and the store's generation then.
        self.found: weakref.WeakKeyDictionary[Store, tuple[float, int | None, T]] = (
            weakref.WeakKeyDictionary()
        )
        self.reading: weakref.WeakSet[Store] = weakref.WeakSet()
        #: Held while a store's value is read (callers of :meth:`get` wait on it).
        self.first: weakref.WeakKeyDictionary[Store, threading.Lock] = weakref.WeakKeyDictionary()
        #: Set once a store's first value is kept (callers of :meth:`ready` wait a while on it).
        self.done: weakref.WeakKeyDictionary[Store, threading.Event] = weakref.WeakKeyDictionary()
        #: When each store's value was first asked for.
        self.started: weakref.WeakKeyDictionary[Store, float] = weakref.WeakKeyDictionary()

    def get(self, store: Store) -> T:
        """The store's value: read now if none is kept (one read, every caller waits for it),
        else the kept one (read again in the background once it is :data:`TTL` seconds old)."""
        kept = self._kept(store)
        if kept is not None:
            return kept[0]
        with self.lock:
            self.started.setdefault(store, time.monotonic())
        with self._first_lock(store):
            kept = self._kept(store)
            if kept is not None:  # read by another caller meanwhile
                return kept[0]
            generation = store.generation
            value = self.load(store)
            self._keep(store, value, generation)
            return value

    def ready(self, store: Store, wait_s: float = 0.0) -> T | None:
        """The store's value if one is kept, else None, with the first read started in the
        background (once): what a page asks for when it can say that a part is not ready rather
        than wait minutes for it.  Pages wait for the first read until ``wait_s`` seconds after
        it started (a small graph's is read within them), then no longer."""
        kept = self._kept(store)
        if kept is not None:
            return kept[0]
        now = time.monotonic()
        with self.lock:
            done = self.done.setdefault(store, threading.Event())
            started = self.started.setdefault(store, now)
            start = store not in self.reading
            self.reading.add(store)
        if start:
            threading.Thread(target=self._refresh, args=(store,), daemon=True).start()
        if started + wait_s > now:
            done.wait(started + wait_s - now)
        kept = self._kept(store)
        return kept[0] if kept is not None else None

    def _keep(self, store: Store, value: T, generation: int | None) -> None:
        with self.lock:
            self.found[store] = (time.monotonic(), generation, value)
            self.done.setdefault(store, threading.Event()).set()

    def _first_lock(self, store: Store) -> threading.Lock:
        with self.lock:
            return self.first.setdefault(store, threading.Lock())

    def _kept(self, store: Store) -> tuple[T] | None:
        """The kept value (as a 1-tuple: a value may be None), refreshed in the background once
        it is old; None when none is kept."""
        with self.lock:
            kept = self.found.get(store)
            if kept is None:
                return None
            if stale(store, kept[0], kept[1], self.ttl()) and store not in self.reading:
                self.reading.add(store)
                threading.Thread(target=self._refresh, args=(store,), daemon=True).start()
            return (kept[2],)

    def _fresh(self, store: Store) -> bool:
        with self.lock:
            kept = self.found.get(store)
            return kept is not None and not stale(store, kept[0], kept[1], self.ttl())

    def _refresh(self, store: Store) -> None:
        read = False
        value: T | None = None
        generation = store.generation
        try:
            with self._first_lock(store):  # never two reads of one store at once
                if not self._fresh(store):  # else read by another caller meanwhile
                    value, read = self.load(store), True
        except GovkgError as error:  # the store cannot be read now: keep the old one
            _LOG.warning("the pages' %s could not be read: %s", self.what, error)
        except Exception as error:  # a thread's error is logged in one line, never a traceback
            _LOG.error("the pages' %s could not be read (%s)", self.what, type(error).__name__)
        if read:
            self._keep(store, value, generation)  # type: ignore[arg-type]
        with self.lock:
            self.reading.discard(store)


class KeptByKey(Generic[K, T]):
    """Values per store and key, each read by ``load(store, key)`` when first asked for (once:
    callers asking for a key being read wait for that read) and again in the background once it
    is :data:`TTL` seconds old, if the store may have changed (the old value is given meanwhile);
    at most ``size`` keys a store
    (the least recently asked for is dropped).  For what a page reads about one resource that
    many requests ask for (the order of an actor's 4,000 stances takes seconds at 4 M triples:
    16 clients asking for its page at once read it once)."""

    def __init__(self, load: Callable[[Store, K], T], size: int) -> None:
        self.load = load
        self.size = size
        self.lock = threading.Lock()
        #: Each key's value, when it was read and the store's generation then.
        self.found: weakref.WeakKeyDictionary[
            Store, OrderedDict[K, tuple[float, int | None, T]]
        ] = weakref.WeakKeyDictionary()
        #: The keys being read, each with the event set when its read ends.
        self.reading: weakref.WeakKeyDictionary[Store, dict[K, threading.Event]] = (
            weakref.WeakKeyDictionary()
        )
        #: When the read of each key being read began (``time.monotonic()``).
        self.began: weakref.WeakKeyDictionary[Store, dict[K, float]] = weakref.WeakKeyDictionary()

    def get(self, store: Store, key: K) -> T:
        """The value for ``key``: the kept one, else read now (or by the caller already reading
        it)."""
        with self.lock:
            if kept := self._hit(store, key):
                return kept[0]
            reading = self.reading.setdefault(store, {}).get(key)
            if reading is None:
                reading = self._start(store, key, background=False)
                mine = True
            else:
                mine = False
        if mine:  # outside the lock: other keys' pages are not held back
            try:
                generation = store.generation
                value = self.load(store, key)
                self._keep(store, key, value, generation)
                return value
            finally:
                self._done(store, key)
        reading.wait()
        with self.lock:
            hit = self.found[store].get(key)
        return hit[2] if hit is not None else self.load(store, key)  # that read failed

    def ready(self, store: Store, key: K, wait_s: float) -> tuple[T] | tuple[()]:
        """The value for ``key`` as a 1-tuple if it is kept or read within ``wait_s`` seconds,
        else ``()`` with its read going on in the background (one read, however many ask):
        what a page asks for when it can say it is not ready rather than wait a minute.  The
        seconds its read has taken so far are :meth:`reading_for`'s."""
        with self.lock:
            if kept := self._hit(store, key):
                return kept
            reading = self._start(store, key, background=True)
        ended = reading.wait(wait_s)
        with self.lock:
            hit = self.found[store].get(key)
        if hit is not None:
            return (hit[2],)
        if ended:  # the read failed (logged): read again here, its error the caller's to say
            return (self.get(store, key),)
        return ()

    def reading_for(self, store: Store, key: K) -> float:
        """Seconds since the read of ``key`` began (0 when it is not being read)."""
        with self.lock:
            began = self.began.get(store, {}).get(key)
        return 0.0 if began is None else time.monotonic() - began

    def forget(self, store: Store) -> None:
        """Drop every value kept for ``store`` (a value being read is still kept when read)."""
        with self.lock:
            self.found.pop(store, None)

    def _hit(self, store: Store, key: K) -> tuple[T] | tuple[()]:
        """The kept value for ``key`` as a 1-tuple (with the lock held), made the most recently
        asked for and read again in the background once it is old; ``()`` when none is kept."""
        hit = self.found.setdefault(store, OrderedDict()).get(key)
        if hit is None:
            return ()
        self.found[store].move_to_end(key)
        if stale(store, hit[0], hit[1]):
            self._start(store, key, background=True)
        return (hit[2],)

    def _start(self, store: Store, key: K, background: bool) -> threading.Event:
        """Mark ``key`` as being read (with the lock held); in a thread with ``background``,
        unless it is already being read."""
        reading = self.reading.setdefault(store, {})
        if key in reading:
            return reading[key]
        event = reading[key] = threading.Event()
        self.began.setdefault(store, {})[key] = time.monotonic()
        if background:
            threading.Thread(target=self._refresh, args=(store, key), daemon=True).start()
        return event

    def _refresh(self, store: Store, key: K) -> None:
        try:
            generation = store.generation
            self._keep(store, key, self.load(store, key), generation)
        except GovkgError as error:  # the store cannot be read now: keep the old one
            _LOG.warning("a page's kept value could not be read again: %s", error)
        except Exception as error:  # a thread's error is logged in one line, never a traceback
            _LOG.error("a page's kept value could not be read again (%s)", type(error).__name__)
        finally:
            self._done(store, key)

    def _keep(self, store: Store, key: K, value: T, generation: int | None) -> None:
        with self.lock:
            kept = self.found.setdefault(store, OrderedDict())
            kept[key] = (time.monotonic(), generation, value)
            kept.move_to_end(key)
            while len(kept) > self.size:
                kept.popitem(last=False)

    def _done(self, store: Store, key: K) -> None:
        with self.lock:
            event = self.reading.get(store, {}).pop(key, None)
            self.began.get(store, {}).pop(key, None)
        if event is not None:
            event.set()
