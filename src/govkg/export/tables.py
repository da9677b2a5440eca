"""The CSV tables Gephi's spreadsheet import reads (and any other tool): a nodes table (``Id``,
``Label``, the attributes, ``start``, ``color``) and an edges table (``Source``, ``Target``,
``Type``, ``Id``, ``Label``, ``Weight``, the attributes, ``start``, ``end``, ``color``), ``end``
only when some element's spell ends (Gephi merges ``start`` and ``end`` into an interval).  Lists
are joined with ``|``; booleans are ``true``/``false``.  Rows are written one at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from govkg.export.gexf import scalar_text
from govkg.export.graphml import flat_row
from govkg.export.model import Edge, Schema, ViewGraph

NODE_COLUMNS = ("Id", "Label")
EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "Weight")
SPELL_COLUMNS = ("start", "end")


def _write_csv(out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """Rows written through a UTF-8 text layer on the binary stream (no newline translation)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    text.flush()
    text.detach()  # the stream stays open: its owner closes it


def _cells(element_row: Any, schema: Schema, types: dict[str, str]) -> list[str]:
    values = dict(flat_row(element_row, schema, types))
    return ["" if values.get(n) is None else scalar_text(values[n]) for n in types]


def write_node_table(view: ViewGraph, out: IO[bytes]) -> None:
    """Write the nodes table to a binary stream."""
    types, schema = view.declared_types("node"), view.node_schema
    nodes = view.node_elements()
    spell = SPELL_COLUMNS if any(node.end for node in nodes) else SPELL_COLUMNS[:1]
    rows = (
        [
            node.id,
            node.label,
            *_cells(node.row, schema, types),
            *(getattr(node, name) or "" for name in spell),
            node.colour or "",
        ]
        for node in nodes
    )
    _write_csv(out, [*NODE_COLUMNS, *types, *spell, "color"], rows)


def write_edge_table(view: ViewGraph, out: IO[bytes]) -> None:
    """Write the edges table to a binary stream."""
    types, schema = view.declared_types("edge"), view.edge_schema
    kind = "Directed" if view.directed else "Undirected"
    edges = view.edge_elements()
    spell = SPELL_COLUMNS if view.edges_end() else SPELL_COLUMNS[:1]
    _write_csv(
        out, [*EDGE_COLUMNS, *types, *spell, "color"], _edge_rows(edges, kind, spell, schema, types)
    )


def _edge_rows(
    edges: Sequence[Edge], kind: str, spell: tuple[str, ...], schema: Schema, types: dict[str, str]
) -> Iterator[list[str]]:
    cells: dict[int, list[str]] = {}  # by row: the edges of a view share a few thousand rows
    for edge in edges:
        found = cells.get(id(edge.row))
        if found is None:
            found = cells[id(edge.row)] = _cells(edge.row, schema, types)
        yield [
            edge.source,
            edge.target,
            kind,
            edge.id,
            edge.label,
            repr(float(1.0 if edge.weight is None else edge.weight)),
            *found,
            *(getattr(edge, name) or "" for name in spell),
            edge.colour or "",
        ]


def node_table(view: ViewGraph) -> bytes:
    """The nodes table."""
    buffer = io.BytesIO()
    write_node_table(view, buffer)
    return buffer.getvalue()


def edge_table(view: ViewGraph) -> bytes:
    """The edges table."""
    buffer = io.BytesIO()
    write_edge_table(view, buffer)
    return buffer.getvalue()
