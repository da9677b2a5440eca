"""The in-memory model of an export view: compact nodes and edges with typed attributes.

Every node and edge carries a label, attribute values (each a tuple: most hold one value, a
multi-valued property several), a palette colour and a date (ISO, the element's own); an edge may
also carry the dates of the acts that can end it.  The timeline then gives each element a spell
(start and, for an edge that ends, end) and a layout a position.  Writers read the model in a fixed
order (nodes and edges sorted by id) so that the same data always gives the same bytes.

The model holds no more than the view: an element is a small object whose attribute values are a
row shared by every element with the same values (a stances view of 800,000 edges has a few
thousand distinct rows), and the writers stream the elements out one at a time.  networkx is built
only when asked (:attr:`ViewGraph.graph`, for Python users and for the spring layout).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import networkx as nx

from govkg.errors import ExportError

if TYPE_CHECKING:
    from govkg.coverage import ListCoverage

#: The GEXF types a view may declare for an attribute; ``liststring`` is chosen by the data.
BASE_TYPES = ("string", "integer", "long", "double", "boolean")
LIST_TYPE = "liststring"

Scalar = str | int | float | bool
Values = tuple[Scalar, ...]
#: An element's attribute values, one entry per declared attribute (``()`` when it has none).
AttrRow = tuple[Values, ...]


class Node:
    """A node: its id, label, attribute row, colour, own date, spell and position."""

    __slots__ = ("colour", "date", "end", "id", "label", "position", "row", "start")

    def __init__(
        self, node_id: str, label: str, row: AttrRow, colour: str | None, date: str | None
    ) -> None:
        self.id, self.label, self.row, self.colour, self.date = node_id, label, row, colour, date
        self.start: str | None = None
        self.end: str | None = None  # nodes never end
        self.position: tuple[float, float] | None = None


class Edge:
    """An edge: what a node has (no position) plus its source, target, weight, kind and the sorted
    dates of the acts that may end it."""

    __slots__ = (
        "colour",
        "date",
        "end",
        "ends",
        "id",
        "kind",
        "label",
        "row",
        "source",
        "start",
        "target",
        "weight",
    )  # fmt: skip

    def __init__(
        self,
        edge_id: str,
        source: str,
        target: str,
        label: str,
        row: AttrRow,
        colour: str | None,
        date: str | None,
        weight: float | None,
        kind: str | None,
        ends: tuple[str, ...],
    ) -> None:
        self.id = edge_id
        self.source = source
        self.target = target
        self.label = label
        self.row = row
        self.colour = colour
        self.date = date
        self.weight = weight
        self.kind = kind
        self.ends = ends
        self.start: str | None = None
        self.end: str | None = None


class Schema:
    """The attributes of one class of element (node or edge): names and base GEXF types in column
    order, the shared rows, and the most values any element has of each attribute."""

    def __init__(self, types: Mapping[str, str]) -> None:
        for name, kind in types.items():
            if kind not in BASE_TYPES:
                raise ValueError(f"attribute {name}: unknown type {kind}")
        self.types = dict(types)
        self.names = tuple(types)
        self.index = {name: number for number, name in enumerate(self.names)}
        self.most = [0] * len(self.names)
        self.rows: dict[AttrRow, AttrRow] = {}

    def row(self, attrs: Mapping[str, Any]) -> AttrRow:
        """The attribute values as a shared row: each a tuple, sorted and without duplicates;
        empty ones left out."""
        cells: list[Values] = [()] * len(self.names)
        for name, value in attrs.items():
            if name not in self.index:
                raise ValueError(f"attribute {name} is not declared")
            cells[self.index[name]] = _as_tuple(value)
        return self.shared(tuple(cells))

    def shared(self, row: AttrRow) -> AttrRow:
        """The one copy of a row (counted once, the first time it is seen)."""
        known = self.rows.get(row)
        if known is None:
            self.rows[row] = known = row
            for number, values in enumerate(row):
                self.most[number] = max(self.most[number], len(values))
        return known

    def declared(self) -> dict[str, str]:
        """The GEXF type of each attribute some element has: its base type, or ``liststring``
        when some element has several values."""
        return {
            name: LIST_TYPE if most > 1 else self.types[name]
            for name, most in zip(self.names, self.most, strict=True)
            if most
        }

    def attrs(self, row: AttrRow) -> dict[str, Values]:
        """A row as a mapping of the attributes it has."""
        return {name: values for name, values in zip(self.names, row, strict=True) if values}


@dataclass
class ViewGraph:
    """One view of the graph, ready for the writers.

    ``node_attributes`` and ``edge_attributes`` map each attribute name to its base GEXF type,
    in column order.  :meth:`nodes` and :meth:`edges` give each element's data as a dictionary:
    ``label``, ``attrs``, ``colour``, ``date``, ``start``, ``end`` (always None: nodes do not
    end), ``position``; an edge also ``source``, ``target``, ``weight``, ``kind`` and ``ends``
    (the ISO dates, sorted, of the acts that may end it: the timeline keeps the first on or after
    its start as its ``end``).  The writers read :meth:`node_elements` and
    :meth:`edge_elements`, the elements themselves, one at a time.
    """

    name: str
    directed: bool
    node_attributes: dict[str, str]
    edge_attributes: dict[str, str]
    description: str = ""
    #: Attributes of the whole graph (GraphML graph data; GEXF has none, so its description
    #: repeats them): the coverage of the lists the view rests on.
    graph_attributes: dict[str, str] = field(default_factory=dict)
    #: The coverage of the instrument lists the view shows (its instrument nodes, by id).
    lists: tuple[ListCoverage, ...] = ()
    node_schema: Schema = field(init=False)
    edge_schema: Schema = field(init=False)
    _nodes: dict[str, Node] = field(init=False, default_factory=dict)
    _edges: list[Edge] = field(init=False, default_factory=list)
    _sorted: bool = field(init=False, default=True)

    def __post_init__(self) -> None:
        self.node_schema = Schema(self.node_attributes)
        self.edge_schema = Schema(self.edge_attributes)

    def __contains__(self, node_id: str) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        """How many nodes."""
        return len(self._nodes)

    def add_node(
        self,
        node_id: str,
        label: str,
        attrs: Mapping[str, Any] | None = None,
        colour: str | None = None,
        date: str | None = None,
    ) -> None:
        """Add (or replace) a node; empty attribute values are left out."""
        row = self.node_schema.row(attrs or {})
        self._nodes[node_id] = Node(node_id, label, row, colour, date)

    def add_edge(
        self,
        edge_id: str,
        source: str,
        target: str,
        *,
        label: str = "",
        attrs: Mapping[str, Any] | AttrRow | None = None,
        colour: str | None = None,
        date: str | None = None,
        weight: float | None = None,
        kind: str | None = None,
        ends: Iterable[str] = (),
    ) -> None:
        """Add an edge between two nodes already in the view; edge ids are unique (checked when
        the edges are first read).  ``attrs`` is a mapping, or a row of :attr:`edge_schema`."""
        if source not in self._nodes or target not in self._nodes:
            missing = source if source not in self._nodes else target
            raise ValueError(f"edge {edge_id}: node {missing} is not in the view")
        row = attrs if isinstance(attrs, tuple) else self.edge_schema.row(attrs or {})
        dates = tuple(sorted(set(ends))) if ends else ()
        edges = self._edges
        if edges and self._sorted and edge_id <= edges[-1].id:
            self._sorted = False
        edges.append(Edge(edge_id, source, target, label, row, colour, date, weight, kind, dates))

    def node(self, node_id: str) -> Node:
        """One node, by id."""
        return self._nodes[node_id]

    def node_elements(self) -> list[Node]:
        """Every node, sorted by id."""
        return sorted(self._nodes.values(), key=attrgetter("id"))

    def edge_elements(self) -> list[Edge]:
        """Every edge, sorted by id (the same list each time: sorted once)."""
        if not self._sorted:
            self._edges.sort(key=attrgetter("id"))
            self._sorted = True
            for before, after in zip(self._edges, self._edges[1:], strict=False):
                if before.id == after.id:
                    raise ExportError(
                        f"edge {after.id} twice: the data breaks a shape (run govkg validate)"
                    )
        return self._edges

    @property
    def edge_count(self) -> int:
        """How many edges."""
        return len(self._edges)

    def nodes(self) -> list[tuple[str, dict[str, Any]]]:
        """Every node as (id, data), sorted by id."""
        return [(node.id, self.node_data(node)) for node in self.node_elements()]

    def edges(self) -> list[tuple[str, dict[str, Any]]]:
        """Every edge as (id, data), sorted by id."""
        return [(edge.id, self.edge_data(edge)) for edge in self.edge_elements()]

    def node_data(self, node: Node) -> dict[str, Any]:
        """A node's data as a dictionary."""
        return {
            "label": node.label,
            "attrs": self.node_schema.attrs(node.row),
            "colour": node.colour,
            "date": node.date,
            "start": node.start,
            "end": node.end,
            "position": node.position,
        }

    def edge_data(self, edge: Edge) -> dict[str, Any]:
        """An edge's data as a dictionary."""
        return {
            "source": edge.source,
            "target": edge.target,
            "label": edge.label,
            "attrs": self.edge_schema.attrs(edge.row),
            "colour": edge.colour,
            "date": edge.date,
            "start": edge.start,
            "end": edge.end,
            "ends": edge.ends,
            "weight": edge.weight,
            "kind": edge.kind,
        }

    def declared_types(self, cls: str) -> dict[str, str]:
        """The GEXF type of each attribute of ``node`` or ``edge`` that some element has:
        its base type, or ``liststring`` when some element has several values."""
        return (self.node_schema if cls == "node" else self.edge_schema).declared()

    @property
    def dynamic(self) -> bool:
        """Whether any element has a spell."""
        return any(n.start for n in self._nodes.values()) or any(
            e.start or e.end for e in self._edges
        )

    @property
    def graph(self) -> nx.MultiGraph:
        """The view as a networkx multigraph (built when asked: a copy, for reading): each node's
        and edge's data as :meth:`nodes` and :meth:`edges` give it, edges keyed by id."""
        graph: nx.MultiGraph = nx.MultiDiGraph() if self.directed else nx.MultiGraph()
        graph.add_nodes_from(self.nodes())
        graph.add_edges_from((d["source"], d["target"], key, d) for key, d in self.edges())
        return graph


def _as_tuple(value: Any) -> Values:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int | float | bool):
        return (value,)
    items: Iterable[Any] = value
    unique = {v for v in items if v is not None and v != ""}
    return tuple(sorted(unique, key=lambda v: (str(type(v)), v)))
