"""The "Changes" section of a state's, an organisation's or an instrument's page: in which
releases something about it changed (its stances, count claims, quotes, memberships, lifecycle
claims), what and when, newest first.  Read from the releases folder of the project served
(``releases/``); "" when there is none or nothing changed about the resource."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from govkg.site.layout import Layout
from govkg.site.pages import iri_html, table
from govkg.site.release_history import (
    ReleaseChanges,
    changes_about,
    history,
    property_line,
)

#: Rows shown at most; the rest are counted.
MAX_ROWS = 30


def _what(change: dict[str, Any]) -> str:
    lines = [escape(change["change"])]
    lines += [f"<code>{escape(property_line(p))}</code>" for p in change.get("properties", [])]
    return "<br>".join(lines)


def _row(release: ReleaseChanges, change: dict[str, Any], settings: Layout, root: str) -> list[str]:
    label = change.get("label") or None
    return [
        escape(release.version),
        escape(release.issued),
        iri_html(change["iri"], label, settings, root),
        _what(change),
    ]


def changes_html(iri: str, settings: Layout, root: str, folder: Path) -> str:
    """The resource's "Changes" section ("" when no release in ``folder`` changed anything about
    it)."""
    found = changes_about(iri, history(folder))
    if not found:
        return ""
    rows = [_row(release, change, settings, root) for release, change in found[:MAX_ROWS]]
    more = len(found) - len(rows)
    tail = f"<p>… and {more} more: see each release's CHANGES.md.</p>" if more > 0 else ""
    head = f'<h2>Changes <span class="count">({len(found)})</span></h2>'
    lead = (
        '<p class="lead">What changed about it between releases of the dataset (by IRI and by '
        "value, against the previous release), newest first; each release's CHANGES.md and the "
        "Atom feed <code>/changes.atom</code> list every change.</p>"
    )
    body = table(["Release", "Issued", "Resource", "Change"], rows, ["nowrap", "nowrap"])
    return f'<section class="changes">{head}{lead}{body}{tail}</section>'
