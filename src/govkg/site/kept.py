"""Whole-graph data the pages read once per store and keep for a while (:data:`TTL` seconds).

The first read is made while the caller waits; after :data:`TTL` seconds the kept value is still
given while a thread reads the next one, so a read that takes seconds (or minutes, for the
alignment at 4 M triples) never makes a page wait twice, and a remote store's changes show within
that time.
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


class Kept(Generic[T]):
    """One value per store, read by ``load`` (``what`` names it in the log)."""

    def __init__(self, load: Callable[[Store], T], what: str) -> None:
        self.load = load
        self.what = what
        self.lock = threading.Lock()
        self.found: weakref.WeakKeyDictionary[Store, tuple[float, T]] = weakref.WeakKeyDictionary()
        self.reading: weakref.WeakSet[Store] = weakref.WeakSet()

    def get(self, store: Store) -> T:
        """The store's value: read now if none is kept, else the kept one (read again in the
        background once it is :data:`TTL` seconds old)."""
        with self.lock:
            kept = self.found.get(store)
            if kept is None:  # the first read: every caller waits for it
                value = self.load(store)
                self.found[store] = (time.monotonic(), value)
                return value
            if time.monotonic() - kept[0] >= TTL and store not in self.reading:
                self.reading.add(store)
                threading.Thread(target=self._refresh, args=(store,), daemon=True).start()
            return kept[1]

    def _refresh(self, store: Store) -> None:
        value: T | None = None
        try:
            value = self.load(store)
        except GovkgError as error:  # the store cannot be read now: keep the old one
            _LOG.warning("the pages' %s could not be read again: %s", self.what, error)
        except Exception as error:  # a thread's error is logged in one line, never a traceback
            _LOG.error(
                "the pages' %s could not be read again (%s)", self.what, type(error).__name__
            )
        with self.lock:
            if value is not None:
                self.found[store] = (time.monotonic(), value)
            self.reading.discard(store)


class KeptByKey(Generic[K, T]):
    """Values per store and key, each read by ``load(store, key)`` when first asked for and
    again once it is :data:`TTL` seconds old; at most ``size`` keys a store (the least recently
    asked for is dropped).  For what a page reads about one resource that many requests ask for
    (an actor's 4,000 stances take seconds to read at 4 M triples)."""

    def __init__(self, load: Callable[[Store, K], T], size: int) -> None:
        self.load = load
        self.size = size
        self.lock = threading.Lock()
        self.found: weakref.WeakKeyDictionary[Store, OrderedDict[K, tuple[float, T]]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, store: Store, key: K) -> T:
        """The value for ``key``, read now unless a fresh one is kept."""
        with self.lock:
            kept = self.found.setdefault(store, OrderedDict())
            hit = kept.get(key)
            if hit is not None and time.monotonic() - hit[0] < TTL:
                kept.move_to_end(key)
                return hit[1]
        value = self.load(store, key)  # outside the lock: other keys' pages are not held back
        with self.lock:
            kept[key] = (time.monotonic(), value)
            kept.move_to_end(key)
            while len(kept) > self.size:
                kept.popitem(last=False)
        return value
