"""govkg: an open knowledge graph of states, summits and commitments in AI governance."""

__version__ = "0.1.0"
