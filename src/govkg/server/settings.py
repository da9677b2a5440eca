"""The server's settings: the site's IRI layout and the limits on queries."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from govkg.site.layout import Layout


def usable_cpus() -> int:
    """The number of CPUs this process may run on (its affinity; the machine's where the system
    does not say)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class ServerSettings(Layout):
    """What the app needs to know besides the store: the IRI layout (:class:`Layout`) and limits.

    Limits: ``timeout_s`` per query, at most ``max_rows`` rows per answer and ``max_body`` bytes
    per request body.  SPARQL queries run in ``query_workers`` warm query processes (by default
    one per CPU the server may run on: more would only share the CPUs, and each would keep its
    own caches warm; more start on demand behind a slow query, up to ``max_query_workers``),
    which are killed at the timeout; with ``query_workers = 0`` they run in threads, which
    cannot be stopped.
    """

    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    query_workers: int = field(default_factory=usable_cpus)
    max_query_workers: int = 8

    @classmethod
    def serving(cls, layout: Layout) -> ServerSettings:
        """``layout`` with the default limits (``layout`` itself when it already has limits)."""
        if isinstance(layout, ServerSettings):
            return layout
        return cls(layout.public_base, layout.id_prefix, layout.doc_prefix)
