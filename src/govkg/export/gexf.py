"""GEXF 1.3, written exactly as the official grammar (``gexf.rng``) says, streamed: the document's
head (meta, attribute declarations, counts) is serialised by lxml, then each node and edge is
written as lxml writes it (pretty-printed, attributes escaped as libxml2 escapes them), one at a
time, an edge's children (its values, spell and colour) serialised once for all edges that share
them.

No ``xsi:schemaLocation`` (the grammar allows no foreign attribute on ``gexf``), no clock time,
no ``name`` on ``graph``; ``timeformat="date"`` always and ``mode="dynamic"`` when some element
has a spell (an edge that ends has ``end`` in its spell).  Attribute ids are the attribute
names; ``liststring`` values are written as Gephi reads them, ``["a", "b"]`` with ``\\``
escaping ``"`` and ``\\``.  Colours are ``r``/``g``/``b``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import IO, Any

from lxml import etree

from govkg import __version__
from govkg.export.model import LIST_TYPE, AttrRow, Node, Scalar, Values, ViewGraph
from govkg.export.output import write_lines
from govkg.export.palette import rgb

GEXF = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: What an attribute value may hold that libxml2 does not write as it is.
_ESCAPED = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
#: How many distinct edge bodies (values, spell, colour) are kept serialised at most.
_BODIES = 100_000


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def token(text: str) -> str:
    """Text as an ``xsd:token``: whitespace collapsed to single spaces, none at the ends."""
    return " ".join(xml_text(text).split())


def scalar_text(value: Scalar) -> str:
    """One value as GEXF writes it: ``true``/``false``, shortest round-trip numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return xml_text(str(value))


def value_text(values: Values, gexf_type: str) -> str:
    """An attribute's value; a ``liststring`` as ``["a", "b"]``."""
    if gexf_type != LIST_TYPE:
        return scalar_text(values[0])
    quoted = (scalar_text(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "[" + ", ".join(f'"{q}"' for q in quoted) + "]"


def _g(name: str) -> str:
    return f"{{{GEXF}}}{name}"


def _v(name: str) -> str:
    return f"{{{VIZ}}}{name}"


def attribute(text: str) -> str:
    """An attribute value as lxml writes it between double quotes (characters XML cannot hold
    left out): as it is unless it holds a character libxml2 escapes, which lxml then escapes."""
    if _ESCAPED.search(text) is None:
        return text
    return _lxml_attribute(xml_text(text))


@lru_cache(maxsize=4096)
def _lxml_attribute(text: str) -> str:
    written = etree.tostring(etree.Element("a", v=text), encoding="UTF-8").decode("utf-8")
    return written[len('<a v="') : -len('"/>')]


def to_gexf(view: ViewGraph) -> bytes:
    """The view as a GEXF 1.3 document (UTF-8 bytes)."""
    buffer = io.BytesIO()
    write_gexf(view, buffer)
    return buffer.getvalue()


def write_gexf(view: ViewGraph, out: IO[bytes]) -> None:
    """Write the view as a GEXF 1.3 document to a binary stream, one element at a time."""
    nodes, edge_count = view.node_elements(), view.edge_count
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    head, middle, tail = _frame(view, len(nodes), edge_count, node_types, edge_types)
    out.write(head)
    write_lines(out, (_node(node, view, node_types) for node in nodes))
    out.write(middle)
    write_lines(out, _edge_lines(view, _edge_bodies(view, edge_types)))
    out.write(tail)


_NODES_HERE, _EDGES_HERE = "nodes-here", "edges-here"


def _frame(
    view: ViewGraph,
    node_count: int,
    edge_count: int,
    node_types: dict[str, str],
    edge_types: dict[str, str],
) -> tuple[bytes, bytes, bytes]:
    """The document without its nodes and edges, serialised by lxml: what comes before the
    nodes, between the nodes and the edges, and after the edges."""
    root = etree.Element(_g("gexf"), nsmap={None: GEXF, "viz": VIZ}, version="1.3")
    meta = etree.SubElement(root, _g("meta"))
    etree.SubElement(meta, _g("creator")).text = f"govkg {__version__}"
    etree.SubElement(meta, _g("description")).text = xml_text(view.description or view.name)
    graph = etree.SubElement(
        root,
        _g("graph"),
        defaultedgetype="directed" if view.directed else "undirected",
        timeformat="date",
        mode="dynamic" if view.dynamic else "static",
    )
    _declare(graph, "node", node_types)
    _declare(graph, "edge", edge_types)
    node_list = etree.SubElement(graph, _g("nodes"), count=str(node_count))
    if node_count:
        etree.SubElement(node_list, _g(_NODES_HERE))
    edge_list = etree.SubElement(graph, _g("edges"), count=str(edge_count))
    if edge_count:
        etree.SubElement(edge_list, _g(_EDGES_HERE))
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    head, _here, middle = text.partition(f"      <{_NODES_HERE}/>\n".encode())
    middle, _here, tail = middle.partition(f"      <{_EDGES_HERE}/>\n".encode())
    return head, middle, tail  # without nodes or edges, what follows them is in head or middle


def _declare(graph: Any, cls: str, types: dict[str, str]) -> None:
    if not types:
        return
    attributes = etree.SubElement(graph, _g("attributes"), {"class": cls, "mode": "static"})
    for name, gexf_type in types.items():
        etree.SubElement(attributes, _g("attribute"), id=name, title=name, type=gexf_type)


def _node(node: Node, view: ViewGraph, types: dict[str, str]) -> str:
    names = view.node_schema.names
    tag = f'      <node id="{attribute(node.id)}" label="{attribute(token(node.label))}"'
    body = _body(node.row, names, types, node.start, node.end, node.colour, node.position)
    return f"{tag}>\n{body}      </node>\n" if body else f"{tag}/>\n"


def _edge_bodies(view: ViewGraph, types: dict[str, str]) -> Callable[[int, int, int], str]:
    """The serialised children of an edge of this style with this spell (by their numbers: see
    :meth:`ViewGraph.edge_rows`), kept: the edges of a view share a few thousand."""
    names = view.edge_schema.names
    known: dict[tuple[int, int, int], str] = {}

    def body(style: int, start: int, end: int) -> str:
        key = (style, start, end)
        found = known.get(key)
        if found is None:
            if len(known) >= _BODIES:
                known.clear()
            _label, row, colour, _date, _weight, _kind = view.style(style)
            found = known[key] = _body(
                row, names, types, view.day(start), view.day(end), colour, None
            )
        return found

    return body


def _edge_heads(view: ViewGraph) -> Callable[[int], str]:
    """What an edge's tag holds after its target (label, weight, kind), by its style, kept."""
    known: dict[int, str] = {}

    def head(style: int) -> str:
        found = known.get(style)
        if found is None:
            label, _row, _colour, _date, weight, kind = view.style(style)
            found = f' label="{_token_attribute(label)}"' if label else ""
            if weight is not None:
                found += f' weight="{float(weight)!r}"'
            if kind:
                found += f' kind="{_token_attribute(kind)}"'
            known[style] = found
        return found

    return head


def _token_attribute(text: str) -> str:
    return attribute(token(text))


def _edge_lines(view: ViewGraph, body: Callable[[int, int, int], str]) -> Iterator[str]:
    """Each edge as lxml pretty-prints it, one at a time."""
    ends = [attribute(node.id) for node in view.numbered_nodes()]
    head, escaped = _edge_heads(view), _ESCAPED.search
    for edge_id, source, target, style, start, end in view.edge_rows():
        shown = edge_id if escaped(edge_id) is None else attribute(edge_id)
        inner = body(style, start, end)
        tag = f'      <edge id="{shown}" source="{ends[source]}" target="{ends[target]}"'
        tag += head(style)
        yield f"{tag}>\n{inner}      </edge>\n" if inner else f"{tag}/>\n"


def _body(
    row: AttrRow,
    names: tuple[str, ...],
    types: dict[str, str],
    start: str | None,
    end: str | None,
    colour: str | None,
    position: tuple[float, float] | None,
) -> str:
    """An element's children, each on its own line, as lxml pretty-prints them."""
    lines = []
    values = [
        f'          <attvalue for="{attribute(name)}" '
        f'value="{attribute(value_text(cell, types[name]))}"/>\n'
        for name, cell in zip(names, row, strict=True)
        if cell
    ]
    if values:
        lines += ["        <attvalues>\n", *values, "        </attvalues>\n"]
    if start or end:
        spell = "".join(
            f' {name}="{attribute(day)}"' for name, day in (("start", start), ("end", end)) if day
        )
        lines += ["        <spells>\n", f"          <spell{spell}/>\n", "        </spells>\n"]
    if colour:
        r, g, b = rgb(colour)
        lines.append(f'        <viz:color r="{r}" g="{g}" b="{b}"/>\n')
    if position:
        x, y = position
        lines.append(f'        <viz:position x="{x:.3f}" y="{y:.3f}"/>\n')
    return "".join(lines)
