"""The whole dataset as downloadable files: Turtle, N-Triples, JSON-LD and gzipped N-Quads.

The store's internal meta graph and its records of rewritten literals are left out; every
literal is as the source files wrote it.  Blank nodes are canonicalised (RDFC-1.0) and
statements sorted, so the same data always gives the same bytes, whatever the store and however
often it was loaded; every file has a ``.sha256`` companion in ``sha256sum`` format.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.namespaces import META_GRAPH, PREFIXES
from govkg.store import Store
from govkg.written import written_quads

#: The folder of the dumps on the site, and the stem of their names.
DUMPS_DIR = "dumps"
STEM = "govkg"


@dataclass(frozen=True)
class Dump:
    """One file of the dataset: its name (``govkg.ttl``), media type and bytes."""

    name: str
    media_type: str
    data: bytes
    #: The media type of the content inside a compressed file (N-Quads inside ``.nq.gz``).
    inner_type: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def etag(self) -> str:
        """A strong ETag: the hash of the bytes, so the same data gives the same tag."""
        return f'"{self.sha256}"'

    def checksum(self) -> Dump:
        """The ``NAME.sha256`` file: ``<hex>  <name>`` and a newline, as ``sha256sum`` writes."""
        line = f"{self.sha256}  {self.name}\n".encode()
        return Dump(self.name + ".sha256", "text/plain", line)


@dataclass(frozen=True)
class Dumps:
    """Every dump and its checksum file, by name."""

    files: tuple[Dump, ...]

    @property
    def data_files(self) -> tuple[Dump, ...]:
        return tuple(d for d in self.files if not d.name.endswith(".sha256"))

    def get(self, name: str) -> Dump | None:
        return next((d for d in self.files if d.name == name), None)


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with their blank nodes canonicalised (RDFC-1.0), sorted."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=str)


def dataset_quads(store: Store) -> list[ox.Quad]:
    """Every quad as the files wrote it (:func:`govkg.written.written_quads`, without the
    records of rewritten literals) but the meta graph's, canonical and sorted."""
    meta = ox.NamedNode(META_GRAPH)
    return canonical(q for q in written_quads(store) if q.graph_name != meta)


def triples_of(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The triples of the union of the graphs, each once, sorted."""
    return sorted({q.triple for q in quads}, key=str)


def serialize(
    statements: list[ox.Triple] | list[ox.Quad],
    fmt: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """Oxigraph's serialisation of ``statements``, as bytes."""
    data = ox.serialize(statements, format=fmt, prefixes=prefixes)
    assert data is not None  # no output file given: the bytes are returned
    return data


def turtle(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """Turtle with the prefix lines sorted (Oxigraph does not promise their order)."""
    text = serialize(triples, ox.RdfFormat.TURTLE, prefixes)
    lines = text.splitlines(keepends=True)
    head = [line for line in lines if line.startswith(b"@prefix ")]
    return b"".join(sorted(head)) + b"".join(lines[len(head) :])


def _turtle(quads: list[ox.Quad]) -> bytes:
    return turtle(triples_of(quads), PREFIXES)


def _ntriples(quads: list[ox.Quad]) -> bytes:
    return serialize(triples_of(quads), ox.RdfFormat.N_TRIPLES)


def _jsonld(quads: list[ox.Quad]) -> bytes:
    return serialize(triples_of(quads), ox.RdfFormat.JSON_LD)


def _nquads_gz(quads: list[ox.Quad]) -> bytes:
    """N-Quads (one named graph per source file), gzipped with no time stamp or file name."""
    return gzip.compress(serialize(quads, ox.RdfFormat.N_QUADS), mtime=0)


#: Extension → (media type, inner media type, writer), in the order the dumps are listed.
FORMATS: dict[str, tuple[str, str | None, Callable[[list[ox.Quad]], bytes]]] = {
    "ttl": ("text/turtle", None, _turtle),
    "nt": ("application/n-triples", None, _ntriples),
    "jsonld": ("application/ld+json", None, _jsonld),
    "nq.gz": ("application/gzip", "application/n-quads", _nquads_gz),
}


def build_dumps(store: Store, quads: list[ox.Quad] | None = None) -> Dumps:
    """Every dump of the store's dataset, each followed by its checksum file.

    ``quads`` are the store's :func:`dataset_quads` when the caller has them already.
    """
    quads = dataset_quads(store) if quads is None else quads
    files: list[Dump] = []
    for ext, (media, inner, write) in FORMATS.items():
        dump = Dump(f"{STEM}.{ext}", media, write(quads), inner)
        files += [dump, dump.checksum()]
    return Dumps(tuple(files))
