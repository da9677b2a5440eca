"""The ASGI application: ``/id/`` IRIs answer 303 to ``/doc/`` documents, ``/sparql`` queries.

Built by :func:`create_app` over any :class:`~govkg.store.Store`; run it with uvicorn
(``govkg serve``).  Location headers come from the app's mount path (the ASGI ``root_path``),
never from the request's Host header.  No traceback ever reaches a client.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from govkg.coverage import Coverage
from govkg.errors import GovkgError, ParameterError, StoreError
from govkg.project import Project
from govkg.server import browse, catalogue, changes_feed, dataset, querypage, reconcile, statuses
from govkg.server.context import Context
from govkg.server.execute import Job
from govkg.server.fast_sparql import ServedApp, SparqlFront
from govkg.server.http import (
    ProtocolError,
    error_response,
    html_response,
    mount,
    site_root,
    store_error_response,
    to_response,
)
from govkg.server.idle_store import give_back_memory
from govkg.server.listings import forget_listings
from govkg.server.negotiation import choose, wants_page
from govkg.server.runner import Runner
from govkg.server.settings import ServerSettings
from govkg.server.sparql import parse_request, service_description
from govkg.site import pages
from govkg.site.coverage_html import COVERAGE_HEADER
from govkg.site.downloads import (
    actor_stances_csv,
    actor_stances_json,
    stances_csv,
    stances_json,
)
from govkg.site.formats import DOC_FORMATS
from govkg.site.layout import Layout
from govkg.site.profile_pages import warm
from govkg.site.profiles import instrument_profile
from govkg.site.resources import Description, describe
from govkg.site.state_profiles import actor_stances
from govkg.store import Store

_PAGE = re.compile(r"(.+)\.page-([1-9][0-9]{0,8})$")
#: A profile's downloads: ``instrument/X.stances.csv`` and ``.json``.
_DOWNLOAD = re.compile(r"((instrument|state|org)/.+)\.stances\.(csv|json)$")


def split_doc_path(path: str) -> tuple[str, str, int | None]:
    """A ``/doc/`` path as (resource path, format extension, page number or None)."""
    stem, dot, suffix = path.rpartition(".")
    if not (dot and suffix in DOC_FORMATS):
        return path, "html", None
    paged = _PAGE.match(stem) if suffix == "html" else None
    if paged:
        return paged.group(1), "html", int(paged.group(2))
    return stem, suffix, None


def _link_header(base: str) -> str:
    return ", ".join(
        f'<{base}.{ext}>; rel="alternate"; type="{media}"' for ext, media in DOC_FORMATS.items()
    )


class LinkedData:
    """The handlers, sharing the store and settings."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.store = context.store
        self.settings = context.settings
        self.query_page = querypage.query_page(context)

    async def describe(self, path: str, incoming: bool = True) -> Description:
        iri = self.settings.iri(path)
        return await run_in_threadpool(describe, self.store, iri, incoming)

    def not_found(self, request: Request, path: str) -> Response:
        page = pages.not_found_page(request.url.path, self.settings.iri(path), site_root(request))
        return html_response(page, 404)

    async def resource(self, request: Request) -> Response:
        """``/id/{path}``: 303 See Other to the document in the format the client accepts."""
        path = request.path_params["path"]
        if not (await self.describe(path, incoming=False)).exists:
            return self.not_found(request, path)
        media = choose(request.headers.get("accept"), list(DOC_FORMATS.values()))
        if media is None:
            message = "acceptable formats: " + ", ".join(DOC_FORMATS.values())
            return PlainTextResponse(message + "\n", 406, headers={"Vary": "Accept"})
        ext = next(e for e, m in DOC_FORMATS.items() if m == media)
        location = self.doc_url(request, path) + ("" if ext == "html" else f".{ext}")
        return Response(status_code=303, headers={"Location": location, "Vary": "Accept"})

    def doc_url(self, request: Request, path: str) -> str:
        return mount(request) + self.settings.doc_prefix + quote(path, safe=pages.SAFE)

    async def document(self, request: Request) -> Response:
        """``/doc/{path}`` (HTML), ``/doc/{path}.page-N.html`` (HTML, page N) and
        ``/doc/{path}.{ext}`` (RDF): the resource's description."""
        download = _DOWNLOAD.match(request.path_params["path"])
        if download:
            path, kind, ext = download.groups()
            if kind != "instrument":
                return await self.actor_download(request, path, ext)
            return await self.download(request, path, ext)
        path, ext, number = split_doc_path(request.path_params["path"])
        description = await self.describe(path, incoming=ext != "html")
        if not description.exists:
            return self.not_found(request, path)
        doc = self.doc_url(request, path)
        headers = {"Link": _link_header(doc)}
        if ext == "html":
            doc_name = doc.rsplit("/", 1)[-1]
            try:
                page = await browse.resource_html(
                    self.store,
                    self.settings,
                    description,
                    doc_name,
                    request,
                    number,
                    self.context.releases(),
                )
            except ParameterError as error:  # ?at= on an instrument's or an actor's page
                return error_response(request, 400, str(error))
            return html_response(page, 200, headers)
        body = await run_in_threadpool(description.serialize, ext)
        media = DOC_FORMATS[ext]
        media_type = f"{media}; charset=utf-8" if media.startswith("text/") else media
        return Response(body, media_type=media_type, headers=headers)

    async def download(self, request: Request, path: str, ext: str) -> Response:
        """``/doc/{path}.stances.csv`` and ``.json``: a profile's whole stance table."""
        iri = self.settings.iri(path)
        profile = await run_in_threadpool(instrument_profile, self.store, iri)
        if profile is None:
            return self.not_found(request, path)
        headers = {}
        if profile.coverage is not None:
            headers[COVERAGE_HEADER] = Coverage("lists", (profile.coverage,)).header()
        if ext == "csv":
            text = stances_csv(profile)
            return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
        return Response(stances_json(profile), media_type="application/json", headers=headers)

    async def actor_download(self, request: Request, path: str, ext: str) -> Response:
        """``/doc/state/X.stances.csv`` and ``.json``: a state's or organisation's stances."""
        iri = self.settings.iri(path)
        stances = await run_in_threadpool(actor_stances, self.store, iri)
        if not stances and not (await self.describe(path, incoming=False)).exists:
            return self.not_found(request, path)
        if ext == "csv":
            text = actor_stances_csv(iri, stances)
            return Response(text, media_type="text/csv; charset=utf-8")
        return Response(actor_stances_json(iri, stances), media_type="application/json")

    async def sparql(self, request: Request) -> Response:
        """``/sparql``: the SPARQL 1.1 Protocol, query side."""
        accept = request.headers.get("accept")
        try:
            parsed = await parse_request(request, self.settings)
        except ProtocolError as error:
            return error_response(request, error.status, error.message)
        if parsed.query is None:  # a browser gets the query editor, a program the description
            if request.method == "GET" and wants_page(accept):
                return self.query_page.response(request)
            return Response(
                service_description(),
                media_type="text/turtle; charset=utf-8",
                headers={"Vary": "Accept"},
            )
        job = Job(parsed.query, accept, self.settings.max_rows, parsed.dataset)
        answer = await self.context.runner.run(job, parsed.timeout)
        return to_response(request, answer)

    async def style(self, request: Request) -> Response:
        return Response(pages.STYLE, media_type="text/css; charset=utf-8")

    async def home(self, request: Request) -> Response:
        return html_response(pages.home_page(site_root(request)))


_LOG = logging.getLogger("govkg.server")


def _warm(store: Store) -> None:
    """Read the pages' alignment (the stance matrix, every pair's measures, the actors' ideal
    points) and the lists the actors' notices need before the first page needs them (pages say
    a part is not ready until then); a store that cannot be read now is logged, and read again
    by a page.  The heap its reading freed (the answer's bytes, ~4 MB at 425 k triples) is given
    back."""
    try:
        warm(store)
        give_back_memory()
    except GovkgError as error:
        _LOG.warning("the pages' alignment could not be read yet: %s", error)
    except Exception as error:  # a thread's error is logged in one line, never a traceback
        _LOG.error("the pages' alignment could not be read yet (%s)", type(error).__name__)


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(request, 500, f"internal error ({type(exc).__name__})")


async def _store_error(request: Request, exc: Exception) -> Response:
    return store_error_response(request, exc)


def create_app(
    store: Store,
    settings: Layout | None = None,
    project: Project | None = None,
    *,
    copy_endpoint: str | None = None,
    runner: Runner | None = None,
    waits: bool = False,
) -> Starlette:
    """The ASGI application serving ``store``.

    ``settings`` are :class:`ServerSettings`, or a bare :class:`Layout` served with the default
    limits.  Each part of the server contributes its routes from the one shared :class:`Context`.
    ``copy_endpoint`` is given when the app is crawled for a static copy: the SPARQL endpoint
    the copy's query page sends queries to ("": none, the page says so).  ``runner`` runs the
    app's SPARQL queries (None: query processes or threads, as the settings say).  With
    ``waits``, a page waits for the whole-graph reads it needs however long they take (one
    ``govkg serve --get``) instead of answering 503 that they are being read.
    """
    settings = ServerSettings.serving(settings or Layout())
    context = Context(store, settings, project, copy_endpoint, waits, runner)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(context.runner.start)
        threading.Thread(target=_warm, args=(store,), daemon=True).start()
        yield
        context.runner.close()
        forget_listings(store)

    return ServedApp(
        SparqlFront(context),
        routes=_routes(context),
        middleware=[_CORS],
        exception_handlers={StoreError: _store_error, Exception: _server_error},
        lifespan=lifespan,
    )


#: Anyone's page may read the data (a public, read-only graph); no credentials, ever.
_CORS = Middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=False,
    allow_methods=["GET", "HEAD", "POST"],
    allow_headers=["Accept", "Content-Type"],
    expose_headers=["Link", "Location", "ETag", "X-Govkg-Truncated"],
    max_age=86400,
)


def _routes(context: Context) -> list[BaseRoute]:
    handlers = LinkedData(context)
    prefix = context.settings
    return [
        Route("/", handlers.home),
        Route(prefix.id_prefix + "{path:path}", handlers.resource, methods=["GET", "HEAD"]),
        *statuses.routes(context),
        Route(prefix.doc_prefix + "{path:path}", handlers.document, methods=["GET", "HEAD"]),
        Route("/style.css", handlers.style),
        Route("/sparql", handlers.sparql, methods=["GET", "POST"]),
        *catalogue.routes(context),
        *querypage.routes(context),
        *browse.routes(context),
        *dataset.routes(context),
        *changes_feed.routes(context),
        *reconcile.routes(context),
    ]
