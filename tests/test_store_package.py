"""The store package: what a caller needs of a store is a property of it, never its class.

What each back-end answers (memory, a folder, a server: no request is made), and, read from the
code, that no module outside ``govkg.store`` tests a store's class and that the package imports
nothing of govkg's but its errors and namespaces, with no import inside a function (issue 16).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest
from paths import ROOT

from govkg.errors import StoreError
from govkg.store import open_store

SRC = ROOT / "src" / "govkg"
STORE_CLASSES = {"Store", "OxigraphStore", "RemoteStore"}


def test_memory_store_capabilities() -> None:
    store = open_store("memory")
    assert (store.embedded, store.remote, store.persistent) == (True, False, False)
    assert (store.folder, store.location, store.is_fresh_memory) == (None, "memory", True)


def test_folder_store_capabilities(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    store = open_store(str(folder))
    assert (store.embedded, store.remote, store.persistent) == (True, False, True)
    assert (store.folder, store.location, store.is_fresh_memory) == (folder, str(folder), False)


def test_read_only_opening_of_an_empty_folder_makes_an_empty_store(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "new"), read_only=True)
    assert (len(store), store.persistent, store.folder) == (0, True, tmp_path / "new")


def test_remote_store_capabilities() -> None:
    store = open_store("sparql+http://user:secret@localhost:9/ds?query=sparql")
    assert (store.embedded, store.remote, store.persistent, store.folder) == (
        False,
        True,
        True,
        None,
    )
    assert store.location == "http://localhost:9/ds/sparql"


def test_only_the_embedded_store_writes_an_answer_as_tsv(tmp_path: Path) -> None:
    """The embedded store's writer writes the answer; a server's store has none here and
    says so without a request (nothing listens on port 9)."""
    memory = open_store("memory")
    memory.load([ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o"))])
    path = tmp_path / "answer.tsv"
    assert memory.write_tsv("SELECT ?s ?o { ?s ?p ?o } ORDER BY ?s", {}, path) is True
    assert path.read_text(encoding="utf-8") == '?s\t?o\n<http://x/s>\t"o"\n'
    remote = open_store("sparql+http://localhost:9/")
    assert remote.write_tsv("SELECT * { ?s ?p ?o }", {}, tmp_path / "none.tsv") is False
    assert not (tmp_path / "none.tsv").exists()


def test_a_server_refuses_what_only_an_embedded_store_does() -> None:
    store = open_store("sparql+http://localhost:9/")
    with pytest.raises(StoreError, match=r"^http://localhost:9/query cannot be copied in memory$"):
        store.copy()


def _modules(folder: Path) -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in folder.rglob("*.py")]


def test_no_caller_tests_a_store_class() -> None:
    found = []
    for path, tree in _modules(SRC):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
                names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                if names & STORE_CLASSES:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def test_store_package_imports_only_errors_and_namespaces_at_module_level() -> None:
    """The one import inside a function: the package's ``__getattr__`` (PEP 562), which imports
    its own remote-store modules on first use (a query process needs no HTTP client)."""
    outside, inside_functions = set(), []
    for path, tree in _modules(SRC / "store"):
        for node in ast.walk(tree):
            if path.name == "__init__.py" and getattr(node, "name", "") == "__getattr__":
                continue
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
                inside_functions += [f"{path.name}:{n.lineno}" for n in inner]
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if module.startswith("govkg") and not module.startswith("govkg.store"):
                outside.add(module)
    assert (outside, inside_functions) == ({"govkg.errors", "govkg.namespaces"}, [])
