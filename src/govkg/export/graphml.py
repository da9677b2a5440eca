"""GraphML (yEd, igraph, networkx) and the flat values it shares with the CSV tables.

The file is the one networkx's ``write_graphml(…, named_key_ids=True)`` writes for
:func:`to_networkx` of the view, byte for byte, streamed: every attribute of the GEXF file, a list
joined with ``|``, plus ``label``, ``start`` (the spell start), ``end`` (the spell end, on an edge
that ends) and ``color`` (``#rrggbb``); keys are named after the attributes, one per name and
value type, listed last seen first; edges in networkx's order (by source node, then by the first
edge to each neighbour), as lxml pretty-prints them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

import networkx as nx
from lxml import etree

from govkg.export.model import LIST_TYPE, AttrRow, Edge, Node, Schema, Values, ViewGraph
from govkg.export.output import write_lines

LIST_SEPARATOR = "|"
GRAPHML = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{GRAPHML} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
#: The GraphML type networkx writes for each Python type of a value.
_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
#: What text or an attribute value may hold that libxml2 does not write as it is.
_TEXT_ESCAPED = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE_ESCAPED = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')

Data = list[tuple[str, Any]]
#: What an edge's GraphML data depends on: its row, start, end, colour, label and weight.
EdgeKey = tuple[AttrRow, str | None, str | None, str | None, str, float | None]
#: How many distinct edge data are kept serialised at most.
_BODIES = 100_000


def flat_value(values: Values, gexf_type: str) -> Any:
    """One attribute's values as one value: a list joined with ``|``, a scalar as it is."""
    if gexf_type == LIST_TYPE:
        return LIST_SEPARATOR.join(str(v) for v in values)
    return values[0]


def flat_row(row: AttrRow, schema: Schema, types: dict[str, str]) -> Data:
    """An element's attributes, each as one value, in column order."""
    return [
        (name, flat_value(cell, types[name]))
        for name, cell in zip(schema.names, row, strict=True)
        if cell
    ]


def flat_attributes(data: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    """An element's attributes (its data's ``attrs``), each as one value, in column order."""
    attrs = data["attrs"]
    return {name: flat_value(attrs[name], kind) for name, kind in types.items() if name in attrs}


def node_data(node: Node, schema: Schema, types: dict[str, str]) -> Data:
    """A node's GraphML data, in order: label, attributes, start, color."""
    data: Data = [("label", node.label), *flat_row(node.row, schema, types)]
    return data + _extras(node.start, node.end, node.colour)


def edge_data(edge: Edge, schema: Schema, types: dict[str, str]) -> Data:
    """An edge's GraphML data, in order: attributes, start, end, color, label, weight."""
    return _key_data(_edge_key(edge), schema, types)


def _key_data(key: EdgeKey, schema: Schema, types: dict[str, str]) -> Data:
    row, start, end, colour, label, weight = key
    data = flat_row(row, schema, types) + _extras(start, end, colour)
    if label:
        data.append(("label", label))
    if weight is not None:
        data.append(("weight", float(weight)))
    return data


def _extras(start: str | None, end: str | None, colour: str | None) -> Data:
    found: Data = [(name, day) for name, day in (("start", start), ("end", end)) if day]
    if colour:
        found.append(("color", colour))
    return found


def to_networkx(view: ViewGraph) -> nx.MultiGraph:
    """A plain networkx multigraph of the view, every value a string, number or boolean."""
    graph: nx.MultiGraph = nx.MultiDiGraph() if view.directed else nx.MultiGraph()
    graph.graph.update(view.graph_attributes)
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    for node in view.node_elements():
        graph.add_node(node.id, **dict(node_data(node, view.node_schema, node_types)))
    for edge in view.edge_elements():
        data = dict(edge_data(edge, view.edge_schema, edge_types))
        graph.add_edge(edge.source, edge.target, key=edge.id, **data)
    return graph


def to_graphml(view: ViewGraph) -> bytes:
    """The view as GraphML (UTF-8 bytes)."""
    buffer = io.BytesIO()
    write_graphml(view, buffer)
    return buffer.getvalue()


def write_graphml(view: ViewGraph, out: IO[bytes]) -> None:
    """Write the view as GraphML to a binary stream, one element at a time (two passes over the
    elements: the keys, then the elements; the data of edges alike serialised once)."""
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    nodes = view.node_elements()
    every = list(view.edge_elements())  # made once for both passes
    keys: dict[tuple[str, str, str], None] = {}
    distinct: dict[EdgeKey, None] = {}  # in networkx's order: the keys are met in the same order
    for *_ends, edge in _in_order(view, nodes, every):
        distinct.setdefault(_edge_key(edge))
    edges = (_key_data(key, view.edge_schema, edge_types) for key in distinct)
    for scope, elements in (
        ("graph", [list(view.graph_attributes.items())]),
        ("node", (node_data(n, view.node_schema, node_types) for n in nodes)),
        ("edge", edges),
    ):
        for data in elements:
            for name, value in data:
                keys.setdefault((name, _TYPES[type(value)], scope))
    del distinct
    lines = [
        "<?xml version='1.0' encoding='utf-8'?>\n"
        f'<graphml xmlns="{GRAPHML}" xmlns:xsi="{XSI}" xsi:schemaLocation="{SCHEMA_LOCATION}">',
        *(
            f'<key id="{_attribute(name)}" for="{scope}" attr.name="{_attribute(name)}" '
            f'attr.type="{kind}"/>\n'
            for name, kind, scope in reversed(keys)
        ),
        f'<graph edgedefault="{"directed" if view.directed else "undirected"}">',
        *(_data_line(name, value, "") for name, value in view.graph_attributes.items()),
    ]
    out.write("".join(lines).encode("utf-8"))
    node_lines = (
        _element(
            f'<node id="{_attribute(n.id)}"',
            "node",
            _data(node_data(n, view.node_schema, node_types)),
        )
        for n in nodes
    )
    write_lines(out, node_lines)
    write_lines(out, _edge_lines(view, nodes, every, edge_types))
    out.write(b"</graph></graphml>")


def _edge_key(edge: Edge) -> EdgeKey:
    return (edge.row, edge.start, edge.end, edge.colour, edge.label, edge.weight)


def _edge_lines(
    view: ViewGraph, nodes: list[Node], edges: list[Edge], types: dict[str, str]
) -> Iterator[str]:
    """Each edge in networkx's order, its data serialised once for the edges alike."""
    known: dict[EdgeKey, str] = {}
    for u, v, edge in _in_order(view, nodes, edges):
        key = _edge_key(edge)
        inner = known.get(key)
        if inner is None:
            if len(known) >= _BODIES:
                known.clear()
            inner = known[key] = _data(_key_data(key, view.edge_schema, types))
        tag = f'<edge source="{_attribute(u)}" target="{_attribute(v)}" id="{_attribute(edge.id)}"'
        yield _element(tag, "edge", inner)


def _in_order(
    view: ViewGraph, nodes: list[Node], edges: list[Edge]
) -> Iterator[tuple[str, str, Edge]]:
    """The edges as networkx reports them, (u, v, edge): by node u in id order, then by
    neighbour v in the order of the first edge between them, then by edge id; an undirected
    edge is reported once, from the endpoint that comes first."""
    adjacency: dict[str, dict[str, list[Edge]]] = {}
    for edge in edges:
        found = adjacency.setdefault(edge.source, {}).get(edge.target)
        if found is None:
            found = adjacency[edge.source][edge.target] = []
            if not view.directed:
                adjacency.setdefault(edge.target, {})[edge.source] = found
        found.append(edge)
    seen: set[str] = set()
    for node in nodes:
        for neighbour, edges in adjacency.get(node.id, {}).items():
            if neighbour not in seen:
                for edge in edges:
                    yield node.id, neighbour, edge
        if not view.directed:
            seen.add(node.id)


def _data(data: Data) -> str:
    """An element's data elements, each on its own line."""
    return "".join(_data_line(key, value, "  ") for key, value in data)


def _element(tag: str, name: str, inner: str) -> str:
    return f"{tag}>\n{inner}</{name}>\n" if inner else f"{tag}/>\n"


def _data_line(key: str, value: Any, indent: str) -> str:
    return f'{indent}<data key="{_attribute(key)}">{_text(str(value))}</data>\n'


def _attribute(text: str) -> str:
    """An attribute value as lxml writes it between double quotes."""
    return text if _ATTRIBUTE_ESCAPED.search(text) is None else _lxml_attribute(text)


def _text(text: str) -> str:
    """Text as lxml writes it."""
    return text if _TEXT_ESCAPED.search(text) is None else _lxml_text(text)


@lru_cache(maxsize=4096)
def _lxml_attribute(text: str) -> str:
    written = etree.tostring(etree.Element("a", v=text), encoding="UTF-8").decode("utf-8")
    return written[len('<a v="') : -len('"/>')]


@lru_cache(maxsize=4096)
def _lxml_text(text: str) -> str:
    element = etree.Element("a")
    element.text = text
    written = etree.tostring(element, encoding="UTF-8").decode("utf-8")
    return written[len("<a>") : -len("</a>")]
