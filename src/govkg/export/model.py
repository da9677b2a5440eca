"""The in-memory model of an export view: compact nodes and edges with typed attributes.

Every node and edge carries a label, attribute values (each a tuple: most hold one value, a
multi-valued property several), a palette colour and a date (ISO, the element's own); an edge may
also carry the dates of the acts that can end it.  The timeline then gives each element a spell
(start and, for an edge that ends, end) and a layout a position.  Writers read the model in a fixed
order (nodes and edges sorted by id) so that the same data always gives the same bytes.

The model holds no more than the view: a node is a small object whose attribute values are a row
shared by every element with the same values; an edge is a few numbers in columns (its endpoints,
its style: label, row, colour, date, weight and kind, which the 800,000 edges of a stances view
share a few thousand of; its spell's days) beside its id in one compact buffer
(:class:`~govkg.export.texts.Texts`), about 40 bytes an edge; an :class:`Edge` object is made
only as it is read.  The writers stream the elements out one at a time.  networkx is built
only when asked (:attr:`ViewGraph.graph`, for Python users).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, overload

import networkx as nx

from govkg.errors import ExportError
from govkg.export.texts import Texts

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


#: What edges share, kept once and numbered: label, attribute row, colour, date, weight, kind.
Style = tuple[str, AttrRow, str | None, str | None, float | None, str | None]
#: An edge as numbers (see :meth:`ViewGraph.edge_rows`): id, source, target, style, start, end.
EdgeRow = tuple[str, int, int, int, int, int]


@dataclass(frozen=True)
class SpellInputs:
    """The edges as the timeline reads them, by the order they were added: each one's source's
    and target's node numbers and style number, each style's date, and the dates that may end
    an edge (by its place in that order; edges that cannot end are left out)."""

    source: Sequence[int]
    target: Sequence[int]
    style: Sequence[int]
    dates: list[str | None]
    ends: Mapping[int, tuple[str, ...]]


@dataclass
class ViewGraph:
    """One view of the graph, ready for the writers.

    ``node_attributes`` and ``edge_attributes`` map each attribute name to its base GEXF type,
    in column order.  :meth:`nodes` and :meth:`edges` give each element's data as a dictionary:
    ``label``, ``attrs``, ``colour``, ``date``, ``start``, ``end`` (always None: nodes do not
    end), ``position``; an edge also ``source``, ``target``, ``weight``, ``kind`` and ``ends``
    (the ISO dates, sorted, of the acts that may end it: the timeline keeps the first on or after
    its start as its ``end``).  The writers read :meth:`node_elements` and
    :meth:`edge_elements` (or :meth:`edge_rows`), one element at a time.

    Nodes are objects; edges are columns of numbers (node numbers, the number of their shared
    :data:`Style`, of their spell's days) beside their ids in one :class:`Texts`: an
    :class:`Edge` is made when it is read, and changing it changes nothing in the view.
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
    _numbers: dict[str, int] = field(init=False, default_factory=dict)
    _node_ids: list[str] = field(init=False, default_factory=list)
    _ids: Texts = field(init=False, default_factory=Texts)
    _id_at: array[int] = field(init=False, default_factory=lambda: array("I"))
    _source: array[int] = field(init=False, default_factory=lambda: array("I"))
    _target: array[int] = field(init=False, default_factory=lambda: array("I"))
    _style: array[int] = field(init=False, default_factory=lambda: array("I"))
    _ends: dict[int, tuple[str, ...]] = field(init=False, default_factory=dict)
    _styles: dict[tuple[Any, ...], int] = field(init=False, default_factory=dict)
    _style_list: list[Style] = field(init=False, default_factory=list)
    _days: dict[str | None, int] = field(init=False, default_factory=lambda: {None: 0})
    _day_list: list[str | None] = field(init=False, default_factory=lambda: [None])
    _start: array[int] | None = field(init=False, default=None)
    _end: array[int] | None = field(init=False, default=None)
    _order: array[int] | None = field(init=False, default=None)
    _sorted: bool = field(init=False, default=True)
    _last_id: str = field(init=False, default="")

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
        if node_id not in self._numbers:
            self._numbers[node_id] = len(self._node_ids)
            self._node_ids.append(node_id)

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
        style = self.edge_style(
            label=label, attrs=attrs, colour=colour, date=date, weight=weight, kind=kind
        )
        self.add_styled_edge(self._ids.append(edge_id), source, target, style, ends, edge_id)

    def edge_style(
        self,
        *,
        label: str = "",
        attrs: Mapping[str, Any] | AttrRow | None = None,
        colour: str | None = None,
        date: str | None = None,
        weight: float | None = None,
        kind: str | None = None,
    ) -> int:
        """The number of what edges share (:data:`Style`), made once: for
        :meth:`add_styled_edge`."""
        row = attrs if isinstance(attrs, tuple) else self.edge_schema.row(attrs or {})
        # repr tells 0.0 from -0.0 and 1 from 1.0, which a dictionary takes for the same key
        key = (label, row, colour, date, None if weight is None else repr(weight), kind)
        number = self._styles.get(key)
        if number is None:
            number = self._styles[key] = len(self._style_list)
            self._style_list.append((label, row, colour, date, weight, kind))
        return number

    def take_edge_ids(self, ids: Texts) -> None:
        """Hold the edge ids in ``ids`` (the view's own from now on; it has no edge yet), added
        by their index with :meth:`add_styled_edge`."""
        if self._id_at:
            raise ValueError("the view has edges: it holds their ids")
        self._ids = ids

    def add_styled_edge(
        self,
        id_index: int,
        source: str,
        target: str,
        style: int,
        ends: Iterable[str] = (),
        edge_id: str | None = None,
    ) -> None:
        """Add an edge whose id is string ``id_index`` of the ids the view took
        (:meth:`take_edge_ids`; ``edge_id``: that string, when the caller has read it) and whose
        data is ``style`` (:meth:`edge_style`)."""
        if edge_id is None:
            edge_id = self._ids[id_index]
        if self._sorted and self._id_at and edge_id <= self._last_id:
            self._sorted = False
        self._last_id = edge_id
        self._append(edge_id, id_index, source, target, style, ends)

    def _append(
        self,
        edge_id: str,
        id_index: int,
        source: str,
        target: str,
        style: int,
        ends: Iterable[str],
    ) -> None:
        numbers = self._numbers
        if source not in self._nodes or target not in self._nodes:
            missing = source if source not in self._nodes else target
            raise ValueError(f"edge {edge_id}: node {missing} is not in the view")
        position = len(self._id_at)
        self._id_at.append(id_index)
        self._source.append(numbers[source])
        self._target.append(numbers[target])
        self._style.append(style)
        if ends:
            self._ends[position] = tuple(sorted(set(ends)))
        if self._start is not None and self._end is not None:  # no spell until it is assigned
            self._start.append(0)
            self._end.append(0)
        self._order = None

    def node(self, node_id: str) -> Node:
        """One node, by id."""
        return self._nodes[node_id]

    def node_elements(self) -> list[Node]:
        """Every node, sorted by id."""
        return sorted(self._nodes.values(), key=attrgetter("id"))

    def numbered_nodes(self) -> list[Node]:
        """Every node by its number (the order nodes were first added: see :meth:`edge_rows`)."""
        return [self._nodes[node_id] for node_id in self._node_ids]

    def _positions(self) -> Sequence[int]:
        """The edges' positions (in the order they were added) sorted by edge id; a duplicate
        id is an error."""
        if self._sorted:
            return range(len(self._id_at))
        if self._order is None:
            order, repeats = self._ids.order(self._id_at)
            if repeats:
                twice = self._ids[self._id_at[order[repeats[0]]]]
                raise ExportError(
                    f"edge {twice} twice: the data breaks a shape (run govkg validate)"
                )
            self._order = order
        return self._order

    def edge_elements(self) -> Sequence[Edge]:
        """Every edge, sorted by id, each made as it is read."""
        return _Edges(self, self._positions())

    def edge_rows(self) -> Iterator[EdgeRow]:
        """Every edge sorted by id, as its id and numbers: its source's and target's (see
        :meth:`numbered_nodes`), its :meth:`style`'s and its spell's start and end days'
        (:meth:`day`; 0 for None)."""
        ids, id_at, source, target, style = (
            self._ids, self._id_at, self._source, self._target, self._style
        )  # fmt: skip
        start, end = self._start, self._end
        for position in self._positions():
            yield (
                ids[id_at[position]],
                source[position],
                target[position],
                style[position],
                start[position] if start is not None else 0,
                end[position] if end is not None else 0,
            )

    def style(self, number: int) -> Style:
        """What the edges of a style share: label, attribute row, colour, date, weight, kind."""
        return self._style_list[number]

    def day(self, number: int) -> str | None:
        """A spell's day by its number."""
        return self._day_list[number]

    def spell_inputs(self) -> SpellInputs:
        """What the timeline reads of the edges, in the order they were added: their source's
        and target's numbers (see :meth:`numbered_nodes`), their own dates and the dates that
        may end them."""
        dates = [style[3] for style in self._style_list]
        return SpellInputs(self._source, self._target, self._style, dates, self._ends)

    def set_spells(self, starts: Iterable[str | None], ends: Mapping[int, str | None]) -> None:
        """Each edge's spell: its start, in the order the edges were added, and the end of each
        that ends (by that order)."""
        codes = self._days
        number = codes.setdefault
        self._start = array("I", (0 if day is None else number(day, len(codes)) for day in starts))
        self._end = array("I", bytes(4 * len(self._start)))
        for position, day in ends.items():
            if day is not None:
                self._end[position] = number(day, len(codes))
        self._day_list = list(codes)

    def _edge(self, position: int) -> Edge:
        label, row, colour, date, weight, kind = self._style_list[self._style[position]]
        edge = Edge(
            self._ids[self._id_at[position]],
            self._node_ids[self._source[position]],
            self._node_ids[self._target[position]],
            label, row, colour, date, weight, kind,
            self._ends.get(position, ()),
        )  # fmt: skip
        if self._start is not None and self._end is not None:
            edge.start = self._day_list[self._start[position]]
            edge.end = self._day_list[self._end[position]]
        return edge

    @property
    def edge_count(self) -> int:
        """How many edges."""
        return len(self._id_at)

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

    def edges_end(self) -> bool:
        """Whether some edge's spell ends."""
        return any(self._end or ())

    @property
    def dynamic(self) -> bool:
        """Whether any element has a spell."""
        return (
            any(n.start for n in self._nodes.values())
            or any(self._start or ())
            or any(self._end or ())
        )

    @property
    def graph(self) -> nx.MultiGraph:
        """The view as a networkx multigraph (built when asked: a copy, for reading): each node's
        and edge's data as :meth:`nodes` and :meth:`edges` give it, edges keyed by id."""
        graph: nx.MultiGraph = nx.MultiDiGraph() if self.directed else nx.MultiGraph()
        graph.add_nodes_from(self.nodes())
        graph.add_edges_from((d["source"], d["target"], key, d) for key, d in self.edges())
        return graph


class _Edges(Sequence[Edge]):
    """A view's edges in id order, each made when it is read."""

    def __init__(self, view: ViewGraph, positions: Sequence[int]) -> None:
        self._view, self._positions = view, positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> Edge: ...

    @overload
    def __getitem__(self, index: slice) -> list[Edge]: ...

    def __getitem__(self, index: int | slice) -> Edge | list[Edge]:
        if isinstance(index, slice):
            return [self._view._edge(p) for p in self._positions[index]]
        return self._view._edge(self._positions[index])

    def __iter__(self) -> Iterator[Edge]:
        edge = self._view._edge
        return (edge(position) for position in self._positions)


def _as_tuple(value: Any) -> Values:
    if value is None or value == "":
        return ()
    if isinstance(value, str | int | float | bool):
        return (value,)
    items: Iterable[Any] = value
    unique = {v for v in items if v is not None and v != ""}
    return tuple(sorted(unique, key=lambda v: (str(type(v)), v)))
