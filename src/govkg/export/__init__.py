"""Exports for Gephi and other network tools: GEXF 1.3, GraphML and CSV tables.

From Python::

    from govkg.align import Filters
    from govkg.export import ExportRequest, build_view, to_gexf
    from govkg.load import open_project

    _project, store = open_project()
    request = ExportRequest.create("gexf", "stances", filters=Filters(series=("reaim",)))
    view = build_view(store, request)      # a ViewGraph: view.graph is a networkx multigraph
    data = to_gexf(view)

Views: ``stances`` (actors ↔ instruments, an edge per stance), ``alignment`` (actor ↔ actor,
weighted by an alignment measure), ``dialogues`` (actors linked by bilateral dialogues, meetings
and agreements) and ``full`` (the whole RDF graph).
"""

from govkg.errors import ExportError
from govkg.export.gexf import to_gexf
from govkg.export.graphml import to_graphml, to_networkx
from govkg.export.model import ViewGraph
from govkg.export.palette import PALETTE
from govkg.export.request import FORMATS, MEASURES, VIEWS, ExportRequest
from govkg.export.run import ExportResult, build_view, encode_view, run_export, write_files
from govkg.export.tables import edge_table, node_table

__all__ = [
    "FORMATS",
    "MEASURES",
    "PALETTE",
    "VIEWS",
    "ExportError",
    "ExportRequest",
    "ExportResult",
    "ViewGraph",
    "build_view",
    "edge_table",
    "encode_view",
    "node_table",
    "run_export",
    "to_gexf",
    "to_graphml",
    "to_networkx",
    "write_files",
]
