"""The releases in a project's ``releases/`` folder, read back: their versions in order and what
each one's ``changes.json`` says changed (written by ``govkg release``).

Read-only and web-neutral: the pages' "Changes" section and the server's ``/changes.atom`` read
releases through this module; :mod:`govkg.release` writes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from govkg.errors import GovkgError
from govkg.namespaces import compact

#: The folder of a project's releases (``releases/VERSION/``), under its root.
RELEASES_DIR = "releases"
#: The machine-readable diff of a release, and its Atom feed.
CHANGES_JSON = "changes.json"
CHANGES_ATOM = "changes.atom"
#: A version is a folder name: letters, digits, dots, ``-`` and ``+`` (``1.0.0``, ``2026.1-rc1``).
VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,63}")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """An order of versions: dotted parts compared as numbers where they are numbers
    (``1.10.0`` after ``1.9.0``); a pre-release (``1.0.0-rc1``) before its release."""
    main, _dash, pre = version.partition("-")
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in main.split("."))
    return (*parts, (1, 0, "") if not pre else (0, 0, pre))


@dataclass(frozen=True)
class ReleaseChanges:
    """One release as its ``changes.json`` describes it (the shape is in :mod:`govkg.release`)."""

    version: str
    folder: Path
    data: dict[str, Any]

    @property
    def issued(self) -> str:
        return str(self.data.get("issued", ""))

    @property
    def changes(self) -> list[dict[str, Any]]:
        return list(self.data.get("changes", []))


def releases_in(folder: Path) -> list[str]:
    """The versions released in ``folder`` (subfolders holding a ``changes.json``), oldest first."""
    if not folder.is_dir():
        return []
    found = [
        p.name
        for p in folder.iterdir()
        if VERSION_PATTERN.fullmatch(p.name) and (p / CHANGES_JSON).is_file()
    ]
    return sorted(found, key=version_key)


def read_release(folder: Path, version: str) -> ReleaseChanges:
    """The release ``version`` of ``folder``; a changes.json that cannot be read is a GovkgError."""
    path = folder / version / CHANGES_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise GovkgError(f"{path}: cannot be read ({problem})") from None
    return ReleaseChanges(version, folder / version, data)


def history(folder: Path) -> tuple[ReleaseChanges, ...]:
    """Every release of ``folder``, oldest first (cached while no changes.json changes)."""
    versions = releases_in(folder)
    stamp = tuple((v, (folder / v / CHANGES_JSON).stat().st_mtime_ns) for v in versions)
    return _history(folder, stamp)


@lru_cache(maxsize=8)
def _history(folder: Path, stamp: tuple[tuple[str, int], ...]) -> tuple[ReleaseChanges, ...]:
    return tuple(read_release(folder, version) for version, _mtime in stamp)


def changes_about(
    iri: str, releases: tuple[ReleaseChanges, ...]
) -> list[tuple[ReleaseChanges, dict[str, Any]]]:
    """Each change of each release that is about ``iri`` (the changed resource, or the actor,
    instrument or event it relates to), newest release first."""
    return [
        (release, change)
        for release in reversed(releases)
        for change in release.changes
        if change.get("iri") == iri or iri in change.get("related", ())
    ]


_IRI = re.compile(r"<([^<>\s\"]+)>")


def shown(term: str) -> str:
    """An N-Triples term as people read it: IRIs compacted (``stancekind:signed``)."""
    return _IRI.sub(lambda match: compact(match.group(1)), term)


def values_shown(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join(shown(v) for v in values) if values else "(none)"


def property_line(prop: dict[str, Any]) -> str:
    """A property's change as a line: ``gk:stanceKind: stancekind:signed → stancekind:declined``."""
    old, new = values_shown(prop["old"]), values_shown(prop["new"])
    return f"{compact(prop['property'])}: {old} → {new}"
