"""``/search`` (HTML) and ``/search.json``: the text search, ``?q=`` the text, ``&kind=`` the
kinds (repeated or comma-separated; none: every kind), ``&page=`` the page; ``.json`` also takes
``&limit=`` (hits a page, 1 to 100).

The index is built from the store on the first search (:class:`govkg.textsearch.TextSearch`),
never when the app is made: a static copy of the site (``govkg publish``) crawls no search, and
keeps the search box, which only a server can answer.  The text reaches the index as bound
parameters and quoted words, never as query syntax.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.errors import RequestError
from govkg.server.context import Context
from govkg.server.http import error_response, html_response, site_root
from govkg.site.search_pages import text_search_page
from govkg.textsearch import PER_PAGE, SearchPage, SearchRequest, TextSearch, page_json

#: Longest search text taken (characters); the rest is dropped.
MAX_TEXT = 200
#: Most hits a page of ``/search.json`` gives.
MAX_LIMIT = 100


def _number(text: str | None, default: int) -> int:
    """A positive integer from a query parameter; ``default`` when it is not one."""
    try:
        return max(1, int(text or default))
    except ValueError:
        return default


def search_request(params: QueryParams, base: str, per_page: int = PER_PAGE) -> SearchRequest:
    """The search a query string asks for (an unknown kind is a :class:`RequestError`)."""
    kinds = tuple(k for value in params.getlist("kind") for k in value.split(",") if k.strip())
    return SearchRequest(
        params.get("q", "").strip()[:MAX_TEXT],
        tuple(dict.fromkeys(k.strip() for k in kinds)),
        _number(params.get("page"), 1),
        per_page,
        base,
    )


class TextSearchHandlers:
    """The two handlers, sharing the store's index."""

    def __init__(self, context: Context) -> None:
        self.settings = context.settings
        self.index = TextSearch(context.store)

    async def find(self, request: SearchRequest) -> SearchPage:
        """The page asked for, or the last page when it asks for one past it."""
        found = await run_in_threadpool(self.index.search, request)
        if not found.hits and found.total and request.page > found.pages:
            last = SearchRequest(request.text, request.kinds, found.pages, request.per_page,
                                 request.base)  # fmt: skip
            found = await run_in_threadpool(self.index.search, last)
        return found

    async def page(self, request: Request) -> Response:
        """``/search``: the form, and the hits when there is a text."""
        try:
            wanted = search_request(request.query_params, self.settings.public_base)
        except RequestError as error:
            return error_response(request, 400, str(error))
        found = await self.find(wanted) if wanted.text else None
        html = text_search_page(found, wanted.text, self.settings, site_root(request))
        return html_response(html)

    async def json(self, request: Request) -> Response:
        """``/search.json``: a page of hits as JSON (see :func:`govkg.textsearch.page_json`)."""
        params = request.query_params
        limit = _number(params.get("limit"), PER_PAGE)
        try:
            if limit > MAX_LIMIT:
                raise RequestError("limit", f"limit {limit}: at most {MAX_LIMIT}")
            wanted = search_request(params, self.settings.public_base, limit)
        except RequestError as error:
            return error_response(request, 400, str(error))
        if not wanted.text:
            return error_response(request, 400, "give the text to search for: ?q=WORDS")
        found = await self.find(wanted)
        body = json.dumps(page_json(found), ensure_ascii=False, indent=1)
        return Response(body + "\n", media_type="application/json")


def routes(context: Context) -> list[BaseRoute]:
    """``/search`` and ``/search.json``."""
    handlers = TextSearchHandlers(context)
    return [
        Route("/search", handlers.page, methods=["GET", "HEAD"]),
        Route("/search.json", handlers.json, methods=["GET", "HEAD"]),
    ]
