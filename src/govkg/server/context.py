"""What every handler shares: the store, the settings and the runner of untrusted queries."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.server.settings import ServerSettings
from govkg.store import Store


@dataclass
class Context:
    """The state of one app: built once by :func:`govkg.server.create_app`."""

    store: Store
    settings: ServerSettings
