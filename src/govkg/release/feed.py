"""The Atom feed of changes between releases (``changes.atom``), written with ``feedgen``.

One entry per release (its summary) and one per resource that release added, removed or
changed, newest release first; the feed covers every release in the folder, up to
:data:`MAX_ENTRIES` entries.  Entry ids are stable IRIs: the release's, and the release's URL
with the resource's path as fragment (``…/releases/1.1.0/#stance/paris-statement-2025--ARM``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from feedgen.feed import FeedGenerator

from govkg.namespaces import DATA_BASE, compact
from govkg.release.changelog import change_title, property_line, summary_line, totals_line
from govkg.release.citation import AUTHORS
from govkg.release.versions import release_url
from govkg.site.metadata import W3ID_BASE
from govkg.site.release_history import CHANGES_ATOM, ReleaseChanges

MAX_ENTRIES = 1000
FEED_TITLE = "govkg: changes between releases"


def _when(issued: str) -> datetime:
    return datetime.combine(date.fromisoformat(issued), time(0), tzinfo=UTC)


def change_id(version: str, iri: str) -> str:
    """The entry id of a change: the release's URL, the resource's path as fragment."""
    return release_url(version) + "#" + iri.removeprefix(DATA_BASE)


def _release_entry(feed: FeedGenerator, release: ReleaseChanges) -> None:
    data = release.data
    entry = feed.add_entry(order="append")
    entry.id(release_url(release.version))
    if data.get("previous"):
        said = f" (since {data['previous']}): {summary_line(data['summary'])}"
    else:
        said = " (the first release): " + totals_line(data["totals"])
    entry.title(f"govkg {release.version} released{said}")
    entry.link(href=release_url(release.version), rel="alternate")
    entry.updated(_when(release.issued))
    names = ", ".join(compact(c["iri"]) for c in release.changes)
    entry.summary(f"Changed resources: {names}." if names else "No resources changed.")


def _change_entry(feed: FeedGenerator, release: ReleaseChanges, change: dict[str, Any]) -> None:
    entry = feed.add_entry(order="append")
    entry.id(change_id(release.version, change["iri"]))
    entry.title(change_title(change, release.version))
    entry.link(href=change["iri"], rel="alternate")
    entry.updated(_when(release.issued))
    lines = [change["label"]] if change["label"] else []
    lines += [property_line(p) for p in change.get("properties", [])]
    entry.summary("\n".join(lines) or change["change"])


def atom_feed(releases: tuple[ReleaseChanges, ...] | list[ReleaseChanges]) -> bytes:
    """The feed of ``releases`` (oldest first, as :func:`~govkg.site.release_history.history`
    gives them; at least one)."""
    newest = releases[-1]
    feed = FeedGenerator()
    feed.id(W3ID_BASE + CHANGES_ATOM)
    feed.title(FEED_TITLE)
    feed.author({"name": AUTHORS})
    feed.link(href=W3ID_BASE + CHANGES_ATOM, rel="self")
    feed.link(href=W3ID_BASE, rel="alternate")
    feed.updated(_when(newest.issued))
    count = 0
    for release in reversed(releases):
        if count >= MAX_ENTRIES:
            break
        _release_entry(feed, release)
        for change in release.changes[: MAX_ENTRIES - count - 1]:
            _change_entry(feed, release, change)
        count += 1 + len(release.changes)
    return bytes(feed.atom_str(pretty=True))
