"""The preview card: a small HTML page about one entity, for a client's iframe.

Every value is escaped; no script, no inline style (the site's Content-Security-Policy applies);
links are relative to ``/reconcile/preview``, so they work under any mount path.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from govkg.reconcile.names import Entity
from govkg.reconcile.results import types_of
from govkg.reconcile.vocabulary import PROPERTY
from govkg.site.pages import SAFE

_SHOWN = ("iso3", "iso2", "m49", "region", "subregion", "unStatus", "orgId", "date", "place")


def preview_html(entity: Entity, id_prefix: str = "/id/") -> str:
    """The card: name, types, description, the entity's facts and a link to its page."""
    page = ".." + id_prefix + quote(entity.id, safe=SAFE)
    kinds = ", ".join(t["name"] for t in types_of(entity))
    rows = [
        f"<tr><th>{escape(PROPERTY[key].name)}</th><td>{escape(', '.join(values))}</td></tr>"
        for key in _SHOWN
        if (values := entity.facts.get(key))
    ]
    wikidata = entity.facts.get("wikidata", [])
    if wikidata:
        link = f"https://www.wikidata.org/wiki/{quote(wikidata[0], safe='')}"
        rows.append(
            f'<tr><th>Wikidata</th><td><a href="{escape(link)}" target="_blank" '
            f'rel="noopener noreferrer">{escape(wikidata[0])}</a></td></tr>'
        )
    table = f'<table class="preview">{"".join(rows)}</table>' if rows else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(entity.name)}</title>"
        '<link rel="stylesheet" href="../style.css"></head>'
        f'<body class="preview"><h1><a href="{escape(page)}" target="_blank" '
        f'rel="noopener noreferrer">{escape(entity.name)}</a></h1>'
        f"<p>{escape(kinds)} · <code>{escape(entity.id)}</code></p>"
        f"{table}</body></html>\n"
    )
