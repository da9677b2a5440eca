"""Parse the project's Turtle files, each into its own named graph, with file:line errors.

Every file is parsed completely before anything reaches the store, so a syntax error anywhere
leaves the store untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import LoadError
from govkg.namespaces import GRAPH_BASE
from govkg.project import Project, find_project
from govkg.store import Store, open_store


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
    try:
        triples = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        return [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
    except SyntaxError as error:
        raise LoadError(shown, _syntax_message(error), error.lineno, error.offset) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise LoadError(shown, f"Turtle syntax error: {error}") from None


def _syntax_message(error: SyntaxError) -> str:
    text = str(error.msg if error.msg else error)
    if ": " in text and text.startswith("Parser error"):
        text = text.split(": ", 1)[1]
    return f"Turtle syntax error: {text}"


def parse_files(project: Project, paths: Iterable[Path]) -> list[ox.Quad]:
    """The quads of several files, each in its own named graph; stops at the first error."""
    quads: list[ox.Quad] = []
    for path in paths:
        quads.extend(parse_file(path, graph_name(project, path), project.relative(path)))
    return quads


def load_project(project: Project, store: Store) -> Store:
    """Parse the ontology, vocabularies and graph of a project and load them into ``store``."""
    store.load(parse_files(project, project.data_files()))
    return store


def open_project(
    root: str | Path | None = None, store_spec: str | None = None
) -> tuple[Project, Store]:
    """Find the project, open the store and load the project into it."""
    project = find_project(root)
    return project, load_project(project, open_store(store_spec))
