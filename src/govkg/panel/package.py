"""The panel's Frictionless Data Package (``datapackage.json``, profile tabular-data-package):
both tables with their schemas, the licence, the source, the version and when it was made."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from govkg import __version__
from govkg.align.report import AlignRequest
from govkg.panel.schema import DYAD_COLUMNS, PANEL_COLUMNS, table_schema
from govkg.site.metadata import DATA_LICENSE, TITLE, W3ID_BASE

NAME = "govkg-panel"
PANEL_FILE, DYADS_FILE, PACKAGE_FILE = "panel.csv", "dyads.csv", "datapackage.json"
CODEBOOK_MD, CODEBOOK_HTML = "codebook.md", "codebook.html"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": DATA_LICENSE or "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}


def describe(request: AlignRequest) -> str:
    """The command line that makes this panel (the options that differ from the defaults)."""
    words = ["govkg export panel"]
    filters = request.filters
    for option, values in (("--instruments", filters.instruments), ("--series", filters.series),
                           ("--type", filters.types), ("--theme", filters.themes),
                           ("--actors", request.actors)):  # fmt: skip
        if values:
            words.append(f"{option} {','.join(values)}")
    for option, value in (("--from", filters.date_from), ("--to", filters.date_to),
                          ("--at", request.at)):  # fmt: skip
        if value:
            words.append(f"{option} {value}")
    words += [f"--code {kind}={code}" for kind, code in sorted(request.codes.items())]
    words += [f"--actors-type {name}" for name in request.actor_types]
    if request.absent != "missing":
        words.append(f"--absent {request.absent}")
    words.append(f"--min-n {request.min_n}")
    return " ".join(words)


def created_now() -> str:
    """The time the panel is made, in UTC to the second (``2026-12-04T03:10:00Z``)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _resource(name: str, path: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": name,
        "path": path,
        "title": title,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def package_descriptor(request: AlignRequest, created: str) -> dict[str, Any]:
    """The Data Package descriptor of a panel made by ``request`` at ``created``."""
    dyads = table_schema(DYAD_COLUMNS, ["actor_a", "actor_b"])
    dyads["foreignKeys"] = [
        {"fields": side, "reference": {"resource": "panel", "fields": "actor"}}
        for side in ("actor_a", "actor_b")
    ]
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": "govkg panel: who signed, abstained or declined AI-governance instruments",
        "description": (
            "One row per actor and instrument (panel.csv), coded as Voeten's UN voting data "
            "(1 yes, 2 abstain, 3 no, 8 absent, 9 not a member), and one row per pair of actors "
            f"with alignment measures (dyads.csv). See {CODEBOOK_MD}. Made by: {describe(request)}"
        ),
        "version": __version__,
        "created": created,
        "homepage": W3ID_BASE,
        "keywords": ["AI governance", "international relations", "alignment", "voting", "panel"],
        "licenses": [LICENSE],
        "sources": [{"title": TITLE, "path": W3ID_BASE}],
        "resources": [
            _resource(
                "panel",
                PANEL_FILE,
                "Actor by instrument",
                table_schema(PANEL_COLUMNS, ["actor", "instrument"]),
            ),
            _resource("dyads", DYADS_FILE, "Pairs of actors", dyads),
        ],
    }


def package_json(request: AlignRequest, created: str) -> bytes:
    """``datapackage.json``'s bytes."""
    text = json.dumps(package_descriptor(request, created), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
