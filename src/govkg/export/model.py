"""The in-memory model of an export view: a networkx multigraph with typed attributes.

Every node and edge carries a label, attribute values (each a tuple: most hold one value, a
multi-valued property several), a palette colour and a date (ISO, the element's own); an edge may
also carry the dates of the acts that can end it.  The timeline then gives each element a spell
(start and, for an edge that ends, end) and a layout a position.  Writers read the model in a fixed
order (nodes and edges sorted by id) so that the same data always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from govkg.errors import ExportError

#: The GEXF types a view may declare for an attribute; ``liststring`` is chosen by the data.
BASE_TYPES = ("string", "integer", "long", "double", "boolean")
LIST_TYPE = "liststring"

Scalar = str | int | float | bool
Values = tuple[Scalar, ...]


@dataclass
class ViewGraph:
    """One view of the graph, ready for the writers.

    ``node_attributes`` and ``edge_attributes`` map each attribute name to its base GEXF type,
    in column order.  Node data: ``label``, ``attrs``, ``colour``, ``date``, ``start``, ``end``
    (always None: nodes do not end), ``position``.  Edge data (keyed by edge id): the same plus
    ``source``, ``target``, ``weight``, ``kind`` and ``ends`` (the ISO dates, sorted, of the acts
    that may end it: the timeline keeps the first on or after its start as its ``end``).
    """

    name: str
    directed: bool
    node_attributes: dict[str, str]
    edge_attributes: dict[str, str]
    description: str = ""
    #: Attributes of the whole graph (GraphML graph data; GEXF has none, so its description
    #: repeats them): the coverage of the lists the view rests on.
    graph_attributes: dict[str, str] = field(default_factory=dict)
    graph: nx.MultiGraph = field(init=False)
    _edge_ids: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.graph = nx.MultiDiGraph() if self.directed else nx.MultiGraph()
        for name, kind in (*self.node_attributes.items(), *self.edge_attributes.items()):
            if kind not in BASE_TYPES:
                raise ValueError(f"attribute {name}: unknown type {kind}")

    def add_node(
        self,
        node_id: str,
        label: str,
        attrs: Mapping[str, Any] | None = None,
        colour: str | None = None,
        date: str | None = None,
    ) -> None:
        """Add (or replace) a node; empty attribute values are left out."""
        self.graph.add_node(
            node_id,
            label=label,
            attrs=_values(attrs or {}, self.node_attributes),
            colour=colour,
            date=date,
            start=None,
            end=None,
            position=None,
        )

    def add_edge(
        self,
        edge_id: str,
        source: str,
        target: str,
        *,
        label: str = "",
        attrs: Mapping[str, Any] | None = None,
        colour: str | None = None,
        date: str | None = None,
        weight: float | None = None,
        kind: str | None = None,
        ends: Iterable[str] = (),
    ) -> None:
        """Add an edge between two nodes already in the view; edge ids are unique."""
        if edge_id in self._edge_ids:
            raise ExportError(f"edge {edge_id} twice: the data breaks a shape (run govkg validate)")
        for node in (source, target):
            if node not in self.graph:
                raise ValueError(f"edge {edge_id}: node {node} is not in the view")
        self._edge_ids.add(edge_id)
        self.graph.add_edge(
            source,
            target,
            key=edge_id,
            source=source,
            target=target,
            label=label,
            attrs=_values(attrs or {}, self.edge_attributes),
            colour=colour,
            date=date,
            start=None,
            end=None,
            ends=tuple(sorted(set(ends))),
            weight=weight,
            kind=kind,
        )

    def nodes(self) -> list[tuple[str, dict[str, Any]]]:
        """Every node as (id, data), sorted by id."""
        return sorted(self.graph.nodes(data=True), key=lambda item: item[0])

    def edges(self) -> list[tuple[str, dict[str, Any]]]:
        """Every edge as (id, data), sorted by id."""
        found = ((key, data) for _u, _v, key, data in self.graph.edges(keys=True, data=True))
        return sorted(found, key=lambda item: item[0])

    def declared_types(self, cls: str) -> dict[str, str]:
        """The GEXF type of each attribute of ``node`` or ``edge`` that some element has:
        its base type, or ``liststring`` when some element has several values."""
        schema = self.node_attributes if cls == "node" else self.edge_attributes
        elements = self.nodes() if cls == "node" else self.edges()
        counts: dict[str, int] = {}
        for _id, data in elements:
            for name, values in data["attrs"].items():
                counts[name] = max(counts.get(name, 0), len(values))
        return {
            name: LIST_TYPE if counts[name] > 1 else kind
            for name, kind in schema.items()
            if name in counts
        }

    @property
    def dynamic(self) -> bool:
        """Whether any element has a spell."""
        return any(d["start"] for _n, d in self.nodes()) or any(
            d["start"] or d["end"] for _e, d in self.edges()
        )


def _values(attrs: Mapping[str, Any], schema: Mapping[str, str]) -> dict[str, Values]:
    """Attribute values as tuples, sorted and without duplicates; empty ones left out."""
    found: dict[str, Values] = {}
    for name, value in attrs.items():
        if name not in schema:
            raise ValueError(f"attribute {name} is not declared")
        values = _as_tuple(value)
        if values:
            found[name] = values
    return found


def _as_tuple(value: Any) -> Values:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int | float | bool):
        return (value,)
    items: Iterable[Any] = value
    unique = {v for v in items if v is not None and v != ""}
    return tuple(sorted(unique, key=lambda v: (str(type(v)), v)))
