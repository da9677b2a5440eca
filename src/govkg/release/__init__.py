"""Citable releases of the graph and the changes between them (``govkg release``)."""

from govkg.release.build import Release, make_release
from govkg.release.versions import ReleaseError, check_version

__all__ = ["Release", "ReleaseError", "check_version", "make_release"]
