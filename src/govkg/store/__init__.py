"""The store: one small interface over the triple stores govkg can use.

Callers load quads and run SPARQL through :class:`Store`; they never touch a back-end directly, so
other back-ends (on-disk Oxigraph, a remote SPARQL server) plug in without changing them, and what
a caller needs to know of one is a property of the store (:attr:`Store.persistent`,
:attr:`Store.remote`, :attr:`Store.folder`…), never its class.  Every file is its own named graph;
queries see the union of all graphs as their default graph.

- :mod:`~govkg.store.base`: the interface, its query results and Turtle input;
- :mod:`~govkg.store.rows`: a result's rows, each value read as the kind expected;
- :mod:`~govkg.store.oxigraph`: Oxigraph in memory or in a folder;
- :mod:`~govkg.store.remote`: a SPARQL 1.1 server over HTTP;
- :mod:`~govkg.store.spec`: :func:`open_store`, the only reader of a ``--store`` value;
- :mod:`~govkg.store.sparql_text`, :mod:`~govkg.store.substitute`, :mod:`~govkg.store.tokens`:
  SPARQL query text (masking, federation refused, ``FROM`` clauses, the planner hint,
  parameters written into the text);
- :mod:`~govkg.store.literals`: the literals a store keeps in another form than written.
"""

from typing import TYPE_CHECKING

from govkg.store.base import Dataset, QueryResult, Store, Term, TurtleFile, parse_turtle
from govkg.store.oxigraph import OxigraphStore
from govkg.store.rows import Row
from govkg.store.sparql_text import planner_hint, refuse_federation
from govkg.store.tokens import INERT

if TYPE_CHECKING:
    from govkg.store.remote import RemoteStore, shown
    from govkg.store.spec import MEMORY, open_store, store_kind

#: The package's names imported on their first use (:func:`__getattr__`), by module.
_ON_FIRST_USE = {
    "RemoteStore": "remote",
    "shown": "remote",
    "MEMORY": "spec",
    "open_store": "spec",
    "store_kind": "spec",
}


def __getattr__(name: str) -> object:
    """A remote store's names, and :func:`open_store` (which may open one), imported on first
    use: a query process, which opens a folder, then holds no HTTP client (``http.client``,
    ``ssl``, ``email``: ~3 MB of the ~15 MB its imports take)."""
    if _ON_FIRST_USE.get(name) == "remote":
        from govkg.store import remote

        return getattr(remote, name)
    if _ON_FIRST_USE.get(name) == "spec":
        from govkg.store import spec

        return getattr(spec, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "INERT",
    "MEMORY",
    "Dataset",
    "OxigraphStore",
    "QueryResult",
    "RemoteStore",
    "Row",
    "Store",
    "Term",
    "TurtleFile",
    "open_store",
    "parse_turtle",
    "planner_hint",
    "refuse_federation",
    "shown",
    "store_kind",
]
