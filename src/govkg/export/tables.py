"""The CSV tables Gephi's spreadsheet import reads (and any other tool): a nodes table (``Id``,
``Label``, the attributes, ``start``, ``color``) and an edges table (``Source``, ``Target``,
``Type``, ``Id``, ``Label``, ``Weight``, the attributes, ``start``, ``end``, ``color``), ``end``
only when some element's spell ends (Gephi merges ``start`` and ``end`` into an interval).  Lists
are joined with ``|``; booleans are ``true``/``false``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from govkg.export.gexf import scalar_text
from govkg.export.graphml import flat_attributes
from govkg.export.model import ViewGraph

NODE_COLUMNS = ("Id", "Label")
EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "Weight")
SPELL_COLUMNS = ("start", "end")


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _cells(values: dict[str, Any], names: Iterable[str]) -> list[str]:
    return ["" if values.get(n) is None else scalar_text(values[n]) for n in names]


def node_table(view: ViewGraph) -> bytes:
    """The nodes table."""
    types = view.declared_types("node")
    nodes = view.nodes()
    spell = _spell_columns(nodes)
    rows = (
        [
            node_id,
            data["label"],
            *_cells(flat_attributes(data, types), types),
            *(data[name] or "" for name in spell),
            data["colour"] or "",
        ]
        for node_id, data in nodes
    )
    return _csv([*NODE_COLUMNS, *types, *spell, "color"], rows)


def edge_table(view: ViewGraph) -> bytes:
    """The edges table."""
    types = view.declared_types("edge")
    kind = "Directed" if view.directed else "Undirected"
    edges = view.edges()
    spell = _spell_columns(edges)
    rows = (
        [
            data["source"],
            data["target"],
            kind,
            edge_id,
            data["label"],
            repr(float(1.0 if data["weight"] is None else data["weight"])),
            *_cells(flat_attributes(data, types), types),
            *(data[name] or "" for name in spell),
            data["colour"] or "",
        ]
        for edge_id, data in edges
    )
    return _csv([*EDGE_COLUMNS, *types, *spell, "color"], rows)


def _spell_columns(elements: list[tuple[str, dict[str, Any]]]) -> tuple[str, ...]:
    """``start``, and ``end`` when some element's spell ends (a table of open spells has none)."""
    return SPELL_COLUMNS if any(data["end"] for _id, data in elements) else SPELL_COLUMNS[:1]
