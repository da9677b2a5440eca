"""The SPARQL endpoint as standard clients see it, over real HTTP.

Independent clients (SPARQLWrapper, rdflib's SPARQLStore) parse every result format back; the
query side of the W3C SPARQL 1.1 Protocol tests; datasets are graph names and never fetched (a
loopback listener must see no connection); runaway queries are stopped in their query process
while other requests are answered.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from servers import running_serve
from servers import serve as _serve
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from govkg.server import ServerSettings, create_app
from govkg.store import Store

GRAPH = "https://w3id.org/govkg/graph/"
STATES_GRAPH = GRAPH + "graph/reference/states.ttl"
SOURCES_GRAPH = GRAPH + "graph/sources.ttl"
STATE = "<https://w3id.org/govkg/ontology#State>"
STATES = f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a {STATE} }}"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0
#: How long the client waits for an answer the server stops at TIMEOUT.
WAIT = TIMEOUT + 20


@pytest.fixture(scope="module", params=["app", "serve", "sparql-only"])
def http(request: pytest.FixtureRequest, store: Store) -> Iterator[httpx.Client]:
    """The endpoint of the app under uvicorn (as a library user or a remote store serves it),
    then of ``govkg serve`` on the embedded store and of ``govkg serve --sparql-only`` (their
    query processes answer; same limits)."""
    if request.param in ("serve", "sparql-only"):
        options = ("--max-rows", "50", "--timeout", str(TIMEOUT), "--query-workers", "2")
        mode = ("--sparql-only",) if request.param == "sparql-only" else ()
        with (
            running_serve(*mode, *options) as (base, _process),
            httpx.Client(base_url=base) as client,
        ):
            yield client
        return
    settings = ServerSettings(max_rows=50, timeout_s=TIMEOUT)
    with _serve(create_app(store, settings)) as client:
        client.get("/sparql", params={"query": "ASK {}"})  # start the query processes
        # as when govkg serve starts (its lifespan, off here): the second warm query process and
        # the pages' alignment are started in threads; the runaway tests time answers that
        # assume them ready (a request that finds no idle process starts one, seconds on a
        # loaded machine), so wait for both
        deadline = time.monotonic() + 120
        while any(n in t.name for t in threading.enumerate() for n in ("_warm", "_add_started")):
            assert time.monotonic() < deadline, "the alignment was not read in 120 s"
            time.sleep(0.05)
        yield client


@pytest.fixture(scope="module")
def endpoint(http: httpx.Client) -> str:
    return f"{http.base_url}/sparql"


def _number(store: Store, query: str) -> int:
    return int(store.query(query).rows[0][0].value)  # type: ignore[union-attr]


def _count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# --- independent clients ------------------------------------------------------------------------


def _wrapper(endpoint: str, query: str, fmt: str, method: str = "GET") -> object:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(endpoint: str, store: Store, method: str) -> None:
    answer = _wrapper(endpoint, STATES, JSON, method)
    assert isinstance(answer, dict)
    value = answer["results"]["bindings"][0]["n"]["value"]
    assert int(value) == _number(store, STATES) > 150


def test_sparqlwrapper_xml(endpoint: str, store: Store) -> None:
    document = _wrapper(endpoint, STATES, XML)
    literal = document.getElementsByTagName("literal")[0]  # type: ignore[attr-defined]
    assert int(literal.firstChild.data) == _number(store, STATES)


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(endpoint: str, store: Store, fmt: str, delimiter: str) -> None:
    query = "SELECT ?iso WHERE { ?s <https://w3id.org/govkg/ontology#iso3> ?iso } ORDER BY ?iso"
    text = _wrapper(endpoint, query, fmt)
    assert isinstance(text, bytes)
    rows = list(csv.reader(io.StringIO(text.decode()), delimiter=delimiter))
    assert rows[0] == (["iso"] if fmt == CSV else ["?iso"])
    expected = [row[0].value for row in store.query(query).rows[:50]]  # type: ignore[union-attr]
    got = [value if fmt == CSV else value.strip('"') for (value,) in rows[1:]]
    assert got == expected


def test_sparqlwrapper_ask_and_construct(endpoint: str, store: Store) -> None:
    ask = _wrapper(endpoint, "ASK { ?s ?p ?o }", JSON)
    assert ask == {"head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ ?s a {STATE} }} WHERE {{ ?s a {STATE} }} LIMIT 40"
    graph = _wrapper(endpoint, construct, "turtle")
    parsed = Graph().parse(data=graph, format="turtle") if isinstance(graph, bytes) else graph
    assert isinstance(parsed, Graph)
    assert len(parsed) == 40


def test_rdflib_sparqlstore(endpoint: str, store: Store) -> None:
    graph = Graph(SPARQLStore(endpoint, returnFormat="json"))
    rows = list(graph.query(STATES))
    assert int(rows[0][0]) == _number(store, STATES)  # type: ignore[index]
    assert (URIRef("https://w3id.org/govkg/id/state/USA"), None, None) in graph


# --- the W3C SPARQL 1.1 Protocol tests, query side -----------------------------------------------

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
LATIN1 = {"Content-Type": "application/sparql-query; charset=ISO-8859-1"}
UPDATE = {"Content-Type": "application/sparql-update"}


def test_w3c_query_get_post_form_post_direct(http: httpx.Client) -> None:
    for response in (
        http.get("/sparql", params={"query": "ASK {}"}),
        http.post("/sparql", data={"query": "ASK {}"}),
        http.post("/sparql", content="ASK {}", headers=DIRECT),
    ):
        assert response.status_code == 200
        assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    ("query", "media"),
    [
        ("SELECT * { ?s ?p ?o } LIMIT 1", "application/sparql-results+xml"),
        ("ASK {}", "application/sparql-results+json"),
        ("DESCRIBE <https://w3id.org/govkg/id/state/USA>", "application/rdf+xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/ld+json"),
    ],
)
def test_w3c_query_content_type(http: httpx.Client, query: str, media: str) -> None:
    response = http.get("/sparql", params={"query": query}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media


def test_w3c_dataset_default_graph(http: httpx.Client, store: Store) -> None:
    params = {"query": STATES, "default-graph-uri": STATES_GRAPH}
    assert int(
        http.get("/sparql", params=params).json()["results"]["bindings"][0]["n"]["value"]
    ) == (_number(store, STATES))
    params = {"query": STATES, "default-graph-uri": SOURCES_GRAPH}
    assert http.get("/sparql", params=params).json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_w3c_dataset_default_graphs_post(http: httpx.Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    both = http.post(
        "/sparql", data={"query": query, "default-graph-uri": [STATES_GRAPH, SOURCES_GRAPH]}
    )
    one = http.post("/sparql", data={"query": query, "default-graph-uri": STATES_GRAPH})
    n_both = int(both.json()["results"]["bindings"][0]["n"]["value"])
    n_one = int(one.json()["results"]["bindings"][0]["n"]["value"])
    assert n_both > n_one > 0


def test_w3c_dataset_named_graphs(http: httpx.Client) -> None:
    query = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"
    params = {"query": query, "named-graph-uri": [STATES_GRAPH, SOURCES_GRAPH]}
    rows = http.get("/sparql", params=params).json()["results"]["bindings"]
    assert sorted(row["g"]["value"] for row in rows) == sorted([STATES_GRAPH, SOURCES_GRAPH])


def test_w3c_protocol_dataset_overrides_from(http: httpx.Client) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{SOURCES_GRAPH}> {{ ?s a {STATE} }}"
    from_only = http.get("/sparql", params={"query": query}).json()
    overridden = http.get(
        "/sparql", params={"query": query, "default-graph-uri": STATES_GRAPH}
    ).json()
    assert from_only["results"]["bindings"][0]["n"]["value"] == "0"
    assert int(overridden["results"]["bindings"][0]["n"]["value"]) > 150


def test_from_names_a_graph_in_the_store(http: httpx.Client, store: Store) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{STATES_GRAPH}> {{ ?s a {STATE} }}"
    answer = http.get("/sparql", params={"query": query}).json()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == _number(store, STATES)
    named = f"SELECT DISTINCT ?g FROM NAMED <{SOURCES_GRAPH}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    rows = http.get("/sparql", params={"query": named}).json()["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [SOURCES_GRAPH]


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("PUT", {"params": {"query": "ASK {}"}}, 405),
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("POST", {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ("POST", {"content": "query=ASK%20%7B%7D"}, 415),
        ("POST", {"content": "ASK {}"}, 415),
        ("POST", {"content": "ASK {} # caf\xe9".encode("latin-1"), "headers": LATIN1}, 415),
        ("POST", {"content": b"ASK {} # caf\xe9", "headers": DIRECT}, 400),
        ("GET", {"params": {"query": "SELECT * WHERE { ?s ?p }"}}, 400),
        ("GET", {"params": {"update": "CLEAR ALL"}}, 403),
        ("POST", {"data": {"update": "CLEAR ALL"}}, 403),
        ("POST", {"content": "CLEAR ALL", "headers": UPDATE}, 403),
        ("GET", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
    ],
)  # fmt: skip
def test_w3c_bad_requests(http: httpx.Client, method: str, kwargs: dict, status: int) -> None:  # type: ignore[type-arg]
    response = http.request(method, "/sparql", **kwargs)
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    assert len(response.text) < 500


def test_updates_leave_the_store_unchanged(http: httpx.Client, store: Store) -> None:
    quads = {"query": "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"}
    before, served = len(store), _count(http.get("/sparql", params=quads))
    http.post("/sparql", data={"update": "CLEAR ALL"})
    http.get("/sparql", params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"})
    assert len(store) == before
    assert _count(http.get("/sparql", params=quads)) == served > 0  # what the server answers from


# --- nothing is fetched -------------------------------------------------------------------------


class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_nothing_named_by_a_query_is_fetched(http: httpx.Client, listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/g.ttl"
    asks = [
        ({"query": f"SELECT * FROM <{url}> {{ ?s ?p ?o }}"}, 200),
        ({"query": f"SELECT * FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, 200),
        ({"query": "SELECT * FROM <file:///etc/hostname> { ?s ?p ?o }"}, 200),
        ({"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": url}, 200),
        ({"query": "SELECT * { ?s ?p ?o }", "named-graph-uri": url}, 200),
        ({"query": f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"}, 400),
        ({"query": "SELECT * { SERVICE <file:///etc/hostname> { ?s ?p ?o } }"}, 400),
    ]
    for params, status in asks:
        response = http.get("/sparql", params=params)
        assert response.status_code == status, (params, response.text)
        if status == 200:
            assert response.json()["results"]["bindings"] == []  # graph names with nothing in them
    time.sleep(0.3)
    assert listener.connections == 0


# --- limits: runaway queries, the client's lower timeout, the row cap ---------------------------


def _query_processes() -> dict[int, str]:
    """This test process's children running govkg query processes, and the query processes of
    ``govkg serve --sparql-only`` (its children's children): pid → state letter."""
    found, parents = {}, {os.getpid()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == os.getpid() and b"govkg.server.endpoint\x00" in cmdline:
            parents.add(int(entry.name))
        elif b"govkg.server.worker" in cmdline or b"govkg.server.endpoint_worker" in cmdline:
            found[int(entry.name)] = (int(fields[1]), fields[0])
    return {pid: state for pid, (parent, state) in found.items() if parent in parents}


def test_runaway_query_is_stopped_and_others_are_answered(http: httpx.Client) -> None:
    def timed_runaway() -> tuple[httpx.Response, float]:
        response = http.get("/sparql", params={"query": RUNAWAY}, timeout=WAIT)
        return response, time.monotonic()

    before = set(_query_processes())
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        runaway = pool.submit(timed_runaway)
        time.sleep(0.3)
        ask = http.get("/sparql", params={"query": "ASK {}"}, timeout=WAIT)
        answered = time.monotonic()
        assert ask.status_code == 200
        stopped, ended = runaway.result()
    # answered before the runaway was stopped: it did not wait for it (on a loaded machine the
    # ASK may be slow, but not as slow as the runaway's whole time limit)
    assert answered < ended, "the ASK waited for the runaway query"
    assert stopped.status_code == 503
    assert f"did not finish within {TIMEOUT:g} s" in stopped.text
    assert time.monotonic() - started < TIMEOUT + 3  # stopped at its time limit, not at its end
    time.sleep(0.3)
    # a process started since (the sparql-only endpoint replaces the one that stopped the
    # query) may be running its start; none of those that could have had the query may be
    running = [pid for pid, state in _query_processes().items() if state == "R" and pid in before]
    assert before, "no query process was found"
    assert running == [], "a stopped query is still computing"


def test_four_runaways_at_once(http: httpx.Client) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        runaways = [
            pool.submit(http.get, "/sparql", params={"query": RUNAWAY}, timeout=WAIT)
            for _ in range(4)
        ]
        time.sleep(0.5)
        ask = http.get("/sparql", params={"query": "ASK {}"})
        in_flight = sum(not future.done() for future in runaways)
        statuses = [future.result().status_code for future in runaways]
    assert ask.status_code == 200
    assert in_flight == 4, "the ASK waited for the runaway queries"
    assert statuses == [503] * 4


@pytest.mark.parametrize(("timeout", "expected"), [("0.3", 0.3), ("100000", TIMEOUT)])
def test_client_can_lower_but_not_raise_the_timeout(
    http: httpx.Client, timeout: str, expected: float
) -> None:
    started = time.monotonic()
    response = http.get("/sparql", params={"query": RUNAWAY, "timeout": timeout}, timeout=WAIT)
    took = time.monotonic() - started
    assert response.status_code == 503
    assert f"within {expected:g} s" in response.text
    assert expected - 0.05 < took < expected + 2.0  # stopped at the limit, not at the end


@pytest.mark.parametrize("timeout", ["abc", "-1", "0", "nan"])
def test_bad_timeout(http: httpx.Client, timeout: str) -> None:
    response = http.get("/sparql", params={"query": "ASK {}", "timeout": timeout})
    assert response.status_code == 400
    assert "timeout" in response.text


def test_row_cap_cannot_be_raised_by_the_client(http: httpx.Client) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 100000000"
    response = http.get("/sparql", params={"query": query})
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["x-govkg-truncated"] == "true"
    graph = http.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(Graph().parse(data=graph.text, format="nt")) == 50
    assert graph.headers["x-govkg-truncated"] == "true"
    small = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 7"})
    assert len(small.json()["results"]["bindings"]) == 7
    assert "x-govkg-truncated" not in small.headers


def test_unbounded_property_path_is_stopped(http: httpx.Client) -> None:
    """A path over every predicate, from every node, repeated without bound: stopped in time."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x:none>)* ?b . ?b (!<urn:x:none>)* ?c }"
    started = time.monotonic()
    response = http.get("/sparql", params={"query": query, "timeout": "1"})
    assert response.status_code == 503
    assert time.monotonic() - started < 2.5
    assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_fifty_megabyte_body_is_refused_before_it_is_read(http: httpx.Client) -> None:
    body = b"query=" + b"x" * (50 * 1024 * 1024)
    started = time.monotonic()
    response = http.post("/sparql", content=body, headers=FORM)
    assert response.status_code == 413
    assert "request body over" in response.text
    assert time.monotonic() - started < 5
