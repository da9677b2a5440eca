"""Publishing: VoID/DCAT, dumps, the ontology's documentation, the dataset routes and the static
site that ``govkg publish`` writes (served here by a plain static file server)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, OWL, RDF, SH, VOID
from servers import free_port as _free_port
from servers import in_process

from govkg.cli import cli
from govkg.load import open_project, parse_files
from govkg.namespaces import DATA_BASE, GK, META_GRAPH, SPDX
from govkg.project import Project
from govkg.publish import static_site as site_module
from govkg.publish.htaccess import htaccess, w3id_htaccess
from govkg.rdf import graph_from_quads
from govkg.server import ServerSettings, create_app
from govkg.site.dumps import Dumps, build_dumps
from govkg.site.metadata import Site, dataset_facts, serialize_facts
from govkg.store import OxigraphStore, Store

BASE = "https://example.org/govkg/"
ENDPOINT = "https://example.org/sparql"
#: A slice of the project that publishes in seconds: the ontology, the reference lists, one
#: instrument and its sources.
SLICE = (
    "ontology",
    "graph/reference",
    "graph/instruments/reaim-2026-pathways-to-action.ttl",
    "graph/sources.ttl",
    "graph/people.ttl",
)


@pytest.fixture(scope="module")
def dumps(store: Store) -> Dumps:
    return build_dumps(store)


@pytest.fixture(scope="module")
def dump_graph(dumps: Dumps) -> Graph:
    """The N-Triples dump, parsed back by rdflib: the independent count of everything."""
    found = dumps.get("govkg.nt")
    assert found is not None
    return Graph().parse(data=found.data.decode(), format="nt")


def _store_graph(store: Store) -> Graph:
    return graph_from_quads(q for q in store.quads() if q.graph_name != ox.NamedNode(META_GRAPH))


# --- dumps --------------------------------------------------------------------------------------


def test_dump_names_and_media_types(dumps: Dumps) -> None:
    assert [(d.name, d.media_type) for d in dumps.files] == [
        ("govkg.ttl", "text/turtle"),
        ("govkg.ttl.sha256", "text/plain"),
        ("govkg.nt", "application/n-triples"),
        ("govkg.nt.sha256", "text/plain"),
        ("govkg.jsonld", "application/ld+json"),
        ("govkg.jsonld.sha256", "text/plain"),
        ("govkg.nq.gz", "application/gzip"),
        ("govkg.nq.gz.sha256", "text/plain"),
    ]


@pytest.mark.parametrize(("name", "fmt"), [("govkg.ttl", "turtle"), ("govkg.jsonld", "json-ld")])
def test_triple_dumps_parse_back_to_the_store(
    store: Store, dumps: Dumps, dump_graph: Graph, name: str, fmt: str
) -> None:
    found = dumps.get(name)
    assert found is not None
    parsed = Graph().parse(data=found.data.decode(), format=fmt)
    assert isomorphic(parsed, dump_graph)
    assert isomorphic(dump_graph, _store_graph(store))


def test_nquads_dump_keeps_the_named_graphs(store: Store, dumps: Dumps) -> None:
    found = dumps.get("govkg.nq.gz")
    assert found is not None
    parsed = ox.Dataset(ox.parse(gzip.decompress(found.data), format=ox.RdfFormat.N_QUADS))
    stored = ox.Dataset(q for q in store.quads() if q.graph_name != ox.NamedNode(META_GRAPH))
    for dataset in (parsed, stored):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert {str(q) for q in parsed} == {str(q) for q in stored}
    graphs = {q.graph_name for q in parsed}
    assert ox.NamedNode("https://w3id.org/govkg/graph/graph/reference/states.ttl") in graphs
    assert ox.NamedNode(META_GRAPH) not in graphs


def test_dumps_leave_out_the_meta_graph(tmp_path: Path) -> None:
    store = OxigraphStore()
    meta, a = ox.NamedNode(META_GRAPH), ox.NamedNode(DATA_BASE + "state/XXX")
    store.load([ox.Quad(meta, meta, ox.Literal("sha256:x"), meta), ox.Quad(a, a, a)])
    nt = build_dumps(store).get("govkg.nt")
    assert nt is not None
    assert META_GRAPH.encode() not in nt.data
    assert a.value.encode() in nt.data


def test_checksum_files_match_the_bytes(dumps: Dumps) -> None:
    for dump in dumps.data_files:
        checksum = dumps.get(dump.name + ".sha256")
        assert checksum is not None
        assert checksum.data == f"{hashlib.sha256(dump.data).hexdigest()}  {dump.name}\n".encode()


def test_dumps_are_deterministic_across_loads(dumps: Dumps) -> None:
    """Another load gives other blank-node labels; the bytes are the same."""
    again = build_dumps(open_project(ROOT)[1])
    assert [(d.name, d.data) for d in again.files] == [(d.name, d.data) for d in dumps.files]


# --- VoID and DCAT ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(store: Store, dumps: Dumps) -> Graph:
    facts = dataset_facts(store, Site(BASE, ENDPOINT), dumps)
    return Graph().parse(data=serialize_facts(facts, "ttl").decode(), format="turtle")


def _one(graph: Graph, subject: object, predicate: URIRef) -> object:
    values = list(graph.objects(subject, predicate))  # type: ignore[arg-type]
    assert len(values) == 1, (subject, predicate, values)
    return values[0].toPython() if isinstance(values[0], Literal) else values[0]


def test_void_counts_equal_independent_counts(void: Graph, dump_graph: Graph) -> None:
    dataset = URIRef(BASE + "void#govkg")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert _one(void, dataset, VOID.triples) == len(dump_graph)
    subjects = set(dump_graph.subjects())
    assert _one(void, dataset, VOID.distinctSubjects) == len(subjects)
    assert _one(void, dataset, VOID.distinctObjects) == len(set(dump_graph.objects()))
    ours = {s for s in subjects if isinstance(s, URIRef) and str(s).startswith(DATA_BASE)}
    assert _one(void, dataset, VOID.entities) == len(ours)
    classes = set(dump_graph.objects(None, RDF.type))
    assert _one(void, dataset, VOID.classes) == len(classes)
    assert _one(void, dataset, VOID.properties) == len(set(dump_graph.predicates()))


def test_void_partitions_equal_independent_counts(void: Graph, dump_graph: Graph) -> None:
    dataset = URIRef(BASE + "void#govkg")
    partitions = list(void.objects(dataset, VOID.classPartition))
    assert len(partitions) == len(set(dump_graph.objects(None, RDF.type)))
    for partition in partitions:
        cls = _one(void, partition, VOID["class"])
        expected = len(set(dump_graph.subjects(RDF.type, cls)))  # type: ignore[arg-type]
        assert _one(void, partition, VOID.entities) == expected, cls
    for partition in void.objects(dataset, VOID.propertyPartition):
        prop = _one(void, partition, VOID.property)
        expected = len(list(dump_graph.triples((None, prop, None))))  # type: ignore[arg-type]
        assert _one(void, partition, VOID.triples) == expected, prop
    assert URIRef(str(GK)) in set(void.objects(dataset, VOID.vocabulary))


def test_dcat_distributions_describe_the_dumps(void: Graph, dumps: Dumps) -> None:
    dataset = URIRef(BASE + "void#govkg")
    assert (dataset, RDF.type, DCAT.Dataset) in void
    distributions = list(void.objects(dataset, DCAT.distribution))
    assert len(distributions) == len(dumps.data_files) == 4
    for distribution in distributions:
        url = str(_one(void, distribution, DCAT.downloadURL))
        dump = dumps.get(url.removeprefix(BASE + "dumps/"))
        assert dump is not None, url
        assert (dataset, VOID.dataDump, URIRef(url)) in void
        assert _one(void, distribution, DCAT.byteSize) == len(dump.data)
        checksum = _one(void, distribution, SPDX.checksum)
        value = next(void.objects(checksum, SPDX.checksumValue))  # type: ignore[call-overload]
        assert str(value) == dump.sha256
        media = str(_one(void, distribution, DCAT.mediaType))
        assert media.endswith("/" + (dump.inner_type or dump.media_type))


def test_dcat_data_service_and_sparql_endpoint(void: Graph) -> None:
    dataset = URIRef(BASE + "void#govkg")
    assert _one(void, dataset, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    service = URIRef(BASE + "void#sparql")
    assert (service, RDF.type, DCAT.DataService) in void
    assert _one(void, service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert _one(void, service, DCAT.servesDataset) == dataset


def test_metadata_formats_say_the_same(store: Store, dumps: Dumps, void: Graph) -> None:
    facts = dataset_facts(store, Site(BASE, ENDPOINT), dumps)
    for ext, fmt in (("jsonld", "json-ld"), ("nt", "nt")):
        assert isomorphic(
            Graph().parse(data=serialize_facts(facts, ext).decode(), format=fmt), void
        )


# --- the routes, called in process ---------------------------------------------------------------


def _vary(response: httpx.Response) -> list[str]:
    return [name.strip() for name in response.headers.get("vary", "").split(",")]


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[httpx.Client]:
    with in_process(create_app(store, ServerSettings(query_workers=0))) as http:
        yield http


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (None, "text/turtle", "turtle"),
        ("text/html,*/*;q=0.8", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
    ],
)
@pytest.mark.parametrize("path", ["/void", "/.well-known/void"])
def test_void_route(
    client: httpx.Client, path: str, accept: str | None, media: str, fmt: str
) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "Accept" in _vary(response)
    graph = Graph().parse(data=response.text, format=fmt)
    dataset = URIRef("https://w3id.org/govkg/void#govkg")
    assert (dataset, RDF.type, VOID.Dataset) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef("https://w3id.org/govkg/sparql")) in graph
    turtle = client.get("/void.ttl")
    assert isomorphic(graph, Graph().parse(data=turtle.text, format="turtle"))


def test_void_not_acceptable(client: httpx.Client) -> None:
    assert client.get("/void", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("govkg.ttl", "text/turtle"),
        ("govkg.nt", "application/n-triples"),
        ("govkg.jsonld", "application/ld+json"),
        ("govkg.nq.gz", "application/gzip"),
        ("govkg.nq.gz.sha256", "text/plain"),
    ],
)
def test_dump_routes_with_etag_and_304(
    client: httpx.Client, dumps: Dumps, name: str, media: str
) -> None:
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert "content-encoding" not in response.headers
    expected = dumps.get(name)
    assert expected is not None
    assert response.content == expected.data
    etag = response.headers["etag"]
    assert etag == f'"{hashlib.sha256(expected.data).hexdigest()}"'
    again = client.get(f"/dumps/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(f"/dumps/{name}", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_void_etag_and_304(client: httpx.Client) -> None:
    first = client.get("/void", headers={"Accept": "application/ld+json"})
    etag = first.headers["etag"]
    assert etag != client.get("/void").headers["etag"]  # each representation has its own
    again = client.get("/void", headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert again.status_code == 304
    assert "Accept" in _vary(again)


def test_unknown_dump(client: httpx.Client) -> None:
    assert client.get("/dumps/nothing.ttl").status_code == 404


@pytest.mark.parametrize(
    ("accept", "status", "location"),
    [
        ("text/html", 303, "/ontology.html"),
        (None, 303, "/ontology.html"),
        ("*/*", 303, "/ontology.html"),
        ("text/turtle", 303, "/ontology.ttl"),
        ("text/html;q=0.5, text/turtle", 303, "/ontology.ttl"),
        ("image/png", 406, None),
    ],
)
def test_ontology_see_other(
    client: httpx.Client, accept: str | None, status: int, location: str | None
) -> None:
    response = client.get("/ontology", headers={"Accept": accept} if accept else {})
    assert response.status_code == status
    assert response.headers.get("location") == location
    assert "Accept" in _vary(response)


def test_ontology_page_has_an_anchor_per_term(client: httpx.Client) -> None:
    turtle = client.get("/ontology.ttl")
    assert turtle.status_code == 200
    assert turtle.headers["content-type"].startswith("text/turtle")
    ontology = Graph().parse(data=turtle.text, format="turtle")
    page = client.get("/ontology.html")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == "default-src 'self'"
    terms = [
        str(term)
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for term in ontology.subjects(RDF.type, kind)
        if str(term).startswith(str(GK))
    ]
    assert len(terms) > 60
    for term in terms:
        assert f'<section id="{term.removeprefix(str(GK))}">' in page.text, term
    assert '<section id="scheme-stance-kind">' in page.text
    assert 'href="./doc/stance-kind/signed.html"' in page.text  # concepts link to their pages
    assert "<dt>Subclass of</dt>" in page.text and "<dt>Domain</dt>" in page.text
    assert 'href="shapes.ttl"' in page.text


def test_shapes_resolve(client: httpx.Client) -> None:
    see_other = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert see_other.status_code == 303
    assert see_other.headers["location"] == "/shapes.ttl"
    shapes = Graph().parse(data=client.get("/shapes.ttl").text, format="turtle")
    assert (URIRef("https://w3id.org/govkg/shapes"), RDF.type, OWL.Ontology) in shapes
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) > 10


# --- the static site ----------------------------------------------------------------------------


def copy_slice(root: Path) -> Path:
    """A copy of :data:`SLICE` of the project in ``root``."""
    for part in SLICE:
        source, target = ROOT / part, root / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    return root


@pytest.fixture(scope="module")
def slice_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_slice(tmp_path_factory.mktemp("slice"))


@pytest.fixture(scope="module")
def site(slice_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("published") / "site"
    args = ["--root", str(slice_root), "publish", str(outdir), "--base-url", BASE]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote ")
    assert result.stderr.rstrip().endswith("files")  # the progress count
    return outdir


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.hrefs.append(value)


def _relative_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [h for h in parser.hrefs if not urlsplit(h).scheme and not h.startswith("#")]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _static(folder: Path) -> Iterator[httpx.Client]:
    """A plain static file server over ``folder`` (below /kg/, to show the site works in a
    folder), on a free loopback port."""
    top = folder.parent / "www"
    top.mkdir(exist_ok=True)
    (top / "kg").unlink(missing_ok=True)
    (top / "kg").symlink_to(folder)
    handler = partial(_Quiet, directory=str(top))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/kg/"
        with httpx.Client(base_url=base, follow_redirects=True) as http_client:
            yield http_client
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def static(site: Path) -> Iterator[httpx.Client]:
    with _static(site) as http_client:
        yield http_client


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "",
        "doc/state/USA.html",
        "doc/state/USA.ttl",
        "doc/state/USA.jsonld",
        "ontology.html",
        "void.ttl",
        ".well-known/void",
        "dumps/govkg.ttl",
        "dumps/govkg.nt.sha256",
        "dumps/govkg.nq.gz",
        "shapes.ttl",
        "sparql",
    ],
)
def test_static_site_answers(static: httpx.Client, path: str) -> None:
    assert static.get(path).status_code == 200


@pytest.mark.parametrize("page", ["index.html", "doc/state/USA.html", "ontology.html"])
def test_every_relative_link_resolves(static: httpx.Client, page: str) -> None:
    response = static.get(page)
    links = _relative_links(response.text)
    assert len(links) > 5
    page_url = str(response.url)
    for link in sorted(set(links)):
        target = urljoin(page_url, link).split("#")[0]
        assert static.get(target).status_code == 200, f"{page}: {link}"


def test_static_state_document_parses(static: httpx.Client) -> None:
    graph = Graph().parse(data=static.get("doc/state/USA.ttl").text, format="turtle")
    usa = URIRef(DATA_BASE + "state/USA")
    assert (usa, URIRef(str(GK) + "iso3"), Literal("USA")) in graph


def test_static_checksums_verify(site: Path) -> None:
    sha256sum = shutil.which("sha256sum")
    names = sorted(p.name for p in (site / "dumps").glob("*.sha256"))
    assert len(names) == 4
    if sha256sum is not None:
        check = subprocess.run(
            [sha256sum, "-c", *names], cwd=site / "dumps", capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
    for name in names:
        hexdigest, _, filename = (site / "dumps" / name).read_text().partition("  ")
        data = (site / "dumps" / filename.strip()).read_bytes()
        assert hexdigest == hashlib.sha256(data).hexdigest()


def test_static_void_uses_the_base_url(site: Path) -> None:
    graph = Graph().parse(site / "void.ttl", format="turtle")
    urls = {str(u) for u in graph.objects(None, DCAT.downloadURL)}
    assert urls == {f"{BASE}dumps/govkg.{ext}" for ext in ("ttl", "nt", "jsonld", "nq.gz")}
    assert not list(graph.objects(None, VOID.sparqlEndpoint))  # a static site has none


def test_published_files_equal_the_live_answers(tmp_path: Path) -> None:
    """Byte for byte, from the same store (blank-node labels differ between loads)."""
    project = Project(ROOT)
    files = [*project.ontology_files(), ROOT / "graph" / "people.ttl"]
    store = OxigraphStore()
    store.load(parse_files(project, files))
    outdir = tmp_path / "site"
    site_module.publish(store, ServerSettings(), outdir, base_url=BASE, project=project)
    app = create_app(store, ServerSettings(query_workers=0))

    async def fetch(paths: list[str]) -> dict[str, bytes]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as http_client:
            return {p: (await http_client.get(p)).content for p in paths}

    role = next(p.stem for p in (outdir / "doc" / "role").glob("*.ttl"))  # roles hold blank nodes
    formats = ("html", "ttl", "nt", "jsonld", "rdf")
    paths = [f"/doc/{stem}.{ext}" for stem in ("state/USA", f"role/{role}") for ext in formats]
    paths += ["/", "/states.html", "/ontology.html", "/ontology.ttl", "/shapes.ttl", "/style.css"]
    for path, body in asyncio.run(fetch(paths)).items():
        assert (outdir / site_module.file_for(path)).read_bytes() == body, path
    assert b"_:" in (outdir / f"doc/role/{role}.nt").read_bytes()


# --- server configuration -----------------------------------------------------------------------

RDF_TYPES = [
    ("ttl", "text/turtle"),
    ("nt", "application/n-triples"),
    ("jsonld", "application/ld\\+json"),
    ("rdf", "application/rdf\\+xml"),
]


def test_htaccess_rules() -> None:
    text = htaccess(Site(BASE), ServerSettings())
    lines = text.splitlines()
    for ext, pattern in RDF_TYPES:
        rule = f"RewriteRule ^id/(.+)$ %{{ENV:GOVKG_BASE}}doc/$1.{ext} [R=303,L,E=GOVKG_VARY:1]"
        assert lines[lines.index(rule) - 1] == f"RewriteCond %{{HTTP_ACCEPT}} {pattern} [NC]"
    html = "RewriteRule ^id/(.+)$ %{ENV:GOVKG_BASE}doc/$1.html [R=303,L,E=GOVKG_VARY:1]"
    assert lines.index(html) > max(i for i, line in enumerate(lines) if "doc/$1.rdf" in line)
    for line in (
        "AddType text/turtle .ttl",
        "AddType application/n-triples .nt",
        "AddType application/ld+json .jsonld",
        "AddType application/rdf+xml .rdf",
        "AddType application/gzip .gz",
        "RewriteRule ^ontology$ %{ENV:GOVKG_BASE}ontology.ttl [R=303,L,E=GOVKG_VARY:1]",
        "RewriteRule ^(\\.well-known/)?void$ void.ttl [END,E=GOVKG_VARY:1]",
        "Options -MultiViews",
    ):
        assert line in lines, line
    assert "RewriteBase" not in text  # the folder is worked out per request: any folder works
    with_endpoint = htaccess(Site(BASE, ENDPOINT), ServerSettings())
    assert f"RewriteRule ^sparql/?$ {ENDPOINT} [R=307,L]" in with_endpoint.splitlines()


def test_w3id_rules() -> None:
    lines = w3id_htaccess(Site(BASE), ServerSettings()).splitlines()
    for ext, pattern in RDF_TYPES:
        rule = f"RewriteRule ^id/(.+)$ {BASE}doc/$1.{ext} [R=303,L]"
        assert lines[lines.index(rule) - 1] == f"RewriteCond %{{HTTP_ACCEPT}} {pattern} [NC]"
    for line in (
        f"RewriteRule ^id/(.+)$ {BASE}doc/$1.html [R=303,L]",
        f"RewriteRule ^ontology$ {BASE}ontology.ttl [R=303,L]",
        f"RewriteRule ^ontology$ {BASE}ontology.html [R=303,L]",
        f"RewriteRule ^shapes$ {BASE}shapes.ttl [R=303,L]",
        f"RewriteRule ^(\\.well-known/)?void$ {BASE}void.ttl [R=303,L]",
        f"RewriteRule ^(.*)$ {BASE}$1 [R=302,L]",
    ):
        assert line in lines, line
    assert lines[-1] == f"RewriteRule ^(.*)$ {BASE}$1 [R=302,L]"  # the catch-all comes last


def test_site_holds_both_configurations(site: Path) -> None:
    assert (site / ".htaccess").read_text() == htaccess(Site(BASE), ServerSettings())
    assert (site / "w3id.htaccess").read_text() == w3id_htaccess(Site(BASE), ServerSettings())


# --- Apache, for real ---------------------------------------------------------------------------

APACHE_MODULES = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers")
APACHE_NEGOTIATION = [
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("text/html,*/*;q=0.8", "html"),
    ("*/*", "html"),
]
APACHE_FILES = [
    ("/kg/doc/state/USA", "text/html"),
    ("/kg/doc/state/USA.nt", "application/n-triples"),
    ("/kg/dumps/govkg.nq.gz", "application/gzip"),
    ("/kg/.well-known/void", "text/turtle"),
    ("/kg/shapes.ttl", "text/turtle"),
]


def _apache_conf(folder: Path, port: int) -> str:
    modules = "\n".join(
        f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{name}.so"
        for name in APACHE_MODULES
    )
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    return (
        f"ServerName 127.0.0.1\nListen 127.0.0.1:{port}\nPidFile {folder}/httpd.pid\n"
        f"ErrorLog {folder}/error.log\nDefaultRuntimeDir {folder}\n{modules}\n"
        f"TypesConfig /etc/mime.types\n{user}DocumentRoot {folder}/www\n"
        f"<Directory {folder}/www>\n  AllowOverride All\n  Require all granted\n</Directory>\n"
    )


@contextmanager
def _apache(site: Path, w3id: Path) -> Iterator[httpx.Client]:
    apache = shutil.which("apache2") or shutil.which("/usr/sbin/apache2")
    if apache is None:
        pytest.fail("apache2 is missing: run scripts/install-test-tools.sh (tests .htaccess rules)")
    folder = Path(tempfile.mkdtemp(prefix="govkg-apache-"))  # where www-data may read
    (folder / "www").mkdir()
    shutil.copytree(site, folder / "www" / "kg")
    shutil.copytree(w3id, folder / "www" / "govkg")
    port = _free_port()
    (folder / "httpd.conf").write_text(_apache_conf(folder, port))
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    process = subprocess.Popen([apache, "-X", "-f", str(folder / "httpd.conf")])
    try:
        _wait_for(port, folder)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as http:
            yield http
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, folder: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
    pytest.fail(f"apache2 did not start: {log}")


def test_rules_under_apache(site: Path, tmp_path: Path) -> None:
    w3id = tmp_path / "w3id"
    w3id.mkdir()
    shutil.copy(site / "w3id.htaccess", w3id / ".htaccess")
    with _apache(site, w3id) as http_client:
        for accept, ext in APACHE_NEGOTIATION:
            response = http_client.get("/kg/id/state/USA", headers={"Accept": accept})
            assert response.status_code == 303
            assert response.headers["location"].endswith(f"/kg/doc/state/USA.{ext}")
            assert response.headers["vary"] == "Accept"
            assert http_client.get(response.headers["location"]).status_code == 200
            w3id_answer = http_client.get("/govkg/id/state/USA", headers={"Accept": accept})
            assert w3id_answer.status_code == 303
            assert w3id_answer.headers["location"] == f"{BASE}doc/state/USA.{ext}"
        for path, media in APACHE_FILES:
            answer = http_client.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["content-type"].split(";")[0] == media, path
            assert "content-encoding" not in answer.headers
        ontology = http_client.get("/kg/ontology", headers={"Accept": "text/turtle"})
        assert ontology.headers["location"].endswith("/kg/ontology.ttl")
        void = http_client.get("/kg/void", headers={"Accept": "application/n-triples"})
        assert void.headers["content-type"].startswith("application/n-triples")
        page = http_client.get("/kg/doc/state/USA.html")
        assert page.headers["content-security-policy"] == "default-src 'self'"


# --- atomicity and errors -----------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_failed_publish_leaves_the_old_site(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outdir = tmp_path / "out"
    shutil.copytree(site, outdir)
    before = _tree(outdir)
    write = site_module.SiteWriter.write

    def failing(self: site_module.SiteWriter, relative: str, data: bytes) -> None:
        if self.files == 40:
            raise RuntimeError("renderer broke")
        write(self, relative, data)

    monkeypatch.setattr(site_module.SiteWriter, "write", failing)
    store = OxigraphStore()
    usa = ox.NamedNode(DATA_BASE + "state/USA")
    store.load([ox.Quad(usa, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GK) + "State"))])
    store.load([ox.Quad(ox.NamedNode(DATA_BASE + f"state/X{n}"), usa, usa) for n in range(30)])
    with pytest.raises(RuntimeError, match="renderer broke"):
        site_module.publish(store, ServerSettings(), outdir, base_url=BASE)
    assert _tree(outdir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left


def test_publish_replaces_an_earlier_site(tmp_path: Path) -> None:
    store = OxigraphStore()
    usa = ox.NamedNode(DATA_BASE + "state/USA")
    store.load([ox.Quad(usa, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(GK) + "State"))])
    outdir = tmp_path / "out"
    first = site_module.publish(store, ServerSettings(), outdir, base_url=BASE)
    (outdir / "stale.html").write_text("old")
    second = site_module.publish(store, ServerSettings(), outdir, base_url=BASE)
    assert second.files == first.files
    assert not (outdir / "stale.html").exists()
    assert (outdir / "doc/state/USA.ttl").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_publish_refuses_a_folder_that_is_not_a_site(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(cli, ["--root", str(ROOT), "publish", str(tmp_path), "--base-url", BASE])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {tmp_path}: exists and is not a site")
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_publish_refuses_a_bad_base_url(tmp_path: Path, runner: CliRunner) -> None:
    args = ["--root", str(ROOT), "publish", str(tmp_path / "s"), "--base-url", "example.org"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output == ("Error: the base URL 'example.org' is not an absolute http(s) URL\n")
    assert not (tmp_path / "s").exists()


def test_publish_help_ends_with_an_example(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["publish", "--help"])
    assert result.exit_code == 0
    assert "govkg publish site --base-url https://example.org/govkg/" in result.output


def test_rdflib_reads_the_nquads_dataset(dumps: Dumps) -> None:
    """The gzipped N-Quads open in rdflib too, one graph per source file."""
    found = dumps.get("govkg.nq.gz")
    assert found is not None
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(found.data).decode(), format="nquads")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/govkg/graph/ontology/govkg.ttl" in names


def test_every_page_of_a_paged_resource_is_published(site: Path, static: httpx.Client) -> None:
    """A resource with more links than a page holds gets each page as a file, linked by path."""
    paged = {
        page: html
        for page in site.rglob("*.html")
        for html in [page.read_text(encoding="utf-8")]
        if ".page-2.html" in html
    }
    assert paged, "the slice has no resource with more than one page of links"
    for page, html in paged.items():
        for link in re.findall(r'href="\./([^"/]+\.page-[0-9]+\.html)"', html):
            assert (page.parent / link).is_file(), f"{page.name} links to {link}, not published"
    first = next(page for page in paged if ".page-" not in page.name)
    relative = first.relative_to(site).as_posix().replace(".html", ".page-2.html")
    assert static.get(relative).status_code == 200
