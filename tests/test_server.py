"""The linked-data server, called in process (no socket); the test of concurrent requests runs it
under uvicorn on a free loopback port."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT
from rdflib import Graph, Literal, URIRef
from servers import in_process, serve

from govkg.cli import cli
from govkg.server import ServerSettings, create_app
from govkg.store import OxigraphStore, QueryResult, Store

USA = "https://w3id.org/govkg/id/state/USA"
GK = "https://w3id.org/govkg/ontology#"
COUNT_STATES = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a gk:State }"


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(store, ServerSettings(max_rows=50))) as http:
        yield http


@pytest.fixture(scope="module")
def markup_client() -> Iterator[httpx.Client]:
    store = OxigraphStore()
    subject = ox.NamedNode("https://w3id.org/govkg/id/state/XSS")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    note = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    store.load(
        [
            ox.Quad(subject, label, ox.Literal("<b>bold</b> state")),
            ox.Quad(subject, note, ox.Literal("<script>alert(1)</script>")),
        ]
    )
    with in_process(create_app(store, ServerSettings())) as http:
        yield http


# --- /id/ and content negotiation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        ("text/html", "/doc/state/USA"),
        ("text/turtle", "/doc/state/USA.ttl"),
        ("application/n-triples", "/doc/state/USA.nt"),
        ("application/ld+json", "/doc/state/USA.jsonld"),
        ("application/rdf+xml", "/doc/state/USA.rdf"),
        ("*/*", "/doc/state/USA"),
        (None, "/doc/state/USA"),
        ("text/html;q=0.5, text/turtle;q=0.9", "/doc/state/USA.ttl"),
        ("text/turtle;q=0, */*;q=0.1", "/doc/state/USA"),
    ],
)
def test_see_other(client: httpx.Client, accept: str | None, location: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/id/state/USA", headers=headers)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"].split(", ")


def test_nothing_acceptable(client: httpx.Client) -> None:
    response = client.get("/id/state/USA", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "Accept" in response.headers["vary"].split(", ")


def test_host_header_does_not_change_location(client: httpx.Client) -> None:
    headers = {"Accept": "text/turtle", "Host": "evil.example"}
    response = client.get("/id/state/USA", headers=headers)
    assert response.status_code == 303
    assert response.headers["location"] == "/doc/state/USA.ttl"
    assert "evil" not in response.headers["location"]


def test_unknown_resource(client: httpx.Client) -> None:
    for path in ("/id/state/NOPE", "/doc/state/NOPE", "/doc/state/NOPE.ttl"):
        response = client.get(path)
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "/sparql" in response.text
        assert response.headers["content-security-policy"] == "default-src 'self'"


# --- /doc/ documents ----------------------------------------------------------------------------


def test_turtle_document(client: httpx.Client) -> None:
    response = client.get("/doc/state/USA.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(USA), URIRef(GK + "iso3"), Literal("USA")) in graph
    incoming = set(graph.subjects(URIRef(GK + "actor"), URIRef(USA)))
    assert incoming, "the incoming triples are part of the description"
    link = response.headers["link"]
    for ext, media in [("ttl", "text/turtle"), ("jsonld", "application/ld+json")]:
        assert f'</doc/state/USA.{ext}>; rel="alternate"; type="{media}"' in link


@pytest.mark.parametrize(("ext", "fmt"), [("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")])
def test_other_documents_parse(client: httpx.Client, ext: str, fmt: str) -> None:
    response = client.get(f"/doc/state/USA.{ext}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(USA), URIRef(GK + "iso3"), Literal("USA")) in graph


def test_html_page(client: httpx.Client) -> None:
    response = client.get("/doc/state/USA")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "default-src 'self'"
    assert "<h1>United States of America</h1>" in response.text
    assert 'href="../../doc/stance/' in response.text  # incoming links, linked relatively
    assert "Incoming links" in response.text
    assert client.get("/style.css").status_code == 200


def test_html_escapes_values(markup_client: httpx.Client) -> None:
    response = markup_client.get("/doc/state/XSS")
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<b>" not in response.text
    assert response.headers["content-security-policy"] == "default-src 'self'"


# --- /sparql ------------------------------------------------------------------------------------


def _count(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    return str(response.json()["results"]["bindings"][0]["n"]["value"])


def test_select_get(client: httpx.Client) -> None:
    assert _count(client.get("/sparql", params={"query": COUNT_STATES})) == "197"


def test_select_post_form(client: httpx.Client) -> None:
    assert _count(client.post("/sparql", data={"query": COUNT_STATES})) == "197"


def test_select_post_direct(client: httpx.Client) -> None:
    headers = {"Content-Type": "application/sparql-query"}
    assert _count(client.post("/sparql", content=COUNT_STATES, headers=headers)) == "197"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv", "n\r\n197\r\n"),
        ("text/tab-separated-values", '?n\n"197"^^<http://www.w3.org/2001/XMLSchema#integer>\n'),
    ],
)
def test_select_csv_tsv(client: httpx.Client, accept: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": COUNT_STATES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    assert response.text == expected


def test_select_xml(client: httpx.Client) -> None:
    headers = {"Accept": "application/sparql-results+xml"}
    response = client.get("/sparql", params={"query": COUNT_STATES}, headers=headers)
    assert response.status_code == 200
    assert ">197</literal>" in response.text


def test_ask(client: httpx.Client) -> None:
    query = "ASK { state:USA gk:iso3 'USA' }"
    assert client.get("/sparql", params={"query": query}).json() == {"head": {}, "boolean": True}


def test_construct_turtle(client: httpx.Client) -> None:
    query = "CONSTRUCT { state:USA gk:iso3 ?c } WHERE { state:USA gk:iso3 ?c }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert set(graph) == {(URIRef(USA), URIRef(GK + "iso3"), Literal("USA"))}


def test_updates_refused(client: httpx.Client, store: Store) -> None:
    before = len(store)
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    answers = [
        client.get("/sparql", params={"update": update}),
        client.post("/sparql", data={"update": update}),
        client.post(
            "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
        ),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert len(store) == before
    ask = client.get("/sparql", params={"query": "ASK { <urn:x> ?p ?o }"})
    assert ask.json()["boolean"] is False


def test_service_refused(client: httpx.Client) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.text
    assert "Traceback" not in response.text


def test_bad_query(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "SELEC ?x"})
    assert response.status_code == 400
    assert response.text.startswith("SPARQL syntax error")
    html = client.get("/sparql", params={"query": "SELEC ?x"}, headers={"Accept": "text/html"})
    assert html.status_code == 400
    assert html.headers["content-security-policy"] == "default-src 'self'"
    assert "<pre>SPARQL syntax error" in html.text


def test_not_found_page_escapes_the_path(client: httpx.Client) -> None:
    response = client.get("/id/state/%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 404
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_body_too_large(client: httpx.Client) -> None:
    body = "#" * 2_000_000
    headers = {"Content-Type": "application/sparql-query"}
    assert client.post("/sparql", content=body, headers=headers).status_code == 413


def test_body_too_large_streamed(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"#" * 50_000

    headers = {"Content-Type": "application/sparql-query"}
    assert client.post("/sparql", content=chunks(), headers=headers).status_code == 413


def test_row_cap(client: httpx.Client) -> None:
    query = "SELECT ?s WHERE { ?s a gk:State }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["x-govkg-truncated"] == "true"
    small = client.get("/sparql", params={"query": query + " LIMIT 3"})
    assert "x-govkg-truncated" not in small.headers


def test_service_description(client: httpx.Client) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    base = str(client.base_url) + "/sparql"
    graph = Graph().parse(data=response.text, format="turtle", publicID=base)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef(base)) in graph
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph


# --- limits, failures and the command -----------------------------------------------------------


class SlowStore(OxigraphStore):
    """A store whose queries containing 'slow' take two seconds."""

    def query(self, sparql: str, bindings: object = None, **options: Any) -> QueryResult:  # type: ignore[override]
        if "slow" in sparql:
            time.sleep(2)
        return super().query(sparql, **options)


class BrokenStore(OxigraphStore):
    def query(self, sparql: str, bindings: object = None, **options: Any) -> QueryResult:  # type: ignore[override]
        raise RuntimeError("disk on fire at /secret/path")


def test_timeout_in_threads_does_not_block_other_requests() -> None:
    """Without query processes (query_workers=0), a slow query is abandoned at the timeout."""
    results: dict[str, httpx.Response] = {}
    settings = ServerSettings(timeout_s=0.5, query_workers=0)
    with serve(create_app(SlowStore(), settings)) as slow_client:

        def slow() -> None:
            results["slow"] = slow_client.get("/sparql", params={"query": "ASK { } # slow"})

        started = time.monotonic()
        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.1)
        fast = slow_client.get("/sparql", params={"query": "ASK { }"})
        assert fast.status_code == 200
        assert time.monotonic() - started < 0.5
        thread.join()
        assert results["slow"].status_code == 503
        assert time.monotonic() - started < 1.5


def test_internal_error_has_no_traceback() -> None:
    with in_process(create_app(BrokenStore(), ServerSettings())) as broken:
        response = broken.get("/id/state/USA")
        assert response.status_code == 500
        assert "Traceback" not in response.text
        assert "/secret/path" not in response.text


def test_serve_get_command() -> None:
    runner = CliRunner()
    args = ["--root", str(ROOT), "serve", "--get", "/id/state/USA", "--accept", "text/turtle"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "HTTP/1.1 303 See Other" in result.output
    assert "location: /doc/state/USA.ttl" in result.output
    ask = runner.invoke(cli, ["--root", str(ROOT), "serve", "--get", "/sparql?query=ASK%7B%7D"])
    assert ask.exit_code == 0
    assert '"boolean": true' in ask.output


def test_describe_and_graph_formats(client: httpx.Client) -> None:
    response = client.get(
        "/sparql",
        params={"query": "DESCRIBE state:USA"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-triples")
    graph = Graph().parse(data=response.text, format="nt")
    assert (URIRef(USA), URIRef(GK + "iso3"), Literal("USA")) in graph
    refused = client.get(
        "/sparql", params={"query": "DESCRIBE state:USA"}, headers={"Accept": "text/csv"}
    )
    assert refused.status_code == 406


def test_unsupported_body_type(client: httpx.Client) -> None:
    headers = {"Content-Type": "text/plain"}
    assert client.post("/sparql", content="ASK {}", headers=headers).status_code == 415


def test_mounted_below_a_root_path(store: Store) -> None:
    """Under a root path, Locations and page links follow it (and still ignore Host)."""
    app = create_app(store, ServerSettings())

    async def fetch(path: str, accept: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, root_path="/kg")
        async with httpx.AsyncClient(transport=transport, base_url="http://evil.example") as http:
            return await http.get(path, headers={"Accept": accept})

    see_other = asyncio.run(fetch("/kg/id/state/USA", "text/turtle"))
    assert see_other.headers["location"] == "/kg/doc/state/USA.ttl"
    page = asyncio.run(fetch("/kg/doc/state/USA", "text/html"))
    assert 'href="../../doc/stance/' in page.text  # relative, so /kg/doc/stance/... in a browser
    assert 'href="../../style.css"' in page.text


def test_a_resource_known_only_as_an_object_exists_in_every_form() -> None:
    """An HTML page or a redirect reads one incoming triple, not all: enough to tell that a
    resource named only as an object exists; its RDF document still lists every incoming triple."""
    store = OxigraphStore()
    target = ox.NamedNode("https://w3id.org/govkg/id/theme/only-object")
    pointing = ox.NamedNode("https://w3id.org/govkg/ontology#theme")
    store.load(
        [ox.Quad(ox.NamedNode(f"https://w3id.org/govkg/id/principle/p{n}"), pointing, target)
         for n in range(3)]
    )  # fmt: skip
    with in_process(create_app(store, ServerSettings())) as http:
        assert http.get("/id/theme/only-object").status_code == 303
        assert http.get("/doc/theme/only-object").status_code == 200
        document = http.get("/doc/theme/only-object.nt").text
        assert http.get("/id/theme/missing").status_code == 404
    assert sorted(line.split()[0] for line in document.splitlines()) == [
        f"<https://w3id.org/govkg/id/principle/p{n}>" for n in range(3)
    ]
