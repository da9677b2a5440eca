"""The store interface: what govkg loads into and queries, whatever the back-end.

Callers load quads and run SPARQL through :class:`Store`; they never touch a back-end directly, so
other back-ends (on-disk Oxigraph, a remote SPARQL server) plug in without changing them.  Every
file is its own named graph; queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import QueryError, StoreError
from govkg.store import literals
from govkg.store.rows import Row, Term


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

    def records(self) -> list[Row]:
        """The rows as :class:`~govkg.store.rows.Row`: each value read as the kind expected
        (``row.text("label")``, ``row.int("n")``, ``row.iri("s")`` …)."""
        index = {name: number for number, name in enumerate(self.variables)}
        return [Row(index, row) for row in self.rows]


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs over, when it is not the whole store.

    Graph names only: govkg never fetches a graph a query or a request names.  When a query has
    no ``Dataset`` and no ``FROM`` clause, its default graph is the union of all graphs.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


class Store(ABC):
    """A quad store that govkg loads into and queries."""

    @abstractmethod
    def load(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads."""

    def load_turtle(self, files: Iterable[TurtleFile]) -> None:
        """Add the triples of Turtle documents, each to its named graph, parsed as ``files``
        yields them (the caller knows which one a parse error is in).

        Each literal the store keeps in another form than the file wrote it is recorded in the
        store (:mod:`govkg.store.literals`); a file whose records name its blank nodes is added by
        :meth:`load_together`.  Raises what Oxigraph's parser raises (``SyntaxError`` with the
        line, ``ValueError``, ``MemoryError`` for a term over 16 MiB); a back-end may have added
        earlier triples.
        """
        records: list[literals.Record] = []
        linked: list[list[ox.Quad]] = []  # a file whose records name its blank nodes

        def quads() -> Iterator[ox.Quad]:
            for file in files:
                triples = parse_turtle(file.data, file.base_iri)
                if not literals.may_rewrite(read_bytes(file.data)):
                    graph = ox.NamedNode(file.graph)
                    yield from (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
                    continue
                found = literals.file_quads(triples, file.graph)
                new = literals.records_of(found)
                if literals.links_blank_nodes(new):
                    linked.append(found + literals.record_quads(new))
                    continue
                records.extend(new)
                yield from found
            yield from literals.record_quads(records)

        self.load(quads())
        for together in linked:
            self.load_together(together)

    def load_together(self, quads: list[ox.Quad]) -> None:
        """Add quads so that a blank node in several of their graphs stays one node."""
        self.load(quads)

    @abstractmethod
    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        dataset: Dataset | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the union of all graphs (or the ``FROM`` graphs, or ``dataset``).

        ``bindings`` pre-bind variables to terms (never pasted into the text); a bound variable
        must be projected by the query.  With ``limit``, at most ``limit + 1`` rows (or triples)
        are read, so a caller can tell that an answer was cut.
        """

    def iter_rows(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[tuple[Term | None, ...]]:
        """The rows of a SELECT query, one at a time, each a tuple of terms in the order of the
        query's variables (``None`` when unbound): what :meth:`query` gives in ``rows``.

        A caller that turns each row into something smaller holds one row at a time, never the
        whole answer, when the back-end streams its solutions (embedded Oxigraph does); this
        default reads the whole answer first.  A query that is not a SELECT is a
        :class:`~govkg.errors.QueryError`.
        """
        result = self.query(sparql, bindings)
        if result.kind != "select":
            raise QueryError(f"rows were asked of a query that is not a SELECT ({result.kind})")
        return iter(result.rows)

    def write_tsv(self, sparql: str, bindings: Mapping[str, Term], path: Path) -> bool:
        """Write the SELECT query's whole answer to ``path`` in SPARQL's TSV results format, by
        the back-end's own writer, as it is computed; False (nothing written) where there is
        none here (a SPARQL server's store).  An error of the query is a
        :class:`~govkg.errors.QueryError`; one writing the file, an ``OSError``."""
        return False

    @abstractmethod
    def clear(self) -> None:
        """Remove every quad."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad in the store."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""

    # What a caller may ask of any store, whatever its back-end (never its class).

    #: How many changes this object has made to the store (see :attr:`generation`).
    _changes: int = 0

    @property
    def generation(self) -> int | None:
        """A number that changes whenever the data may have changed: for a store only this
        object writes to (embedded Oxigraph: in memory, or a folder no other process can write
        while it is open), how many changes it has made; None for a store that others may
        change meanwhile (a server), whose data can only be read again to be known."""
        return None

    def _changed(self) -> None:
        self._changes += 1

    @property
    def embedded(self) -> bool:
        """Oxigraph in this process (memory or a folder): query processes can open its folder
        (or a snapshot of it), and the SPARQL validation engine runs on it."""
        return False

    @property
    def remote(self) -> bool:
        """A SPARQL server reached over HTTP."""
        return False

    @property
    def persistent(self) -> bool:
        """A store that outlives the process (a folder or a server): built by ``govkg load``,
        stamped with the hash of the files it holds."""
        return False

    @property
    def folder(self) -> Path | None:
        """The folder of a store on disk (None in memory or on a server)."""
        return None

    @property
    def location(self) -> str:
        """Where the store is, as a message names it."""
        return str(self.folder) if self.folder is not None else "memory"

    @property
    def is_fresh_memory(self) -> bool:
        """An in-memory store that holds nothing yet (a failed load can simply be cleared)."""
        return False

    def check_writable(self) -> None:  # noqa: B027 (a store opened for writing here can)
        """Refuse, before anything is changed, a store govkg cannot load."""

    def copy(self) -> Store:
        """A copy in memory (an embedded store; others refuse)."""
        raise StoreError(f"{self.location} cannot be copied in memory")

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (an embedded store; others refuse)."""
        raise StoreError(f"{self.location} cannot remove quads")

    def remove_graph(self, name: str) -> None:
        """Remove a named graph and its quads (an embedded store; others refuse)."""
        raise StoreError(f"{self.location} cannot remove a graph")


@dataclass(frozen=True)
class TurtleFile:
    """A Turtle document to load: its bytes or its file, the graph it goes to, its base IRI."""

    data: bytes | Path
    graph: str
    base_iri: str


def parser_input(data: bytes | Path) -> dict[str, bytes | str]:
    """Oxigraph's parser arguments for bytes or a file."""
    return {"path": str(data)} if isinstance(data, Path) else {"input": data}


def read_bytes(data: bytes | Path) -> bytes:
    """The bytes of a Turtle document given as bytes or as its file."""
    return data.read_bytes() if isinstance(data, Path) else data


def parse_turtle(data: bytes | Path, base_iri: str) -> Iterator[ox.Triple]:
    """The triples of a Turtle document (its bytes, or the file), parsed as they are read."""
    return ox.parse(**parser_input(data), format=ox.RdfFormat.TURTLE, base_iri=base_iri)  # type: ignore[arg-type,return-value]


def to_result(answer: object, limit: int | None = None) -> QueryResult:
    """A pyoxigraph query answer as a :class:`QueryResult`, at most ``limit + 1`` rows read."""
    stop = None if limit is None else limit + 1
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        # values in the order of the variables; solutions are computed as they are read
        rows = [tuple(solution) for solution in islice(answer, stop)]
        return QueryResult("select", variables=variables, rows=rows)
    if isinstance(answer, ox.QueryTriples):
        return QueryResult("graph", triples=list(islice(answer, stop)))
    raise StoreError(f"unexpected query answer of type {type(answer).__name__}")
