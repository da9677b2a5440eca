"""A remote SPARQL 1.1 server as a govkg store.

Queries go over the SPARQL 1.1 Protocol (POST, form-encoded); loading goes over the Graph Store
Protocol (POST of N-Triples to ``?graph=IRI``), one named graph per project file; ``CLEAR ALL``
over SPARQL Update empties it.  The server must treat the union of its named graphs as the default
graph (Oxigraph: ``oxigraph serve --union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph
true``), as govkg's queries expect.

``sparql+http://host:port/`` uses Oxigraph's layout: ``query``, ``update`` and ``store`` under that
path.  Other servers name their endpoints in the query string:
``sparql+http://host:3030/ds?query=sparql&update=update&store=data`` (Fuseki).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from govkg.errors import QueryError, StoreError
from govkg.namespaces import sparql_prologue
from govkg.store import (
    Dataset,
    QueryResult,
    Store,
    Term,
    from_clauses,
    refuse_federation,
    to_result,
)
from govkg.substitute import substitute

RESULTS = "application/sparql-results+json, application/n-triples;q=0.9"
BATCH = 50_000


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a server."""

    query: str
    update: str
    store: str

    @classmethod
    def from_spec(cls, spec: str) -> Endpoints:
        parts = urllib.parse.urlsplit(spec.removeprefix("sparql+"))
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

    def __init__(self, endpoints: Endpoints, timeout: float = 30.0) -> None:
        self.endpoints = endpoints
        self.timeout = timeout

    @classmethod
    def from_spec(cls, spec: str, timeout: float = 30.0) -> RemoteStore:
        return cls(Endpoints.from_spec(spec), timeout)

    def _send(self, url: str, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": content_type, "Accept": accept},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.read()
        except urllib.error.HTTPError as error:
            detail = error.read(300).decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"{url} answered {error.code} {error.reason}"
                             + (f": {detail[0]}" if detail else "")) from None  # fmt: skip
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
        text = substitute(sparql_prologue() + sparql, bindings or {})
        body = urllib.parse.urlencode(_query_params(text, dataset), doseq=True).encode()
        data = self._send(self.endpoints.query, body, "application/x-www-form-urlencoded",
                          RESULTS)  # fmt: skip
        try:
            if data.lstrip().startswith(b"{"):
                answer = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
                return to_result(answer, limit)
            triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
            stop = None if limit is None else limit + 1
            return QueryResult("graph", triples=list(islice(triples, stop)))
        except (SyntaxError, ValueError) as error:
            url = self.endpoints.query
            raise QueryError(f"{url} sent an answer govkg cannot read: {error}") from None

    def update(self, sparql: str) -> None:
        body = urllib.parse.urlencode({"update": sparql}).encode()
        self._send(self.endpoints.update, body, "application/x-www-form-urlencoded")

    def clear(self) -> None:
        """Remove every graph on the server."""
        self.update("CLEAR ALL")

    def load(self, quads: Iterable[ox.Quad]) -> None:
        graphs: dict[str, list[ox.Triple]] = defaultdict(list)
        for quad in quads:
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            graphs[name].append(quad.triple)
        for name, triples in sorted(graphs.items()):
            target = "?" + (urllib.parse.urlencode({"graph": name}) if name else "default")
            for start in range(0, len(triples), BATCH):
                data = ox.serialize(triples[start : start + BATCH], format=ox.RdfFormat.N_TRIPLES)
                self._send(self.endpoints.store + target, data or b"", "application/n-triples")

    def load_together(self, quads: list[ox.Quad]) -> None:
        """Add quads in one request of N-Quads to the store endpoint (Oxigraph and Fuseki take
        a dataset there): the server names each blank node once for the whole request."""
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self._send(self.endpoints.store, data or b"", "application/n-quads")

    def quads(self) -> Iterator[ox.Quad]:
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        for s, p, o, g in rows:
            yield ox.Quad(s, p, o, g)  # type: ignore[arg-type]

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return int(getattr(rows[0][0], "value", 0))
