"""The server's settings: the site's IRI layout and the limits on queries."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.site.layout import Layout


@dataclass(frozen=True)
class ServerSettings(Layout):
    """What the app needs to know besides the store: the IRI layout (:class:`Layout`) and limits.

    Limits: ``timeout_s`` per query, at most ``max_rows`` rows per answer and ``max_body`` bytes
    per request body.  SPARQL queries run in ``query_workers`` warm query processes (more on
    demand, up to ``max_query_workers``), which are killed at the timeout; with
    ``query_workers = 0`` they run in threads, which cannot be stopped.
    """

    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    query_workers: int = 2
    max_query_workers: int = 8

    @classmethod
    def serving(cls, layout: Layout) -> ServerSettings:
        """``layout`` with the default limits (``layout`` itself when it already has limits)."""
        if isinstance(layout, ServerSettings):
            return layout
        return cls(layout.public_base, layout.id_prefix, layout.doc_prefix)
