"""The IRI layout of the site: where data IRIs live publicly and where their pages are locally."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.namespaces import DATA_BASE


@dataclass(frozen=True)
class Layout:
    """Where the site puts the data IRIs.

    ``public_base`` is the namespace of the data IRIs; a resource ``public_base + X`` is served at
    ``id_prefix + X`` and its documents at ``doc_prefix + X`` (``.html``, ``.ttl``, …).
    """

    public_base: str = DATA_BASE
    id_prefix: str = "/id/"
    doc_prefix: str = "/doc/"

    def iri(self, path: str) -> str:
        """The data IRI of a local path below ``id_prefix``."""
        return self.public_base + path

    def local(self, iri: str) -> str | None:
        """The local ``/id/`` path of a data IRI, or None when it is not under the public base."""
        if iri.startswith(self.public_base) and len(iri) > len(self.public_base):
            return self.id_prefix + iri[len(self.public_base) :]
        return None
