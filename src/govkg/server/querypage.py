"""The query page at ``/query``: YASGUI on the SPARQL endpoint, with the catalogue as examples.

YASGUI (``@zazuko/yasgui``, its built files vendored in ``static/vendor/yasgui/``, see the README
there) is served by this app at ``/static/vendor/yasgui/``: the page loads nothing from another
host and keeps the site's Content-Security-Policy, ``default-src 'self'``.  The page has no inline
script: ``/static/query.js`` starts YASGUI and reads the examples from ``/queries.json``.

Without JavaScript the page is still usable: its plain form sends the query to ``/query`` (GET),
which runs it like ``/sparql`` (same query processes, time limit and row cap) and shows the answer
as an escaped HTML table; the examples are links to ``/queries/NAME.html``.
"""

from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib.resources import files

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.queries import Query, catalogue
from govkg.server.catalogue import example_text
from govkg.server.context import Context
from govkg.server.dataset import cached
from govkg.server.execute import Job
from govkg.server.http import html_response, site_root
from govkg.server.results import TRUNCATED, Answer
from govkg.site import pages
from govkg.site.layout import Layout
from govkg.site.paths import QUERY_PAGE_PATHS, query_href
from govkg.site.query_pages import results_table
from govkg.store import QueryResult, Term

#: The vendored YASGUI: its folder under ``static/`` and its files with their media types.
VENDOR = "vendor/yasgui"
VENDOR_FILES = {
    "yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui.min.css": "text/css; charset=utf-8",
    "LICENSE": "text/plain; charset=utf-8",
    "README.md": "text/markdown; charset=utf-8",
}
#: The page's own script and styles, served at ``/static/query.js`` and ``/static/query.css``.
SCRIPT = "query.js"
STYLE = "query.css"
#: The example the editor opens with (the README's first question), when the catalogue has it.
START = "stances-on-instrument"
#: The paths of the query page and its files, for a static copy of the site.
PATHS = QUERY_PAGE_PATHS
#: YASGUI's files change only with govkg's version: browsers keep them a day, then revalidate
#: them by their ETag (a 304 instead of 1 MB).
_KEEP = {"Cache-Control": "public, max-age=86400"}
#: What the plain form asks ``/sparql``'s runner for: SPARQL JSON, or N-Triples for a graph.
_ACCEPT = "application/sparql-results+json, application/n-triples"


@cache
def static_file(relative: str) -> bytes:
    """A file of ``static/`` (package data, next to this module), read once."""
    return files("govkg.server").joinpath("static", *relative.split("/")).read_bytes()


def script_text() -> str:
    """The text of ``static/query.js``."""
    return static_file(SCRIPT).decode("utf-8")


def _assets(root: str) -> str:
    """The YASGUI stylesheet and the scripts, deferred: they run in order once the page is parsed.

    A stylesheet link may stand in the body, so :func:`govkg.site.pages.page` is used as is."""
    vendor = f"{escape(root)}/static/{VENDOR}"
    return (
        f'<link rel="stylesheet" href="{vendor}/yasgui.min.css">'
        f'<link rel="stylesheet" href="{escape(root)}/static/{STYLE}">'
        f'<script defer src="{vendor}/yasgui.min.js"></script>'
        f'<script defer src="{escape(root)}/static/{SCRIPT}"></script>'
    )


def _examples(queries: list[Query], root: str) -> str:
    items = "".join(
        f'<li><a href="{escape(query_href(root, q.name))}">{escape(q.title)}</a> '
        f"<small>({escape(q.name)})</small></li>"
        for q in queries
    )
    return f"<h2>Examples</h2><p>The query catalogue, each with its answer:</p><ul>{items}</ul>"


def _start(queries: list[Query]) -> Query | None:
    """The example to open first: :data:`START`, else the first of the catalogue."""
    return next((q for q in queries if q.name == START), queries[0] if queries else None)


def _plain_form(text: str, action: str, note: str = "The answer is shown below as a table.") -> str:
    """A form that sends a query (GET) to ``action``; the script hides it once YASGUI runs."""
    return (
        f'<form id="plain-query" method="get" action="{escape(action)}">'
        f'<p><label>SPARQL query<br><textarea name="query" rows="16" cols="80">{escape(text)}'
        f"</textarea></label></p><p><button>Run</button> <small>{escape(note)}</small></p></form>"
    )


def copy_page_html(queries: list[Query], root: str, endpoint: str) -> str:
    """The query page of a static copy of the site, which runs no query itself: YASGUI on the
    graph's SPARQL ``endpoint`` elsewhere, or, with none (``""``), where to get the graph."""
    if not endpoint:
        body = (
            "<h1>Query the graph</h1><p>This copy of the site has no SPARQL endpoint. Download "
            f'the graph to query it yourself: <a href="{escape(root)}/sparql/">where to get '
            "it</a>. The examples below are the query catalogue, each with its answer.</p>"
            + _examples(queries, root)
        )
        return pages.page("Query", body, root)
    first = _start(queries)
    body = (
        "<h1>Query the graph</h1>"
        f'<p>SPARQL 1.1 against the graph\'s endpoint, <a href="{escape(endpoint)}">'
        f"{escape(endpoint)}</a>. Open an example from the catalogue, edit it, and press Run; "
        "the answer is shown as a table.</p>"
        f'<div id="yasgui" data-endpoint="{escape(endpoint)}" '
        f'data-examples="{escape(root)}/queries.json" '
        f'data-start="{escape(first.name if first else "")}"></div>'
        + _plain_form(
            example_text(first) if first else "",
            endpoint,
            "The endpoint answers in its own format.",
        )
        + _examples(queries, root)
        + _assets(root)
    )
    return pages.page("Query", body, root)


def page_html(queries: list[Query], root: str, query: str | None = None, answer: str = "") -> str:
    """The query page: the YASGUI holder, the plain form (with ``query`` and its ``answer``, an
    HTML fragment, when one was run) and the examples."""
    first = _start(queries)
    start = first.name if first else ""
    text = query if query is not None else example_text(first) if first else ""
    ran = f' data-query="{escape(query)}"' if query is not None else ""
    body = (
        "<h1>Query the graph</h1>"
        f'<p>SPARQL 1.1 against <a href="{escape(root)}/sparql">this server\'s endpoint</a> '
        "(read-only; the prefixes <code>gk:</code>, <code>state:</code>, "
        "<code>instrument:</code> … are predeclared). Open an example from the catalogue, "
        "edit it, and press Run; the answer is shown as a table.</p>"
        f'<div id="yasgui" data-endpoint="{escape(root)}/sparql" '
        f'data-examples="{escape(root)}/queries.json" data-start="{escape(start)}"{ran}></div>'
        + _plain_form(text, f"{root}/query.html")
        + (f'<section id="plain-answer"><h2>Answer</h2>{answer}</section>' if answer else "")
        + _examples(queries, root)
        + _assets(root)
    )
    return pages.page("Query", body, root)


def _term(value: dict[str, object]) -> Term:
    """A term of SPARQL JSON results as a pyoxigraph term (a quoted triple as its text)."""
    kind, text = value.get("type"), value.get("value")
    if kind == "uri":
        return ox.NamedNode(str(text))
    if kind == "bnode":
        return ox.BlankNode(str(text))
    if kind in ("literal", "typed-literal") and "xml:lang" in value:
        return ox.Literal(str(text), language=str(value["xml:lang"]))
    if kind in ("literal", "typed-literal") and "datatype" in value:
        return ox.Literal(str(text), datatype=ox.NamedNode(str(value["datatype"])))
    return ox.Literal(str(text) if kind != "triple" else json.dumps(text))


def answer_result(answer: Answer) -> QueryResult:
    """A successful answer of the runner (SPARQL JSON, or N-Triples for a graph) as a table."""
    if answer.media_type.startswith("application/n-triples"):
        triples = [q.triple for q in ox.parse(answer.body, ox.RdfFormat.N_TRIPLES)]
        rows: list[tuple[Term | None, ...]] = [(t.subject, t.predicate, t.object) for t in triples]
        return QueryResult("select", ["subject", "predicate", "object"], rows)
    data = json.loads(answer.body)
    if "boolean" in data:
        return QueryResult("ask", boolean=bool(data["boolean"]))
    names = list(data["head"]["vars"])
    rows = [
        tuple(_term(b[n]) if n in b else None for n in names) for b in data["results"]["bindings"]
    ]
    return QueryResult("select", names, rows)


def answer_html(answer: Answer, settings: Layout, root: str) -> str:
    """The runner's answer as HTML: an escaped table with its row count, or the error."""
    if answer.status >= 400:
        return f'<p class="error">The query failed ({answer.status}): {escape(answer.message)}</p>'
    result = answer_result(answer)
    count = len(result.rows)
    note = f"<p>{count} row{'' if count == 1 else 's'}.</p>" if result.kind != "ask" else ""
    if answer.headers.get(TRUNCATED):
        note = f"<p><strong>Truncated:</strong> only the first {count} rows are shown.</p>"
    return note + results_table(result, settings, root)


class QueryPage:
    """The handlers of the query page."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.queries = catalogue(context.served_project())
        self.script = script_text()

    def response(self, request: Request) -> Response:
        """The page, empty (also for ``/sparql`` in a browser); a static copy's own version."""
        root, endpoint = site_root(request), self.context.copy_endpoint
        if endpoint is not None:
            return html_response(copy_page_html(self.queries, root, endpoint))
        return html_response(page_html(self.queries, root))

    async def page(self, request: Request) -> Response:
        """``/query`` and ``/query.html``; with ``?query=…``, the query run and its answer."""
        query = request.query_params.get("query")
        if query is None or not query.strip() or self.context.copy_endpoint is not None:
            return self.response(request)
        settings = self.context.settings
        job = Job(query, _ACCEPT, settings.max_rows)
        answer = await self.context.runner.run(job, settings.timeout_s)
        root = site_root(request)
        page = page_html(self.queries, root, query, answer_html(answer, settings, root))
        return html_response(page, 200 if answer.status < 400 else answer.status)

    async def javascript(self, request: Request) -> Response:
        """``/static/query.js``: the script that starts YASGUI."""
        return Response(self.script, media_type="text/javascript; charset=utf-8")

    async def style(self, request: Request) -> Response:
        """``/static/query.css``: the rules YASGUI would add in a ``<style>`` the CSP blocks."""
        return Response(static_file(STYLE), media_type="text/css; charset=utf-8")

    async def vendored(self, request: Request) -> Response:
        """``/static/vendor/yasgui/NAME``: YASGUI's built files, its licence and README."""
        name = request.path_params["name"]
        if name not in VENDOR_FILES:
            return Response("not found\n", 404, media_type="text/plain; charset=utf-8")
        media = VENDOR_FILES[name].split(";")[0]  # cached() adds the charset of a text type
        return cached(request, static_file(f"{VENDOR}/{name}"), media, _KEEP)


def query_page(context: Context) -> QueryPage:
    """The query page of the context's catalogue (``/sparql`` may show it to browsers too)."""
    return QueryPage(context)


def routes(context: Context) -> list[BaseRoute]:
    """``/query``, ``/query.html``, ``/static/query.js``, ``query.css`` and the vendored YASGUI."""
    handlers = query_page(context)
    return [
        Route("/query", handlers.page, methods=["GET", "HEAD"]),
        Route("/query.html", handlers.page, methods=["GET", "HEAD"]),
        Route(f"/static/{SCRIPT}", handlers.javascript, methods=["GET", "HEAD"]),
        Route(f"/static/{STYLE}", handlers.style, methods=["GET", "HEAD"]),
        Route(f"/static/{VENDOR}/{{name}}", handlers.vendored, methods=["GET", "HEAD"]),
    ]
