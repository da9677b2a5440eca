"""Everything published about the dataset, computed once: dumps, VoID/DCAT and ontology files.

The live server keeps one :class:`Publication` per app (computed on first use, then served from
memory); ``govkg publish`` builds one for the site's public base and writes it out.
"""

from __future__ import annotations

from functools import cached_property

import pyoxigraph as ox

from govkg.project import Project
from govkg.site.dumps import Dumps, build_dumps, dataset_quads
from govkg.site.layout import Layout
from govkg.site.metadata import DatasetFacts, Site, dataset_facts, serialize_facts
from govkg.site.ontology_doc import ontology_html, ontology_turtle, shapes_turtle
from govkg.store import Store


class Publication:
    """The files describing ``store``'s dataset as published at ``site``; each built lazily."""

    def __init__(
        self, store: Store, settings: Layout, site: Site, project: Project | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.site = site
        self.project = project
        self._metadata: dict[str, bytes] = {}
        self._pages: dict[str, str] = {}

    @cached_property
    def quads(self) -> list[ox.Quad]:
        return dataset_quads(self.store)

    @cached_property
    def dumps(self) -> Dumps:
        return build_dumps(self.store, self.quads)

    @cached_property
    def facts(self) -> DatasetFacts:
        return dataset_facts(self.store, self.site, self.dumps)

    def metadata(self, ext: str) -> bytes:
        """The VoID/DCAT description as ``ttl``, ``jsonld`` or ``nt``."""
        if ext not in self._metadata:
            self._metadata[ext] = serialize_facts(self.facts, ext)
        return self._metadata[ext]

    @cached_property
    def ontology_turtle(self) -> bytes:
        return ontology_turtle(self.quads)

    @cached_property
    def shapes_turtle(self) -> bytes | None:
        """The SHACL shapes (read from the project's files), or None without a project."""
        return shapes_turtle(self.project) if self.project is not None else None

    def ontology_html(self, root: str = ".") -> str:
        """The ontology's documentation page; ``root`` is the way back to the site's top."""
        if root not in self._pages:
            shapes = self.shapes_turtle is not None
            self._pages[root] = ontology_html(self.store, self.settings, root, shapes)
        return self._pages[root]
