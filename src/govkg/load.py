"""Load the project's Turtle files, each into its own named graph, with file:line errors.

The store's own loader parses and inserts (Oxigraph's, without a Python object per triple). A
syntax error anywhere leaves the store as it was: a fresh in-memory store is emptied again, and
any other store is written only after every file has parsed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import LoadError, StoreError
from govkg.namespaces import GRAPH_BASE, META_GRAPH, VOCABULARIES
from govkg.project import Project, find_project
from govkg.store import (
    MEMORY,
    OxigraphStore,
    Store,
    TurtleFile,
    open_store,
    parse_turtle,
    shown,
    store_kind,
)

#: ``dcterms:identifier``: the loaded files' hash in the store's own graph.
_IDENTIFIER = VOCABULARIES["DCTERMS"] + "identifier"


def graph_name(project: Project, path: Path) -> str:
    """The named graph a file is loaded into: ``GRAPH_BASE`` + its path in the project."""
    return GRAPH_BASE + project.relative(path)


BOM = b"\xef\xbb\xbf"  # a byte-order mark, as some Windows editors write


def read_turtle(path: Path, shown: str) -> bytes:
    """The bytes of a Turtle file, without a byte-order mark."""
    try:
        return path.read_bytes().removeprefix(BOM)
    except OSError as error:
        raise LoadError(shown, f"cannot read: {error.strerror or error}") from None


def turtle_input(path: Path, shown: str) -> bytes | Path:
    """What Oxigraph should parse: the file itself (faster), or its bytes if it starts with a
    byte-order mark."""
    try:
        with path.open("rb") as file:
            start = file.read(len(BOM))
    except OSError as error:
        raise LoadError(shown, f"cannot read: {error.strerror or error}") from None
    return read_turtle(path, shown) if start == BOM else path.resolve()


@contextmanager
def parse_errors(shown: str) -> Iterator[None]:
    """Oxigraph's parse errors as a :class:`LoadError` naming the file, line and column."""
    try:
        yield
    except SyntaxError as error:
        raise LoadError(shown, _syntax_message(error), error.lineno, error.offset) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise LoadError(shown, f"Turtle syntax error: {error}") from None
    except MemoryError as error:  # Oxigraph's parser holds one term in at most 16 MiB
        raise LoadError(shown, f"a literal or IRI is too long to parse ({error})") from None


def parse_file(path: Path, graph: str | None = None, shown_as: str | None = None) -> list[ox.Quad]:
    """All quads of one Turtle file, in ``graph`` (default graph if None).

    Raises :class:`LoadError` naming the file, line and column of a syntax error.
    """
    shown = shown_as or str(path)
    data = read_turtle(path, shown)
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    with parse_errors(shown):
        triples = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]


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


def check_files(project: Project, paths: Iterable[Path]) -> None:
    """Parse every file without keeping its triples; raise the first error as a LoadError."""
    for path in paths:
        shown = project.relative(path)
        data = turtle_input(path, shown)
        with parse_errors(shown):
            for _triple in parse_turtle(data, path.resolve().as_uri()):
                pass


def _load_files(
    project: Project, store: Store, paths: Iterable[Path], progress: Callable[[str], None] | None
) -> None:
    """Load the files by the store's own loader; a parse error names the file being read."""
    reading = ""

    def files() -> Iterator[TurtleFile]:
        nonlocal reading
        for path in paths:
            reading = project.relative(path)
            if progress is not None:
                progress(reading)
            data = turtle_input(path, reading)
            yield TurtleFile(data, graph_name(project, path), path.resolve().as_uri())

    try:
        store.load_turtle(files())
    except (SyntaxError, ValueError, UnicodeDecodeError, MemoryError):
        with parse_errors(reading):
            raise


def load_files(project: Project, store: Store, paths: Iterable[Path]) -> None:
    """Load some of a project's files into ``store``, each in its named graph; a parse error
    names the file."""
    _load_files(project, store, paths, None)


def load_project(
    project: Project, store: Store, progress: Callable[[str], None] | None = None
) -> Store:
    """Load the ontology, vocabularies and graph of a project into ``store``, each file in its
    own named graph, by the store's own loader.

    A file that does not parse leaves the store as it was: an empty in-memory store is cleared
    again; any other store is only written once every file has parsed.
    """
    files = project.data_files()
    if store.is_fresh_memory:
        try:
            _load_files(project, store, files, progress)
        except LoadError:
            store.clear()
            raise
    else:
        check_files(project, files)
        _load_files(project, store, files, progress)
    return store


#: What a store holds besides the files' triples; another value rebuilds every persistent store
#: (2: the records of literals kept in another form than written, see :mod:`govkg.written`).
STORE_LAYOUT = b"govkg store layout 2\0"


def source_hash(project: Project) -> str:
    """A hash of every file that goes into the store (names and contents) and of the store's
    layout: a store built another way is rebuilt, never silently different."""
    digest = hashlib.sha256(STORE_LAYOUT)
    for path in project.data_files():
        digest.update(project.relative(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def stored_hash(store: Store) -> str:
    """The source hash a persistent store was built from ("" if none)."""
    rows = store.query(
        f"SELECT ?h WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{_IDENTIFIER}> ?h }} }}"
    ).records()
    return rows[0].text("h") if rows else ""


def build(
    project: Project,
    store: Store,
    progress: Callable[[str], None] | None = None,
    checked: bool = False,
) -> str:
    """Empty a persistent store and load the project into it, stamped with its source hash.

    Every file is parsed before the store is emptied (unless the caller has just ``checked``
    them): a file that does not parse leaves the store as it was, and so does a server that
    cannot be written (read-only, or without the Graph Store Protocol).
    """
    if not (store.embedded or store.remote):
        raise StoreError("only a persistent store can be built")
    if not checked:
        check_files(project, project.data_files())
    store.check_writable()  # a read-only server is refused before anything is dropped
    store.clear()
    stamp = source_hash(project)
    meta = ox.NamedNode(META_GRAPH)
    try:
        _load_files(project, store, project.data_files(), progress)
        store.load([ox.Quad(meta, ox.NamedNode(_IDENTIFIER), ox.Literal(stamp), meta)])
    except StoreError as error:
        if store.remote:  # say what the server holds now
            raise StoreError(f"{error}; {_remote_state(store)}") from None
        raise
    if store.remote and stored_hash(store) != stamp:
        raise StoreError(
            f"{store.location} accepted the load but does not hold it (a read-only "
            f"server, or one without the Graph Store Protocol?); {_remote_state(store)}"
        )
    return stamp


def _remote_state(store: Store) -> str:
    """What a server holds after a load that did not complete, in words."""
    try:
        held = len(store)
    except StoreError:
        return (
            "the server could not be asked what it holds now; govkg had dropped its previous "
            "graphs first: run govkg load again once it answers"
        )
    return (
        f"the server now holds {held:,} quads of govkg's graphs and no complete version (govkg "
        "had dropped its previous graphs first): run govkg load again"
    )


def open_project(
    root: str | Path | None = None, store_spec: str | None = None
) -> tuple[Project, Store]:
    """Find the project and open a store holding it.

    In memory the project is loaded every time; an on-disk store is reused when its source hash
    matches the files and rebuilt when they changed (never silently stale); a remote store that
    does not match is an error asking for ``govkg load``.
    """
    project = find_project(root)
    store = open_store(store_spec, read_only=True)
    if not store.persistent:  # in memory
        return project, load_project(project, store)
    if stored_hash(store) == source_hash(project):
        return project, store
    folder = store.folder
    if folder is None:  # a server
        raise StoreError(
            f"{store.location} does not hold the current graph; "
            f"run: govkg --store {shown(store_spec or '')} load"
        )
    del store  # closes it before the folder is opened for writing
    return project, _rebuilt_folder(project, folder)


def _rebuilt_folder(project: Project, path: Path) -> OxigraphStore:
    """The on-disk store, rebuilt because it is stale, then opened read-only.

    Commands only read the store, so they open it read-only: then any number of them, and a
    server's query processes, can share the folder.  A writable opening could compact the
    store and delete files that readers opened before it still use (a server at 4 M triples
    answered "No such file" to every query while a writer reorganised its files).
    """
    writable = OxigraphStore(path)
    build(project, writable)
    del writable  # closes it: the read-only opening sees the finished store
    return OxigraphStore.read_only(path)


def _persistent(store_spec: str | None) -> None:
    if store_kind(store_spec) == MEMORY:
        raise StoreError("load builds a persistent store: give --store FOLDER or sparql+http://...")


def rebuild(
    root: str | Path | None, store_spec: str | None, progress: Callable[[str], None] | None = None
) -> tuple[str, int, int]:
    """Build the persistent store ``store_spec`` from the project: (hash, files, quads)."""
    _persistent(store_spec)
    project = find_project(root)
    check_files(project, project.data_files())  # before the store is touched
    store = open_store(store_spec)
    stamp = build(project, store, progress, checked=True)
    return stamp, len(project.data_files()), len(store)


def file_count(root: str | Path | None, store_spec: str | None) -> int:
    """How many files a load of ``store_spec`` reads (for a progress bar)."""
    _persistent(store_spec)
    return len(find_project(root).data_files())
