"""A catalogue answer read once into a file of rows, then given a page at a time.

A page of a whole-graph listing paged in the query (:mod:`govkg.paging`) costs what the whole
answer costs: at 4 M triples on disk, ``single-source-facts`` finds its 800,000 facts in 16 s and
Oxigraph's ORDER BY of them takes minutes more (it compares terms by their text, read from the
store at each comparison).  A server, whose store does not change while it is served, reads such
an answer once into a file, one line a row in SPARQL's TSV results format (written by Oxigraph,
read back by its parser: the same terms), and gives any page from its lines: a page of the
800,000 facts in milliseconds, the total the number of lines.

The answer is read without its ORDER BY and its lines sorted here when that clause orders by
variables only, names every variable the query projects (so the order is total), and every
value it orders by is an IRI or unbound: IRIs compare by their text, codepoint by codepoint, as
Oxigraph compares them (their UTF-8 bytes compare the same way), unbound before any.  Any other
answer is read with the query's own ORDER BY.
"""

from __future__ import annotations

import logging
import os
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from govkg.errors import QueryError
from govkg.store import QueryResult, Store, Term
from govkg.store.paged_text import Ordering, Page, ordered_select, plain_ordering

_LOG = logging.getLogger("govkg.server")
#: The most bytes a listing's file may take; a longer answer is paged in the query.
MAX_BYTES = 1 << 30
_TSV = ox.QueryResultsFormat.TSV


@dataclass(eq=False)
class Listing:
    """A SELECT query's answer in a file: its TSV header, then one line a row; ``starts[k]`` is
    where row k's line starts (``starts[-1]`` the file's length).  The file is removed when the
    listing is no longer used (or when the process ends)."""

    path: Path
    header: bytes
    starts: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        weakref.finalize(self, _remove, self.path)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def rows(self, page: Page) -> QueryResult:
        """The rows of ``page`` (from its offset, at most its limit), as the query gives them."""
        first = min(page.offset, len(self))
        last = len(self) if page.limit is None else min(first + page.limit, len(self))
        begin, end = int(self.starts[first]), int(self.starts[last])
        with self.path.open("rb") as stream:
            stream.seek(begin)
            lines = stream.read(end - begin)
        parsed = ox.parse_query_results(self.header + lines, format=_TSV)
        if not isinstance(parsed, ox.QuerySolutions):  # pragma: no cover - TSV is only SELECT
            raise QueryError("a listing's rows did not read back as solutions")
        variables = [v.value for v in parsed.variables]
        return QueryResult("select", variables=variables, rows=[tuple(s) for s in parsed])


def read_listing(
    store: Store, sparql: str, bindings: Mapping[str, Term] | None = None
) -> Listing | None:
    """The whole answer of the SELECT query ``sparql`` as a :class:`Listing`; None for a query
    without an ORDER BY (Oxigraph gives a page of it as it finds the rows, the first ones
    without reading the others), another form, or an answer longer than :data:`MAX_BYTES` (page
    it in the query instead), or one whose file could not be written (a full disk: paged in the
    query, the page still answers)."""
    if not ordered_select(sparql):
        return None
    try:
        handle, name = tempfile.mkstemp(prefix="govkg-listing-", suffix=".tsv")
    except OSError as error:
        _LOG.warning(
            "a listing's file could not be made (%s): pages are read from the store", error
        )
        return None
    os.close(handle)
    path = Path(name)
    try:
        ordering = plain_ordering(sparql)
        if ordering is None or not _read_sorted(store, ordering, bindings or {}, path):
            _write(store, sparql, bindings or {}, path)
        if path.stat().st_size > MAX_BYTES:
            _remove(path)
            return None
        return _indexed(path)
    except _Unwritten as error:
        _LOG.warning("a listing could not be written (%s): pages are read from the store", error)
        _remove(path)
        return None
    except BaseException:
        _remove(path)
        raise


class _Unwritten(Exception):
    """Writing a listing's file failed (or reading the store while it was written: the query
    paged in the store tells which)."""


def _write(store: Store, sparql: str, bindings: Mapping[str, Term], path: Path) -> None:
    """The query's answer written to ``path`` by the store's TSV writer."""
    try:
        written = store.write_tsv(sparql, bindings, path)
    except OSError as error:
        raise _Unwritten(str(error)) from None
    if not written:
        raise _Unwritten("the store has no TSV writer")


def _read_sorted(
    store: Store, ordering: Ordering, bindings: Mapping[str, Term], path: Path
) -> bool:
    """Write the answer read without its ORDER BY to ``path``, its lines sorted as the clause
    orders them; False (nothing to keep) when they cannot be sorted here exactly."""
    _write(store, ordering.unordered, bindings, path)
    lines = _Lines.of(path)
    names = [name for name, _ in ordering.keys]
    if set(names) != set(lines.variables):  # rows the clause leaves in no order: Oxigraph's
        return False
    ranks = []
    for name, descending in ordering.keys:
        rank = lines.iri_ranks(lines.variables.index(name))
        if rank is None:
            return False
        ranks.append(-rank if descending else rank)
    order = np.lexsort(ranks[::-1]) if ranks else np.arange(lines.count)  # the first key last
    lines.write(order, path)
    return True


#: The most bytes the IRIs of one column may take side by side (each as wide as the longest)
#: for the rows to be sorted here; beyond, Oxigraph's ORDER BY sorts them.
SORT_BYTES = 512 << 20
_CHUNK = 16_384


@dataclass(frozen=True)
class _Lines:
    """A TSV answer's bytes and where each row's fields begin and end."""

    data: np.ndarray  # uint8, the file mapped
    variables: list[str]
    begins: np.ndarray  # (rows, variables): where each field begins
    ends: np.ndarray  # (rows, variables): where each field ends (a tab or the line end)

    @property
    def count(self) -> int:
        return len(self.begins)

    @classmethod
    def of(cls, path: Path) -> _Lines:
        data = _mapped(path)
        breaks = _found(data, "\n")
        if not len(breaks):
            raise QueryError("a listing's file has no header")
        variables = [v.decode()[1:] for v in bytes(data[: breaks[0]]).split(b"\t")]
        tabs = _found(data[breaks[0] :], "\t") + breaks[0]
        tabs = tabs.reshape(len(breaks) - 1, len(variables) - 1)
        begins = np.column_stack([breaks[:-1] + 1, tabs + 1])
        ends = np.column_stack([tabs, breaks[1:]])
        return cls(data, variables, begins, ends)

    def iri_ranks(self, column: int) -> np.ndarray | None:
        """Each row's rank by its IRI in ``column`` as Oxigraph orders IRIs (unbound first); None
        if a value is not an IRI, or the IRIs are too long to be sorted here."""
        begins, ends = self.begins[:, column], self.ends[:, column]
        bound = ends > begins
        last = len(self.data) - 1  # never -1: the file has its header line
        first, second = self.data[np.minimum(begins, last)], self.data[np.minimum(begins + 1, last)]
        iri = (first == ord("<")) & (second != ord("<"))
        if not np.all(iri | ~bound):  # a literal, a blank node, a triple
            return None
        lengths = np.where(bound, ends - begins - 2, 0)  # without < and >
        width = int(lengths.max(initial=0)) or 1
        if width * self.count > SORT_BYTES:
            return None
        texts = np.zeros((self.count, width), dtype=np.uint8)
        steps = np.arange(width)
        for start in range(0, self.count, _CHUNK):
            rows = slice(start, start + _CHUNK)
            inside = steps < lengths[rows, np.newaxis]
            at = (begins[rows, np.newaxis] + 1 + steps)[inside]
            texts[rows][inside] = self.data[at]
        return _ranks(texts.view(f"S{width}").reshape(-1))  # NUL-padded: a prefix sorts first

    def write(self, order: np.ndarray, path: Path) -> None:
        """The header and the rows in ``order`` written to ``path`` (in place of the file)."""
        starts, stops = self.begins[:, 0].tolist(), (self.ends[:, -1] + 1).tolist()
        view = memoryview(self.data)  # type: ignore[arg-type]
        name = ""
        try:
            handle, name = tempfile.mkstemp(prefix="govkg-listing-", suffix=".tsv")
            with os.fdopen(handle, "wb") as out:
                out.write(view[: starts[0]] if starts else view)
                for at in range(0, len(order), _CHUNK):
                    rows = order[at : at + _CHUNK].tolist()
                    out.write(b"".join([view[starts[k] : stops[k]] for k in rows]))
            os.replace(name, path)
        except OSError as error:  # a full disk
            if name:
                _remove(Path(name))
            raise _Unwritten(str(error)) from None


def _ranks(keys: np.ndarray) -> np.ndarray:
    """Each key's rank among the distinct keys (``np.unique``'s inverse, without a sorted copy
    of the keys: equal neighbours are found a chunk at a time)."""
    order = np.argsort(keys, kind="stable")
    new = np.ones(len(keys), dtype=np.intp)  # 1 where a key differs from the one before it
    for at in range(1, len(keys), _CHUNK):
        here = order[at : at + _CHUNK]
        new[at : at + len(here)] = keys[here] != keys[order[at - 1 : at - 1 + len(here)]]
    ranks = np.empty(len(keys), dtype=np.intp)
    ranks[order] = np.cumsum(new) - 1
    return ranks


def _indexed(path: Path) -> Listing:
    """The listing of a TSV file: its header and where each of its lines starts."""
    data = _mapped(path)
    ends = _found(data, "\n") + 1
    if not len(ends):
        raise QueryError("a listing's file has no header")
    return Listing(path, bytes(data[: ends[0]]), ends)


def _mapped(path: Path) -> np.ndarray:
    """The file's bytes, mapped (an empty file: no bytes)."""
    if not path.stat().st_size:
        return np.zeros(0, np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r")


def _found(data: np.ndarray, character: str) -> np.ndarray:
    """Where ``character`` (one byte) is in ``data``, read a chunk at a time."""
    byte, step = ord(character), 1 << 22
    found = [np.flatnonzero(data[at : at + step] == byte) + at for at in range(0, len(data), step)]
    return np.concatenate(found) if found else np.zeros(0, np.intp)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
