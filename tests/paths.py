"""Where the tests find the project: the repository's root, named once for every test module."""

from __future__ import annotations

from pathlib import Path

#: The repository's root: the shipped ontology, graph and queries are below it.
ROOT = Path(__file__).resolve().parents[1]
