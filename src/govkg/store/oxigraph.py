"""The embedded Oxigraph store, in memory or on disk in a folder."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import QueryError, StoreError
from govkg.namespaces import PREFIXES
from govkg.store import literals
from govkg.store.base import (
    Dataset,
    QueryResult,
    Store,
    Term,
    TurtleFile,
    parse_turtle,
    parser_input,
    read_bytes,
    to_result,
)
from govkg.store.sparql_text import local_query, planner_hint


def _dataset_options(names_graphs: bool, dataset: Dataset | None) -> dict[str, object]:
    """Oxigraph's options for the query's dataset: the request's, the query's (it
    ``names_graphs``), or the union."""
    if dataset is not None:
        return {
            "default_graph": [ox.NamedNode(iri) for iri in dataset.default_graphs],
            "named_graphs": [ox.NamedNode(iri) for iri in dataset.named_graphs],
        }
    return {"use_default_graph_as_union": not names_graphs}


def query_errors() -> _QueryErrors:
    """Oxigraph's errors while a query is parsed, planned or its answer read, as govkg's (a
    context manager)."""
    return _QueryErrors()


class _QueryErrors:
    """:func:`query_errors`.  The frames the error passed through on its way here are cleared
    (those still running keep their locals): a frame that was reading an answer would otherwise
    keep it alive with the error, and pyoxigraph refuses to drop an answer on another thread
    than the one that made it (it leaks it, with a warning), which is where an error kept in a
    reference cycle, as one handed from a worker thread to an event loop is, gets collected."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: object
    ) -> None:
        if error is None or (converted := _govkg_error(error)) is None:
            return
        traceback.clear_frames(error.__traceback__)
        del trace
        raise converted from None


def _govkg_error(error: BaseException) -> QueryError | StoreError | None:
    """govkg's error for one of Oxigraph's (None: not one of Oxigraph's)."""
    if isinstance(error, SyntaxError):
        return QueryError(f"SPARQL syntax error: {error}")
    if isinstance(error, (RuntimeError, ValueError)):
        return QueryError(f"query failed: {error}")
    if isinstance(error, OSError):
        return StoreError(f"the store could not be read: {error}")
    return None


_Row = tuple[Term | None, ...]


def _open_read_only(path: Path) -> ox.Store:
    try:
        return ox.Store.read_only(str(path))
    except OSError as error:
        raise StoreError(f"cannot open the store in {path}: {error}") from None


class OxigraphStore(Store):
    """The embedded Oxigraph store: in memory, or on disk in a folder when ``path`` is given.

    A folder opened read-only (:meth:`read_only`) can let go of its handle (:meth:`let_go`),
    and with it of the caches its reads filled: Oxigraph keeps up to ~45 MB of the folder's
    blocks and indexes per handle (a full scan at 4 M triples), which a process that reads the
    store now and then need not hold between reads.  The next read opens the folder again
    (~15 ms at 4 M triples); a read under way goes on with the handle it began with."""

    _handle: ox.Store | None
    _read_only = False
    _lock: threading.Lock  # the rest: a folder opened read-only only
    _reading: int
    _last_read: float

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            self._handle = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as error:
            raise StoreError(f"cannot open the store in {path}: {error}") from None

    @property
    def _store(self) -> ox.Store:
        handle = self._handle
        return handle if handle is not None else self._reopen()

    def _reopen(self) -> ox.Store:
        with self._lock:
            if self._handle is None:
                assert self.path is not None  # only a folder opened read-only lets go
                self._handle = _open_read_only(self.path)
            return self._handle

    def load(self, quads: Iterable[ox.Quad]) -> None:
        self._changed()
        if self.path is None:
            self._store.extend(quads)
        else:
            self._store.bulk_extend(quads)
            self._store.flush()

    def load_turtle(self, files: Iterable[TurtleFile]) -> None:
        """Oxigraph's own loaders.  In memory, each file by ``Store.load``, which parses and
        inserts without a Python object per triple (~330,000 triples/s from a file, a quarter
        slower from bytes), unless a pre-scan of its bytes finds a literal the store may keep
        in another form (:func:`govkg.store.literals.may_rewrite`): that file is parsed here and its
        rewritten literals recorded.  On disk, one bulk load of every file's triples."""
        self._changed()
        if self.path is not None:
            super().load_turtle(files)
            self._store.flush()
            return
        records: list[literals.Record] = []
        for file in files:
            if literals.may_rewrite(read_bytes(file.data)):  # parsed here, to record what it wrote
                found = literals.file_quads(parse_turtle(file.data, file.base_iri), file.graph)
                records += literals.records_of(found)
                self._store.extend(found)
                continue
            self._store.load(
                **parser_input(file.data),  # type: ignore[arg-type]
                format=ox.RdfFormat.TURTLE,
                base_iri=file.base_iri,
                to_graph=ox.NamedNode(file.graph),
            )
        self._store.extend(literals.record_quads(records))

    def copy(self) -> OxigraphStore:
        """A copy in memory, by Oxigraph's own dump and load (no Python object per quad; blank
        nodes are renamed, the same way everywhere in the copy)."""
        copy = OxigraphStore()
        copy._store.load(self._store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        return copy

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads (those not there are ignored)."""
        self._changed()
        for quad in quads:
            self._store.remove(quad)

    def remove_graph(self, name: str) -> None:
        """Remove a named graph and its quads."""
        self._changed()
        self._store.remove_graph(ox.NamedNode(name))

    @property
    def embedded(self) -> bool:
        return True

    @property
    def generation(self) -> int | None:
        """How many changes this object has made: what it reads changes only through it (Oxigraph
        locks a folder opened for writing; a folder opened read-only is read as it was when
        opened, or opened again after :meth:`let_go`, and writing to it meanwhile is undefined
        in Oxigraph)."""
        return self._changes

    @property
    def persistent(self) -> bool:
        return self.path is not None

    @property
    def folder(self) -> Path | None:
        return self.path

    @property
    def is_fresh_memory(self) -> bool:
        """An in-memory store that holds nothing yet (a failed load can simply be cleared)."""
        return self.path is None and len(self._store) == 0

    def clear(self) -> None:
        """Remove every quad."""
        self._changed()
        self._store.clear()

    @classmethod
    def read_only(cls, path: str | Path) -> OxigraphStore:
        """An on-disk store opened for reading only (many processes may do so at once)."""
        store = cls.__new__(cls)
        store.path = Path(path)
        store._handle = _open_read_only(store.path)
        store._read_only = True
        store._lock = threading.Lock()
        store._reading = 0
        store._last_read = time.monotonic()
        return store

    @contextmanager
    def _read(self) -> Iterator[None]:
        """Count a read under way (what :meth:`idle_s` looks at)."""
        if not self._read_only:
            yield
            return
        with self._lock:
            self._reading += 1
        try:
            yield
        finally:
            with self._lock:
                self._reading -= 1
                self._last_read = time.monotonic()

    def idle_s(self) -> float:
        """Seconds since the last read of a store opened read-only ended (0 while one is under
        way; 0 for a store opened otherwise, which never lets go)."""
        if not self._read_only:
            return 0.0
        with self._lock:
            return 0.0 if self._reading else time.monotonic() - self._last_read

    def let_go(self) -> bool:
        """Close a read-only folder's handle, and with it the caches its reads filled, until the
        next read (see the class); whether a handle was open to let go of."""
        if not self._read_only:
            return False
        with self._lock:
            held, self._handle = self._handle, None
        return held is not None

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        dataset: Dataset | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        with self._read(), query_errors():  # no name holds the answer (see query_errors)
            return to_result(self.evaluate(sparql, bindings, dataset=dataset), limit)

    def evaluate(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        dataset: Dataset | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Oxigraph's own answer, its solutions or triples not read yet (reading them may raise
        what :func:`query_errors` turns into govkg's errors): for Oxigraph's own writers."""
        names = local_query(sparql)  # SERVICE refused
        substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
        text = planner_hint(sparql, bindings or {})
        options = {"substitutions": substitutions or None, **_dataset_options(names, dataset)}
        with query_errors():
            try:  # a query that declares its prefixes is parsed without govkg's (22 us less)
                return self._store.query(text, **options)  # type: ignore[arg-type]
            except SyntaxError:  # an undeclared prefix, or an error to report as parsed with them
                return self._store.query(text, prefixes=PREFIXES, **options)  # type: ignore[arg-type]

    def write_tsv(self, sparql: str, bindings: Mapping[str, Term], path: Path) -> bool:
        """Oxigraph's TSV writer writes the answer as it computes it (:meth:`Store.write_tsv`)."""
        with self._read():
            answer = self.evaluate(sparql, bindings)
            if not isinstance(answer, ox.QuerySolutions):
                raise QueryError("a TSV answer is written for a SELECT query only")
            try:
                answer.serialize(str(path), format=ox.QueryResultsFormat.TSV)
            except (SyntaxError, RuntimeError, ValueError) as error:
                with query_errors():  # what Oxigraph met while it evaluated
                    raise error
        return True

    def iter_rows(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> Iterator[tuple[Term | None, ...]]:
        """The rows of a SELECT query read from Oxigraph's solutions as they are computed, never
        all held in Python (Oxigraph holds what a GROUP BY or ORDER BY needs); see
        :meth:`Store.iter_rows`."""
        answer = self.evaluate(sparql, bindings)
        if not isinstance(answer, ox.QuerySolutions):
            raise QueryError("rows were asked of a query that is not a SELECT")
        return self._counted(_solution_rows(answer))

    def _counted(self, rows: Iterator[_Row]) -> Iterator[_Row]:
        """``rows``, a read under way until they are all read or dropped."""
        with self._read():
            yield from rows

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)


def _solution_rows(solutions: ox.QuerySolutions) -> Iterator[tuple[Term | None, ...]]:
    """Each solution as a tuple of its values, in the order of the variables; an error met while
    they are computed is govkg's (:func:`query_errors`)."""
    with query_errors():
        for solution in solutions:
            yield tuple(solution)
