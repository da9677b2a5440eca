"""Where a store's text index lives and when it is built again.

The index is built from the store (:func:`govkg.textsearch.documents.read_documents`).  For a
store on disk (``--store FOLDER``, stamped with its source hash by ``govkg load``) it is kept
in a file beside the folder, ``FOLDER.search.sqlite``, and built again when the store's stamp
is not the one the file records (the graph's files changed, the store was rebuilt); written
atomically, so a reader never sees half an index.  Any other store's index is kept in memory:
an in-memory store's for as long as it is open, a server's until the stamp it holds changes.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from govkg.atomic import write_atomically
from govkg.load import stored_hash
from govkg.store import Store
from govkg.textsearch.documents import read_documents
from govkg.textsearch.index import TextIndex, TextSearchError, build, open_file
from govkg.textsearch.results import SearchPage, SearchRequest

#: Ends the name of the index file beside a store's folder.
SUFFIX = ".search.sqlite"
_LOG = logging.getLogger("govkg.textsearch")


def index_path(folder: Path) -> Path:
    """The index file of the on-disk store in ``folder``: beside it, ``FOLDER.search.sqlite``."""
    folder = folder.resolve()
    return folder.parent / (folder.name + SUFFIX)


def index_for(store: Store, previous: TextIndex | None = None) -> TextIndex:
    """The index of what ``store`` holds now: ``previous`` when it was built from the same
    stamp, else the file beside an on-disk store when it was, else a new one (written to that
    file for an on-disk store)."""
    stamp = stored_hash(store)
    if previous is not None and previous.stamp == stamp:
        return previous
    folder = store.folder
    if folder is None or not stamp:
        return build(read_documents(store), stamp)
    path = index_path(folder)
    kept = open_file(path)
    if kept is not None and kept.stamp == stamp:
        return kept
    built = build(read_documents(store), stamp)
    try:
        write_atomically([(path, built.data())], TextSearchError)
    except TextSearchError as error:  # a read-only place: searched in memory all the same
        _LOG.warning("the text index is kept in memory only: %s", error)
    return built


class TextSearch:
    """The text search of one store, as a server keeps it: built on the first search, and
    again when the store's stamp changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: TextIndex | None = None
        self._lock = threading.Lock()

    def index(self) -> TextIndex:
        """The index, built or checked against the store's stamp."""
        with self._lock:
            self._index = index_for(self.store, self._index)
            return self._index

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of hits (see :meth:`TextIndex.search`)."""
        return self.index().search(request)


def search(store: Store, request: SearchRequest) -> SearchPage:
    """One page of hits of ``request`` in ``store`` (its index opened or built first)."""
    return index_for(store).search(request)
