"""Browsing the graph: index pages of states, instruments, events, people and themes, the text
search, and the paged HTML view of one resource (``/doc/X.page-N.html``, or ``?page=N``).

Index pages answer at ``/states.html`` and ``/states``; pages link to the ``.html`` form, which
:data:`govkg.site.paths.INDEX_PATHS` lists for a static copy of the site.  The search
(``/search?q=``, ``/search.json``: :mod:`govkg.server.text_search`) needs the server.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.coverage import ORG_BASE, STATE_BASE, Coverage, page_coverage
from govkg.errors import GovkgError, NotReadyError, ParameterError, RequestError
from govkg.server import text_search
from govkg.server.context import Context
from govkg.server.http import error_response, html_response, not_ready_response, site_root
from govkg.server.settings import ServerSettings
from govkg.site import pages
from govkg.site.compare import compare, comparison_csv, comparison_json
from govkg.site.compare_pages import comparison_page
from govkg.site.coverage_html import coverage_html
from govkg.site.evidence import evidence_html, kept_evidence_html
from govkg.site.kept import KeptByKey
from govkg.site.matrix import MatrixRequest, matrix_csv, matrix_path, matrix_view
from govkg.site.matrix_pages import matrix_page
from govkg.site.profile_pages import profile_html
from govkg.site.resources import (
    INDEXES,
    Description,
    Index,
    ResourceView,
    describe,
    list_index,
    view,
    with_stances,
)
from govkg.site.state_profiles import ALIGNMENT_WAIT_S
from govkg.site.status_matrix import day_param, matrix_alignment
from govkg.site.status_pages import dated_page, status_block
from govkg.site.unlisted import ready_actor_coverage
from govkg.store import Store


def split_page(name: str) -> tuple[str, int | None]:
    """``USA.page-2`` → (``USA``, 2); a name without a page → (name, None)."""
    stem, dot, suffix = name.rpartition(".page-")
    if dot and suffix.isdigit() and int(suffix) > 0:
        return stem, int(suffix)
    return name, None


def strict_page_number(text: str | None) -> int:
    """The page a ``?page=`` value asks for (1 without one); anything but a whole number of 1
    or more is a :class:`ParameterError` naming it."""
    if text is None:
        return 1
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ParameterError(f"page {text!r}: expected a whole number, 1 or more")
    return int(text)


#: The notices of the instruments' and events' pages asked for last, kept a while.
_NOTICES: KeptByKey[str, Coverage | None] = KeptByKey(page_coverage, 256)
#: Seconds an actor's page waits for the whole graph's lists before it says its notice is not
#: ready (a small graph's are read within them; at 4 M triples they take longer).
LISTS_WAIT_S = 10.0
#: An actor's notice while the whole graph's lists are being read.
_LISTS_NOT_READY = (
    '<div class="coverage unknowable" role="note"><p><strong>Coverage: not ready yet.</strong> '
    "Which incomplete lists this actor is not on is worked out from every list in the graph, "
    "and that is still being read (on a large graph it takes a while after the server starts); "
    "load this page again later to see them.</p></div>"
)


def _notice(store: Store, iri: str, settings: ServerSettings, root: str) -> str:
    """What the page says of the lists it shows (:func:`govkg.coverage.page_coverage`), as
    HTML; an actor's from the lists kept per store (:mod:`govkg.site.unlisted`), or that it is
    not ready while those are read."""
    if iri.startswith((STATE_BASE, ORG_BASE)):
        coverage = ready_actor_coverage(store, iri, LISTS_WAIT_S)
        if coverage is None:
            return _LISTS_NOT_READY
    else:
        coverage = _NOTICES.get(store, iri)
    return coverage_html(coverage, settings, root) if coverage else ""


def _load_view(store: Store, key: tuple[str, int]) -> ResourceView:
    iri, number = key
    return view(store, describe(store, iri, incoming=False), number, stances=False)


#: The views (properties and incoming links, counted and paged) of the pages of instruments,
#: states and organisations asked for last, kept a while: an actor's 4,000 incoming links are
#: read and ordered to show 100 of them (0.2-0.3 s at 4 M triples).
_VIEWS: KeptByKey[tuple[str, int], ResourceView] = KeptByKey(_load_view, 256)


def _view(store: Store, description: Description, number: int) -> ResourceView:
    """Page ``number`` of the resource's view without its stances (kept for the pages that
    take ``?at=``: the instruments', states' and organisations')."""
    if dated_page(description.iri):
        return replace(_VIEWS.get(store, (description.iri, number)))
    return view(store, description, number, stances=False)


def _evidence(store: Store, iri: str, settings: ServerSettings, root: str) -> str:
    """The page's evidence section (kept a while on the pages that take ``?at=``)."""
    if dated_page(iri):
        return kept_evidence_html(store, iri, settings, root)
    return evidence_html(store, iri, settings, root)


async def resource_html(
    store: Store,
    settings: ServerSettings,
    description: Description,
    doc_name: str,
    request: Request,
    number: int | None = None,
    releases: Path | None = None,
) -> str:
    """The HTML page of a described resource, at page ``number`` (its path's ``.page-N``), else
    the page its ``?page=`` asks for; an instrument's, a state's or an organisation's with the
    statuses on the day ``?at=`` asks for (a bad day is a :class:`ParameterError`, as is a
    ``?page=`` that is not a page number) and what the releases in ``releases`` changed about
    it."""
    dated = dated_page(description.iri)
    number = number or strict_page_number(request.query_params.get("page"))
    root = site_root(request)
    day = day_param(request.query_params) if dated else ""

    def render() -> str:
        notice = _notice(store, description.iri, settings, root)
        shown = _view(store, description, number)
        profile = profile_html(store, description.iri, settings, root, doc_name, shown.page,
                               releases)  # fmt: skip
        if profile:  # it shows the stances its own way
            at = status_block(store, description.iri, day, settings, root, doc_name)
            profile = at + profile
        else:
            shown = with_stances(store, shown)
        evidence = _evidence(store, description.iri, settings, root) if shown.page == 1 else ""
        return pages.resource_page(shown, settings, doc_name, root, notice, profile, evidence)

    return await run_in_threadpool(render)


class Browse:
    """The handlers of the index pages, comparisons and the matrix."""

    def __init__(self, context: Context) -> None:
        self.store = context.store
        self.settings = context.settings
        #: Crawled for a static copy: forms that need the server are left out.
        self.static = context.copy_endpoint is not None
        #: How long a page that is the alignment waits for it after it was first asked for
        #: (a static copy waits for it: every page of the copy is whole; so does one --get).
        self.wait_s = None if context.patient else ALIGNMENT_WAIT_S

    async def index(self, request: Request, index: Index) -> Response:
        rows = await run_in_threadpool(list_index, self.store, index)
        return html_response(pages.index_page(index, rows, self.settings, site_root(request)))

    async def compare(self, request: Request) -> Response:
        """``/compare/A/B`` (``.html``, ``.json``, ``.csv``): two actors side by side; an
        unknown actor is a 404 naming the closest, the same actor twice a 400."""
        first = request.path_params["a"]
        second, dot, ext = request.path_params["b"].rpartition(".")
        if not dot or ext not in ("html", "json", "csv"):
            second, ext = request.path_params["b"], "html"
        second, number = split_page(second)
        try:
            number = number or strict_page_number(request.query_params.get("page"))
        except ParameterError as error:
            return error_response(request, 400, str(error))
        try:
            found = await run_in_threadpool(compare, self.store, first, second, self.wait_s)
        except NotReadyError as error:
            return not_ready_response(request, error)
        except RequestError as error:
            return error_response(request, 400, str(error))
        except GovkgError as error:
            return error_response(request, 404, str(error))
        if ext == "json":
            return Response(comparison_json(found), media_type="application/json")
        if ext == "csv":
            return Response(comparison_csv(found), media_type="text/csv; charset=utf-8")
        html = comparison_page(found, self.settings, site_root(request), second, number)
        return html_response(html)

    async def matrix(self, request: Request) -> Response:
        """``/matrix.html`` (``.csv``, ``.page-N.html``) and ``/matrix/PRESET.html`` (the
        same): the matrix, filtered by the query string; a bad parameter is a 400 naming it."""
        path = "/matrix" + request.path_params["rest"]
        parsed = matrix_path(path)
        if parsed is None:
            return error_response(request, 404, f"no matrix page {path!r}")
        preset, number, ext = parsed
        try:
            wanted = MatrixRequest.from_params(request.query_params, preset, number)
        except ParameterError as error:
            return error_response(request, 400, str(error))
        try:
            found = await run_in_threadpool(matrix_alignment, self.store, wanted.at, self.wait_s)
        except NotReadyError as error:
            return not_ready_response(request, error)
        shown = matrix_view(found, wanted)
        if ext == "csv":
            return Response(matrix_csv(shown), media_type="text/csv; charset=utf-8")
        static = self.static
        return html_response(matrix_page(shown, self.settings, site_root(request), static))


def routes(context: Context) -> list[BaseRoute]:
    """The search, the index pages (each at ``/NAME.html`` and ``/NAME``) and comparisons."""
    browse = Browse(context)
    found: list[BaseRoute] = [
        *text_search.routes(context),
        Route("/compare/{a}/{b}", browse.compare, methods=["GET", "HEAD"]),
        Route("/matrix{rest:path}", browse.matrix, methods=["GET", "HEAD"]),
    ]
    for index in INDEXES:
        endpoint = partial(browse.index, index=index)
        found += [Route(f"/{index.name}.html", endpoint), Route(f"/{index.name}", endpoint)]
    return found
