"""Helpers the competency tests share."""

from __future__ import annotations

from govkg.project import Project
from govkg.queries import find_query, run_query
from govkg.store import Store


def answer(project: Project, store: Store, name: str, **params: str) -> list[dict[str, str]]:
    """A catalogue query's rows, each value as text (IRIs in full, literals by lexical form)."""
    result = run_query(store, find_query(project, name), params)
    return [
        {k: (getattr(v, "value", "") if v is not None else "") for k, v in row.items()}
        for row in result.dicts()
    ]
