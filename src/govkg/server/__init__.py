"""govkg's linked-data server: dereferenceable IRIs, HTML pages and a SPARQL 1.1 endpoint.

``create_app`` and ``ServerSettings`` are imported when first asked for, so that a query process
(``python -m govkg.server.worker``, started for every runaway query stopped) imports only what it
runs queries with (0.2 s), not the pages, the alignment and scipy (1.5 s on this machine)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govkg.server.app import create_app
    from govkg.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from govkg.server.app import create_app

        return create_app
    if name == "ServerSettings":
        from govkg.server.settings import ServerSettings

        return ServerSettings
    raise AttributeError(f"module 'govkg.server' has no attribute {name!r}")
