"""The store: one small interface over the triple stores govkg can use.

Callers load quads and run SPARQL through :class:`Store`; they never touch a back-end directly, so
other back-ends (on-disk Oxigraph, a remote SPARQL server) plug in without changing them.  Every
file is its own named graph; queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import QueryError, StoreError
from govkg.namespaces import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class QueryResult:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Term | None]]:
        """The rows as dictionaries keyed by variable name."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


class Store(ABC):
    """A quad store that govkg loads into and queries."""

    @abstractmethod
    def load(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads."""

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SPARQL query over the union of all graphs.

        ``bindings`` pre-bind variables to terms (never pasted into the text); a bound variable
        must be projected by the query.
        """

    @abstractmethod
    def clear(self) -> None:
        """Remove every quad."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad in the store."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""


# Comments, string literals and IRIs, which may contain any word without it being a keyword.
_INERT = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)


def refuse_federation(sparql: str) -> None:
    """Refuse a query with a ``SERVICE`` clause: govkg never fetches a URL a query names."""
    if _SERVICE.search(_INERT.sub(" ", sparql)):
        raise QueryError("SERVICE is not allowed: govkg queries never fetch remote data")


class OxigraphStore(Store):
    """The embedded Oxigraph store: in memory, or on disk in a folder when ``path`` is given."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as error:
            raise StoreError(f"cannot open the store in {path}: {error}") from None

    def load(self, quads: Iterable[ox.Quad]) -> None:
        if self.path is None:
            self._store.extend(quads)
        else:
            self._store.bulk_extend(quads)
            self._store.flush()

    def clear(self) -> None:
        """Remove every quad."""
        self._store.clear()

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        refuse_federation(sparql)
        substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
        try:
            answer = self._store.query(
                sparql,
                prefixes=PREFIXES,
                use_default_graph_as_union=True,
                substitutions=substitutions or None,
            )
            return to_result(answer)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {error}") from None
        except (RuntimeError, ValueError) as error:
            raise QueryError(f"query failed: {error}") from None
        except OSError as error:
            raise StoreError(f"the store could not be read: {error}") from None

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)


def to_result(answer: object) -> QueryResult:
    """A pyoxigraph query answer as a :class:`QueryResult`."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(solution) for solution in answer]  # values in the order of the variables
        return QueryResult("select", variables=variables, rows=rows)
    if isinstance(answer, ox.QueryTriples):
        return QueryResult("graph", triples=list(answer))
    raise StoreError(f"unexpected query answer of type {type(answer).__name__}")


def open_store(spec: str | None = None) -> Store:
    """The store a ``--store`` value names.

    ``None`` or ``memory``: Oxigraph in memory; ``sparql+http://host:port/path``: a remote SPARQL
    1.1 server (see :mod:`govkg.remote`); anything else: a folder for Oxigraph on disk.
    """
    if spec in (None, "", "memory"):
        return OxigraphStore()
    if spec.startswith(("sparql+http://", "sparql+https://")):
        from govkg.remote import RemoteStore

        return RemoteStore.from_spec(spec)
    if "://" in spec:
        raise StoreError(f"unknown store {spec!r}: use memory, a folder, or sparql+http://...")
    return OxigraphStore(spec)
