"""The SPARQL 1.1 Protocol (query side) at ``/sparql``: read-only, capped, never federated."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from govkg.errors import QueryError
from govkg.rdf import graph_from_quads
from govkg.server.negotiation import choose
from govkg.server.results import RESULT_TYPES, WRITERS
from govkg.server.settings import ServerSettings
from govkg.store import QueryResult, Store

GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
FORM = "application/x-www-form-urlencoded"
TRUNCATED = "X-Govkg-Truncated"


class ProtocolError(Exception):
    """A request the protocol refuses: its HTTP status and a plain message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class SparqlRequest:
    """The query a request carries, or None when it carries none (a Service Description)."""

    query: str | None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise ProtocolError(413, f"request body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _one(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name, [])
    if len(found) > 1:
        raise ProtocolError(400, f"more than one {name!r} parameter")
    return found[0] if found else None


def _from_params(values: dict[str, list[str]]) -> SparqlRequest:
    if "update" in values:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not allowed")
    return SparqlRequest(_one(values, "query"))


async def parse_request(request: Request, settings: ServerSettings) -> SparqlRequest:
    """The query of a GET, a form-encoded POST or an ``application/sparql-query`` POST."""
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    if request.method == "GET":
        return _from_params(params)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not allowed")
    body = await read_body(request, settings.max_body)
    if media == FORM:
        return _from_params(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
    if media == "application/sparql-query":
        if "query" in params:
            raise ProtocolError(400, "the query is in the body: no 'query' parameter allowed")
        return SparqlRequest(body.decode("utf-8", "replace"))
    raise ProtocolError(415, f"unsupported content type {media or '(none)'!r}")


def _in_daemon_thread(store: Store, query: str) -> asyncio.Future[QueryResult]:
    """The query's answer as a future, computed in a daemon thread.

    The store cannot interrupt a running query, so a query past the timeout is abandoned: the
    client gets its answer at once and other requests go on, while the thread runs to its end
    (a daemon thread, so it never holds up the process's exit).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[QueryResult] = loop.create_future()

    def settle(result: QueryResult | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def deliver(result: QueryResult | None, error: BaseException | None) -> None:
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(settle, result, error)

    def work() -> None:
        try:
            result = store.query(query)
        except BaseException as error:
            deliver(None, error)
        else:
            deliver(result, None)

    threading.Thread(target=work, name="govkg-query", daemon=True).start()
    return future


async def run(store: Store, query: str, settings: ServerSettings) -> QueryResult:
    """Run the query in a thread; 503 when it does not finish within the timeout."""
    try:
        future = _in_daemon_thread(store, query)
        return await asyncio.wait_for(future, timeout=settings.timeout_s)
    except TimeoutError:
        raise ProtocolError(
            503, f"the query did not finish within {settings.timeout_s} s"
        ) from None
    except QueryError as error:
        raise ProtocolError(400, str(error)) from None


def respond(result: QueryResult, accept: str | None, settings: ServerSettings) -> Response:
    """The result in the format the Accept header asks for; 406 when none fits."""
    if result.kind == "graph":
        return _graph_response(result, accept)
    media = choose(accept, list(RESULT_TYPES))
    if media is None:
        raise ProtocolError(406, "acceptable result formats: " + ", ".join(RESULT_TYPES))
    headers = {"Vary": "Accept"}
    if len(result.rows) > settings.max_rows:
        result.rows = result.rows[: settings.max_rows]
        headers[TRUNCATED] = "true"
    return Response(WRITERS[media](result), media_type=_charset(media), headers=headers)


def _graph_response(result: QueryResult, accept: str | None) -> Response:
    media = choose(accept, list(GRAPH_TYPES))
    if media is None:
        raise ProtocolError(406, "acceptable graph formats: " + ", ".join(GRAPH_TYPES))
    text = graph_from_quads(result.triples).serialize(format=GRAPH_TYPES[media])
    return Response(text, media_type=_charset(media), headers={"Vary": "Accept"})


def _charset(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") else media


_FORMAT_NAMES = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description() -> str:
    """A SPARQL 1.1 Service Description, in Turtle; `<>` is the endpoint the client asked."""
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in _FORMAT_NAMES)
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n"
        "[] a sd:Service ;\n"
        "    sd:endpoint <> ;\n"
        "    sd:supportedLanguage sd:SPARQL11Query ;\n"
        "    sd:feature sd:UnionDefaultGraph ;\n"
        f"    sd:resultFormat {formats} .\n"
    )
