"""The lifecycle in the stances export: a withdrawal or a departure ends the spell of the consent
it undoes, a membership is a ``member`` edge from its beginning to its end; GEXF (validated
against the official grammar), GraphML and CSV carry the ends.  On a fixture graph of its own:
the shipped ontology and a few Turtle stances and memberships."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest
from lxml import etree
from paths import ROOT

from govkg.align import Filters
from govkg.export import PALETTE, ExportRequest, ViewGraph, build_view, edge_table, to_gexf
from govkg.export.gexf import GEXF, VIZ
from govkg.export.graphml import to_graphml
from govkg.load import load_files
from govkg.namespaces import GRAPH_BASE
from govkg.project import Project
from govkg.store import OxigraphStore, Store, TurtleFile

GRAMMAR = ROOT / "tests" / "gexf-1.3" / "gexf.rng"
NS = {"g": GEXF, "viz": VIZ}
ID = "https://w3id.org/govkg/id/"
TREATY, NETWORK, DECLARATION = (
    f"{ID}instrument/{slug}" for slug in ("treaty-x", "network-y", "declaration-z")
)
ORG = f"{ID}org/heritage-body"

FIXTURE = b"""
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kind: <https://w3id.org/govkg/id/stance-kind/> .
@prefix state: <https://w3id.org/govkg/id/state/> .
@prefix instrument: <https://w3id.org/govkg/id/instrument/> .
@prefix stance: <https://w3id.org/govkg/id/stance/> .
@prefix membership: <https://w3id.org/govkg/id/membership/> .
@prefix o: <https://w3id.org/govkg/id/org/> .

state:AAA a gk:State ; rdfs:label "Aland"@en .
state:BBB a gk:State ; rdfs:label "Borduria"@en .
state:CCC a gk:State ; rdfs:label "Carpania"@en .
state:DDD a gk:State ; rdfs:label "Dorland"@en .
state:EEE a gk:State ; rdfs:label "Elbonia"@en .
state:FFF a gk:State ; rdfs:label "Freedonia"@en .
o:heritage-body a gk:InternationalOrganisation ; rdfs:label "Heritage Body"@en .
instrument:treaty-x a gk:Convention ; rdfs:label "Treaty X"@en ;
    dcterms:date "2024-05-17"^^xsd:date .
instrument:network-y a gk:Partnership ; rdfs:label "Network Y"@en ;
    dcterms:date "2024-05-21"^^xsd:date .
instrument:declaration-z a gk:Declaration ; rdfs:label "Declaration Z"@en ;
    dcterms:date "2023-11-01"^^xsd:date .

# AAA signed, then withdrew (a partial date: 2025-03-01)
stance:x-AAA-signed a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:signed ; dcterms:date "2024-09-05"^^xsd:date .
stance:x-AAA-withdrew a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:withdrew ; dcterms:date "2025-03"^^xsd:gYearMonth .
# BBB signed, then ratified: both stand
stance:x-BBB-signed a gk:Stance ; gk:actor state:BBB ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:signed ; dcterms:date "2024-09-05"^^xsd:date .
stance:x-BBB-ratified a gk:Stance ; gk:actor state:BBB ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:ratified ; dcterms:date "2025-01-10"^^xsd:date .
# CCC signed and withdrew on no known date: the withdrawal ends nothing
stance:x-CCC-signed a gk:Stance ; gk:actor state:CCC ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:signed ; dcterms:date "2024-09-05"^^xsd:date .
stance:x-CCC-withdrew a gk:Stance ; gk:actor state:CCC ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:withdrew .
# DDD's withdrawal is dated before its ratification (the shapes report it): the ratification
# stays open
stance:x-DDD-ratified a gk:Stance ; gk:actor state:DDD ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:ratified ; dcterms:date "2025-06-01"^^xsd:date .
stance:x-DDD-withdrew a gk:Stance ; gk:actor state:DDD ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:withdrew ; dcterms:date "2025-01-01"^^xsd:date .

# AAA joined the network and left it; BBB joined and stays
stance:y-AAA-joined a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:network-y ;
    gk:stanceKind kind:joined ; dcterms:date "2024-05-21"^^xsd:date .
stance:y-AAA-left a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:network-y ;
    gk:stanceKind kind:left ; dcterms:date "2025-11-20"^^xsd:date .
stance:y-BBB-joined a gk:Stance ; gk:actor state:BBB ; gk:instrument instrument:network-y ;
    gk:stanceKind kind:joined ; dcterms:date "2024-05-21"^^xsd:date .
# CCC joined, left and joined again: two spells on two edges
stance:y-CCC-joined a gk:Stance ; gk:actor state:CCC ; gk:instrument instrument:network-y ;
    gk:stanceKind kind:joined ; dcterms:date "2024-06-01"^^xsd:date .
stance:y-CCC-left a gk:Stance ; gk:actor state:CCC ; gk:instrument instrument:network-y ;
    gk:stanceKind kind:left ; dcterms:date "2024-12"^^xsd:gYearMonth .
stance:y-CCC-joined-again a gk:Stance ; gk:actor state:CCC ; gk:instrument instrument:network-y ;
    gk:stanceKind kind:joined ; dcterms:date "2025-02-01"^^xsd:date .

stance:z-AAA-signed a gk:Stance ; gk:actor state:AAA ; gk:instrument instrument:declaration-z ;
    gk:stanceKind kind:signed ; dcterms:date "2023-11-01"^^xsd:date .

# memberships: with both ends, with only an end, with neither
membership:AAA-1 a gk:Membership ; org:member state:AAA ; org:organization o:heritage-body ;
    org:memberDuring [ a time:Interval ;
        time:hasBeginning [ a time:Instant ; time:inXSDDate "2003-10-01"^^xsd:date ] ;
        time:hasEnd [ a time:Instant ; time:inXSDDate "2018-12-31"^^xsd:date ] ] .
membership:BBB-1 a gk:Membership ; org:member state:BBB ; org:organization o:heritage-body ;
    org:memberDuring [ a time:Interval ;
        time:hasEnd [ a time:Instant ; time:inXSDgYearMonth "2025-12"^^xsd:gYearMonth ] ] .
membership:CCC-1 a gk:Membership ; org:member state:CCC ; org:organization o:heritage-body ;
    org:memberDuring [ a time:Interval ] .
# only an end, and nothing else dates EEE: it starts with the organisation
membership:EEE-1 a gk:Membership ; org:member state:EEE ; org:organization o:heritage-body ;
    org:memberDuring [ a time:Interval ;
        time:hasEnd [ a time:Instant ; time:inXSDDate "2018-12-31"^^xsd:date ] ] .
# only an end, before FFF's only stance: FFF starts no later than that end
membership:FFF-1 a gk:Membership ; org:member state:FFF ; org:organization o:heritage-body ;
    org:memberDuring [ a time:Interval ;
        time:hasEnd [ a time:Instant ; time:inXSDDate "2018-12-31"^^xsd:date ] ] .
stance:x-FFF-signed a gk:Stance ; gk:actor state:FFF ; gk:instrument instrument:treaty-x ;
    gk:stanceKind kind:signed ; dcterms:date "2024-09-05"^^xsd:date .
"""


def _stance(name: str) -> str:
    return f"{ID}stance/{name}"


def _membership(name: str) -> str:
    return f"{ID}membership/{name}"


@pytest.fixture(scope="module")
def lifecycle_store() -> Store:
    """The shipped ontology (labels of the stance kinds, the class tree) and the fixture."""
    project = Project(ROOT)
    store = OxigraphStore()
    load_files(project, store, project.ontology_files())
    store.load_turtle([TurtleFile(FIXTURE, f"{GRAPH_BASE}graph/lifecycle.ttl", ID)])
    return store


@pytest.fixture(scope="module")
def view(lifecycle_store: Store) -> ViewGraph:
    return build_view(lifecycle_store, ExportRequest.create("gexf", "stances"))


@pytest.fixture(scope="module")
def document(view: ViewGraph) -> bytes:
    return to_gexf(view)


def _gexf_spells(document: bytes) -> dict[str, dict[str, str]]:
    """Edge id → its spell's attributes (start, end: each only when written), parsed with lxml."""
    found = {}
    for edge in etree.fromstring(document).iterfind(".//g:edge", NS):
        spells = edge.findall("g:spells/g:spell", NS)
        assert len(spells) <= 1  # one spell per element: they never overlap
        found[edge.get("id")] = dict(spells[0].attrib) if spells else {}
    return found


def _csv_edges(view: ViewGraph) -> tuple[list[str], dict[str, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(edge_table(view).decode("utf-8")))
    rows = {row["Id"]: row for row in reader}
    return list(reader.fieldnames or []), rows


def test_the_lifecycle_export_validates_against_the_gexf_grammar(document: bytes) -> None:
    grammar = etree.RelaxNG(file=str(GRAMMAR))
    assert grammar.validate(etree.fromstring(document)), grammar.error_log.last_error
    graph = etree.fromstring(document).find("g:graph", NS)
    assert (graph.get("timeformat"), graph.get("mode")) == ("date", "dynamic")


def test_a_withdrawal_ends_the_signature_on_its_date_in_gexf_and_csv(
    view: ViewGraph, document: bytes
) -> None:
    spells = _gexf_spells(document)
    assert spells[_stance("x-AAA-signed")] == {"start": "2024-09-05", "end": "2025-03-01"}
    assert spells[_stance("x-AAA-withdrew")] == {"start": "2025-03-01"}  # open
    header, rows = _csv_edges(view)
    assert header[-3:] == ["start", "end", "color"]
    signed, withdrew = rows[_stance("x-AAA-signed")], rows[_stance("x-AAA-withdrew")]
    assert (signed["kind"], signed["start"], signed["end"]) == (
        "signed",
        "2024-09-05",
        "2025-03-01",
    )
    assert (withdrew["kind"], withdrew["date"], withdrew["start"], withdrew["end"]) == (
        "withdrew",
        "2025-03",
        "2025-03-01",
        "",
    )


def test_leaving_ends_the_joining(document: bytes) -> None:
    spells = _gexf_spells(document)
    assert spells[_stance("y-AAA-joined")] == {"start": "2024-05-21", "end": "2025-11-20"}
    assert spells[_stance("y-AAA-left")] == {"start": "2025-11-20"}
    assert spells[_stance("y-BBB-joined")] == {"start": "2024-05-21"}  # another actor's stays
    assert spells[_stance("y-CCC-joined")] == {"start": "2024-06-01", "end": "2024-12-01"}
    assert spells[_stance("y-CCC-joined-again")] == {"start": "2025-02-01"}  # left before: open


def test_no_spell_ends_before_it_starts_or_outside_its_endpoints(view: ViewGraph) -> None:
    nodes = dict(view.nodes())
    ended = 0
    for _id, data in view.edges():
        assert data["start"] or data["end"]  # an undated membership that ends: an end only
        assert data["end"] is None or data["start"] is None or data["start"] <= data["end"]
        for node in (data["source"], data["target"]):
            start = nodes[node]["start"]
            assert nodes[node]["end"] is None
            assert start is None or (data["start"] is not None and start <= data["start"])
        ended += data["end"] is not None
    assert ended == 7  # AAA's signature, AAA's and CCC's first joinings, four memberships


def test_a_ratification_after_a_signature_leaves_both_open(document: bytes) -> None:
    spells = _gexf_spells(document)
    assert spells[_stance("x-BBB-signed")] == {"start": "2024-09-05"}
    assert spells[_stance("x-BBB-ratified")] == {"start": "2025-01-10"}


def test_a_withdrawal_with_no_date_ends_nothing(view: ViewGraph, document: bytes) -> None:
    spells = _gexf_spells(document)
    assert spells[_stance("x-CCC-signed")] == {"start": "2024-09-05"}
    # undated, it starts with its later endpoint (CCC, from its first stance) and stays open
    assert spells[_stance("x-CCC-withdrew")] == {"start": "2024-06-01"}
    _header, rows = _csv_edges(view)
    assert (rows[_stance("x-CCC-withdrew")]["date_kind"], rows[_stance("x-CCC-signed")]["end"]) == (
        "unknown",
        "",
    )


def test_a_withdrawal_dated_before_the_act_leaves_it_open(document: bytes) -> None:
    spells = _gexf_spells(document)
    assert spells[_stance("x-DDD-ratified")] == {"start": "2025-06-01"}
    assert spells[_stance("x-DDD-withdrew")] == {"start": "2025-01-01"}


def test_memberships_are_member_edges_with_their_spells(view: ViewGraph, document: bytes) -> None:
    spells = _gexf_spells(document)
    assert spells[_membership("AAA-1")] == {"start": "2003-10-01", "end": "2018-12-31"}
    # only an end: no start is invented; BBB and the organisation are present from the beginning
    assert spells[_membership("BBB-1")] == {"end": "2025-12-01"}
    assert view.graph.nodes[f"{ID}state/BBB"]["start"] is None
    # neither: it starts with its later endpoint (CCC, from its first stance) and stays open
    assert spells[_membership("CCC-1")] == {"start": "2024-06-01"}
    # only an end, EEE undated (present throughout)
    assert spells[_membership("EEE-1")] == {"end": "2018-12-31"}
    assert view.graph.nodes[f"{ID}state/EEE"]["start"] is None
    # only an end before FFF's signature: not a one-day spell on that end; FFF present throughout
    assert spells[_membership("FFF-1")] == {"end": "2018-12-31"}
    assert view.graph.nodes[f"{ID}state/FFF"]["start"] is None
    read = nx.read_gexf(io.BytesIO(document))
    edge = read.edges[f"{ID}state/AAA", ORG, _membership("AAA-1")]
    assert (edge["kind"], edge["label"], edge["date"], edge["date_kind"]) == (
        "member",
        "member",
        "2003-10-01",
        "act",
    )
    assert read.nodes[ORG]["side"] == "actor"
    assert read.nodes[ORG]["type"] == "InternationalOrganisation"
    assert read.nodes[ORG]["label"] == "Heritage Body"
    # memberships of it that began nobody says when: the organisation is present throughout
    assert view.graph.nodes[ORG]["start"] is None
    _header, rows = _csv_edges(view)
    assert (rows[_membership("BBB-1")]["date"], rows[_membership("BBB-1")]["end"]) == (
        "",
        "2025-12-01",
    )


def test_the_member_kind_has_its_palette_colour_in_gexf(document: bytes) -> None:
    colour = etree.fromstring(document).find(
        f".//g:edge[@id='{_membership('AAA-1')}']/viz:color", NS
    )
    rgb = tuple(int(colour.get(c)) for c in "rgb")
    assert "#{:02x}{:02x}{:02x}".format(*rgb) == PALETTE["member"]
    assert list(PALETTE.values()).count(PALETTE["member"]) == 1  # told apart from every other


def test_graphml_carries_the_ends(view: ViewGraph) -> None:
    read = nx.read_graphml(io.BytesIO(to_graphml(view)))
    signed = read.edges[f"{ID}state/AAA", TREATY, _stance("x-AAA-signed")]
    assert (signed["start"], signed["end"]) == ("2024-09-05", "2025-03-01")
    assert "end" not in read.edges[f"{ID}state/BBB", TREATY, _stance("x-BBB-signed")]


def test_an_export_where_nothing_ends_has_no_end_column(lifecycle_store: Store) -> None:
    request = ExportRequest.create(
        "gexf", "stances", filters=Filters(instruments=("declaration-z",))
    )
    view = build_view(lifecycle_store, request)
    header, rows = _csv_edges(view)
    assert list(rows) == [_stance("z-AAA-signed")]  # memberships are of no instrument
    assert header[-2:] == ["start", "color"] and "end" not in header
    assert b" end=" not in to_gexf(view)


def test_from_and_to_keep_the_memberships_that_meet_the_period(lifecycle_store: Store) -> None:
    request = ExportRequest.create("gexf", "stances", filters=Filters(date_to="2023-12"))
    view = build_view(lifecycle_store, request)
    ids = {edge_id for edge_id, _data in view.edges()}
    assert _membership("AAA-1") in ids  # 2003 to 2018 meets the period up to 2023-12
    assert _membership("BBB-1") in ids  # its unknown beginning may be before 2023-12
    assert _membership("CCC-1") not in ids  # no date at all: kept only without bounds
    assert {i for i in ids if i.startswith(f"{ID}stance/")} == {_stance("z-AAA-signed")}
    later = build_view(
        lifecycle_store, ExportRequest.create("gexf", "stances", filters=Filters(date_from="2019"))
    )
    assert _membership("AAA-1") not in {edge_id for edge_id, _data in later.edges()}


def test_the_full_view_shows_a_membership_as_its_triples(lifecycle_store: Store) -> None:
    """The full view is every triple: a membership is a node with its member and organisation as
    edges and its interval's dates folded into attributes, not a ``member`` edge."""
    view = build_view(lifecycle_store, ExportRequest.create("gexf", "full"))
    node = view.graph.nodes[_membership("AAA-1")]
    assert node["attrs"]["org:memberDuring/time:hasBeginning/time:inXSDDate"] == ("2003-10-01",)
    assert node["attrs"]["org:memberDuring/time:hasEnd/time:inXSDDate"] == ("2018-12-31",)
    edges = {data["label"] for _id, data in view.edges() if data["source"] == _membership("AAA-1")}
    assert edges == {"org:member", "org:organization"}
