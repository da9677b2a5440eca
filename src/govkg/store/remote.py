"""A remote SPARQL 1.1 server as a govkg store.

Queries go over the SPARQL 1.1 Protocol (POST, form-encoded), asking for SPARQL JSON (SELECT,
ASK) or N-Triples (CONSTRUCT, DESCRIBE) by the query's form; loading goes over the Graph Store
Protocol (POST of N-Triples to ``?graph=IRI``), one named graph per project file.  Only govkg's
own graphs (under :data:`~govkg.namespaces.GRAPH_BASE`) are dropped, counted and read: a server's
own graphs (Virtuoso's ``virtrdf#``) are left alone.  The server must treat the union of its named
graphs as the default graph (Oxigraph: ``oxigraph serve --union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``; Virtuoso does), as govkg's queries expect.

What servers answer differently is read as the embedded store would answer: extra members of
SPARQL JSON are ignored, Virtuoso's blank nodes (``nodeID://b10000``) and booleans (``0``/``1``)
are mapped, and an answer the server cut at its row limit (``X-SPARQL-MaxRows``) is an error,
never a shorter answer.

Credentials come from the store URL (``sparql+http://user:password@host/…``) or from the
environment (``GOVKG_STORE_USER`` and ``GOVKG_STORE_PASSWORD``), answer HTTP Basic or Digest
challenges (Virtuoso's ``-auth`` endpoints want Digest), and never appear in a message: the
endpoints' URLs carry no credentials, and :func:`shown` writes a store URL with ``***`` for the
password.

``sparql+http://host:port/`` uses Oxigraph's layout: ``query``, ``update`` and ``store`` under that
path.  Other servers name their endpoints in the query string:
``sparql+http://host:3030/ds?query=sparql&update=update&store=data`` (Fuseki).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from itertools import chain, islice

import pyoxigraph as ox

from govkg.errors import QueryError, StoreError
from govkg.namespaces import GRAPH_BASE, VOCABULARIES
from govkg.store.base import Dataset, QueryResult, Store, Term, to_result
from govkg.store.sparql_text import from_clauses, prologue_for, query_form, refuse_federation
from govkg.store.substitute import substitute

USER_ENV, PASSWORD_ENV = "GOVKG_STORE_USER", "GOVKG_STORE_PASSWORD"
TABLE = "application/sparql-results+json"
GRAPH = "application/n-triples"
BATCH = 50_000
_XSD_BOOLEAN = VOCABULARIES["XSD"] + "boolean"
_BLANK_LABEL = re.compile(r"[^A-Za-z0-9_]")
#: govkg's graphs: what it loads, drops, counts and reads on a server.
_OURS = f'FILTER (STRSTARTS(STR(?g), "{GRAPH_BASE}"))'
#: What a quad's subject can be.
_SUBJECT = ox.NamedNode | ox.BlankNode | ox.Triple
#: Where :meth:`RemoteStore.check_writable` writes its test triple (one of govkg's graphs).
_PROBE_GRAPH = GRAPH_BASE + "load-check"


def portable_json(data: bytes) -> bytes:
    """SPARQL JSON as SPARQL 1.1 defines it: only ``head``, ``results`` and ``boolean`` (a
    server may add members: Comunica's ``metadata``), blank-node labels made valid (Virtuoso's
    ``nodeID://b10000``) and the booleans ``0``/``1`` written as ``false``/``true``."""
    body = json.loads(data)
    kept = {key: body[key] for key in ("head", "results", "boolean") if key in body}
    for binding in kept.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "bnode":
                term["value"] = _BLANK_LABEL.sub("_", term["value"].removeprefix("nodeID://"))
            elif term.get("datatype") == _XSD_BOOLEAN and term.get("value") in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(kept).encode()


@dataclass(frozen=True)
class Credentials:
    """A user and password for the server (the password is never shown)."""

    user: str
    password: str = field(repr=False)


def split_credentials(spec: str) -> tuple[str, Credentials | None]:
    """The store URL without its user and password, and the credentials (from the URL, else
    from the environment)."""
    parts = urllib.parse.urlsplit(spec)
    bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or os.environ.get(PASSWORD_ENV, ""))
        return bare, Credentials(user, password)
    if os.environ.get(USER_ENV):
        return bare, Credentials(os.environ[USER_ENV], os.environ.get(PASSWORD_ENV, ""))
    return bare, None


def shown(spec: str) -> str:
    """A store URL as it may be shown: the password replaced by ``***``."""
    parts = urllib.parse.urlsplit(spec)
    if parts.password is None:
        return spec
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a server."""

    query: str
    update: str
    store: str

    @classmethod
    def from_spec(cls, spec: str) -> Endpoints:
        parts = urllib.parse.urlsplit(split_credentials(spec.removeprefix("sparql+"))[0])
        options = dict(urllib.parse.parse_qsl(parts.query))
        base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/",
                                        "", ""))  # fmt: skip
        return cls(*(urllib.parse.urljoin(base, options.get(name, name))
                     for name in ("query", "update", "store")))  # fmt: skip


def _query_params(text: str, dataset: Dataset | None) -> dict[str, list[str]]:
    """The protocol's parameters: the query and, when given, the dataset's graph names."""
    params = {"query": [text]}
    if dataset is not None:
        params["default-graph-uri"] = list(dataset.default_graphs)
        params["named-graph-uri"] = list(dataset.named_graphs)
    return params


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP, with connect and read timeouts."""

    def __init__(
        self, endpoints: Endpoints, timeout: float = 30.0, credentials: Credentials | None = None
    ) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self._opener = _opener(endpoints, credentials)

    @classmethod
    def from_spec(cls, spec: str, timeout: float = 30.0) -> RemoteStore:
        credentials = split_credentials(spec.removeprefix("sparql+"))[1]
        return cls(Endpoints.from_spec(spec), timeout, credentials)

    @property
    def remote(self) -> bool:
        return True

    @property
    def persistent(self) -> bool:
        return True

    @property
    def location(self) -> str:
        """The server's query endpoint (without credentials)."""
        return self.endpoints.query

    def _send(self, url: str, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        return self._exchange(url, body, content_type, accept)[0]

    def _exchange(
        self, url: str, body: bytes, content_type: str, accept: str = "*/*"
    ) -> tuple[bytes, Message]:
        """The answer's body and headers, within one deadline of ``timeout`` seconds for the
        whole exchange (a server that sends a byte now and then is given up on too)."""
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": content_type, "Accept": accept},
        )  # fmt: skip
        deadline = time.monotonic() + self.timeout
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return _read_by(answer, deadline), answer.headers
        except http.client.IncompleteRead as error:
            raise StoreError(
                f"{url} ended its answer early ({len(error.partial):,} bytes of "
                f"{len(error.partial) + (error.expected or 0):,}): the answer is incomplete"
            ) from None
        except http.client.HTTPException as error:
            raise StoreError(f"{url} sent a broken answer ({type(error).__name__})") from None
        except urllib.error.HTTPError as error:
            detail = error.read(300).decode("utf-8", "replace").strip().splitlines()
            first = f": {detail[0]}" if detail else ""
            raise StoreError(
                f"{url} answered {error.code} {error.reason}{first}{_advice(first)}"
            ) from None
        except TimeoutError:
            raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as error:
            raise StoreError(f"cannot reach {url}: {error.reason}") from None
        except OSError as error:
            raise StoreError(f"cannot reach {url}: {error}") from None

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        dataset: Dataset | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        refuse_federation(sparql)
        dataset = dataset or from_clauses(sparql)  # the server's union default graph hides FROM
        text = substitute(prologue_for(sparql) + sparql, bindings or {})
        body = urllib.parse.urlencode(_query_params(text, dataset), doseq=True).encode()
        wanted = GRAPH if query_form(sparql) in ("construct", "describe") else TABLE
        data, headers = self._exchange(self.endpoints.query, body,
                                       "application/x-www-form-urlencoded", wanted)  # fmt: skip
        url = self.endpoints.query
        result = _read_answer(url, data, wanted, limit)
        _refuse_cut(url, headers, result, limit)
        return result

    def update(self, sparql: str) -> None:
        body = urllib.parse.urlencode({"update": sparql}).encode()
        self._send(self.endpoints.update, body, "application/x-www-form-urlencoded")

    def clear(self) -> None:
        """Drop govkg's graphs on the server (and only those), and check that they are gone:
        Virtuoso answers ``CLEAR ALL`` with 200 and removes nothing."""
        graphs = self.graphs()
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in graphs))
        left = self.graphs()
        if left:
            raise StoreError(
                f"{self.endpoints.update} kept {len(left)} of govkg's {len(graphs)} graphs after "
                f"DROP GRAPH (first: {left[0]}); the server still holds the old data and nothing "
                "new was loaded"
            )

    def check_writable(self) -> None:
        """Refuse, before anything is changed, a server govkg cannot load: one test triple is
        posted over the Graph Store Protocol to a graph of govkg's own and must then be there.
        A read-only server refuses it (Comunica: 404) or accepts it and keeps nothing
        (rdflib-endpoint answers 200 with its service description).  :meth:`clear` drops the
        test graph with govkg's others."""
        comment = VOCABULARIES["RDFS"] + "comment"
        probe = f'<{_PROBE_GRAPH}> <{comment}> "govkg load checks that it can write here"'
        target = self.endpoints.store + "?" + urllib.parse.urlencode({"graph": _PROBE_GRAPH})
        cannot = f"{self.endpoints.store} cannot be loaded (a read-only server, or one without "
        try:
            self._send(target, f"{probe} .\n".encode(), "application/n-triples")
        except StoreError as error:
            raise StoreError(f"{cannot}the Graph Store Protocol): a test write failed: {error}; "
                             "nothing was changed on the server") from None  # fmt: skip
        if not self.query(f"ASK {{ GRAPH <{_PROBE_GRAPH}> {{ {probe} }} }}").boolean:
            raise StoreError(f"{cannot}the Graph Store Protocol): it accepted a test write but "
                             "does not hold it; nothing was changed on the server")  # fmt: skip

    def graphs(self) -> list[str]:
        """govkg's graphs on the server."""
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}").rows
        return sorted(g.value for (g,) in rows if isinstance(g, ox.NamedNode))

    def load(self, quads: Iterable[ox.Quad]) -> None:
        graphs: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            graphs[name].append(quad.triple)
        for name, triples in sorted(graphs.items()):
            target = "?" + (urllib.parse.urlencode({"graph": name}) if name else "default")
            for batch in batches(triples, BATCH):
                data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
                self._send(self.endpoints.store + target, data or b"", "application/n-triples")

    def load_together(self, quads: list[ox.Quad]) -> None:
        """Add quads in one request of N-Quads to the store endpoint (Oxigraph and Fuseki take
        a dataset there): the server names each blank node once for the whole request."""
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self._send(self.endpoints.store, data or b"", "application/n-quads")

    def quads(self) -> Iterator[ox.Quad]:
        """The quads of govkg's graphs."""
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}")
        for row in rows.records():  # every variable bound: a pattern's
            subject, predicate = row["s"], row["p"]
            if isinstance(subject, _SUBJECT) and isinstance(predicate, ox.NamedNode):
                yield ox.Quad(subject, predicate, row.term("o"), row.node("g"))

    def __len__(self) -> int:
        """The number of quads in govkg's graphs."""
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}"
        return self.query(query).records()[0].int("n")


def batches(triples: list[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """The triples in requests of about ``size``, each blank node's triples in one request: a
    server names the blank nodes of each request anew, so a node split over two would become
    two.  Triples linked through blank nodes stay together (a larger group is one request)."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        blanks = [t for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
    groups: dict[ox.BlankNode | None, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        blank = next((t for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)),
                     None)  # fmt: skip
        groups[None if blank is None else root(blank)].append(triple)
    free = groups.pop(None, [])  # triples without a blank node: any request will do
    batch: list[ox.Triple] = []
    for group in chain((free[i : i + size] for i in range(0, len(free), size)), groups.values()):
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch += group
    if batch:
        yield batch


def _read_by(answer: http.client.HTTPResponse, deadline: float) -> bytes:
    """The whole body, read in chunks until the deadline: each read waits at most the time left;
    a body shorter than its Content-Length is an :class:`http.client.IncompleteRead`."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock = getattr(getattr(getattr(answer, "fp", None), "raw", None), "_sock", None)
        if sock is not None:
            sock.settimeout(left)
        chunk = answer.read1(65536) if hasattr(answer, "read1") else answer.read(65536)
        if not chunk:
            body = b"".join(chunks)
            expected = answer.headers.get("Content-Length", "")
            if expected.isdigit() and len(body) < int(expected):
                raise http.client.IncompleteRead(body, int(expected) - len(body))
            return body
        chunks.append(chunk)


def _opener(endpoints: Endpoints, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    """An opener that answers Basic and Digest challenges with the credentials, for the
    server's three endpoints only."""
    if credentials is None:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    for url in {endpoints.query, endpoints.update, endpoints.store}:
        passwords.add_password(None, url, credentials.user, credentials.password)  # type: ignore[arg-type]
    return urllib.request.build_opener(
        urllib.request.HTTPBasicAuthHandler(passwords),
        urllib.request.HTTPDigestAuthHandler(passwords),
    )


def _read_answer(url: str, data: bytes, wanted: str, limit: int | None) -> QueryResult:
    """The server's answer, read; no parsed answer outlives this call, not even in an error's
    traceback: pyoxigraph's parsed solutions must be dropped on the thread that made them (an
    error kept in a reference cycle is dropped wherever the collector runs, and pyoxigraph then
    leaks the answer, with a warning)."""
    try:
        return _parsed(data, wanted, limit)
    except (SyntaxError, ValueError) as error:  # JSONDecodeError is a ValueError
        problem = str(error)
    raise QueryError(f"{url} sent an answer govkg cannot read: {problem}")  # without its cause


def _parsed(data: bytes, wanted: str, limit: int | None) -> QueryResult:
    """The answer's rows or triples, at most ``limit + 1`` of them."""
    if wanted == TABLE:
        answer = ox.parse_query_results(portable_json(data), format=ox.QueryResultsFormat.JSON)
        return to_result(answer, limit)
    stop = None if limit is None else limit + 1
    triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    return QueryResult("graph", triples=list(islice(triples, stop)))


# Virtuoso refuses, before running it, a query whose estimated time exceeds
# [SPARQL] MaxQueryCostEstimationTime (the stock ini's 400 s).  The estimate can be wrong by
# orders of magnitude, and differently from one start of the server to the next: a page's query
# that runs in milliseconds was once refused as "31,000,000 s".
_ESTIMATE_REFUSED = re.compile(r"estimated execution time -?\d+ \(sec\) exceeds the limit")


def _advice(detail: str) -> str:
    """What to change on the server, for an error whose cause is a server setting."""
    if _ESTIMATE_REFUSED.search(detail):
        return (
            " (the server refused the query before running it, on its own estimate of its "
            "time, which can be far off; remove [SPARQL] MaxQueryCostEstimationTime from "
            "virtuoso.ini)"
        )
    return ""


def _refuse_cut(url: str, headers: Message, result: QueryResult, limit: int | None) -> None:
    """An answer the server cut is an error: Virtuoso answers 200 with at most
    ``ResultSetMaxRows`` rows and says so only in ``X-SPARQL-MaxRows``, and a query stopped at
    its time limit (``MaxQueryExecutionTime``) answers 200 with what it had found so far, saying
    so only in ``X-SQL-State: S1TAT``."""
    if headers.get("X-SQL-State", "").strip() == "S1TAT":
        raise QueryError(
            f"{url} stopped the query at its time limit and sent what it had found so far "
            "(X-SQL-State S1TAT): the answer is incomplete; raise the server's limit (Virtuoso: "
            "[SPARQL] MaxQueryExecutionTime) or simplify the query"
        )
    cap = headers.get("X-SPARQL-MaxRows")
    if cap is None or not cap.strip().isdigit():
        return
    got = len(result.rows) if result.kind == "select" else len(result.triples)
    if got >= int(cap) and (limit is None or int(cap) <= limit):
        raise QueryError(
            f"{url} cut the answer at its row limit of {int(cap):,} (X-SPARQL-MaxRows): the "
            "answer is incomplete; raise the server's limit (Virtuoso: [SPARQL] ResultSetMaxRows)"
        )
