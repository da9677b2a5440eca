"""``GET /sparql?query=…`` is answered before the middleware and the router
(govkg.server.fast_sparql): the same status, headers and body as the ``/sparql`` route gives the
same query sent as a form POST, for answers and errors alike, CORS headers included.  Real uvicorn
on loopback, real query processes."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers import serve

from govkg.server import ServerSettings, create_app
from govkg.server.fast_sparql import SparqlFront, _vary_origin
from govkg.store import Store, open_store

LOOKUP = "SELECT ?s WHERE { ?s a gk:State } ORDER BY ?s"
CASES = [
    ({"query": LOOKUP}, "application/sparql-results+json"),
    ({"query": LOOKUP}, "text/csv"),
    ({"query": LOOKUP}, "application/sparql-results+xml"),
    ({"query": "ASK { ?s a gk:State }"}, "application/sparql-results+json"),
    ({"query": "CONSTRUCT WHERE { ?s a gk:State }"}, "text/turtle"),
    ({"query": "SELECT ?s WHERE { ?s ?p }"}, "*/*"),  # a syntax error: 400
    ({"query": "SELECT ?s WHERE { ?s ?p }"}, "text/html"),  # its HTML error page
    ({"query": LOOKUP, "timeout": "-1"}, "*/*"),  # a bad parameter: 400 before any query
    ({"query": LOOKUP}, "image/png"),  # 406
    ({"query": "SELECT * WHERE { ?s ?p ?o }"}, "application/sparql-results+json"),  # capped
    ({"query": LOOKUP, "default-graph-uri": "https://w3id.org/govkg/graph/reference"}, "*/*"),
    ({"query": LOOKUP, "default-graph-uri": "not an iri"}, "text/html"),  # 400 by the router
    ({"query": [LOOKUP, LOOKUP]}, "*/*"),  # two queries: 400
    ({"query": LOOKUP, "timeout": "0.5"}, "text/tab-separated-values"),
    ({"query": 'SELECT ?x WHERE { BIND("caf\u00e9 \u2603" AS ?x) }'}, "text/csv"),
]


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[httpx.Client]:
    with serve(create_app(store, ServerSettings(max_rows=40, timeout_s=5.0))) as http:
        yield http


def _comparable(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    headers = {k: v for k, v in response.headers.items() if k not in ("date", "server")}
    return response.status_code, headers, response.content


@pytest.mark.parametrize(("params", "accept"), CASES)
@pytest.mark.parametrize("origin", [None, "https://example.org"])
def test_the_same_answer_as_the_route(
    client: httpx.Client, params: dict[str, str], accept: str, origin: str | None
) -> None:
    headers = {"Accept": accept, **({"Origin": origin} if origin else {})}
    fast = client.get("/sparql", params=params, headers=headers)
    routed = client.post("/sparql", data=params, headers=headers)
    assert _comparable(fast) == _comparable(routed)
    if origin:
        assert fast.headers["access-control-allow-origin"] == "*"
    else:
        assert "Origin" in fast.headers["vary"]


def test_only_a_query_get_is_taken(client: httpx.Client) -> None:
    """The editor page and the Service Description are the route's."""
    assert client.get("/sparql", headers={"Accept": "text/html"}).text.startswith("<!DOCTYPE")
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert "sd:Service" in description.text


def test_it_answers_before_the_app() -> None:
    """The front answers a query GET itself and leaves everything else to the app."""
    asyncio.run(_before_the_app())


async def _before_the_app() -> None:
    from govkg.server.context import Context
    from govkg.store import open_store

    front = SparqlFront(Context(open_store(), ServerSettings(query_workers=0)))
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/sparql",
        "root_path": "",
        "query_string": b"query=ASK%7B%7D",
        "headers": [(b"accept", b"application/sparql-results+json")],
    }
    assert await front.answered(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 200 and sent[1]["body"] == b'{"head": {}, "boolean": true}'
    assert (b"vary", b"Accept, Origin") in sent[0]["headers"]  # type: ignore[operator]
    others = [
        {**scope, "query_string": b""},  # the Service Description
        {**scope, "root_path": "/kg", "path": "/kg/sparql"},  # mounted elsewhere
        {**scope, "method": "POST"},
        {**scope, "query_string": b"query=ASK%7B%7D&timeout=x"},  # the router's 400
        {**scope, "headers": [(b"origin", b"https://example.org")]},  # CORS: the middleware's
        {"type": "lifespan"},
    ]
    for other in others:
        assert not await front.answered(other, receive, send)  # type: ignore[arg-type]
    assert len(sent) == 2


def test_vary_is_merged_as_the_cors_middleware_merges_it() -> None:
    assert _vary_origin([(b"a", b"1")]) == [(b"a", b"1"), (b"vary", b"Origin")]
    assert _vary_origin([(b"vary", b"Accept"), (b"a", b"1"), (b"vary", b"Cookie")]) == [
        (b"vary", b"Accept, Cookie, Origin"),
        (b"a", b"1"),
    ]


def test_a_store_no_query_process_can_open_is_the_routes_503(tmp_path: Path) -> None:
    """The query processes cannot open the store (its folder is gone): the front answers the
    route's 503 naming the reason, not an internal error."""
    folder = tmp_path / "store"
    store = open_store(str(folder))
    with serve(create_app(store, ServerSettings(timeout_s=5.0))) as http:
        shutil.rmtree(folder)
        params, accept = {"query": LOOKUP}, "text/plain"
        fast = http.get("/sparql", params=params, headers={"Accept": accept})
        routed = http.post("/sparql", data=params, headers={"Accept": accept})
    assert _comparable(fast) == _comparable(routed)
    assert fast.status_code == 503
    assert fast.text.startswith("the store could not be read: a query process could not open")


def test_an_internal_error_is_one_line_and_logged(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A failure inside the front is the app's 500, "internal error (…)", never a traceback."""
    from govkg.server import runner

    async def broken(self: object, job: object, timeout: float) -> object:
        raise KeyError("a bug")

    monkeypatch.setattr(runner.ProcessRunner, "run", broken)
    with serve(create_app(store, ServerSettings(timeout_s=5.0))) as http:
        answer = http.get("/sparql", params={"query": LOOKUP}, headers={"Accept": "text/plain"})
    assert answer.status_code == 500
    assert answer.text == "internal error (KeyError)\n"
    assert "Traceback" not in caplog.text
    assert any("internal error (KeyError)" in r.getMessage() for r in caplog.records)
