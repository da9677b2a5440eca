"""``/doc/instrument/X.statuses.csv?at=D`` (and ``.json``): each actor's status on the instrument
on day D, as ``govkg status --at D --instrument X --format csv`` (or ``json``) prints it; and
``/doc/state/X.statuses.csv?at=D`` (``org/X``): the actor's status on every instrument, as
``govkg status --at D --actor X`` prints it.

No day, or one that is not a day, is a 400 naming ``at``; an unknown instrument or actor a 404.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.errors import ParameterError, RequestError
from govkg.server.context import Context
from govkg.server.http import error_response
from govkg.site.status_matrix import day_param
from govkg.site.status_pages import DOWNLOADS, dated_page, statuses_of, statuses_text

_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class StatusDownloads:
    """The handler, sharing the app's store and settings."""

    def __init__(self, context: Context) -> None:
        self.store = context.store
        self.settings = context.settings

    async def download(self, request: Request) -> Response:
        kind, name, ext = (request.path_params[k] for k in ("kind", "name", "ext"))
        iri = self.settings.iri(f"{kind}/{name}")
        if ext not in DOWNLOADS or not dated_page(iri):
            return error_response(request, 404, f"no download {request.url.path!r}")
        try:
            day = day_param(request.query_params)
        except ParameterError as error:
            return error_response(request, 400, str(error))
        if not day:
            return error_response(request, 400, "at: give the day, such as ?at=2025-06-01")
        try:
            found = await run_in_threadpool(statuses_of, self.store, iri, day)
        except RequestError as error:
            return error_response(request, 404, str(error))
        return Response(statuses_text(found, ext), media_type=_MEDIA[ext])


def routes(context: Context) -> list[BaseRoute]:
    """The statuses' downloads (before the ``/doc/`` documents, whose path they would match)."""
    handler = StatusDownloads(context)
    path = context.settings.doc_prefix + "{kind}/{name}.statuses.{ext}"
    return [Route(path, handler.download, methods=["GET", "HEAD"])]
