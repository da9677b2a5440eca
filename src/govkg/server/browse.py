"""Browsing the graph: index pages of states, instruments, events, people and themes, the search
over labels, and the paged HTML view of one resource (``/doc/X.page-N.html``, or ``?page=N``).

Index pages answer at ``/states.html`` and ``/states``; pages link to the ``.html`` form, which
:data:`govkg.site.paths.INDEX_PATHS` lists for a static copy of the site.  The search
(``/search?q=``) needs the server: the text is bound as an RDF literal, never pasted into the
query.
"""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.coverage import page_coverage
from govkg.server.context import Context
from govkg.server.http import html_response, site_root
from govkg.server.settings import ServerSettings
from govkg.site import pages
from govkg.site.coverage_html import coverage_html
from govkg.site.resources import INDEXES, Description, Index, Match, list_index, search, view
from govkg.store import Store

#: Longest search text taken (characters); the rest is dropped.
MAX_SEARCH = 200


def page_number(text: str | None) -> int:
    """The page a ``?page=`` value asks for: a positive integer, else 1."""
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return max(1, number)


async def resource_html(
    store: Store,
    settings: ServerSettings,
    description: Description,
    doc_name: str,
    request: Request,
    number: int | None = None,
) -> str:
    """The HTML page of a described resource, at page ``number`` (its path's ``.page-N``), else
    the page its ``?page=`` asks for."""
    number = number or page_number(request.query_params.get("page"))
    root = site_root(request)

    def render() -> str:
        coverage = page_coverage(store, description.iri)
        notice = coverage_html(coverage, settings, root) if coverage else ""
        shown = view(store, description, number)
        return pages.resource_page(shown, settings, doc_name, root, notice)

    return await run_in_threadpool(render)


class Browse:
    """The handlers of the index pages and the search."""

    def __init__(self, context: Context) -> None:
        self.store = context.store
        self.settings = context.settings

    async def index(self, request: Request, index: Index) -> Response:
        rows = await run_in_threadpool(list_index, self.store, index)
        return html_response(pages.index_page(index, rows, self.settings, site_root(request)))

    async def search(self, request: Request) -> Response:
        text = request.query_params.get("q", "").strip()[:MAX_SEARCH]
        matches: list[Match] = []
        more = False
        if text:
            base = self.settings.public_base
            matches, more = await run_in_threadpool(search, self.store, text, base)
        page = pages.search_page(text, matches, more, self.settings, site_root(request))
        return html_response(page)


def routes(context: Context) -> list[BaseRoute]:
    """The search and the index pages (each at ``/NAME.html`` and ``/NAME``)."""
    browse = Browse(context)
    found: list[BaseRoute] = [Route("/search", browse.search)]
    for index in INDEXES:
        endpoint = partial(browse.index, index=index)
        found += [Route(f"/{index.name}.html", endpoint), Route(f"/{index.name}", endpoint)]
    return found
