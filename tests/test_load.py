"""Loading: each file in its own named graph, syntax errors with file:line:column, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.errors import LoadError
from govkg.load import graph_name, load_project, parse_file, parse_files
from govkg.namespaces import GRAPH_BASE
from govkg.project import Project, find_project
from govkg.store import OxigraphStore

BROKEN = """@prefix ex: <http://example.org/> .
ex:a ex:b ex:c .

ex:d ex:e "unterminated .
"""


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        parse_file(path, shown_as="graph/broken.ttl")
    assert caught.value.path == "graph/broken.ttl"
    assert caught.value.line == 4
    assert str(caught.value).startswith("graph/broken.ttl:4:")
    assert "Turtle syntax error" in str(caught.value)


def test_unreadable_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        parse_file(tmp_path / "missing.ttl")


def test_each_file_is_its_own_named_graph(project: Project) -> None:
    store = load_project(project, OxigraphStore())
    names = {q.graph_name.value for q in store.quads()}
    expected = {graph_name(project, p) for p in project.data_files()}
    assert names == expected
    assert GRAPH_BASE + "ontology/govkg.ttl" in names


def test_a_broken_file_leaves_the_store_untouched(project_copy: Path) -> None:
    (project_copy / "graph" / "zz-broken.ttl").write_text(BROKEN, encoding="utf-8")
    store = OxigraphStore()
    store.load(
        [
            ox.Quad(
                ox.NamedNode("http://example.org/kept"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal("x"),
            )
        ]
    )
    with pytest.raises(LoadError, match=r"graph/zz-broken\.ttl:4"):
        load_project(Project(project_copy), store)
    assert len(store) == 1


def test_shapes_are_not_loaded_as_data(project: Project) -> None:
    assert all("shapes" not in p.name for p in project.data_files())
    assert any(p.name == "shapes.ttl" for p in project.shapes_files())


def test_find_project_rejects_a_folder_without_ontology(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="not a govkg project"):
        find_project(tmp_path)


def test_a_broken_file_leaves_a_fresh_memory_store_empty(project_copy: Path) -> None:
    (project_copy / "graph" / "zz-broken.ttl").write_text(BROKEN, encoding="utf-8")
    store = OxigraphStore()
    with pytest.raises(LoadError, match=r"graph/zz-broken\.ttl:4"):
        load_project(Project(project_copy), store)
    assert len(store) == 0


def test_a_broken_file_leaves_a_disk_store_untouched(project_copy: Path, tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "db")
    kept = ox.Quad(ox.NamedNode("http://example.org/kept"), ox.NamedNode("http://example.org/p"),
                   ox.Literal("x"))  # fmt: skip
    store.load([kept])
    (project_copy / "graph" / "zz-broken.ttl").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(LoadError, match=r"graph/zz-broken\.ttl:4"):
        load_project(Project(project_copy), store)
    assert list(store.quads()) == [kept]


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_the_stores_own_loader_gives_the_parsed_quads(
    project_copy: Path, tmp_path: Path, where: str
) -> None:
    """Oxigraph's loader (from the file, or from bytes after a byte-order mark) loads exactly
    the quads that parsing each file gives, in the same graphs, relative IRIs resolved alike."""
    text = '@prefix ex: <http://example.org/> .\nex:bom ex:p <relative> , "é"@fr .\n'
    (project_copy / "graph" / "zz-bom.ttl").write_bytes(b"\xef\xbb\xbf" + text.encode())
    project = Project(project_copy)
    store = OxigraphStore(tmp_path / "db" if where == "disk" else None)
    load_project(project, store)
    expected = parse_files(project, project.data_files())
    loaded = list(store.quads())
    assert len(loaded) == len(set(expected))
    assert {q for q in loaded if not _blank(q)} == {q for q in expected if not _blank(q)}
    bom_graph = ox.NamedNode(graph_name(project, project_copy / "graph" / "zz-bom.ttl"))
    objects = {q.object for q in store.quads() if q.graph_name == bom_graph}
    resolved = (project_copy / "graph" / "relative").resolve().as_uri()
    assert objects == {ox.NamedNode(resolved), ox.Literal("é", language="fr")}


def _blank(quad: ox.Quad) -> bool:
    """Whether a quad has a blank node (whose label each parse chooses afresh)."""
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
