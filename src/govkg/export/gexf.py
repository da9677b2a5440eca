"""GEXF 1.3, written with lxml exactly as the official grammar (``gexf.rng``) says.

No ``xsi:schemaLocation`` (the grammar allows no foreign attribute on ``gexf``), no clock time,
no ``name`` on ``graph``; ``timeformat="date"`` always and ``mode="dynamic"`` when some element
has a spell (an edge that ends has ``end`` in its spell).  Attribute ids are the attribute
names; ``liststring`` values are written as Gephi reads them, ``["a", "b"]`` with ``\\``
escaping ``"`` and ``\\``.  Colours are ``r``/``g``/``b``.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from govkg import __version__
from govkg.export.model import LIST_TYPE, Scalar, Values, ViewGraph
from govkg.export.palette import rgb

GEXF = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


def to_gexf(view: ViewGraph) -> bytes:
    """The view as a GEXF 1.3 document (UTF-8 bytes)."""
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
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    _declare(graph, "node", node_types)
    _declare(graph, "edge", edge_types)
    nodes, edges = view.nodes(), view.edges()
    node_list = etree.SubElement(graph, _g("nodes"), count=str(len(nodes)))
    for node_id, data in nodes:
        xml = {"id": node_id, "label": token(data["label"])}
        _element(node_list, "node", xml, data, node_types)
    edge_list = etree.SubElement(graph, _g("edges"), count=str(len(edges)))
    for edge_id, data in edges:
        _element(edge_list, "edge", _edge_attributes(edge_id, data), data, edge_types)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _declare(graph: Any, cls: str, types: dict[str, str]) -> None:
    if not types:
        return
    attributes = etree.SubElement(graph, _g("attributes"), {"class": cls, "mode": "static"})
    for name, gexf_type in types.items():
        etree.SubElement(attributes, _g("attribute"), id=name, title=name, type=gexf_type)


def _edge_attributes(edge_id: str, data: dict[str, Any]) -> dict[str, str]:
    found = {"id": edge_id, "source": data["source"], "target": data["target"]}
    if data["label"]:
        found["label"] = token(data["label"])
    if data["weight"] is not None:
        found["weight"] = repr(float(data["weight"]))
    if data["kind"]:
        found["kind"] = token(data["kind"])
    return found


def _element(
    parent: Any, tag: str, xml: dict[str, str], data: dict[str, Any], types: dict[str, str]
) -> None:
    element = etree.SubElement(parent, _g(tag), {k: xml_text(v) for k, v in xml.items()})
    if data["attrs"]:
        _attvalues(element, data["attrs"], types)
    if data["start"] or data["end"]:
        spells = etree.SubElement(element, _g("spells"))
        etree.SubElement(spells, _g("spell"), _spell(data))
    if data["colour"]:
        r, g, b = rgb(data["colour"])
        etree.SubElement(element, _v("color"), r=str(r), g=str(g), b=str(b))
    if data.get("position"):
        x, y = data["position"]
        etree.SubElement(element, _v("position"), x=f"{x:.3f}", y=f"{y:.3f}")


def _spell(data: dict[str, Any]) -> dict[str, str]:
    """A spell's ``start`` and ``end``, each only when known."""
    return {name: data[name] for name in ("start", "end") if data[name]}


def _attvalues(element: Any, attrs: dict[str, Values], types: dict[str, str]) -> None:
    values = etree.SubElement(element, _g("attvalues"))
    for name, gexf_type in types.items():
        if name in attrs:
            text = value_text(attrs[name], gexf_type)
            etree.SubElement(values, _g("attvalue"), {"for": name, "value": text})
