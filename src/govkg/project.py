"""Where a govkg checkout keeps its files: ``ontology/``, ``graph/`` and ``queries/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from govkg.bundled import announce, bundled_dataset
from govkg.errors import LoadError

ROOT_ENV = "GOVKG_ROOT"
SHAPES_NAME = "shapes"


@dataclass(frozen=True)
class Project:
    """The files of one govkg checkout, found from its root folder."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        """The ontology and its vocabularies: every ``ontology/*.ttl`` except the shapes."""
        return [p for p in _turtle_files(self.ontology_dir) if not _is_shapes(p, self.ontology_dir)]

    def shapes_files(self) -> list[Path]:
        """``ontology/shapes.ttl`` and every Turtle file under ``ontology/shapes/``."""
        return [p for p in _turtle_files(self.ontology_dir) if _is_shapes(p, self.ontology_dir)]

    def graph_files(self) -> list[Path]:
        """Every Turtle file under ``graph/``, sorted."""
        return _turtle_files(self.graph_dir)

    def data_files(self) -> list[Path]:
        """What goes into the store: the ontology, its vocabularies and the graph.

        RDF in another syntax is refused, not skipped: govkg parses Turtle only, so a JSON-LD
        context or an XML entity in a file can never make it fetch or read anything.
        """
        for folder in (self.ontology_dir, self.graph_dir):
            for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if path.suffix.lower() in OTHER_RDF:
                    message = (
                        "govkg loads Turtle (.ttl) files only; convert this file to Turtle first"
                    )
                    raise LoadError(self.relative(path), message)
        return self.ontology_files() + self.graph_files()

    def relative(self, path: Path) -> str:
        """A path as shown to users: relative to the root where possible."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


#: Extensions of RDF syntaxes other than Turtle.
OTHER_RDF = frozenset({".jsonld", ".json", ".rdf", ".owl", ".xml", ".nt", ".nq", ".trig", ".n3"})
TURTLE_ONLY = "govkg loads Turtle (.ttl) files only; convert this file to Turtle first"


def _turtle_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.ttl")) if folder.is_dir() else []


def _is_shapes(path: Path, ontology_dir: Path) -> bool:
    parts = path.relative_to(ontology_dir).parts
    return parts[0] == SHAPES_NAME or path.stem == SHAPES_NAME


def find_project(root: str | Path | None = None) -> Project:
    """The project at ``root``, else ``$GOVKG_ROOT``, else the nearest folder upwards from the
    working directory that has ``ontology/``, else the dataset bundled with the installed
    package (:mod:`govkg.bundled`, announced on stderr), else the checkout this package was
    installed from in editable mode."""
    if root is None:
        root = os.environ.get(ROOT_ENV) or None
    if root is not None:
        project = Project(Path(root))
        if not project.ontology_dir.is_dir():
            raise LoadError(str(root), "not a govkg project: it has no ontology/ folder")
        return project
    for candidate in (Path.cwd(), *Path.cwd().parents):
        if _is_checkout(candidate):
            return Project(candidate)
    dataset = bundled_dataset()
    if dataset is not None:
        announce(dataset)
        return Project(dataset.root)
    for candidate in Path(__file__).resolve().parents:
        if _is_checkout(candidate):
            return Project(candidate)
    raise LoadError(
        str(Path.cwd()),
        f"no govkg project found here or above; run from a checkout or set {ROOT_ENV}",
    )


def _is_checkout(folder: Path) -> bool:
    return (folder / "ontology").is_dir() and (folder / "graph").is_dir()
