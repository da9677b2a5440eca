"""The query page at ``/query``: YASGUI on the SPARQL endpoint, with the catalogue as examples.

YASGUI (``@zazuko/yasgui``, pinned, with Subresource Integrity) loads from one CDN; the page's
Content-Security-Policy allows scripts and styles from that origin and ``'self'``, and requests
to ``'self'`` only.  The page has no inline script: ``/static/query.js`` starts YASGUI and reads
the examples from ``/queries.json``.  Without JavaScript (or without the CDN) the page is still
usable: it lists the examples as links to ``/queries/NAME.html`` and has a plain form that posts
a query to ``/sparql``.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from govkg.queries import Query, catalogue
from govkg.server.catalogue import example_text
from govkg.server.context import Context
from govkg.server.http import html_response, site_root
from govkg.server.negotiation import choose
from govkg.site import pages
from govkg.site.paths import query_href

CDN = "https://cdn.jsdelivr.net"
YASGUI_VERSION = "4.6.2"
_BUILD = f"{CDN}/npm/@zazuko/yasgui@{YASGUI_VERSION}/build"
#: YASGUI's script and stylesheet, with their Subresource Integrity hashes (of the npm files).
YASGUI_JS = (
    f"{_BUILD}/yasgui.min.js",
    "sha384-PHnh6NwOkxapuqrOSGWoU3gL5yzpM3UyH8b61pBZa2CGVBIx3zaMRua0OjVzxTE5",
)
YASGUI_CSS = (
    f"{_BUILD}/yasgui.min.css",
    "sha384-XrXS+j7Q5QPO5/8oDm3teEl9OpxieOPoG+28Qw1GpFjZcEGvZw++uYGBsSy/E3df",
)
CSP = f"default-src 'self'; script-src 'self' {CDN}; style-src 'self' {CDN}; connect-src 'self'"
#: The page's own script, served at ``/static/query.js``.
SCRIPT = "query.js"
#: The example the editor opens with (the README's first question), when the catalogue has it.
START = "stances-on-instrument"
#: The paths of the query page, for a static copy of the site.
PATHS = ("/query.html", f"/static/{SCRIPT}")


def script_text() -> str:
    """The text of ``static/query.js`` (package data, next to this module)."""
    return files("govkg.server").joinpath("static", SCRIPT).read_text(encoding="utf-8")


def wants_page(accept: str | None) -> bool:
    """Whether a GET of ``/sparql`` without a query should show this page: the client prefers
    HTML to Turtle (a browser does; ``*/*`` and no Accept give the Service Description)."""
    return bool(accept) and choose(accept, ["text/turtle", "text/html"]) == "text/html"


def _assets(root: str) -> str:
    """The YASGUI stylesheet and the scripts, deferred: they run in order once the page is parsed.

    A stylesheet link may stand in the body, so :func:`govkg.site.pages.page` is used as is."""
    (css, css_hash), (js, js_hash) = YASGUI_CSS, YASGUI_JS
    return (
        f'<link rel="stylesheet" href="{escape(css)}" integrity="{css_hash}" '
        'crossorigin="anonymous">'
        f'<script defer src="{escape(js)}" integrity="{js_hash}" crossorigin="anonymous"></script>'
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


def _plain_form(queries: list[Query], root: str) -> str:
    """A form that posts a query to ``/sparql``; the script hides it once YASGUI is running."""
    start = _start(queries)
    text = example_text(start) if start else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    return (
        f'<form id="plain-query" method="post" action="{escape(root)}/sparql">'
        f'<p><label>SPARQL query<br><textarea name="query" rows="16" cols="80">{escape(text)}'
        "</textarea></label></p><p><button>Run</button> "
        "<small>The answer comes as SPARQL results (JSON, XML or CSV by your browser's "
        "Accept header).</small></p></form>"
    )


def page_html(queries: list[Query], root: str) -> str:
    """The query page: the YASGUI holder, the plain form and the examples."""
    first = _start(queries)
    start = first.name if first else ""
    body = (
        "<h1>Query the graph</h1>"
        f'<p>SPARQL 1.1 against <a href="{escape(root)}/sparql">this server\'s endpoint</a> '
        "(read-only; the prefixes <code>gk:</code>, <code>state:</code>, "
        "<code>instrument:</code> … are predeclared). Open an example from the catalogue, "
        "edit it, and run it with the ▶ button or Ctrl-Enter.</p>"
        f'<div id="yasgui" data-endpoint="{escape(root)}/sparql" '
        f'data-examples="{escape(root)}/queries.json" data-start="{escape(start)}"></div>'
        + _plain_form(queries, root)
        + _examples(queries, root)
        + _assets(root)
    )
    return pages.page("Query", body, root)


class QueryPage:
    """The handlers of the query page."""

    def __init__(self, queries: list[Query]) -> None:
        self.queries = queries
        self.script = script_text()

    def response(self, request: Request) -> Response:
        """The page, under its own Content-Security-Policy (also for ``/sparql`` in a browser)."""
        page = page_html(self.queries, site_root(request))
        return html_response(page, 200, {"Content-Security-Policy": CSP})

    async def page(self, request: Request) -> Response:
        """``/query`` and ``/query.html``."""
        return self.response(request)

    async def javascript(self, request: Request) -> Response:
        """``/static/query.js``: the script that starts YASGUI."""
        return Response(self.script, media_type="text/javascript; charset=utf-8")


def query_page(context: Context) -> QueryPage:
    """The query page of the context's catalogue (``/sparql`` may show it to browsers too)."""
    return QueryPage(catalogue(context.served_project()))


def routes(context: Context) -> list[BaseRoute]:
    """``/query``, ``/query.html`` and ``/static/query.js``."""
    handlers = query_page(context)
    return [
        Route("/query", handlers.page, methods=["GET", "HEAD"]),
        Route("/query.html", handlers.page, methods=["GET", "HEAD"]),
        Route(f"/static/{SCRIPT}", handlers.javascript, methods=["GET", "HEAD"]),
    ]
