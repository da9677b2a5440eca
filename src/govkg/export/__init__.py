"""Exports for Gephi and other network tools: GEXF 1.3, GraphML and CSV tables.

From Python::

    from pathlib import Path

    from govkg.align import Filters
    from govkg.export import ExportRequest, build_view, to_gexf, write_export
    from govkg.load import open_project

    _project, store = open_project()
    request = ExportRequest.create("gexf", "stances", filters=Filters(series=("reaim",)))
    view = build_view(store, request)      # a ViewGraph (view.graph: a networkx copy of it)
    data = to_gexf(view)                   # in memory; write_gexf(view, stream) streams it
    # streamed, element by element, to a file replaced atomically (what govkg export --out does)
    write_export(store, ExportRequest.create("gexf", "stances", out=Path("reaim.gexf")))

Views: ``stances`` (actors ↔ instruments, an edge per stance), ``alignment`` (actor ↔ actor,
weighted by an alignment measure), ``dialogues`` (actors linked by bilateral dialogues, meetings
and agreements) and ``full`` (the whole RDF graph).
"""

from govkg.errors import ExportError
from govkg.export.gexf import to_gexf, write_gexf
from govkg.export.graphml import to_graphml, to_networkx, write_graphml
from govkg.export.model import ViewGraph
from govkg.export.palette import PALETTE
from govkg.export.request import FORMATS, MEASURES, VIEWS, ExportRequest
from govkg.export.run import (
    Exported,
    ExportResult,
    build_view,
    encode_view,
    run_export,
    write_export,
    write_files,
)
from govkg.export.tables import edge_table, node_table, write_edge_table, write_node_table

__all__ = [
    "FORMATS",
    "MEASURES",
    "PALETTE",
    "VIEWS",
    "ExportError",
    "ExportRequest",
    "ExportResult",
    "Exported",
    "ViewGraph",
    "build_view",
    "edge_table",
    "encode_view",
    "node_table",
    "run_export",
    "to_gexf",
    "to_graphml",
    "to_networkx",
    "write_edge_table",
    "write_export",
    "write_files",
    "write_gexf",
    "write_graphml",
    "write_node_table",
]
