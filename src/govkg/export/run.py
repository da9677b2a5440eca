"""The ``govkg export`` request run: the view built, timed, laid out, then streamed to its files
(or to a stream) or rendered in memory."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from govkg.atomic import write_atomically
from govkg.coverage import Coverage
from govkg.errors import ExportError
from govkg.export.describe import Catalogue
from govkg.export.full import full_view
from govkg.export.gexf import write_gexf
from govkg.export.graphml import write_graphml
from govkg.export.layout import spring_layout
from govkg.export.model import ViewGraph
from govkg.export.output import stream_atomically
from govkg.export.request import ExportRequest
from govkg.export.tables import write_edge_table, write_node_table
from govkg.export.timeline import assign_spells
from govkg.export.views import alignment_view, dialogues_view, stances_view
from govkg.store import Store

#: Builds a view from the store; the catalogue, when given, describes every resource (else the
#: builder describes the resources its view shows, and those only).
Builder = Callable[[Store, ExportRequest, Catalogue | None], ViewGraph]
BUILDERS: dict[str, Builder] = {
    "stances": stances_view,
    "alignment": alignment_view,
    "dialogues": dialogues_view,
    "full": full_view,
}
#: Writes a view to a binary stream.
Writer = Callable[[ViewGraph, IO[bytes]], None]
WRITERS: dict[str, list[Writer]] = {
    "gexf": [write_gexf],
    "graphml": [write_graphml],
    "csv": [write_node_table, write_edge_table],
}


@dataclass
class ExportResult:
    """What an export produced: (path, bytes) per file, the path None for standard output."""

    files: list[tuple[Path | None, bytes]]
    nodes: int
    edges: int


@dataclass
class Exported:
    """What a streamed export wrote: its files (none: it went to a stream) and its size."""

    paths: list[Path]
    nodes: int
    edges: int


def build_view(store: Store, request: ExportRequest) -> ViewGraph:
    """The view the request names, with its spells (and positions when a layout is asked)."""
    view = BUILDERS[request.view](store, request, None)
    coverage = view_coverage(view)
    view.graph_attributes = {"coverage": coverage.verdict, "coverage_note": coverage_note(coverage)}
    view.description = f"{request.describe()} Coverage: {coverage_note(coverage)}"
    assign_spells(view)
    if request.layout == "spring":
        spring_layout(view)
    return view


def view_coverage(view: ViewGraph) -> Coverage:
    """The coverage of the instrument lists a view shows (its instrument nodes)."""
    return Coverage("lists", view.lists, about="view")


def coverage_note(coverage: Coverage) -> str:
    """The coverage in one line: the verdict, then each list that is not complete."""
    lines = coverage.notice()
    if not lines:
        return "the view shows no instrument."
    details = "; ".join(line.strip() for line in lines[1:])
    return f"{lines[0].removeprefix('coverage: ')}. {details}."


def encode_view(view: ViewGraph, request: ExportRequest) -> list[bytes]:
    """The view in the requested format, in memory: one document, or the nodes and edges
    tables."""
    documents = []
    for write in WRITERS[request.fmt]:
        buffer = io.BytesIO()
        write(view, buffer)
        documents.append(buffer.getvalue())
    return documents


def run_export(store: Store, request: ExportRequest) -> ExportResult:
    """Build and render an export in memory; nothing is written yet."""
    targets = request.targets()
    view = build_view(store, request)
    documents = encode_view(view, request)
    paths: list[Path | None] = list(targets) or [None]
    return ExportResult(
        list(zip(paths, documents, strict=True)), nodes=len(view), edges=view.edge_count
    )


def write_export(store: Store, request: ExportRequest, out: IO[bytes] | None = None) -> Exported:
    """Build the view and stream it, element by element: to the request's files, each written to
    a temporary file beside it and all renamed into place once written (on an error nothing is
    replaced), or to ``out`` when the request names no file (gexf and graphml)."""
    targets = request.targets()
    view = build_view(store, request)
    writers = WRITERS[request.fmt]
    if not targets:
        if out is None:
            raise ValueError("the request names no file: give the stream to write to")
        writers[0](view, out)
        return Exported([], len(view), view.edge_count)
    streams = [(path, partial(write, view)) for path, write in zip(targets, writers, strict=True)]
    return Exported(stream_atomically(streams), len(view), view.edge_count)


def write_files(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file atomically: all to temporary files in their folders, then renamed into
    place; on an error the temporary files are removed and nothing is replaced."""
    return write_atomically(files, ExportError)
