"""The server's settings: where data IRIs live publicly and locally, and the limits on queries."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.namespaces import DATA_BASE


@dataclass(frozen=True)
class ServerSettings:
    """What the app needs to know besides the store.

    ``public_base`` is the namespace of the data IRIs; a resource ``public_base + X`` is served at
    ``id_prefix + X``.  Limits: ``timeout_s`` per query, at most ``max_rows`` rows per answer and
    ``max_body`` bytes per request body.  SPARQL queries run in ``query_workers`` warm query
    processes (more on demand, up to ``max_query_workers``), which are killed at the timeout; with
    ``query_workers = 0`` they run in threads, which cannot be stopped.
    """

    public_base: str = DATA_BASE
    id_prefix: str = "/id/"
    doc_prefix: str = "/doc/"
    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    query_workers: int = 2
    max_query_workers: int = 8

    def iri(self, path: str) -> str:
        """The data IRI of a local path below ``id_prefix``."""
        return self.public_base + path

    def local(self, iri: str) -> str | None:
        """The local ``/id/`` path of a data IRI, or None when it is not under the public base."""
        if iri.startswith(self.public_base) and len(iri) > len(self.public_base):
            return self.id_prefix + iri[len(self.public_base) :]
        return None
