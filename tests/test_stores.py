"""The three back-ends behind one interface: memory, Oxigraph on disk, and a real SPARQL server.

The remote tests start Oxigraph's own server (``oxigraph serve``, from the PyPI package
``oxigraph``) on a free loopback port.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from paths import ROOT
from servers import free_port as _free_port

from govkg.errors import StoreError
from govkg.load import open_project, source_hash, stored_hash
from govkg.project import Project
from govkg.queries import catalogue, run_query
from govkg.store import Dataset, OxigraphStore, RemoteStore, Store


@pytest.fixture(scope="module")
def server(oxigraph_server: str) -> str:
    """A real Oxigraph server on loopback (conftest), as a --store value."""
    return oxigraph_server


def _words(term: object) -> str:
    return " ".join(sorted(str(getattr(term, "value", "")).split(" ")))


def _answers(store: Store, project: Project) -> dict[str, list[tuple[str, ...]]]:
    """Every catalogue query's rows (default parameters), as sorted text tuples."""
    found = {}
    for query in catalogue(project):
        rows = run_query(store, query).rows
        # GROUP_CONCAT's order is undefined in SPARQL: compare each value as a bag of words
        found[query.name] = sorted(tuple(_words(v) for v in row) for row in rows)
    return found


@pytest.fixture(scope="module")
def memory_answers(project: Project, store: Store) -> dict[str, list[tuple[str, ...]]]:
    return _answers(store, project)


def test_disk_store_is_built_once_and_reused(project_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    project, store = open_project(project_copy, str(folder))
    assert isinstance(store, OxigraphStore) and store.path == folder
    assert stored_hash(store) == source_hash(project)
    from govkg.stats import graph_stats

    files = [name for name, _n in graph_stats(store).per_file]
    assert files == [project.relative(p) for p in sorted(project.data_files(), key=str)]
    size = len(store)
    del store
    started = time.perf_counter()
    _project, again = open_project(project_copy, str(folder))
    assert len(again) == size
    assert time.perf_counter() - started < 60  # reopened, not a failure mode; speed is benchmarked


def test_commands_open_a_disk_store_read_only_and_share_it(
    project_copy: Path, tmp_path: Path
) -> None:
    """Every command only reads the store, so it opens the folder read-only: a server, its
    query processes and other commands share it (a writable opening takes the folder's lock,
    and its compactions delete files that readers still use)."""
    folder = str(tmp_path / "store")
    _project, first = open_project(project_copy, folder)  # builds it, then reopens read-only
    _project, second = open_project(project_copy, folder)  # a second command, same time
    assert len(first) == len(second) > 0
    with pytest.raises((OSError, RuntimeError)):  # "only possible on read-write instances"
        first._store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                                 ox.Literal("o")))  # fmt: skip


def test_disk_store_is_rebuilt_when_the_graph_changes(project_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    _project, store = open_project(project_copy, str(folder))
    before = len(store)
    del store
    extra = (
        '<https://w3id.org/govkg/id/source/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .'
    )
    (project_copy / "graph" / "zz-extra.ttl").write_text(extra + "\n", encoding="utf-8")
    project, store = open_project(project_copy, str(folder))
    assert len(store) == before + 1
    assert stored_hash(store) == source_hash(project)


def test_disk_store_answers_like_memory(
    project_copy: Path, tmp_path: Path, memory_answers: dict
) -> None:
    project, store = open_project(project_copy, str(tmp_path / "store"))
    assert _answers(store, project) == memory_answers


def test_remote_store_must_be_loaded_first(server: str) -> None:
    store = RemoteStore.from_spec(server)
    store.clear()
    with pytest.raises(StoreError, match="does not hold the current graph; run: govkg --store"):
        open_project(ROOT, server)


def test_remote_store_answers_like_memory(
    server: str, project: Project, memory_answers: dict
) -> None:
    from govkg.load import build

    remote = RemoteStore.from_spec(server)
    build(project, remote)
    _project, store = open_project(ROOT, server)
    assert _answers(store, project) == memory_answers


def test_remote_store_gives_every_answer_the_same_coverage(
    server: str, project: Project, store: Store
) -> None:
    """Coverage is read by its own queries (VALUES over the answer's instruments and events):
    a SPARQL server gives each catalogue answer the same coverage as the embedded store."""
    from govkg.load import build
    from govkg.queries import result_coverage

    remote = RemoteStore.from_spec(server)
    build(project, remote)
    _project, there = open_project(ROOT, server)
    for query in catalogue(project):
        here_rows, there_rows = run_query(store, query), run_query(there, query)
        here = result_coverage(store, query, {}, here_rows).as_json()
        assert result_coverage(there, query, {}, there_rows).as_json() == here, query.name


def test_remote_validation_matches_memory(server: str, project: Project, store: Store) -> None:
    from govkg.load import build
    from govkg.validate import validate_store

    remote = RemoteStore.from_spec(server)
    build(project, remote)
    here, there = validate_store(store, project), validate_store(remote, project)
    assert there.triples == here.triples  # the source-hash stamp is not data
    assert [r.focus for r in there.results] == [r.focus for r in here.results]


def test_server_down_is_one_clear_error() -> None:
    port = _free_port()
    store = RemoteStore.from_spec(f"sparql+http://127.0.0.1:{port}/", timeout=2)
    with pytest.raises(StoreError, match=rf"cannot reach http://127.0.0.1:{port}/query"):
        store.query("ASK {}")


def test_slow_server_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    port = listener.getsockname()[1]
    store = RemoteStore.from_spec(f"sparql+http://127.0.0.1:{port}/", timeout=0.5)
    try:
        with pytest.raises(StoreError, match=r"did not answer within 0\.5 s"):
            store.query("ASK {}")
    finally:
        listener.close()


def test_server_error_names_url_and_status(server: str) -> None:
    store = RemoteStore.from_spec(server)
    with pytest.raises(StoreError, match=r"/query answered 400"):
        store.query("SELECT WHERE {")


def test_cli_load_then_query_on_disk(project_copy: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from govkg.cli import cli

    runner = CliRunner()
    folder = tmp_path / "disk"
    base = ["--root", str(project_copy), "--store", str(folder)]
    loaded = runner.invoke(cli, [*base, "load"])
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.splitlines()[-1].startswith("loaded ")
    answer = runner.invoke(cli, [*base, "query", "decliners", "--format", "csv"])
    assert answer.exit_code == 0
    assert {line.split(",")[1].rsplit("/", 1)[1] for line in answer.stdout.splitlines()[1:]} == {
        "USA",
        "CHN",
    }


def test_cli_load_needs_a_persistent_store(project_copy: Path) -> None:
    from click.testing import CliRunner

    from govkg.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(project_copy), "load"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: load builds a persistent store: give --store FOLDER or sparql+http://...\n"
    )


def test_cli_server_down_is_one_line() -> None:
    from click.testing import CliRunner

    from govkg.cli import cli

    port = _free_port()
    result = CliRunner().invoke(
        cli, ["--root", str(ROOT), "--store", f"sparql+http://127.0.0.1:{port}/", "stats"]
    )
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: cannot reach http://127.0.0.1:{port}/query")
    assert "Traceback" not in result.output


# (persistent stores also hold a meta graph stamped with dcterms:identifier: left out here)
DATASET_QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?o }",
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/govkg/graph/graph/sources.ttl> { ?s a ?o }",
    "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s a ?o } }",
]
STATES_FILE = "https://w3id.org/govkg/graph/graph/reference/states.ttl"


def _dataset_counts(store: Store) -> list[str]:
    datasets = [None, Dataset((STATES_FILE,)), Dataset((), (STATES_FILE,))]
    return [
        store.query(query, dataset=dataset).rows[0][0].value  # type: ignore[union-attr]
        for query in DATASET_QUERIES
        for dataset in datasets
    ]


def test_datasets_and_from_answer_alike_on_every_store(
    server: str, project: Project, store: Store, project_copy: Path, tmp_path: Path
) -> None:
    """FROM and an explicit dataset name graphs in the store, the same way on every back-end."""
    from govkg.load import build

    memory = _dataset_counts(store)
    assert memory[0] != memory[1] != "0"  # the states file alone is smaller than the union
    assert memory[3] != "0" and memory[8] == "1"  # FROM a file; the one named graph
    _project, disk = open_project(project_copy, str(tmp_path / "store"))
    remote = RemoteStore.from_spec(server)
    build(project, remote)
    assert _dataset_counts(disk) == memory
    assert _dataset_counts(remote) == memory
