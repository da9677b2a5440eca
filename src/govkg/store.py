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
from itertools import islice
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
        store (:mod:`govkg.written`); a file whose records name its blank nodes is added by
        :meth:`load_together`.  Raises what Oxigraph's parser raises (``SyntaxError`` with the
        line, ``ValueError``, ``MemoryError`` for a term over 16 MiB); a back-end may have added
        earlier triples.
        """
        from govkg import written  # which imports this module

        records: list[written.Record] = []
        linked: list[list[ox.Quad]] = []  # a file whose records name its blank nodes

        def quads() -> Iterator[ox.Quad]:
            for file in files:
                triples = parse_turtle(file.data, file.base_iri)
                if not written.may_rewrite(read_bytes(file.data)):
                    graph = ox.NamedNode(file.graph)
                    yield from (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
                    continue
                found = written.file_quads(triples, file.graph)
                new = written.records_of(found)
                if written.links_blank_nodes(new):
                    linked.append(found + written.record_quads(new))
                    continue
                records.extend(new)
                yield from found
            yield from written.record_quads(records)

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

    @abstractmethod
    def clear(self) -> None:
        """Remove every quad."""

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad in the store."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""


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


#: Comments, string literals and IRIs, which may contain any word without it being a keyword.
INERT = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:])", re.IGNORECASE)


def refuse_federation(sparql: str) -> None:
    """Refuse a query with a ``SERVICE`` clause: govkg never fetches a URL a query names."""
    if _SERVICE.search(INERT.sub(" ", sparql)):
        raise QueryError("SERVICE is not allowed: govkg queries never fetch remote data")


def names_graphs(sparql: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause (graph names in the store)."""
    return bool(_FROM.search(INERT.sub(" ", sparql)))


# One FROM clause with a full IRI.
_FROM_IRI = re.compile(r"(?<![\w:?$])FROM\s+(NAMED\s+)?<([^<>\s]*)>", re.IGNORECASE)


def from_clauses(sparql: str) -> Dataset | None:
    """The dataset a query's ``FROM`` / ``FROM NAMED`` clauses name, or None when it has none.

    For servers that treat their default graph as the union of all graphs, where a ``FROM`` in
    the text would be ignored: the graphs go as the protocol's dataset instead.
    """
    if not names_graphs(sparql):
        return None
    text = INERT.sub(lambda m: m.group() if m.group().startswith("<") else " ", sparql)
    clauses = _FROM_IRI.findall(text)
    if len(clauses) != len(_FROM.findall(INERT.sub(" ", sparql))):
        raise QueryError("FROM and FROM NAMED need full IRIs (<...>) on a remote store")
    return Dataset(
        tuple(iri for named, iri in clauses if not named),
        tuple(iri for named, iri in clauses if named),
    )


_WHERE = re.compile(r"(?<![\w:?$])WHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def planner_hint(sparql: str, bindings: Mapping[str, Term]) -> str:
    """The query with ``VALUES ?name { term }`` first in its WHERE clause for each bound IRI or
    literal, as a hint to Oxigraph's planner; the binding itself is still Oxigraph's substitution.

    Oxigraph (0.5) plans a query before it applies substitutions, so a bound variable does not
    steer the join order: a lookup of one instrument's stances scanned every stance (0.5 s on
    400,000 triples, 100 times the hinted query).  A one-row ``VALUES`` of the same term joined
    at the top of the WHERE clause changes no answer and lets the planner start from the term.
    The term is written by Oxigraph in N-Triples syntax (escaped: never query syntax); only
    variables the WHERE clause uses are hinted.  The query is left as it is when its WHERE clause
    is not the first group (CONSTRUCT templates, a query without the WHERE keyword).

    A sub-select that projects a bound variable gets the same hint first in its own WHERE
    clause (Oxigraph binds the variable there too; one it does not project is another
    variable, never hinted).  This is what makes ``OPTIONAL { SELECT ?x … }`` the fast way
    to write "has no such stance": planned with the term, it reads a few hundred stances
    where ``NOT EXISTS`` or a large ``OPTIONAL`` read them all.
    """
    masked = INERT.sub(lambda m: " " * len(m.group()), sparql)  # same offsets, no strings
    where = _WHERE.search(masked)
    if where is None or "{" in masked[: where.start()]:
        return sparql
    terms = {
        name: term
        for name, term in bindings.items()
        if isinstance(term, ox.NamedNode | ox.Literal) and _VARIABLE.fullmatch(name)
    }
    body = masked[where.end() :]
    inserts = [(where.end(), [name for name in terms if _uses(body, name)])]
    for sub in _SUB_SELECT.finditer(masked, where.end()):
        inserts.append((sub.end(), [name for name in terms if _projects(sub["head"], name)]))
    for offset, names in reversed(inserts):
        if names and not _OPENS_WITH_SELECT.match(masked, offset):  # `{ SELECT … }` stays alone
            hints = " ".join(f"VALUES ?{name} {{ {terms[name]} }}" for name in names)
            sparql = f"{sparql[:offset]} {hints}\n{sparql[offset:]}"
    return sparql


_SUB_SELECT = re.compile(
    r"(?<![\w:?$])SELECT(?![\w:])(?P<head>[^{}]*?)(?<![\w:?$])WHERE\s*\{", re.IGNORECASE
)


_OPENS_WITH_SELECT = re.compile(r"\s*SELECT(?![\w:])", re.IGNORECASE)


def _uses(text: str, name: str) -> bool:
    return re.search(rf"[?$]{name}(?![A-Za-z0-9_])", text) is not None


def _projects(head: str, name: str) -> bool:
    """Whether a SELECT clause projects ``?name`` as it is (not as ``… AS ?name``)."""
    return any(
        not re.search(r"(?<![\w:?$])AS\s*$", head[: found.start()], re.IGNORECASE)
        for found in re.finditer(rf"[?$]{name}(?![A-Za-z0-9_])", head)
    )


def _dataset_options(sparql: str, dataset: Dataset | None) -> dict[str, object]:
    """Oxigraph's options for the query's dataset: the request's, the query's, or the union."""
    if dataset is not None:
        return {
            "default_graph": [ox.NamedNode(iri) for iri in dataset.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in dataset.named_graphs],
        }
    return {"use_default_graph_as_union": not names_graphs(sparql)}


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

    def load_turtle(self, files: Iterable[TurtleFile]) -> None:
        """Oxigraph's own loaders.  In memory, each file by ``Store.load``, which parses and
        inserts without a Python object per triple (~330,000 triples/s from a file, a quarter
        slower from bytes), unless a pre-scan of its bytes finds a literal the store may keep
        in another form (:func:`govkg.written.may_rewrite`): that file is parsed here and its
        rewritten literals recorded.  On disk, one bulk load of every file's triples."""
        if self.path is not None:
            super().load_turtle(files)
            self._store.flush()
            return
        from govkg import written  # which imports this module

        records: list[written.Record] = []
        for file in files:
            if written.may_rewrite(read_bytes(file.data)):  # parsed here, to record what it wrote
                found = written.file_quads(parse_turtle(file.data, file.base_iri), file.graph)
                records += written.records_of(found)
                self._store.extend(found)
                continue
            self._store.load(
                **parser_input(file.data),  # type: ignore[arg-type]
                format=ox.RdfFormat.TURTLE,
                base_iri=file.base_iri,
                to_graph=ox.NamedNode(file.graph),
            )
        self._store.extend(written.record_quads(records))

    def copy(self) -> OxigraphStore:
        """A copy in memory, by Oxigraph's own dump and load (no Python object per quad; blank
        nodes are renamed, the same way everywhere in the copy)."""
        copy = OxigraphStore()
        copy._store.load(self._store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        return copy

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (those not there are ignored)."""
        for quad in quads:
            self._store.remove(quad)

    def remove_graph(self, name: str) -> None:
        """Remove a named graph and its quads."""
        self._store.remove_graph(ox.NamedNode(name))

    @property
    def is_fresh_memory(self) -> bool:
        """An in-memory store that holds nothing yet (a failed load can simply be cleared)."""
        return self.path is None and len(self._store) == 0

    def clear(self) -> None:
        """Remove every quad."""
        self._store.clear()

    @classmethod
    def read_only(cls, path: str | Path) -> OxigraphStore:
        """An on-disk store opened for reading only (many processes may do so at once)."""
        store = cls.__new__(cls)
        store.path = Path(path)
        try:
            store._store = ox.Store.read_only(str(path))
        except OSError as error:
            raise StoreError(f"cannot open the store in {path}: {error}") from None
        return store

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        dataset: Dataset | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        refuse_federation(sparql)
        substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
        try:
            answer = self._store.query(
                planner_hint(sparql, bindings or {}),
                prefixes=PREFIXES,
                substitutions=substitutions or None,
                **_dataset_options(sparql, dataset),  # type: ignore[arg-type]
            )
            return to_result(answer, limit)
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


def folder_of(spec: str | None) -> Path | None:
    """The folder a ``--store`` value names, or None (memory, or a remote server)."""
    if spec in (None, "", "memory") or "://" in spec:
        return None
    return Path(spec)


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
        from govkg.remote import shown  # the password, if any, never shown

        hint = f"; did you mean 'sparql+{shown(spec)}'?" if spec.startswith("http") else ""
        raise StoreError(
            f"unknown store {shown(spec)!r}: use memory, a folder, or sparql+http://...{hint}"
        )
    return OxigraphStore(spec)
