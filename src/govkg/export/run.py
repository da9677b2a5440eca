"""The ``govkg export`` request run: the view built, timed, laid out, rendered and written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from govkg.atomic import write_atomically
from govkg.coverage import Coverage
from govkg.errors import ExportError
from govkg.export.describe import Catalogue
from govkg.export.full import full_view
from govkg.export.gexf import to_gexf
from govkg.export.graphml import to_graphml
from govkg.export.layout import spring_layout
from govkg.export.model import ViewGraph
from govkg.export.request import ExportRequest
from govkg.export.tables import edge_table, node_table
from govkg.export.timeline import assign_spells
from govkg.export.views import alignment_view, dialogues_view, stances_view
from govkg.store import Store

Builder = Callable[[Store, ExportRequest, Catalogue], ViewGraph]
BUILDERS: dict[str, Builder] = {
    "stances": stances_view,
    "alignment": alignment_view,
    "dialogues": dialogues_view,
    "full": full_view,
}


@dataclass
class ExportResult:
    """What an export produced: (path, bytes) per file, the path None for standard output."""

    files: list[tuple[Path | None, bytes]]
    nodes: int
    edges: int


def build_view(store: Store, request: ExportRequest) -> ViewGraph:
    """The view the request names, with its spells (and positions when a layout is asked)."""
    catalogue = Catalogue.load(store)
    view = BUILDERS[request.view](store, request, catalogue)
    coverage = view_coverage(view, catalogue)
    view.graph_attributes = {"coverage": coverage.verdict, "coverage_note": coverage_note(coverage)}
    view.description = f"{request.describe()} Coverage: {coverage_note(coverage)}"
    assign_spells(view)
    if request.layout == "spring":
        spring_layout(view)
    return view


def view_coverage(view: ViewGraph, catalogue: Catalogue) -> Coverage:
    """The coverage of the instrument lists a view shows (its instrument nodes)."""
    found = [catalogue.coverage[node] for node, _data in view.nodes() if node in catalogue.coverage]
    return Coverage("lists", tuple(found), about="view")


def coverage_note(coverage: Coverage) -> str:
    """The coverage in one line: the verdict, then each list that is not complete."""
    lines = coverage.notice()
    if not lines:
        return "the view shows no instrument."
    details = "; ".join(line.strip() for line in lines[1:])
    return f"{lines[0].removeprefix('coverage: ')}. {details}."


def encode_view(view: ViewGraph, request: ExportRequest) -> list[bytes]:
    """The view in the requested format: one document, or the nodes and edges tables."""
    if request.fmt == "gexf":
        return [to_gexf(view)]
    if request.fmt == "graphml":
        return [to_graphml(view)]
    return [node_table(view), edge_table(view)]


def run_export(store: Store, request: ExportRequest) -> ExportResult:
    """Build and render an export in memory; nothing is written yet."""
    targets = request.targets()
    view = build_view(store, request)
    documents = encode_view(view, request)
    paths: list[Path | None] = list(targets) or [None]
    return ExportResult(
        list(zip(paths, documents, strict=True)),
        nodes=view.graph.number_of_nodes(),
        edges=view.graph.number_of_edges(),
    )


def write_files(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file atomically: all to temporary files in their folders, then renamed into
    place; on an error the temporary files are removed and nothing is replaced."""
    return write_atomically(files, ExportError)
