"""govkg's linked-data server: dereferenceable IRIs, HTML pages and a SPARQL 1.1 endpoint."""

from __future__ import annotations

from govkg.server.app import create_app
from govkg.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
