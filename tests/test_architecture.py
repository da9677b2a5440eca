"""The import graph of ``src/govkg``, read from the code with :mod:`ast`: layers depend one way.

A node of the graph is a package of govkg (``govkg.server``, ``govkg.site``, ``govkg.store`` …) or a
top-level module (``govkg.load``); every import counts, the ones inside functions too, and relative
imports are resolved.  The package's own ``__init__`` (``govkg``) is left out: it is the façade
that may re-export the entry points of every layer.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from paths import ROOT

SRC = ROOT / "src"
TOP = "govkg"

_PAGE_LIBRARIES = "server start-up: numpy, networkx, scipy or rdflib only when a page needs them"

#: The imports allowed inside a function, (importing module, imported module) → why.  Nothing
#: else may be imported lazily, and never to break a cycle.
#: The pages process of ``govkg serve`` starts without them (its memory counts beside the
#: endpoint's): imported by the requests that need them (blocs, reconciliation, Turtle).
_PAGES_PROCESS = "pages process start-up: networkx, rapidfuzz, rdflib only where used"
LAZY_IMPORTS: dict[tuple[str, str], str] = {
    (
        "govkg.server.endpoint_full",
        "govkg.site.pages",
    ): "query processes: the pages' imports only for an error page a browser is sent",
    ("govkg.cli", "govkg.align.report"): "CLI start-up: numpy, networkx only for `govkg align`",
    ("govkg.cli", "govkg.align"): "CLI start-up: numpy, networkx only for `align`, `export`",
    ("govkg.cli", "govkg.export"): "CLI start-up: networkx, lxml only for `govkg export`",
    (
        "govkg.cli",
        "govkg.ingest.review_app",
    ): "CLI start-up: starlette, uvicorn only for `govkg review`",
    ("govkg.cli", "govkg.panel"): "CLI start-up: numpy only for `govkg export panel`",
    ("govkg.cli", "govkg.server"): "CLI start-up: starlette, uvicorn only for `govkg serve`",
    ("govkg.cli", "govkg.server.launch"): "CLI start-up: uvicorn, httpx only for `govkg serve`",
    ("govkg.cli", "govkg.server.endpoint"): "only for `serve --sparql-only`, which execs into it",
    ("govkg.cli", "govkg.server.runner"): "CLI start-up: starlette only for `serve --sparql-only`",
    ("govkg.cli", "govkg.publish.static_site"): "CLI start-up: starlette, httpx for `publish`",
    # No heavy dependency (it adds one module): kept lazy like every command's module; may move up.
    ("govkg.cli", "govkg.stance_list"): "CLI start-up: only for `govkg stance-list`",
    ("govkg.align.report", "govkg.align.plot"): "matplotlib, only when a plot is asked for",
    ("govkg.cli", "govkg.ideal.report"): "CLI start-up: scipy, numpy only for `ideal-points`",
    ("govkg.ideal.report", "govkg.ideal.plot"): "matplotlib, only when a plot is asked for",
    ("govkg.cli", "govkg.release"): "CLI start-up: feedgen, lxml only for `govkg release`",
    ("govkg.release.build", "govkg.panel"): "the panel and codebook, written into a release",
    ("govkg.server", "govkg.server.app"): "a query process imports govkg.server.worker only",
    ("govkg.server", "govkg.server.settings"): "beside create_app, for the same reason",
    ("govkg.cli", "govkg.ingest.pipeline"): "CLI start-up: rapidfuzz, lxml only for `ingest`",
    ("govkg.cli", "govkg.ingest.review"): "only for `govkg ingest`, beside its pipeline",
    ("govkg.store", "govkg.store.remote"): "query processes: no HTTP client, ssl or email",
    ("govkg.store", "govkg.store.spec"): "open_store, which imports the remote store, likewise",
    ("govkg.namespaces", "rdflib"): "GK, ID … made on first use: a query process needs none",
    ("govkg.namespaces", "rdflib.namespace"): "RDFS, XSD … likewise, on first use",
    ("govkg.site.agreement", "govkg.align.analysis"): _PAGE_LIBRARIES,
    ("govkg.site.agreement", "govkg.align.report"): _PAGE_LIBRARIES,
    ("govkg.site.agreement", "govkg.align.matrix"): _PAGE_LIBRARIES,
    ("govkg.site.agreement", "numpy"): _PAGE_LIBRARIES,
    ("govkg.site.compare", "govkg.align.report"): _PAGE_LIBRARIES,
    ("govkg.site.ideal_pages", "govkg.ideal.report"): _PAGE_LIBRARIES,
    ("govkg.site.matrix", "numpy"): _PAGE_LIBRARIES,
    ("govkg.site.resources", "govkg.rdf"): _PAGE_LIBRARIES,
    ("govkg.site.status_matrix", "numpy"): _PAGE_LIBRARIES,
    ("govkg.site.status_matrix", "govkg.align.analysis"): _PAGE_LIBRARIES,
    ("govkg.site.status_matrix", "govkg.align.matrix"): _PAGE_LIBRARIES,
    ("govkg.site.status_matrix_pages", "numpy"): _PAGE_LIBRARIES,
    ("govkg.site.status_pages", "govkg.align.matrix"): _PAGE_LIBRARIES,
    ("govkg.site.state_profiles", "govkg.site.ideal_pages"): _PAGE_LIBRARIES,
    ("govkg.align.analysis", "networkx"): _PAGES_PROCESS,
    ("govkg.ingest.names", "rapidfuzz"): _PAGES_PROCESS,
    ("govkg.output", "govkg.rdf"): _PAGES_PROCESS,
    ("govkg.reconcile.match", "rapidfuzz"): _PAGES_PROCESS,
}

#: Third-party web libraries: the site layer is web-neutral and imports none of them.
WEB_LIBRARIES = ("starlette", "uvicorn", "httpx", "click")


@dataclass(frozen=True)
class Import:
    """One import statement's edge: ``importer`` imports ``imported`` at ``line``."""

    importer: str
    imported: str
    line: int
    function: str | None  # the enclosing function, for an import inside one

    def __str__(self) -> str:
        where = f" (in {self.function}())" if self.function else ""
        return f"{self.importer}:{self.line} imports {self.imported}{where}"


def module_files() -> dict[str, tuple[Path, bool]]:
    """Every module of govkg by dotted name, with its file and whether it is a package."""
    found = {}
    for path in sorted((SRC / TOP).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = module_files()


def _known(name: str) -> str:
    """The longest prefix of a dotted name that is a module of govkg (else the name itself)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in MODULES:
            return ".".join(parts[:end])
    return name


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import loads (``from P import m`` loads module ``P.m`` if there is one)."""
    if isinstance(node, ast.Import):
        return [_known(alias.name) for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    return [
        f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else _known(source)
        for alias in node.names
    ]


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.functions: list[str] = []
        self.found: list[Import] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        function = ".".join(self.functions) or None
        for target in dict.fromkeys(_targets(self.module, self.is_package, node)):
            self.found.append(Import(self.module, target, node.lineno, function))

    visit_Import = visit_ImportFrom = _import


def all_imports() -> list[Import]:
    """Every import of every module of govkg, third-party ones included."""
    found = []
    for module, (path, is_package) in MODULES.items():
        collector = _Collector(module, is_package)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        found += collector.found
    return found


IMPORTS = all_imports()


def node_of(module: str) -> str:
    """The node a module belongs to: its package below govkg, or itself if it is top-level."""
    return ".".join(module.split(".")[:2])


def import_graph(node: Callable[[str], str] = node_of) -> nx.DiGraph:
    """The nodes (packages by default) and the edges between them, each edge holding the imports
    that make it; imports inside a node are left out."""
    graph = nx.DiGraph()
    for found in IMPORTS:
        if not found.imported.startswith(TOP + "."):
            continue
        source, target = node(found.importer), node(found.imported)
        if source == target or TOP in (source, target):
            continue
        graph.add_edge(source, target)
        graph.edges[source, target].setdefault("imports", []).append(found)
    return graph


def _cycles(graph: nx.DiGraph) -> str:
    """The shortest few cycles of the graph, each as its chain of nodes and the imports."""
    cycles = sorted(sorted(nx.simple_cycles(graph), key=len)[:5], key=lambda c: c[0])
    return "\n\n".join(_chain(graph, cycle) for cycle in cycles)


def _chain(graph: nx.DiGraph, cycle: list[str]) -> str:
    """A cycle, each step with the imports that make it."""
    lines = [" → ".join([*cycle, cycle[0]])]
    for source, target in zip(cycle, [*cycle[1:], cycle[0]], strict=True):
        imports = graph.edges[source, target]["imports"]
        lines += [f"  {found}" for found in imports[:4]]
        lines += [f"  … and {len(imports) - 4} more"] if len(imports) > 4 else []
    return "\n".join(lines)


def _imports(importer: str, imported: str) -> list[Import]:
    """The imports from modules under ``importer`` of modules under ``imported``."""
    return [
        found
        for found in IMPORTS
        if _under(found.importer, importer) and _under(found.imported, imported)
    ]


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_graph_is_read_from_the_code() -> None:
    """The parser sees what the code imports: known edges, a lazy import, relative imports."""
    edges = {(found.importer, found.imported) for found in IMPORTS}
    assert ("govkg.server.app", "govkg.site.pages") in edges
    assert ("govkg.publish.static_site", "govkg.server.app") in edges
    assert any(f.function == "serve" and f.imported == "govkg.server" for f in IMPORTS)
    relative = ast.parse("from ..server import app").body[0]
    assert isinstance(relative, ast.ImportFrom)
    assert _targets("govkg.site.pages", False, relative) == ["govkg.server.app"]
    in_package = ast.parse("from .layout import Layout").body[0]
    assert isinstance(in_package, ast.ImportFrom)
    assert _targets("govkg.site", True, in_package) == ["govkg.site.layout"]


def test_no_cycle_between_packages() -> None:
    cycles = _cycles(import_graph())
    assert not cycles, "packages import each other in a cycle:\n" + cycles


def test_no_cycle_between_modules() -> None:
    """Inside a package too, modules import one way."""
    cycles = _cycles(import_graph(lambda module: module))
    assert not cycles, "modules import each other in a cycle:\n" + cycles


def test_server_and_publish_build_on_the_site_and_it_on_neither() -> None:
    assert _imports("govkg.server", "govkg.site") and _imports("govkg.publish", "govkg.site")
    upward = _imports("govkg.site", "govkg.server") + _imports("govkg.site", "govkg.publish")
    assert not upward, "the site imports the server or publish:\n" + "\n".join(map(str, upward))


def test_publish_reaches_the_server_only_through_create_app() -> None:
    into = _imports("govkg.publish", "govkg.server")
    assert into, "publish crawls the app, so it imports govkg.server.app"
    other = [found for found in into if found.imported != "govkg.server.app"]
    assert not other, "publish imports more of the server than create_app:\n" + "\n".join(
        map(str, other)
    )


def test_the_server_does_not_import_publish() -> None:
    found = _imports("govkg.server", "govkg.publish")
    assert not found, "the server imports publish:\n" + "\n".join(map(str, found))


def test_the_site_is_web_neutral() -> None:
    web = [
        found
        for found in IMPORTS
        if _under(found.importer, "govkg.site") and found.imported.split(".")[0] in WEB_LIBRARIES
    ]
    assert not web, "the site imports a web library:\n" + "\n".join(map(str, web))


def lazy_imports() -> Iterator[Import]:
    """Every import inside a function body (of govkg's modules or any other)."""
    return (found for found in IMPORTS if found.function is not None)


def test_only_the_listed_imports_are_lazy() -> None:
    """An import inside a function is allowed only for a reason listed in LAZY_IMPORTS (an
    optional or heavy dependency), never to break a cycle."""
    unlisted = [f for f in lazy_imports() if (f.importer, f.imported) not in LAZY_IMPORTS]
    assert not unlisted, "imports inside functions, not in LAZY_IMPORTS:\n" + "\n".join(
        map(str, unlisted)
    )


def test_every_listed_lazy_import_is_still_lazy() -> None:
    """LAZY_IMPORTS lists no import that is gone or has moved to the top of its module."""
    present = {(f.importer, f.imported) for f in lazy_imports()}
    stale = sorted(set(LAZY_IMPORTS) - present)
    assert not stale, f"LAZY_IMPORTS lists imports that are not lazy (any more): {stale}"
