"""The query catalogue on the web: ``/queries`` lists it, ``/queries/NAME`` runs one query.

Each query of ``queries/`` (read by :mod:`govkg.queries`) answers as an HTML table, SPARQL JSON or
CSV: ``/queries/NAME.html``, ``.json`` and ``.csv`` name the format (so a static copy of the site
has one file per format), and ``/queries/NAME`` picks one by the Accept header (HTML for browsers
and for ``*/*``).  Parameters come from the query string, are checked against the type the query's
header declares (:meth:`govkg.queries.Query.bindings`, as ``govkg query -p`` does) and are bound
as RDF terms by the store, never pasted into the query text.  ``/queries.json`` is the catalogue
itself, each query with a ready-to-run text for the query page's editor.
"""

from __future__ import annotations

import json
import re
from functools import partial
from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from govkg.errors import NotReadyError, ParameterError, QueryError
from govkg.paging import Page, Paged, Totals, run_page
from govkg.queries import (
    Query,
    catalogue,
    check_given,
    result_coverage,
    sorted_concatenations,
)
from govkg.server import listings
from govkg.server.context import Context
from govkg.server.http import error_response, html_response, not_ready_response, site_root
from govkg.server.listings import listed_page
from govkg.server.negotiation import choose
from govkg.server.paged import PageRequest, paged_headers, paged_members, paging_html, split_paging
from govkg.server.results import TRUNCATED, to_csv, to_json
from govkg.server.settings import ServerSettings
from govkg.site import pages
from govkg.site.coverage_html import COVERAGE_HEADER
from govkg.site.formats import QUERY_FORMATS
from govkg.site.paths import query_path
from govkg.site.query_pages import Capped, Covered, listing_table, query_body
from govkg.store import INERT, QueryResult, Store, Term

#: What the Accept header may ask for at ``/queries/NAME`` (``application/json`` is JSON too).
_OFFERED = {**{m: e for e, m in QUERY_FORMATS.items()}, "application/json": "json"}
#: Where a page's links go on a query page: after the rows, before the query's text.
_QUERY_TEXT = "<h2>The query</h2>"
#: The opening of the query's WHERE block, past comments, strings and IRIs (which are skipped).
_WHERE = re.compile(rf"(?:{INERT.pattern})|(?P<where>(?<![\w:?$])WHERE\s*\{{)", re.IGNORECASE)


def example_text(query: Query) -> str:
    """The query, ready to run anywhere: its parameters' defaults in a ``VALUES`` clause at the
    top of its ``WHERE`` block.

    There the values are joined before any FILTER, BIND or EXISTS of the block sees the
    variables, so the query gives the rows it gives with the parameters bound (a trailing VALUES
    would be joined after them).  A required parameter is left out, and a comment says so.
    """
    if not query.parameters:
        return query.text
    where = next((m for m in _WHERE.finditer(query.text) if m.group("where")), None)
    if where is None:
        return query.text
    notes = "".join(
        f"#   ?{p.name} ({p.type}"
        + (")" if p.default is not None else ", required: add it to the VALUES line)")
        + f": {p.description}\n"
        for p in query.parameters
    )
    bound = [p for p in query.parameters if p.default is not None]
    variables = " ".join(f"?{p.name}" for p in bound)
    terms = " ".join(str(p.bind(p.default)) for p in bound if p.default is not None)
    values = f"\n  VALUES ({variables}) {{ ({terms}) }}  # the parameters" if bound else ""
    head = "# Parameters, bound by the VALUES line at the top of WHERE (edit it to change them):\n"
    text, end = query.text, where.end()
    return head + notes + text[:end] + values + text[end:]


def _as_table(result: QueryResult) -> QueryResult:
    """A CONSTRUCT or DESCRIBE answer as a table of subject, predicate and object."""
    if result.kind != "graph":
        return result
    rows: list[tuple[Term | None, ...]] = [
        (t.subject, t.predicate, t.object) for t in result.triples
    ]
    return QueryResult("select", ["subject", "predicate", "object"], rows)


def capped(result: QueryResult, max_rows: int) -> Capped:
    """The answer with at most ``max_rows`` rows, saying whether it had more."""
    table = _as_table(result)
    if len(table.rows) <= max_rows:
        return Capped(table, False)
    return Capped(QueryResult(table.kind, table.variables, table.rows[:max_rows]), True)


def given_params(request: Request) -> dict[str, str]:
    """The query string as parameter values; a parameter given twice is refused."""
    given: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        if name in given:
            raise ParameterError(f"parameter {name!r} is given more than once")
        given[name] = value
    return given


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept")
    return bool(accept) and choose(accept, ["text/plain", "text/html"]) == "text/html"


class Catalogue:
    """The handlers of ``/queries``, sharing the store, the settings and the catalogue."""

    def __init__(
        self,
        store: Store,
        settings: ServerSettings,
        queries: list[Query],
        totals: Totals | None = None,
        wait_s: float | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.queries = {q.name: q for q in queries}
        self.totals = totals
        #: Seconds a request waits for a whole answer being read before it is answered 503
        #: (None: until it is read, as for a static copy's crawl).
        self.wait_s = wait_s

    async def listing(self, request: Request) -> Response:
        """``/queries`` and ``/queries.html``: every query with its parameters and formats."""
        root = site_root(request)
        body = "<h1>Queries</h1>" + listing_table(list(self.queries.values()), root)
        return html_response(pages.page("Queries", body, root))

    async def listing_json(self, request: Request) -> Response:
        """``/queries.json``: the catalogue, each query with a text ready for the editor."""
        entries = [catalogue_entry(q) for q in self.queries.values()]
        return Response(json.dumps({"queries": entries}), media_type="application/json")

    async def answer(self, request: Request) -> Response:
        """``/queries/NAME[.html|.json|.csv]``: the query's answer in the format asked for."""
        name, ext = _split_format(request.path_params["name"])
        query = self.queries.get(name)
        if query is None:
            return self.not_found(request, name)
        headers = {} if ext else {"Vary": "Accept"}
        ext = ext or _OFFERED.get(choose(request.headers.get("accept"), list(_OFFERED)) or "")
        if ext is None:
            formats = ", ".join(QUERY_FORMATS.values())
            return PlainTextResponse(f"acceptable formats: {formats}\n", 406, headers)
        try:
            given, wanted = split_paging(query, given_params(request), self.settings.max_rows)
            if wanted is not None:
                return await self.answer_page(request, query, given, wanted, ext, headers)
            bindings = query.bindings(given)
            await run_in_threadpool(check_given, self.store, query, given)  # unknown IRIs: 400
            result = await self.run(query, bindings)
        except ParameterError as error:
            return error_response(request, 400, str(error))
        except QueryError as error:
            return error_response(request, 500, f"{query.name}: {error}")
        except NotReadyError as error:  # its whole answer is being read: ask again soon
            return not_ready_response(request, error)
        answer = capped(result, self.settings.max_rows)
        if answer.truncated:
            headers[TRUNCATED] = "true"
        coverage = await run_in_threadpool(
            partial(result_coverage, self.store, query, given, answer.result)
        )
        if result.kind == "select":
            headers[COVERAGE_HEADER] = coverage.header()
        return self.render(request, query, given, Covered(answer, coverage), ext, headers)

    async def answer_page(
        self,
        request: Request,
        query: Query,
        given: dict[str, str],
        wanted: PageRequest,
        ext: str,
        headers: dict[str, str],
    ) -> Response:
        """``?page=N`` / ``?limit=SIZE``: one page, paged in the query, with the total of rows
        (:mod:`govkg.server.paged`)."""
        paged = await run_in_threadpool(partial(self.page_of, query, given, wanted.page))
        headers.update(paged_headers(given, wanted, paged))
        coverage = await run_in_threadpool(
            partial(result_coverage, self.store, query, given, paged.result)
        )
        headers[COVERAGE_HEADER] = coverage.header()
        if ext == "json":
            extra = {"coverage": coverage.as_json(), **paged_members(wanted, paged)}
            text = to_json(paged.result, extra)
            return Response(text, media_type=QUERY_FORMATS["json"], headers=headers)
        covered = Covered(Capped(paged.result, False, paged.total), coverage)
        nav = paging_html(given, wanted, paged)
        return self.render(request, query, given, covered, ext, headers, nav)

    def page_of(self, query: Query, given: dict[str, str], page: Page) -> Paged:
        """A page of the answer: from its kept listing (:mod:`govkg.server.listings`), else
        paged in the query."""
        if self.store.embedded:
            check_given(self.store, query, given)
            listed = listed_page(self.store, query, query.bindings(given), page, self.wait_s)
            if listed is not None:
                return listed
        return run_page(self.store, query, given, page, self.totals)

    def render(
        self,
        request: Request,
        query: Query,
        given: dict[str, str],
        covered: Covered,
        ext: str,
        headers: dict[str, str],
        nav: str = "",
    ) -> Response:
        """The answer as SPARQL JSON (with a ``coverage`` member), CSV (coverage in the
        ``X-Govkg-Coverage`` header) or the query's HTML page (a coverage notice; ``nav``, a
        page's links, after the rows)."""
        answer = covered.answer
        if ext == "json":
            text = to_json(answer.result, {"coverage": covered.coverage.as_json()})
            return Response(text, media_type=QUERY_FORMATS["json"], headers=headers)
        if ext == "csv":
            text = to_csv(answer.result)
            return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
        root = site_root(request)
        body = query_body(query, given, covered, self.settings, root)
        body = body.replace(_QUERY_TEXT, nav + _QUERY_TEXT, 1) if nav else body
        return html_response(pages.page(query.title, body, root), 200, headers)

    async def run(self, query: Query, bindings: dict[str, Term]) -> QueryResult:
        """Run the query in a thread, reading one row past the cap to tell a cut answer."""
        limit = self.settings.max_rows
        listed = await run_in_threadpool(
            partial(listed_page, self.store, query, bindings, Page(limit + 1), self.wait_s)
        )
        if listed is not None:
            return listed.result
        result = await run_in_threadpool(
            partial(self.store.query, query.text, bindings, limit=limit)
        )
        return sorted_concatenations(query.text, result)  # the same from every store

    def not_found(self, request: Request, name: str) -> Response:
        """404: the page lists the catalogue (plain text names it for other clients)."""
        message = f"no query named {name!r}"
        if not _wants_html(request):
            names = ", ".join(self.queries)
            return PlainTextResponse(f"{message}; the catalogue has: {names}\n", 404)
        root = site_root(request)
        body = (
            f"<h1>Not found</h1><p>The catalogue has {escape(message)}. It has these:</p>"
            + listing_table(list(self.queries.values()), root)
        )
        return html_response(pages.page("Not found", body, root), 404)


def _split_format(name: str) -> tuple[str, str | None]:
    """``signatories.json`` → (``signatories``, ``json``); no known extension → (name, None)."""
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot and ext in QUERY_FORMATS else (name, None)


def catalogue_entry(query: Query) -> dict[str, object]:
    """One query in ``/queries.json``: header, links (from the site's top) and editor text."""
    return {
        "name": query.name,
        "kind": query.kind,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
            for p in query.parameters
        ],
        **{ext: query_path(query.name, ext) for ext in QUERY_FORMATS},
        "query": example_text(query),
    }


def routes(context: Context) -> list[BaseRoute]:
    """``/queries``, ``/queries.html``, ``/queries.json`` and ``/queries/NAME[.EXT]``."""
    queries = catalogue(context.served_project())
    wait_s = None if context.patient else listings.WAIT_S  # a crawl or one --get waits
    handlers = Catalogue(context.store, context.settings, queries, context.totals, wait_s)
    return [
        Route("/queries", handlers.listing, methods=["GET", "HEAD"]),
        Route("/queries.html", handlers.listing, methods=["GET", "HEAD"]),
        Route("/queries.json", handlers.listing_json, methods=["GET", "HEAD"]),
        Route("/queries/{name:path}", handlers.answer, methods=["GET", "HEAD"]),
    ]
