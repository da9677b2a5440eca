"""GraphML (yEd, igraph, networkx) and the flat values it shares with the CSV tables.

networkx writes the GraphML: every attribute of the GEXF file, a list joined with ``|``, plus
``label``, ``start`` (the spell start), ``end`` (the spell end, on an edge that ends) and
``color`` (``#rrggbb``); keys are named after the attributes.
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from govkg.export.model import LIST_TYPE, Values, ViewGraph

LIST_SEPARATOR = "|"


def flat_value(values: Values, gexf_type: str) -> Any:
    """One attribute's values as one value: a list joined with ``|``, a scalar as it is."""
    if gexf_type == LIST_TYPE:
        return LIST_SEPARATOR.join(str(v) for v in values)
    return values[0]


def flat_attributes(data: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    """An element's attributes, each as one value, in column order."""
    attrs = data["attrs"]
    return {name: flat_value(attrs[name], kind) for name, kind in types.items() if name in attrs}


def to_networkx(view: ViewGraph) -> nx.MultiGraph:
    """A plain networkx multigraph of the view, every value a string, number or boolean."""
    graph: nx.MultiGraph = nx.MultiDiGraph() if view.directed else nx.MultiGraph()
    graph.graph.update(view.graph_attributes)
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    for node_id, data in view.nodes():
        graph.add_node(
            node_id, label=data["label"], **flat_attributes(data, node_types), **_extras(data)
        )
    for edge_id, data in view.edges():
        extras = _extras(data)
        if data["label"]:
            extras["label"] = data["label"]
        if data["weight"] is not None:
            extras["weight"] = float(data["weight"])
        graph.add_edge(
            data["source"],
            data["target"],
            key=edge_id,
            **flat_attributes(data, edge_types),
            **extras,
        )
    return graph


def _extras(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in ("start", "end"):
        if data[name]:
            found[name] = data[name]
    if data["colour"]:
        found["color"] = data["colour"]
    return found


def to_graphml(view: ViewGraph) -> bytes:
    """The view as GraphML (UTF-8 bytes)."""
    buffer = io.BytesIO()
    nx.write_graphml(to_networkx(view), buffer, named_key_ids=True)
    return buffer.getvalue()
