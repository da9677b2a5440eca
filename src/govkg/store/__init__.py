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

from govkg.store.base import Dataset, QueryResult, Store, Term, TurtleFile, parse_turtle
from govkg.store.oxigraph import OxigraphStore
from govkg.store.remote import RemoteStore, shown
from govkg.store.rows import Row
from govkg.store.sparql_text import planner_hint, refuse_federation
from govkg.store.spec import MEMORY, open_store, store_kind
from govkg.store.tokens import INERT

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
