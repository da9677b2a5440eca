"""The shipped project on real SPARQL servers answers as on the embedded store: ``validate``,
``align``, every export view, ``stats``, and the linked-data server (pages, SPARQL endpoint,
query answers, dumps) started for real over each server.

Each server (``oxigraph serve`` and Virtuoso 7.2, conftest's fixtures) is loaded once with
``govkg load``; every command then runs twice, on the embedded store (the default ``--store``)
and on the server, and must print the same bytes.  RDF answers are compared as graphs
(isomorphism: blank-node labels are the store's own) and also checked against the project's
files, so two stores that lost the same triples would not pass.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from paths import ROOT
from rdflib import Graph
from rdflib.compare import isomorphic
from servers import in_process

from govkg.cli import cli
from govkg.load import open_project, parse_files, rebuild
from govkg.project import Project
from govkg.queries import sorted_concatenations
from govkg.server import ServerSettings, create_app
from govkg.store import QueryResult
from govkg.store.remote import RemoteStore, batches

STATE = "https://w3id.org/govkg/id/state/"


@pytest.fixture(scope="module", params=["oxigraph_server", "virtuoso_server"])
def server(request: pytest.FixtureRequest) -> str:
    """Each real server, loaded with the shipped project by ``govkg load``; its --store value."""
    spec = str(request.getfixturevalue(request.param))
    loaded = CliRunner().invoke(cli, ["--root", str(ROOT), "--store", spec, "load"])
    assert loaded.exit_code == 0, loaded.output
    assert re.search(r"^loaded [\d,]+ quads from \d+ files into ", loaded.stdout, re.MULTILINE)
    return spec


def govkg(*args: str, store: str | None = None) -> Result:
    """The CLI on the shipped project, on ``store`` (None: the embedded store)."""
    where = ["--store", store] if store else []
    return CliRunner().invoke(cli, ["--root", str(ROOT), *where, *args])


def same_output(server: str, *args: str, exit_code: int = 0) -> str:
    """Run a command on both stores; both must exit ``exit_code`` with the same stdout and
    stderr.  The embedded store's stdout."""
    here, there = govkg(*args), govkg(*args, store=server)
    assert here.exit_code == exit_code, here.output
    assert (there.exit_code, there.stdout, there.stderr) == (exit_code, here.stdout, here.stderr)
    return here.stdout


@cache
def project_triples() -> list[ox.Triple]:
    """The distinct triples of the project's files, parsed here (not read from any store)."""
    project = Project(ROOT)
    return list({quad.triple for quad in parse_files(project, project.data_files())})


# --- validate ------------------------------------------------------------------------------------


def test_validate_counts_only_the_projects_triples(server: str) -> None:
    """The report's count is the files' distinct triples: not govkg's stamp graph, not
    Virtuoso's system graphs (pySHACL on the server, the SPARQL engine embedded)."""
    text = same_output(server, "validate")
    assert text == f"Conforms: {len(project_triples())} triples, 0 violation(s), 0 warning(s)\n"


BROKEN = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix instrument: <https://w3id.org/govkg/id/instrument/> .
@prefix source: <https://w3id.org/govkg/id/source/> .
@prefix stance: <https://w3id.org/govkg/id/stance/> .
@prefix stancekind: <https://w3id.org/govkg/id/stance-kind/> .
@prefix state: <https://w3id.org/govkg/id/state/> .

state:FRA a gk:State ; rdfs:label "France"@en ; rdfs:seeAlso [ rdfs:label "a blank node" ] .
state:GBR a gk:State .
instrument:tiny-accord a gk:Declaration ; rdfs:label "Tiny Accord"@en ;
    dcterms:date "2024-13-01" .
stance:tiny-accord--FRA a gk:Stance ; gk:instrument instrument:tiny-accord ;
    gk:actor state:FRA ; gk:stanceKind stancekind:signed ; prov:wasDerivedFrom source:one .
stance:tiny-accord--GBR a gk:Stance ; gk:instrument instrument:tiny-accord ;
    gk:stanceKind stancekind:endorsed ; prov:wasDerivedFrom source:two .
"""


@contextmanager
def restoring(server: str) -> Iterator[None]:
    """The block may load another project; then the server holds the shipped one again (the
    module's other tests read it)."""
    try:
        yield
    finally:
        rebuild(ROOT, server)


def test_validate_finds_the_same_violations(server: str, tmp_path: Path) -> None:
    """A graph with violations: the same problems, count and exit code 1 from pySHACL on the
    server as from the SPARQL engine embedded, and the same report graph."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "stances.ttl").write_text(BROKEN, encoding="utf-8")
    runner = CliRunner()
    with restoring(server):
        rebuild(tmp_path, server)
        for fmt in ("json", "turtle"):
            args = ["--root", str(tmp_path), "validate", "--format", fmt]
            here = runner.invoke(cli, args)
            there = runner.invoke(cli, ["--store", server, *args])
            assert (here.exit_code, there.exit_code) == (1, 1), there.output
            if fmt == "json":
                assert json.loads(there.stdout) == json.loads(here.stdout)
                assert json.loads(here.stdout)["violations"] == 12
            else:
                ours = Graph().parse(data=here.stdout)
                assert isomorphic(ours, Graph().parse(data=there.stdout))
                assert len(ours) > 12 * 5


# --- align ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--format", "csv", "--measure", "kappa", "--absent", "no", "--min-n", "1"),
        ("--pair", "USA", "CHN", "--by-year"),
        ("--blocs", "--measure", "s", "--format", "json"),
        ("--window", "2", "--series", "reaim", "--format", "csv"),
        ("--weight", "instrument:bletchley-declaration-2023=2", "--format", "ndjson"),
    ],
)
def test_align_is_the_same(server: str, args: tuple[str, ...]) -> None:
    out = same_output(server, "align", *args)
    assert len(out.splitlines()) >= 3  # a table with rows, not two empty answers


# --- export --------------------------------------------------------------------------------------


#: Each view's nodes on the shipped graph, at least (so two empty files cannot pass).
VIEWS = {"stances": 100, "alignment": 50, "dialogues": 2, "full": 1000}


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("kind", ["gexf", "graphml"])
def test_every_export_view_is_the_same_file(server: str, kind: str, view: str) -> None:
    out = same_output(server, "export", kind, "--view", view)
    assert out.count("<node id=") >= VIEWS[view]


def test_the_full_view_holds_no_store_bookkeeping(server: str) -> None:
    """Neither govkg's stamp graph nor Virtuoso's own resources become nodes."""
    out = govkg("export", "graphml", "--view", "full", store=server).stdout
    assert "https://w3id.org/govkg/graph/meta" not in out
    assert "openlinksw" not in out and "virtrdf" not in out


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_csv_tables_are_the_same_bytes(server: str, view: str, tmp_path: Path) -> None:
    for name, store in (("here", None), ("there", server)):
        out = govkg("export", "csv", "--view", view, "--out", str(tmp_path / name), store=store)
        assert out.exit_code == 0, out.output
    for table in ("nodes", "edges"):
        here = (tmp_path / f"here-{table}.csv").read_bytes()
        assert (tmp_path / f"there-{table}.csv").read_bytes() == here
        assert here.count(b"\n") >= 2


def test_stats_are_the_same(server: str) -> None:
    """Counts of govkg's graphs only: no stamp, no Virtuoso graph or class."""
    figures = json.loads(same_output(server, "stats", "--format", "json"))
    assert figures["triples"] == sum(n for _file, n in figures["per_file"])
    assert all(not name.startswith("http") for name, _n in figures["per_file"])


# --- serve ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(server: str) -> Iterator[httpx.Client]:
    """``govkg serve``'s app over the server's store, called in process."""
    project, store = open_project(ROOT, server)
    assert isinstance(store, RemoteStore)
    with in_process(create_app(store, ServerSettings(), project)) as http:
        yield http


def both(
    here: httpx.Client, there: httpx.Client, path: str, **options: object
) -> tuple[httpx.Response, httpx.Response]:
    """The same request to the embedded store's app and the server's; both 200."""
    method = "POST" if "data" in options else "GET"
    answers = (here.request(method, path, **options), there.request(method, path, **options))  # type: ignore[arg-type]
    assert [a.status_code for a in answers] == [200, 200], [a.text[:300] for a in answers]
    return answers


@pytest.mark.parametrize(
    "path",
    [
        "/doc/state/USA.html",
        "/doc/instrument/bletchley-declaration-2023.html",
        "/doc/instrument/unga-res-78-241.page-2.html",
        "/states.html",
        "/instruments.html",
        "/events.html",
        "/people.html",
        "/themes.html",
        "/search?q=united",
        "/queries/roles.csv",
        "/queries/signatories.json",
        "/queries/us-china-timeline.html",
        "/void.ttl",
    ],
)
def test_pages_and_answers_are_the_same_bytes(
    shipped_client: httpx.Client, served: httpx.Client, path: str
) -> None:
    here, there = both(shipped_client, served, path)
    assert there.content == here.content
    assert len(here.content) > 500


@pytest.mark.parametrize("path", ["/doc/state/USA.ttl", "/doc/role/dario-amodei-anthropic.jsonld"])
def test_rdf_documents_are_the_same_graph(
    shipped_client: httpx.Client, served: httpx.Client, path: str
) -> None:
    """Compared as graphs: the role's interval is a blank node, labelled by each store."""
    here, there = both(shipped_client, served, path)
    fmt = "json-ld" if path.endswith(".jsonld") else "turtle"
    ours, theirs = (
        Graph().parse(data=here.text, format=fmt),
        Graph().parse(data=there.text, format=fmt),
    )
    assert len(ours) >= 5 and isomorphic(ours, theirs)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT ?s ?l WHERE { ?s a <https://w3id.org/govkg/ontology#State> ; "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s ?l",
         "application/sparql-results+json"),
        (f"ASK {{ <{STATE}USA> ?p ?o }}", "application/sparql-results+json"),
        (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{STATE}CHN>) }}",
         "application/n-triples"),
    ],
)  # fmt: skip
def test_the_sparql_endpoint_answers_the_same(
    shipped_client: httpx.Client, served: httpx.Client, query: str, accept: str
) -> None:
    here, there = both(
        shipped_client, served, "/sparql", data={"query": query}, headers={"Accept": accept}
    )
    if accept.endswith("json"):
        assert there.json() == here.json()
        answer = here.json()
        assert answer.get("boolean") is True or len(answer["results"]["bindings"]) > 100
    else:
        ours = Graph().parse(data=here.text, format="nt")
        assert len(ours) > 3 and isomorphic(ours, Graph().parse(data=there.text, format="nt"))


DUMP_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                "jsonld": ox.RdfFormat.JSON_LD, "gz": ox.RdfFormat.N_QUADS}  # fmt: skip


@pytest.mark.parametrize("name", ["govkg.ttl", "govkg.nt", "govkg.jsonld", "govkg.nq.gz"])
def test_the_dumps_are_the_same_bytes_and_the_projects_files(
    shipped_client: httpx.Client, served: httpx.Client, name: str
) -> None:
    """A dump downloaded from each store is byte for byte the same, and holds exactly the
    triples of the project's files (no stamp, no Virtuoso graph, every blank node once)."""
    here, there = both(shipped_client, served, f"/dumps/{name}")
    assert there.content == here.content
    checksum = both(shipped_client, served, f"/dumps/{name}.sha256")
    assert checksum[1].content == checksum[0].content
    data = gzip.decompress(here.content) if name.endswith(".gz") else here.content
    fmt = DUMP_FORMATS[name.split(".")[-1]]
    dumped = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)}
    assert canonical(dumped) == canonical(project_triples())


def canonical(triples: Iterable[ox.Triple]) -> set[str]:
    """The triples with blank nodes named by RDFC-1.0 (isomorphic graphs give the same set)."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


# --- loading blank nodes in batches --------------------------------------------------------------


def test_batches_keep_each_blank_nodes_triples_together() -> None:
    """A blank node's triples (and those of nodes linked to it) share one request."""
    iri = ox.NamedNode
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    p = iri("urn:p")
    triples = [
        ox.Triple(iri("urn:s1"), p, a),
        ox.Triple(iri("urn:s2"), p, ox.Literal("x")),
        ox.Triple(a, p, b),
        ox.Triple(iri("urn:s3"), p, ox.Literal("y")),
        ox.Triple(b, p, ox.Literal("z")),
        ox.Triple(c, p, ox.Literal("w")),
        ox.Triple(iri("urn:s4"), p, c),
    ]
    found = list(batches(triples, 2))
    assert sorted(map(str, (t for batch in found for t in batch))) == sorted(map(str, triples))
    holding = {node: [i for i, batch in enumerate(found) if any(node in (t.subject, t.object)
                                                                 for t in batch)]
               for node in (a, b, c)}  # fmt: skip
    assert holding[a] == holding[b] and len(holding[a]) == 1 and len(holding[c]) == 1
    assert [len(batch) for batch in found] == [2, 3, 2]  # the a-b group of 3 is one request


def test_a_load_in_small_batches_keeps_blank_nodes_one(server: str, tmp_path: Path) -> None:
    """Loaded three triples a request, a file of blank nodes spanning many requests arrives
    whole: each node keeps its triples (the server's copy is the file's graph)."""
    root = tmp_path / "project"
    (root / "ontology").mkdir(parents=True)
    shutil.copy(ROOT / "ontology" / "shapes.ttl", root / "ontology" / "shapes.ttl")
    (root / "graph").mkdir()
    lines = ["@prefix ex: <https://example.org/> ."]
    lines += [f"ex:r{n} ex:during [ ex:start {n} ; ex:end {n + 1} ; ex:note [ ex:text \"{n}\" ] ] ."
              for n in range(20)]  # fmt: skip
    (root / "graph" / "intervals.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with restoring(server):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("govkg.store.remote.BATCH", 3)
            rebuild(root, server)
        _project, remote = open_project(root, server)
        graph = "https://w3id.org/govkg/graph/graph/intervals.ttl"
        held = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        theirs = Graph().parse(data=ox.serialize(held.triples, format=ox.RdfFormat.N_TRIPLES),
                               format="nt")  # fmt: skip
        ours = Graph().parse(root / "graph" / "intervals.ttl", format="turtle")
        assert len(theirs) == len(ours) == 100 and isomorphic(theirs, ours)


# --- GROUP_CONCAT in one order ------------------------------------------------------------------


def test_group_concat_parts_come_sorted_from_every_store() -> None:
    """SPARQL leaves GROUP_CONCAT's order undefined (Virtuoso and ``oxigraph serve`` join in
    other orders than the embedded store); govkg sorts the parts, keeping the literal's kind."""
    text = """SELECT ?g (GROUP_CONCAT(?v; separator=", ") AS ?joined) (GROUP_CONCAT(?v) AS ?spaced)
      (SAMPLE(?v) AS ?one) WHERE { VALUES (?g ?v) { (1 "b") (1 "c") (1 "a") } } GROUP BY ?g"""
    result = QueryResult("select", ["g", "joined", "spaced", "one"], [
        (ox.Literal("1"), ox.Literal("c, a, b"), ox.Literal("b a c", language="en"),
         ox.Literal("c, a"))])  # fmt: skip
    row = sorted_concatenations(text, result).rows[0]
    assert row == (ox.Literal("1"), ox.Literal("a, b, c"), ox.Literal("a b c", language="en"),
                   ox.Literal("c, a"))  # fmt: skip
