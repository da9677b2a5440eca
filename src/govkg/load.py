"""Parse the project's Turtle files, each into its own named graph, with file:line errors.

Every file is parsed completely before anything reaches the store, so a syntax error anywhere
leaves the store untouched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from govkg.errors import LoadError, StoreError
from govkg.namespaces import GRAPH_BASE, META_GRAPH
from govkg.project import Project, find_project
from govkg.remote import RemoteStore
from govkg.store import OxigraphStore, Store, open_store


def graph_name(project: Project, path: Path) -> str:
    """The named graph a file is loaded into: ``GRAPH_BASE`` + its path in the project."""
    return GRAPH_BASE + project.relative(path)


def parse_file(path: Path, graph: str | None = None, shown_as: str | None = None) -> list[ox.Quad]:
    """All quads of one Turtle file, in ``graph`` (default graph if None).

    Raises :class:`LoadError` naming the file, line and column of a syntax error.
    """
    shown = shown_as or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(shown, f"cannot read: {error.strerror or error}") from None
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as some Windows editors write
    try:
        triples = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
    except SyntaxError as error:
        raise LoadError(shown, _syntax_message(error), error.lineno, error.offset) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise LoadError(shown, f"Turtle syntax error: {error}") from None
    except MemoryError as error:  # Oxigraph's parser holds one term in at most 16 MiB
        raise LoadError(shown, f"a literal or IRI is too long to parse ({error})") from None


def _syntax_message(error: SyntaxError) -> str:
    text = str(error.msg if error.msg else error)
    if ": " in text and text.startswith("Parser error"):
        text = text.split(": ", 1)[1]
    return f"Turtle syntax error: {text}"


def parse_files(
    project: Project, paths: Iterable[Path], progress: Callable[[str], None] | None = None
) -> list[ox.Quad]:
    """The quads of several files, each in its own named graph; stops at the first error.

    ``progress`` is told each file's name as it is parsed.
    """
    quads: list[ox.Quad] = []
    for path in paths:
        if progress is not None:
            progress(project.relative(path))
        quads.extend(parse_file(path, graph_name(project, path), project.relative(path)))
    return quads


def load_project(
    project: Project, store: Store, progress: Callable[[str], None] | None = None
) -> Store:
    """Parse the ontology, vocabularies and graph of a project and load them into ``store``.

    Every file is parsed before anything is loaded.
    """
    store.load(parse_files(project, project.data_files(), progress))
    return store


def source_hash(project: Project) -> str:
    """A hash of every file that goes into the store: names and contents."""
    digest = hashlib.sha256()
    for path in project.data_files():
        digest.update(project.relative(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def stored_hash(store: Store) -> str:
    """The source hash a persistent store was built from ("" if none)."""
    rows = store.query(
        f"SELECT ?h WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{DCTERMS.identifier}> ?h }} }}"
    ).rows
    return str(getattr(rows[0][0], "value", "")) if rows else ""


def build(
    project: Project,
    store: Store,
    progress: Callable[[str], None] | None = None,
    quads: list[ox.Quad] | None = None,
) -> str:
    """Empty a persistent store and load the project into it (or its ``quads``, already parsed),
    stamped with its source hash.

    Every file is parsed before the store is emptied: a file that does not parse leaves the store
    as it was.
    """
    if not isinstance(store, OxigraphStore | RemoteStore):
        raise StoreError("only a persistent store can be built")
    if quads is None:
        quads = parse_files(project, project.data_files(), progress)
    store.clear()
    store.load(quads)
    stamp = source_hash(project)
    meta = ox.NamedNode(META_GRAPH)
    store.load([ox.Quad(meta, ox.NamedNode(str(DCTERMS.identifier)), ox.Literal(stamp), meta)])
    return stamp


def open_project(
    root: str | Path | None = None, store_spec: str | None = None
) -> tuple[Project, Store]:
    """Find the project and open a store holding it.

    In memory the project is loaded every time; an on-disk store is reused when its source hash
    matches the files and rebuilt when they changed (never silently stale); a remote store that
    does not match is an error asking for ``govkg load``.
    """
    project = find_project(root)
    store = open_store(store_spec)
    if isinstance(store, OxigraphStore) and store.path is None:
        return project, load_project(project, store)
    if stored_hash(store) != source_hash(project):
        if isinstance(store, RemoteStore):
            raise StoreError(
                f"{store.endpoints.query} does not hold the current graph; "
                f"run: govkg --store {store_spec} load"
            )
        build(project, store)
    return project, store


def _persistent(store_spec: str | None) -> None:
    if store_spec in (None, "", "memory"):
        raise StoreError("load builds a persistent store: give --store FOLDER or sparql+http://...")


def rebuild(
    root: str | Path | None, store_spec: str | None, progress: Callable[[str], None] | None = None
) -> tuple[str, int, int]:
    """Build the persistent store ``store_spec`` from the project: (hash, files, quads)."""
    _persistent(store_spec)
    project = find_project(root)
    quads = parse_files(project, project.data_files(), progress)  # before the store is touched
    store = open_store(store_spec)
    stamp = build(project, store, quads=quads)
    return stamp, len(project.data_files()), len(store)


def file_count(root: str | Path | None, store_spec: str | None) -> int:
    """How many files a load of ``store_spec`` reads (for a progress bar)."""
    _persistent(store_spec)
    return len(find_project(root).data_files())
