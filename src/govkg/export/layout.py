"""Positions for Gephi: networkx's spring layout, seeded, on the view's nodes in id order."""

from __future__ import annotations

import networkx as nx

from govkg.errors import RequestError
from govkg.export.model import ViewGraph

SEED = 1
SCALE = 1000.0


def spring_layout(view: ViewGraph, seed: int = SEED) -> None:
    """Give every node a position (x, y in -1000…1000), the same for the same graph; edges
    attract by their weight (1 when they have none)."""
    simple = nx.Graph()
    simple.add_nodes_from(node.id for node in view.node_elements())
    for edge in view.edge_elements():  # parallel edges pull harder; weights below 0 do not pull
        pair = (edge.source, edge.target)
        weight = 1.0 if edge.weight is None else max(float(edge.weight), 0.0)
        previous = simple.edges[pair]["weight"] if simple.has_edge(*pair) else 0.0
        simple.add_edge(*pair, weight=previous + weight)
    try:
        positions = nx.spring_layout(simple, seed=seed, scale=SCALE)
    except ImportError as error:  # networkx needs scipy from 500 nodes on
        raise RequestError(
            "layout",
            f"{{layout}} spring on {len(simple)} nodes needs {error.name or 'scipy'} "
            "(pip install scipy)",
        ) from None
    for node, (x, y) in positions.items():
        view.node(node).position = (float(x), float(y))
