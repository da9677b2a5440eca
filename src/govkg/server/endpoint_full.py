"""``/sparql``'s answers as ``govkg serve`` (the full server, with its pages) writes them, for the
query processes that answer them directly (:mod:`govkg.server.endpoint_worker`).

The endpoint alone (``--sparql-only``) writes every answer in plain text with its CORS headers.
The full server writes them as its Starlette app does behind its CORS middleware: an error is an
HTML page for a client that prefers HTML (a browser), else plain text; every answer's ``Vary``
names ``Origin``; a request with an ``Origin`` header gets ``Access-Control-Allow-Origin: *`` and
the exposed headers; an answer at 500 or above is logged in one line.  The same status,
headers and body, so that a client cannot tell which process answered (the tests compare them
with the app's; uvicorn's ``date`` and ``server`` headers are not written).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from govkg.server.endpoint_http import REASONS, RequestHead, with_vary
from govkg.server.negotiation import prefers_html
from govkg.server.results import Answer, content_type

#: As the app's CORS middleware writes them (``govkg.server.app._CORS``).
SIMPLE_CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "Link, Location, ETag, X-Govkg-Truncated"),
)
#: What the app's HTML pages always carry (``govkg.site.pages.CSP``).
CSP = ("Content-Security-Policy", "default-src 'self'")

Headers = list[tuple[str, str]]


def full_response(
    answer: Answer, head: RequestHead | None, head_only: bool, connection: Headers
) -> bytes:
    """The whole response the full server writes for ``answer`` to the request ``head`` (None:
    a request that could not be read), with the ``connection`` headers."""
    request = head.headers if head is not None else {}
    if answer.status >= 400:
        if head is not None and answer.status >= 500:
            _log(f"{head.method} {urlsplit(head.target).path}: {answer.status}: {answer.message}")
        answer = error_answer(answer, request.get("accept"), head.target if head else "/")
    headers: Headers = list(answer.headers.items())
    headers.append(("Content-Length", str(len(answer.body))))
    headers.append(("Content-Type", content_type(answer.media_type)))
    if "origin" in request:
        headers += SIMPLE_CORS
    headers = vary_origin(headers) + connection
    lines = [f"HTTP/1.1 {answer.status} {REASONS.get(answer.status, '')}"]
    lines += [f"{name}: {value}" for name, value in headers]
    written = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return written if head_only else written + answer.body


def error_answer(answer: Answer, accept: str | None, target: str) -> Answer:
    """An error as the app answers it: an HTML page (escaped) for a client that prefers HTML,
    else the message in plain text; the answer's own headers are not kept."""
    if not prefers_html(accept):
        return Answer.error(answer.status, answer.message)
    from govkg.site.pages import error_page, relative_root  # the pages' imports, only now

    root = relative_root(urlsplit(target).path)
    page = error_page(answer.status, answer.message, root).encode("utf-8")
    return Answer(answer.status, "text/html; charset=utf-8", page, dict([CSP]), answer.message)


def vary_origin(headers: Headers) -> Headers:
    """``Vary`` with ``Origin`` added, as the CORS middleware writes it."""
    return with_vary(headers, "Vary", "Origin", ", ")


def _log(line: str) -> None:
    """One line on stderr, as the app's logger writes an error (no handler: the message)."""
    os.write(2, (line + "\n").encode("utf-8", "backslashreplace"))
