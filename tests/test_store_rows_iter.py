"""``Store.iter_rows``: the rows of a SELECT one at a time, the same rows ``Store.query`` gives,
on the embedded store in memory and on disk (streamed from Oxigraph's solutions) and on a real
SPARQL server (the interface's default, which reads the whole answer first); and the stances
view's two queries (plain, and by scans for a store on disk) give the same rows."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli
from govkg.errors import QueryError
from govkg.export.views import STANCES, STANCES_BY_SCAN
from govkg.load import open_project
from govkg.store import Store, open_store
from govkg.store.rows import Term

#: Stances and their optional dates (unbound values among the rows).
QUERIES = {"stances": STANCES, "stances-by-scan": STANCES_BY_SCAN}
#: A bound variable: the stances of one actor (the first actor of the shipped stances).
OF_ACTOR = "SELECT ?actor ?stance WHERE { ?stance gk:actor ?actor }"


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The shipped project in an on-disk store, opened read-only as commands open it."""
    return open_project(ROOT, str(tmp_path_factory.mktemp("rows") / "store"))[1]


@pytest.fixture(scope="module")
def server_store(oxigraph_server: str) -> Store:
    """The shipped project on a real Oxigraph server, loaded by ``govkg load``."""
    loaded = CliRunner().invoke(cli, ["--root", str(ROOT), "--store", oxigraph_server, "load"])
    assert loaded.exit_code == 0, loaded.output
    return open_store(oxigraph_server)


@pytest.fixture(params=["memory", "disk", "server"])
def any_store(request: pytest.FixtureRequest, store: Store, disk_store: Store) -> Store:
    """Each kind of store, holding the shipped project."""
    chosen = {"memory": store, "disk": disk_store}
    return chosen.get(request.param) or request.getfixturevalue("server_store")


def _sorted(rows: list[tuple[Term | None, ...]]) -> list[tuple[str, ...]]:
    return sorted(tuple("" if term is None else str(term) for term in row) for row in rows)


@pytest.mark.parametrize("name", QUERIES)
def test_iter_rows_gives_the_rows_query_gives(any_store: Store, name: str) -> None:
    rows = list(any_store.iter_rows(QUERIES[name]))
    assert all(isinstance(row, tuple) and len(row) == 6 for row in rows)
    assert _sorted(rows) == _sorted(any_store.query(QUERIES[name]).rows)
    assert len(rows) > 100
    assert any(row[4] is None for row in rows) and any(row[4] is not None for row in rows)


def test_iter_rows_takes_bindings(any_store: Store) -> None:
    actor = next(row[1] for row in any_store.iter_rows(STANCES))
    assert actor is not None
    rows = list(any_store.iter_rows(OF_ACTOR, {"actor": actor}))
    assert rows and {row[0] for row in rows} == {actor}
    assert _sorted(rows) == _sorted(any_store.query(OF_ACTOR, {"actor": actor}).rows)


def test_iter_rows_refuses_a_query_that_is_not_a_select(any_store: Store) -> None:
    with pytest.raises(QueryError, match="not a SELECT"):
        list(any_store.iter_rows("ASK { ?s ?p ?o }"))


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_a_syntax_error_in_the_embedded_store_is_a_query_error(
    kind: str, store: Store, disk_store: Store
) -> None:
    embedded = store if kind == "memory" else disk_store
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        list(embedded.iter_rows("SELECT ?s WHERE { ?s ?p }"))


@pytest.mark.parametrize("kind", ["memory", "disk"])
def test_the_embedded_store_gives_the_first_row_before_computing_the_rest(
    kind: str, store: Store, disk_store: Store
) -> None:
    """A 200,000-row answer (every stance with every state): its first row comes long before
    ``query`` has read them all."""
    embedded = store if kind == "memory" else disk_store
    pairs = "SELECT ?a ?b WHERE { ?a a gk:Stance . ?b a gk:State }"
    start = time.perf_counter()
    first = next(embedded.iter_rows(pairs))
    streamed = time.perf_counter() - start
    start = time.perf_counter()
    rows = embedded.query(pairs).rows
    whole = time.perf_counter() - start
    assert len(rows) > 100_000 and all(isinstance(term, ox.NamedNode) for term in first)
    assert streamed * 10 < whole, (streamed, whole)


def test_the_scan_query_is_the_stances_query_in_other_words() -> None:
    """Same projection, same patterns: only the joins are written otherwise."""
    for query in QUERIES.values():
        assert "SELECT ?stance ?actor ?instrument ?kind (STR(?d) AS ?date) (STR(?a) AS ?asOf)" in (
            query
        )
    for pattern in ("a gk:Stance", "gk:actor ?actor", "gk:instrument ?instrument"):
        assert pattern in STANCES and pattern in STANCES_BY_SCAN


def test_stances_on_disk_export_the_bytes_they_export_in_memory(tmp_path: Path) -> None:
    """``govkg --store FOLDER export`` (the query by scans) writes what the default store
    (the plain query) writes."""
    written = {}
    for kind, where in (("memory", []), ("disk", ["--store", str(tmp_path / "store")])):
        out = tmp_path / f"{kind}.gexf"
        args = ["--root", str(ROOT), *where, "export", "gexf", "--view", "stances"]
        result = CliRunner().invoke(cli, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        written[kind] = out.read_bytes()
    assert written["memory"] == written["disk"]
    assert written["memory"].count(b"<edge ") > 100
