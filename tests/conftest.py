"""Shared fixtures: the shipped project, its loaded store, and throw-away copies to break."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib_once  # noqa: F401  (rdflib parses each SPARQL text once: before govkg)
from click.testing import CliRunner
from paths import ROOT
from rdflib import Graph

from govkg.load import open_project
from govkg.project import Project
from govkg.store import Store
from govkg.validate import project_graph


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def shapes(project: Project) -> Graph:
    """The shipped SHACL shapes as one rdflib graph."""
    return project_graph(project.shapes_files(), project)


@pytest.fixture(scope="session")
def ontology(project: Project) -> Graph:
    """The shipped ontology and vocabularies as one rdflib graph."""
    return project_graph(project.ontology_files(), project)


@pytest.fixture(scope="session")
def store() -> Store:
    """The shipped ontology and graph, loaded once into the embedded store."""
    return open_project(ROOT)[1]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's ontology, graph and queries that a test may break."""
    for folder in ("ontology", "graph", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture(scope="session")
def shipped_client(store: Store) -> Iterator[httpx.Client]:
    """The app over the shipped graph, called in process."""
    from servers import in_process

    from govkg.project import ROOT_ENV
    from govkg.server import ServerSettings, create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_ENV, str(ROOT))
        app = create_app(store, ServerSettings())
    with in_process(app) as http:
        yield http


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on loopback, one per test module; yields its --store value."""
    from servers import running_oxigraph

    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as (spec, _process):
        yield spec


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso 7.2 on loopback (tests/virtuoso.py), one per test module; yields its
    --store value."""
    from virtuoso import running_virtuoso

    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as spec:
        yield spec


@pytest.fixture(scope="session")
def shipped_nquads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project as ``govkg load`` builds it (its stamp included), in one N-Quads
    file: what a read-only server is given to serve."""
    import pyoxigraph as ox

    from govkg.load import build
    from govkg.store import OxigraphStore

    built = OxigraphStore()
    build(Project(ROOT), built)
    path = tmp_path_factory.mktemp("shipped") / "shipped.nq"
    path.write_bytes(ox.serialize(built.quads(), format=ox.RdfFormat.N_QUADS) or b"")
    return path


@pytest.fixture(scope="module")
def rdflib_endpoint_server(shipped_nquads: Path) -> Iterator[str]:
    """A real, read-only rdflib-endpoint on loopback serving the shipped project, one per test
    module; yields its --store value."""
    from servers import running_rdflib_endpoint

    with running_rdflib_endpoint(shipped_nquads) as spec:
        yield spec


@pytest.fixture(scope="module")
def comunica_server(shipped_nquads: Path) -> Iterator[str]:
    """A real, read-only Comunica SPARQL endpoint on loopback serving the shipped project, one
    per test module; yields its --store value."""
    from servers import running_comunica

    with running_comunica(shipped_nquads) as spec:
        yield spec
