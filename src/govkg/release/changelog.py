"""A release's changes written out: ``changes.json`` for programs, ``CHANGES.md`` for people.

``changes.json`` (``"format": "govkg-changes/1"``) is one object:

- ``version``, ``issued`` (``YYYY-MM-DD``), ``release`` (the release's IRI);
  ``previous`` and ``previous_release`` (null for a first release);
- ``totals``: how many stances, count claims, quotes, reported positions, memberships and
  lifecycle claims the release holds, by kind (``stance``, ``count``, ``quote``, ``statement``,
  ``membership``, ``lifecycle``);
- ``summary``: by kind, how many were ``added``, ``removed`` and ``changed`` since ``previous``;
- ``changes``: one object per resource added, removed or changed, by kind then IRI: ``iri``,
  ``kind``, ``change`` (``added``, ``removed`` or ``changed``), ``label`` (its ``rdfs:label``),
  ``related`` (the states, organisations, instruments and events it names) and, for a change,
  ``properties``: each property whose values differ, with the values ``old`` and ``new``
  (N-Triples terms, sorted; a blank node nested as ``[ <p> value ; … ]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from govkg.namespaces import compact
from govkg.release.diff import KINDS, Change
from govkg.release.versions import release_dataset
from govkg.site.release_history import property_line

FORMAT = "govkg-changes/1"


@dataclass(frozen=True)
class ReleaseDiff:
    """A release and what changed since the previous one (no previous: a first release)."""

    version: str
    issued: str
    previous: str | None
    changes: tuple[Change, ...]
    totals: dict[str, int]

    def summary(self) -> dict[str, dict[str, int]]:
        found = {kind: {"added": 0, "removed": 0, "changed": 0} for kind in KINDS}
        for change in self.changes:
            found[change.kind][change.change] += 1
        return found


def _change_json(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "iri": change.iri,
        "kind": change.kind,
        "change": change.change,
        "label": change.label,
        "related": list(change.related),
    }
    if change.change == "changed":
        out["properties"] = [
            {"property": p.property, "old": list(p.old), "new": list(p.new)}
            for p in change.properties
        ]
    return out


def changes_data(diff: ReleaseDiff) -> dict[str, Any]:
    """The object ``changes.json`` holds."""
    return {
        "format": FORMAT,
        "version": diff.version,
        "issued": diff.issued,
        "release": release_dataset(diff.version),
        "previous": diff.previous,
        "previous_release": release_dataset(diff.previous) if diff.previous else None,
        "totals": diff.totals,
        "summary": diff.summary(),
        "changes": [_change_json(c) for c in diff.changes],
    }


def changes_json(diff: ReleaseDiff) -> bytes:
    return (json.dumps(changes_data(diff), indent=2, ensure_ascii=False) + "\n").encode()


def change_title(change: dict[str, Any], version: str) -> str:
    """``stance:x changed in 1.1.0``."""
    return f"{compact(change['iri'])} {change['change']} in {version}"


def summary_line(summary: dict[str, dict[str, int]]) -> str:
    """``1 stance added, 1 changed`` style: each kind with something to say."""
    parts = []
    for kind, plural in KINDS.items():
        done = [f"{n} {what}" for what, n in summary.get(kind, {}).items() if n]
        if done:
            parts.append(f"{plural}: " + ", ".join(done))
    return "; ".join(parts) or "no changes"


def totals_line(totals: dict[str, int]) -> str:
    """``1010 stances, 45 count claims, …``: what a release holds."""
    return ", ".join(f"{totals.get(kind, 0)} {plural}" for kind, plural in KINDS.items())


def _table(data: dict[str, Any]) -> list[str]:
    lines = ["| | in this release | added | removed | changed |", "|---|---:|---:|---:|---:|"]
    for kind, plural in KINDS.items():
        s = data["summary"][kind]
        lines.append(
            f"| {plural} | {data['totals'][kind]} | {s['added']} | {s['removed']} | "
            f"{s['changed']} |"
        )
    return lines


def _section(kind: str, changes: list[dict[str, Any]]) -> list[str]:
    lines = [f"## {KINDS[kind].capitalize()}", ""]
    for what in ("added", "removed", "changed"):
        chosen = [c for c in changes if c["change"] == what]
        if not chosen:
            continue
        lines += [f"### {what.capitalize()} ({len(chosen)})", ""]
        for change in chosen:
            label = f" — {change['label']}" if change["label"] else ""
            lines.append(f"- `{compact(change['iri'])}`{label}")
            lines += [f"  - `{property_line(p)}`" for p in change.get("properties", [])]
        lines.append("")
    return lines


def changes_markdown(diff: ReleaseDiff) -> bytes:
    """``CHANGES.md``: the summary table, then each kind's additions, removals and changes."""
    data = changes_data(diff)
    since = f"since release {diff.previous}" if diff.previous else "(the first release)"
    lines = [f"# govkg {diff.version}: changes {since}", "", f"Released {diff.issued}."]
    if diff.previous:
        lines[-1] += (
            f" Compared with release {diff.previous}'s dump (`dumps/govkg.nq.gz`) by stable IRI "
            "and by value; `changes.json` holds the same changes for programs."
        )
    lines += ["", *_table(data), ""]
    for kind in KINDS:
        chosen = [c for c in data["changes"] if c["kind"] == kind]
        lines += _section(kind, chosen) if chosen else []
    if diff.previous and not data["changes"]:
        lines += ["Nothing changed.", ""]
    return "\n".join(lines).rstrip("\n").encode() + b"\n"
