"""The catalogue's answers kept whole while a server runs (:mod:`govkg.listing`), so that a page
of a whole-graph listing is read from its kept lines, not from the store.

One listing is kept for each ordered query and set of bound parameters asked for (the most recently
asked :data:`SIZE`), each read once by the first request that asks for it (others asking
meanwhile wait for that read) and read again, as every kept value of the pages, only if the store
may have changed (:mod:`govkg.site.kept`).  Only the embedded store is read this way; on a SPARQL
server's store a page is paged in the query (:func:`govkg.paging.run_page`).
"""

from __future__ import annotations

from collections.abc import Mapping

from govkg.errors import NotReadyError
from govkg.listing import Listing, read_listing
from govkg.paging import Page, Paged
from govkg.queries import Query, sorted_concatenations
from govkg.site.kept import KeptByKey
from govkg.store import Store, Term

#: The listings kept at once (each is a file of its rows and 8 bytes a row in memory).
SIZE = 16
#: Seconds a request waits for a listing being read (its first read at 4 M triples takes
#: about 45 s) before it is answered 503, with ``Retry-After``, that it is being read.
WAIT_S = 10.0
RETRY_AFTER_S = 10

_Key = tuple[str, tuple[tuple[str, Term], ...]]


def _read(store: Store, key: _Key) -> Listing | None:
    text, bound = key
    return read_listing(store, text, dict(bound))


_KEPT: KeptByKey[_Key, Listing | None] = KeptByKey(_read, SIZE)


def listed_page(
    store: Store,
    query: Query,
    bindings: Mapping[str, Term],
    page: Page,
    wait_s: float | None = WAIT_S,
) -> Paged | None:
    """``page`` of the query's answer with ``bindings`` (checked by the caller) and the number of
    rows of the whole answer, from its kept listing; None where no listing is kept (a SPARQL
    server's store, an answer too long to keep, a query that is not a SELECT).  A listing not
    read within ``wait_s`` seconds (its read goes on) is :class:`NotReadyError`; with None,
    the caller waits for it."""
    if not store.embedded:
        return None
    key = (query.text, tuple(sorted(bindings.items())))
    found = (_KEPT.get(store, key),) if wait_s is None else _KEPT.ready(store, key, wait_s)
    if not found:
        raise NotReadyError(
            f"the whole answer of {query.name} is being read from the store (for "
            f"{_KEPT.reading_for(store, key):.0f} s so far; up to a minute on a large graph); "
            "ask again in a moment",
            RETRY_AFTER_S,
        )
    (listing,) = found
    if listing is None:
        return None
    return Paged(sorted_concatenations(query.text, listing.rows(page)), len(listing), page)


def forget_listings(store: Store) -> None:
    """Drop the listings kept for ``store`` and remove their files (a server that stops)."""
    _KEPT.forget(store)
