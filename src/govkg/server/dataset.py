"""The dataset's own documents: VoID/DCAT at ``/void``, the dumps and the ontology's documentation.

Everything is computed once per app, on first use, and then served from memory with a strong ETag
(the hash of the bytes), so ``If-None-Match`` answers 304.  ``/ontology`` answers 303 to
``/ontology.html`` or ``/ontology.ttl`` by the Accept header, as ``/id/`` IRIs do; ``/shapes``
to ``/shapes.ttl``.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from govkg.errors import GovkgError
from govkg.project import Project
from govkg.server.context import Context
from govkg.server.http import error_response, mount, site_root
from govkg.server.negotiation import choose
from govkg.server.settings import ServerSettings
from govkg.site import pages
from govkg.site.bundle import Publication
from govkg.site.dumps import DUMPS_DIR
from govkg.site.metadata import METADATA_FORMATS, VOID_PATH, Site

ONTOLOGY_FORMATS = {"html": "text/html", "ttl": "text/turtle"}


def etag_of(body: bytes) -> str:
    """A strong ETag: the SHA-256 of the body, so the same data always gives the same tag."""
    return f'"{hashlib.sha256(body).hexdigest()}"'


def _matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names ``etag`` (weak comparison, as RFC 9110 asks)."""
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def cached(
    request: Request, body: bytes, media: str, headers: dict[str, str] | None = None
) -> Response:
    """``body`` with its ETag, or 304 Not Modified when the client holds that version."""
    tag = etag_of(body)
    all_headers = {"ETag": tag, **(headers or {})}
    if _matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=all_headers)
    media_type = f"{media}; charset=utf-8" if media.startswith("text/") else media
    return Response(body, media_type=media_type, headers=all_headers)


def _not_acceptable(offered: dict[str, str]) -> Response:
    message = "acceptable formats: " + ", ".join(offered.values())
    return PlainTextResponse(message + "\n", 406, headers={"Vary": "Accept"})


def live_site(settings: ServerSettings) -> Site:
    """Where the live server says the dataset lives: the base its data IRIs are under (by
    default the permanent ``https://w3id.org/govkg/``, which redirects to the host); never taken
    from the Host header."""
    base = settings.public_base.removesuffix(settings.id_prefix.lstrip("/"))
    return Site(base, base + "sparql")


def _project_of(context: Context) -> Project | None:
    """The project the app serves (for the shapes, which are not in the store), if any."""
    try:
        return context.served_project()
    except GovkgError:
        return None


class DatasetHandlers:
    """The handlers, sharing one :class:`Publication` of the app's store."""

    def __init__(self, context: Context) -> None:
        site = live_site(context.settings)
        self.publication = Publication(context.store, context.settings, site, _project_of(context))

    async def void(self, request: Request) -> Response:
        """``/void`` and ``/.well-known/void``: Turtle unless the client prefers JSON-LD or
        N-Triples."""
        media = choose(request.headers.get("accept"), list(METADATA_FORMATS.values()))
        if media is None:
            return _not_acceptable(METADATA_FORMATS)
        ext = next(e for e, m in METADATA_FORMATS.items() if m == media)
        body = await run_in_threadpool(self.publication.metadata, ext)
        return cached(request, body, media, {"Vary": "Accept"})

    async def void_file(self, request: Request) -> Response:
        """``/void.ttl``, ``/void.jsonld``, ``/void.nt``: one format each."""
        ext = request.url.path.rsplit(".", 1)[-1]
        body = await run_in_threadpool(self.publication.metadata, ext)
        return cached(request, body, METADATA_FORMATS[ext])

    async def dump(self, request: Request) -> Response:
        """``/dumps/NAME``: a dump or its ``.sha256`` file."""
        dumps = await run_in_threadpool(lambda: self.publication.dumps)
        found = dumps.get(request.path_params["name"])
        if found is None:
            return error_response(request, 404, f"no dump {request.url.path}")
        return cached(request, found.data, found.media_type)

    async def ontology(self, request: Request) -> Response:
        """``/ontology``: 303 See Other to the documentation page or the Turtle."""
        media = choose(request.headers.get("accept"), list(ONTOLOGY_FORMATS.values()))
        if media is None:
            return _not_acceptable(ONTOLOGY_FORMATS)
        ext = next(e for e, m in ONTOLOGY_FORMATS.items() if m == media)
        location = f"{mount(request)}/ontology.{ext}"
        return Response(status_code=303, headers={"Location": location, "Vary": "Accept"})

    async def ontology_html(self, request: Request) -> Response:
        html = await run_in_threadpool(self.publication.ontology_html, site_root(request))
        return cached(request, html.encode(), "text/html", {"Content-Security-Policy": pages.CSP})

    async def ontology_turtle(self, request: Request) -> Response:
        body = await run_in_threadpool(lambda: self.publication.ontology_turtle)
        return cached(request, body, "text/turtle")

    async def shapes(self, request: Request) -> Response:
        """``/shapes`` (the IRI of the SHACL shapes): 303 See Other to ``/shapes.ttl``."""
        location = f"{mount(request)}/shapes.ttl"
        return Response(status_code=303, headers={"Location": location})

    async def shapes_turtle(self, request: Request) -> Response:
        body = await run_in_threadpool(lambda: self.publication.shapes_turtle)
        if body is None:
            return error_response(request, 404, "the shapes are not served: no project found")
        return cached(request, body, "text/turtle")


def routes(context: Context) -> list[BaseRoute]:
    """The routes of the dataset's documents."""
    handlers = DatasetHandlers(context)
    void_files = [f"/{VOID_PATH}.{ext}" for ext in METADATA_FORMATS]
    return [
        Route(f"/{VOID_PATH}", handlers.void),
        Route("/.well-known/void", handlers.void),
        *(Route(path, handlers.void_file) for path in void_files),
        Route(f"/{DUMPS_DIR}/{{name}}", handlers.dump),
        Route("/ontology", handlers.ontology),
        Route("/ontology.html", handlers.ontology_html),
        Route("/ontology.ttl", handlers.ontology_turtle),
        Route("/shapes", handlers.shapes),
        Route("/shapes.ttl", handlers.shapes_turtle),
    ]
