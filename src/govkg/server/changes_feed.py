"""``/changes.atom``: the Atom feed of changes between releases, as the newest release in the
served project's ``releases/`` folder wrote it (read-only; 404 when there is no release)."""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.server.context import Context
from govkg.server.dataset import cached
from govkg.server.http import error_response
from govkg.site.release_history import CHANGES_ATOM, RELEASES_DIR, releases_in

ATOM = "application/atom+xml"


def newest_feed(folder: Path) -> bytes | None:
    """The feed of the newest release in ``folder`` that has one, or None."""
    for version in reversed(releases_in(folder)):
        path = folder / version / CHANGES_ATOM
        if path.is_file():
            return path.read_bytes()
    return None


class ChangesFeed:
    """The handler, reading the served project's releases folder at each request."""

    def __init__(self, context: Context) -> None:
        self.context = context

    async def feed(self, request: Request) -> Response:
        folder = self.context.releases()
        body = await run_in_threadpool(newest_feed, folder) if folder is not None else None
        if body is None:
            message = (
                f"no release yet: {RELEASES_DIR}/ holds no {CHANGES_ATOM} "
                "(`govkg release VERSION` writes one)"
            )
            return error_response(request, 404, message)
        return cached(request, body, ATOM)


def routes(context: Context) -> list[BaseRoute]:
    """The route of the feed."""
    return [Route(f"/{CHANGES_ATOM}", ChangesFeed(context).feed, methods=["GET", "HEAD"])]
