"""The service manifest: what the reconciliation service is and where its parts answer.

``GET /reconcile`` gives the 0.2 manifest OpenRefine reads (suggest, preview and property
proposals as service URL and path), announcing both versions; ``GET /reconcile?version=1.0-draft``
gives the same service in the 1.0-draft shape (suggest and proposals as booleans, the view an
RFC 6570 template), since one document cannot satisfy both schemas.
"""

from __future__ import annotations

from typing import Any, Protocol

from govkg.reconcile.batch import MAX_BATCH
from govkg.reconcile.vocabulary import DEFAULT_KINDS, GK

VERSIONS = ["0.2", "1.0-draft"]
NAME = "govkg: international AI governance (states, organisations, instruments, events, people)"
PREVIEW_SIZE = {"width": 420, "height": 240}


class Layout(Protocol):
    """Where the data IRIs live and where the server serves them."""

    @property
    def public_base(self) -> str: ...
    @property
    def id_prefix(self) -> str: ...


def manifest_02(site: str, service: str, layout: Layout) -> dict[str, Any]:
    """The 0.2 manifest; ``site`` and ``service`` are the absolute URLs of the site's root and
    of ``/reconcile``."""
    id_path = site + layout.id_prefix
    return {
        **_common(site),
        "identifierSpace": layout.public_base,
        "schemaSpace": str(GK),
        "view": {"url": id_path + "{{id}}"},
        "preview": {"url": service + "/preview?id={{id}}", **PREVIEW_SIZE},
        "suggest": {
            kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "property", "type")
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/propose_properties"},
            "property_settings": [],
        },
    }


def manifest_10(site: str, id_prefix: str) -> dict[str, Any]:
    """The 1.0-draft manifest: its parts are at fixed paths below the service."""
    return {
        **_common(site),
        "lang": "en",
        "view": {"url": site + id_prefix + "{+id}"},
        "preview": dict(PREVIEW_SIZE),
        "suggest": {"entity": True, "property": True, "type": True},
        "extend": {"proposeProperties": True, "propertySettings": []},
    }


def _common(site: str) -> dict[str, Any]:
    return {
        "versions": list(VERSIONS),
        "name": NAME,
        "documentation": site + "/ontology.html",
        "defaultTypes": [{"id": k.id, "name": k.name} for k in DEFAULT_KINDS],
        "batchSize": MAX_BATCH,
    }
