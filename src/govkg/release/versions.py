"""Release versions: which are valid, where a release lives and its IRIs."""

from __future__ import annotations

from pathlib import Path

from govkg.errors import GovkgError
from govkg.site.metadata import W3ID_BASE, Site
from govkg.site.release_history import VERSION_PATTERN, releases_in, version_key


class ReleaseError(GovkgError):
    """A release that cannot be written (exit 2)."""


def check_version(version: str) -> str:
    """``version`` if it can name a release folder (``1.0.0``), else a ReleaseError."""
    if not VERSION_PATTERN.fullmatch(version) or ".." in version:
        raise ReleaseError(
            f"version {version!r} is not a release name: use letters, digits, '.', '-' and '+' "
            "(such as 1.0.0)"
        )
    return version


def release_url(version: str) -> str:
    """Where the release is published: ``https://w3id.org/govkg/releases/VERSION/``."""
    return f"{W3ID_BASE}releases/{version}/"


def release_site(version: str) -> Site:
    return Site(release_url(version))


def release_dataset(version: str) -> str:
    """The release's IRI: its dataset in its VoID description (``…/releases/1.0.0/void#govkg``)."""
    return release_site(version).dataset


def previous_release(folder: Path, version: str, previous: str | None) -> str | None:
    """The release to compare with: ``previous`` if given (it must be in ``folder``), else the
    newest release of ``folder`` older than ``version`` (None for a first release)."""
    known = releases_in(folder)
    if previous is not None:
        if previous not in known:
            shown = ", ".join(known) or "none"
            raise ReleaseError(
                f"--previous {previous}: no such release in {folder} (releases: {shown})"
            )
        return previous
    older = [v for v in known if version_key(v) < version_key(version)]
    return older[-1] if older else None
