"""govkg: an open knowledge graph of states, summits and commitments in AI governance.

The library's entry points, importable from the package itself (each is imported on first use,
so ``import govkg`` stays light)::

    import govkg

    project, store = govkg.open_project()                 # the shipped graph, in memory
    rows = govkg.run_query(store, govkg.find_query(project, "signatories")).rows
    report = govkg.validate_store(store, project)          # SHACL; report.conforms
    app = govkg.create_app(store)                          # an ASGI app (uvicorn, hypercorn)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Each entry point and the module that defines it.
_ENTRY_POINTS = {
    "open_project": "govkg.load",
    "open_store": "govkg.store",
    "find_query": "govkg.queries",
    "run_query": "govkg.queries",
    "validate_store": "govkg.validate",
    "validate_files": "govkg.validate",
    "graph_stats": "govkg.stats",
    "AlignRequest": "govkg.align.report",
    "run_align": "govkg.align.report",
    "ExportRequest": "govkg.export",
    "run_export": "govkg.export",
    "create_app": "govkg.server.app",
}
__all__ = [
    "AlignRequest",
    "ExportRequest",
    "__version__",
    "create_app",
    "find_query",
    "graph_stats",
    "open_project",
    "open_store",
    "run_align",
    "run_export",
    "run_query",
    "validate_files",
    "validate_store",
]

if TYPE_CHECKING:
    from govkg.align.report import AlignRequest, run_align
    from govkg.export import ExportRequest, run_export
    from govkg.load import open_project
    from govkg.queries import find_query, run_query
    from govkg.server.app import create_app
    from govkg.stats import graph_stats
    from govkg.store import open_store
    from govkg.validate import validate_files, validate_store


def __getattr__(name: str) -> Any:
    """An entry point, imported from its module on first use."""
    if name in _ENTRY_POINTS:
        return getattr(import_module(_ENTRY_POINTS[name]), name)
    raise AttributeError(f"module 'govkg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
