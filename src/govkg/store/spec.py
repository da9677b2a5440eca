"""The ``--store`` value: which store it names, and that store opened.

The only place that reads a ``--store`` value: ``memory`` (or none, or SQLite's ``:memory:``,
which would otherwise make a folder of that name) is Oxigraph in memory,
``sparql+http(s)://…`` a remote SPARQL 1.1 server, anything else without ``://`` a folder for
Oxigraph on disk.
"""

from __future__ import annotations

from govkg.errors import StoreError
from govkg.store.base import Store
from govkg.store.oxigraph import OxigraphStore
from govkg.store.remote import RemoteStore, shown

MEMORY, SERVER, FOLDER = "memory", "server", "folder"
#: The values that name the in-memory store.
MEMORY_NAMES = (None, "", MEMORY, ":memory:")


def store_kind(spec: str | None) -> str:
    """``memory``, ``server`` or ``folder``: what a ``--store`` value names (an unknown URL
    scheme is an error)."""
    if spec in MEMORY_NAMES:
        return MEMORY
    if spec.startswith(("sparql+http://", "sparql+https://")):
        return SERVER
    if "://" in spec:  # the password, if any, never shown
        hint = f"; did you mean 'sparql+{shown(spec)}'?" if spec.startswith("http") else ""
        raise StoreError(
            f"unknown store {shown(spec)!r}: use memory, a folder, or sparql+http://...{hint}"
        )
    return FOLDER


def open_store(spec: str | None = None, *, read_only: bool = False) -> Store:
    """The store a ``--store`` value names.

    ``None`` or ``memory``: Oxigraph in memory; ``sparql+http://host:port/path``: a remote SPARQL
    1.1 server (see :mod:`govkg.store.remote`); anything else: a folder for Oxigraph on disk,
    opened for reading only with ``read_only`` (an empty store is made first in a folder that
    holds none, for the caller to build).
    """
    kind = store_kind(spec)
    if kind == MEMORY or spec is None:  # never a folder named ":memory:"
        return OxigraphStore()
    if kind == SERVER:
        return RemoteStore.from_spec(spec)
    if not read_only:
        return OxigraphStore(spec)
    try:
        return OxigraphStore.read_only(spec)
    except StoreError:
        OxigraphStore(spec)  # no store there yet: an empty one, closed at once
    return OxigraphStore.read_only(spec)
