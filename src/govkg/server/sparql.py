"""The SPARQL 1.1 Protocol (query side) at ``/sparql``: read-only, capped, never federated.

This module reads a request into a :class:`SparqlRequest` (the query, the dataset it names, a
client's lower time limit); :mod:`govkg.server.execute` answers it.  Graph names in ``FROM``,
``FROM NAMED``, ``default-graph-uri`` and ``named-graph-uri`` name graphs in the store and are
never fetched; ``SERVICE`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, parse_qsl

import pyoxigraph as ox

from govkg.errors import ProtocolError
from govkg.server.settings import ServerSettings
from govkg.store import Dataset
from govkg.store.textcache import kept_for_texts

if TYPE_CHECKING:  # the sparql-only endpoint's processes read requests without Starlette
    from starlette.requests import Request

FORM = "application/x-www-form-urlencoded"
__all__ = [
    "ProtocolError",
    "SparqlRequest",
    "parse_get",
    "parse_post",
    "parse_request",
    "query_params",
    "service_description",
]


@dataclass(frozen=True)
class SparqlRequest:
    """The query a request carries (None: it asks for the Service Description), the dataset it
    names, and the time limit in seconds (never above the server's)."""

    query: str | None
    dataset: Dataset | None = None
    timeout: float = 10.0


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


def _graph_names(values: dict[str, list[str]], name: str) -> tuple[str, ...]:
    for iri in values.get(name, []):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"{name} is not an IRI: {iri[:200]!r}") from None
    return tuple(values.get(name, []))


def _dataset(values: dict[str, list[str]]) -> Dataset | None:
    """The protocol's dataset: graph names only, looked up in the store, never fetched."""
    if "default-graph-uri" not in values and "named-graph-uri" not in values:
        return None
    return Dataset(
        _graph_names(values, "default-graph-uri"), _graph_names(values, "named-graph-uri")
    )


def _timeout(values: dict[str, list[str]], settings: ServerSettings) -> float:
    """The server's time limit, or the client's ``timeout`` (seconds) when that is lower."""
    asked = _one(values, "timeout")
    if asked is None:
        return settings.timeout_s
    try:
        seconds = float(asked)
    except ValueError:
        raise ProtocolError(
            400, f"timeout must be a number of seconds, not {asked[:50]!r}"
        ) from None
    if not seconds > 0:
        raise ProtocolError(400, "timeout must be a positive number of seconds")
    return min(seconds, settings.timeout_s)


def _from_params(values: dict[str, list[str]], settings: ServerSettings) -> SparqlRequest:
    if "update" in values:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not allowed")
    return SparqlRequest(_one(values, "query"), _dataset(values), _timeout(values, settings))


def _utf8(body: bytes, content_type: str) -> str:
    """A query body as text: UTF-8, the only encoding SPARQL allows."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            raise ProtocolError(415, "a SPARQL query must be sent in UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the query is not valid UTF-8 (byte {error.start})") from None


def query_params(query_string: bytes) -> dict[str, list[str]]:
    """A request's URL parameters, each with its values in order (as Starlette reads them)."""
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return params


@kept_for_texts()
def parse_get(query_string: bytes, settings: ServerSettings) -> SparqlRequest:
    """The query of a GET request, from its URL's parameters (kept for the URLs seen last)."""
    return _from_params(query_params(query_string), settings)


async def parse_request(request: Request, settings: ServerSettings) -> SparqlRequest:
    """The query of a GET (or HEAD), a form-encoded POST or an ``application/sparql-query``
    POST."""
    if request.method in ("GET", "HEAD"):
        return parse_get(request.scope["query_string"], settings)
    content_type = request.headers.get("content-type", "")
    refuse_update(content_type)
    body = await read_body(request, settings.max_body)
    return parse_post(request.scope["query_string"], content_type, body, settings)


def refuse_update(content_type: str) -> None:
    """A POST of SPARQL Update is refused (403) before its body is read."""
    if _media(content_type) == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not allowed")


def parse_post(
    query_string: bytes, content_type: str, body: bytes, settings: ServerSettings
) -> SparqlRequest:
    """The query of a form-encoded or ``application/sparql-query`` POST, from its URL's
    parameters, its Content-Type header and its body."""
    refuse_update(content_type)
    params = query_params(query_string)
    media = _media(content_type)
    if media == FORM:
        form = parse_qs(_utf8(body, ""), keep_blank_values=True)
        merged = {key: params.get(key, []) + form.get(key, []) for key in {*params, *form}}
        return _from_params(merged, settings)
    if media == "application/sparql-query":
        if "query" in params:
            raise ProtocolError(400, "the query is in the body: no 'query' parameter allowed")
        direct = _from_params(params, settings)
        return SparqlRequest(_utf8(body, content_type), direct.dataset, direct.timeout)
    raise ProtocolError(415, f"unsupported content type {media or '(none)'!r}")


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


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
