"""Responses shared by every part of the server: HTML with its security header, errors, paths.

Pages link relatively (``site_root`` gives the way back to the top of the site), so the same HTML
works under any mount path and as a static site.  Location headers use the mount path (the ASGI
``root_path``), never the request's Host header.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from govkg.errors import NotReadyError, ProtocolError
from govkg.server.negotiation import prefers_html
from govkg.server.results import Answer
from govkg.site import pages

__all__ = [
    "ProtocolError",
    "app_path",
    "error_response",
    "html_response",
    "mount",
    "site_root",
    "store_error_response",
    "to_response",
]

_LOG = logging.getLogger("govkg.server")


def html_response(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """An HTML answer, always with the Content-Security-Policy header."""
    return HTMLResponse(
        text, status, headers={"Content-Security-Policy": pages.CSP, **(headers or {})}
    )


def mount(request: Request) -> str:
    """The path the app is mounted at (the ASGI root_path; never the Host header)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def app_path(request: Request) -> str:
    """The request's path inside the app (without the mount path)."""
    path = str(request.scope.get("path", "/"))
    root = mount(request)
    return path[len(root) :] if root and path.startswith(root) else path


def site_root(request: Request) -> str:
    """The relative way from the requested page back to the top of the site (``.``, ``..``)."""
    return pages.relative_root(app_path(request))


def error_response(request: Request, status: int, message: str) -> Response:
    """An error as HTML (escaped) when the client prefers it, else as plain text."""
    if prefers_html(request.headers.get("accept")):
        return html_response(pages.error_page(status, message, site_root(request)), status)
    return PlainTextResponse(message + "\n", status)


def not_ready_response(request: Request, error: NotReadyError) -> Response:
    """A page still being worked out: 503 with its reason and ``Retry-After``."""
    response = error_response(request, 503, str(error))
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def to_response(request: Request, answer: Answer) -> Response:
    """An answer from the query runner as an HTTP response (errors as plain text or HTML)."""
    if answer.status >= 500:
        _LOG.error("%s %s: %d: %s", request.method, request.url.path, answer.status, answer.message)
    if answer.status >= 400:
        return error_response(request, answer.status, answer.message)
    return Response(answer.body, answer.status, answer.headers, media_type=answer.media_type)


def store_error_response(request: Request, exc: Exception) -> Response:
    """The store could not be read (a remote server down, slow or failing): 503 with the reason,
    logged as one line (the message names the server's URL, never a password)."""
    _LOG.error("%s %s: 503: %s", request.method, request.url.path, exc)
    return error_response(request, 503, f"the store could not be read: {exc}")
