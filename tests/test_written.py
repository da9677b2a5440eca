"""Literal fidelity: every literal is dumped, served and exported as the files wrote it, from the
memory, folder and remote stores alike, although Oxigraph stores some in canonical form.

The remote store is Oxigraph's own server (``oxigraph serve``) on a free loopback port.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import serve

from govkg.export.describe import Catalogue
from govkg.export.full import full_view
from govkg.export.request import ExportRequest
from govkg.load import open_project, rebuild
from govkg.namespaces import (
    DATA_BASE,
    DCTERMS,
    GRAPH_BASE,
    META_GRAPH,
    WRITTEN_DATATYPE,
    WRITTEN_GRAPH,
)
from govkg.project import Project
from govkg.server import ServerSettings, create_app
from govkg.site.dumps import build_dumps, canonical, serialize, triples_of
from govkg.site.metadata import Site, dataset_facts
from govkg.site.resources import describe
from govkg.stats import graph_stats
from govkg.store import OxigraphStore, Store
from govkg.store.literals import KEPT_FORMS, XSD, may_rewrite
from govkg.written import (
    decode,
    encode,
    exact_store,
    exact_view,
    has_records,
    load_written,
    read_records,
    written_quads,
)

THING = DATA_BASE + "thing/"
P = "https://example.org/p#"

LITERALS = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix thing: <https://w3id.org/govkg/id/thing/> .
@prefix p: <https://example.org/p#> .

thing:a p:positive "5"^^xsd:positiveInteger ;
    p:byte "100"^^xsd:byte, "300"^^xsd:byte ;
    p:nonNegative "0"^^xsd:nonNegativeInteger, "-1"^^xsd:nonNegativeInteger ;
    p:int "01"^^xsd:integer, "1"^^xsd:integer, +2 ;
    p:bare 007 ;
    p:decimal 1.50 ;
    p:double 1E0 ;
    p:boolean "1"^^xsd:boolean ;
    p:date "2020-01-01+00:00"^^xsd:date, "2020-01-01+01:00"^^xsd:date ;
    p:dateTime "2020-01-01T10:00:00+00:00"^^xsd:dateTime,
        "2020-01-01T10:00:00+01:00"^^xsd:dateTime ;
    p:label "a"@EN-gb, "b"@en-GB ;
    p:node [ p:int "02"^^xsd:integer ] .
"""
# Another file: the canonical form of a literal rewritten in lit.ttl, and a canonical date.
OTHER = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix thing: <https://w3id.org/govkg/id/thing/> .
@prefix p: <https://example.org/p#> .

thing:a p:decimal 1.5 .
thing:b p:date "2020-01-01"^^xsd:date ; p:int 3 ;
    <http://purl.org/dc/terms/date> "2020-01-01+00:00"^^xsd:date .
"""
FILES = {"graph/lit.ttl": LITERALS, "graph/other.ttl": OTHER}


def _make_project(root: Path) -> Path:
    (root / "ontology").mkdir(parents=True)
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _as_parsed() -> list[ox.Quad]:
    """The files' quads as Oxigraph's parser gives them (lexical forms as written)."""
    return [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(GRAPH_BASE + name))
        for name, text in FILES.items()
        for t in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
    ]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_project(tmp_path_factory.mktemp("literals"))


@pytest.fixture(scope="module")
def stores(
    root: Path, oxigraph_server: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Project, Store]]:
    """The small project in each of the three stores."""
    folder = tmp_path_factory.mktemp("folder") / "store"
    rebuild(root, oxigraph_server)
    return {
        "memory": open_project(root),
        "folder": open_project(root, str(folder)),
        "remote": open_project(root, oxigraph_server),
    }


KINDS = ("memory", "folder", "remote")


def _named(nt: bytes) -> set[ox.Triple]:
    """The triples of an N-Triples document, but those with a blank node."""
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    return {t for t in triples if not isinstance(t.object, ox.BlankNode)}  # type: ignore[union-attr]


def _expected_nt() -> bytes:
    return serialize(triples_of(canonical(_as_parsed())), ox.RdfFormat.N_TRIPLES)


# --- what Oxigraph does, and what the pre-scan assumes --------------------------------------------


def test_the_store_rewrites_literals_its_parser_keeps() -> None:
    """Why this module exists: the store's form is not the file's."""
    store = ox.Store()
    store.extend(_as_parsed())
    stored = {str(q.object) for q in store}
    assert f'"5"^^<{XSD}integer>' in stored and f'"5"^^<{XSD}positiveInteger>' not in stored
    assert f'"300"^^<{XSD}integer>' in stored  # out of xsd:byte's range, no longer an error
    assert f'"01"^^<{XSD}integer>' not in stored
    assert len(store) < len(set(_as_parsed()))  # "01" and "1" became one triple


@pytest.mark.parametrize(
    ("name", "samples"),
    [
        (
            "date",
            [
                f"{y}-{m:02d}-{d:02d}"
                for y in ("0000", "2020", "9999")
                for m in range(14)
                for d in range(33)
            ],
        ),
        ("gYear", ["0000", "0001", "1999", "2024", "9999"]),
        ("gYearMonth", [f"2024-{m:02d}" for m in range(14)]),
        ("integer", ["0", "7", "-7", "10", "-100", "9223372036854775807", "99999999999999999999"]),
        ("boolean", ["true", "false"]),
        ("anyURI", ["http://a b", " x ", "https://example.org/%20?q=1#f", ""]),
        ("string", ["", " a ", "01", "1.50"]),
    ],
)
def test_the_forms_the_pre_scan_passes_are_kept_by_oxigraph(name: str, samples: list[str]) -> None:
    """``may_rewrite`` passes a file whose typed literals have these forms without a parse: each
    must come back from Oxigraph as it went in."""
    import re

    pattern = re.compile(KEPT_FORMS[name])
    store = ox.Store()
    literals = [ox.Literal(s, datatype=ox.NamedNode(XSD + name)) for s in samples]
    assert all(pattern.fullmatch(s) for s in samples)
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:{n}"), ox.NamedNode("urn:p"), lit)
        for n, lit in enumerate(literals)
    )
    assert sorted(str(q.object) for q in store) == sorted(str(lit) for lit in literals)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<a> <p> "2020-01-01"^^xsd:date, 5, -3, 0, true .', False),
        ('<a> <p> "x 01 1.5 +2"@en . # 003, 1E0\n', False),
        ('<a> <p> """long\n 01 1.5""" .', False),
        ('<a> <p> "5"^^xsd:positiveInteger .', True),
        ('<a> <p> "01"^^xsd:integer .', True),
        ('<a> <p> "2020-01-01Z"^^xsd:date .', True),
        ("<a> <p> '2020-01-01'^^xsd:date .", True),
        ("<a> <p> 01 .", True),
        ("<a> <p>1.50 .", True),
        ("<a> <p> (1 1E0) .", True),
        ("<a> <p> +1 .", True),
        ("<a> <p> -0 .", True),
        ('<a> <p> """x""", 0.5 .', True),
    ],
)
def test_the_pre_scan_never_passes_a_literal_the_store_would_rewrite(
    text: str, expected: bool
) -> None:
    assert may_rewrite(text.encode()) is expected


def test_the_shipped_project_has_no_records_and_needs_no_parse(
    project: Project, store: Store
) -> None:
    assert [p for p in project.data_files() if may_rewrite(p.read_bytes())] == []
    assert not has_records(store)
    assert exact_view(store) is store  # isinstance narrows nothing: the very same store
    assert isinstance(store, OxigraphStore)


# --- the three stores ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_dumps_hold_each_literal_as_written(
    stores: dict[str, tuple[Project, Store]], kind: str
) -> None:
    _project, store = stores[kind]
    nt = build_dumps(store).get("govkg.nt")
    assert nt is not None
    assert nt.data == _expected_nt()
    text = nt.data.decode()
    for written in (
        f'"5"^^<{XSD}positiveInteger>',
        f'"300"^^<{XSD}byte>',
        f'"-1"^^<{XSD}nonNegativeInteger>',
        f'"01"^^<{XSD}integer>',
        f'"1"^^<{XSD}integer>',
        f'"+2"^^<{XSD}integer>',
        f'"007"^^<{XSD}integer>',
        f'"02"^^<{XSD}integer>',
        f'"1.50"^^<{XSD}decimal>',
        f'"1.5"^^<{XSD}decimal>',
        f'"1E0"^^<{XSD}double>',
        f'"1"^^<{XSD}boolean>',
        f'"2020-01-01+00:00"^^<{XSD}date>',
        f'"2020-01-01+01:00"^^<{XSD}date>',
        f'"2020-01-01T10:00:00+00:00"^^<{XSD}dateTime>',
        '"a"@en-gb',
        '"b"@en-gb',
    ):
        assert written in text, written
    assert "2020-01-01Z" not in text and WRITTEN_GRAPH not in text


def test_the_dumps_are_byte_identical_from_every_store(
    stores: dict[str, tuple[Project, Store]],
) -> None:
    files = {kind: build_dumps(store).files for kind, (_p, store) in stores.items()}
    assert files["memory"] == files["folder"] == files["remote"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_server_serves_literals_as_written(
    stores: dict[str, tuple[Project, Store]], kind: str
) -> None:
    project, store = stores[kind]
    app = create_app(store, ServerSettings(query_workers=0), project)
    with serve(app) as http:
        dump = http.get("/dumps/govkg.nt")
        document = http.get("/doc/thing/a.nt").text
        page = http.get("/id/thing/a", headers={"Accept": "text/html"}, follow_redirects=True)
    assert dump.status_code == 200 and dump.content == _expected_nt()
    assert _named(document.encode()) == {
        t for t in _named(_expected_nt()) if t.subject == ox.NamedNode(THING + "a")
    }
    assert page.status_code == 200
    for shown in ("1.50", "1.5", "1E0", "01", "007", "2020-01-01+00:00", "300"):
        assert f"<li>{shown}<" in page.text or f"<li>{shown} <small>" in page.text, shown


@pytest.mark.parametrize("kind", KINDS)
def test_describe_gives_both_forms_the_store_made_one(
    stores: dict[str, tuple[Project, Store]], kind: str
) -> None:
    _project, store = stores[kind]
    values = {
        str(o)
        for p, o in describe(store, THING + "a").outgoing
        if p.value in (P + "int", P + "decimal")
    }
    assert values == {
        f'"01"^^<{XSD}integer>', f'"1"^^<{XSD}integer>', f'"+2"^^<{XSD}integer>',
        f'"1.50"^^<{XSD}decimal>', f'"1.5"^^<{XSD}decimal>',
    }  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_queries_still_compare_values(stores: dict[str, tuple[Project, Store]], kind: str) -> None:
    _project, store = stores[kind]
    dated = store.query(
        f'SELECT ?s WHERE {{ ?s <{P}date> ?d FILTER(?d = "2020-01-01Z"^^xsd:date) }}'
    ).rows
    assert [r[0] for r in dated] == [ox.NamedNode(THING + "a")]
    later = store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s <{P}date> ?d FILTER(?d >= "2019-12-31"^^xsd:date) }}'
    ).rows
    assert {r[0] for r in later} == {ox.NamedNode(THING + "a"), ox.NamedNode(THING + "b")}
    five = store.query(f"ASK {{ ?s <{P}positive> ?n FILTER(?n = 5) }}").boolean
    assert five is True


@pytest.mark.parametrize("kind", KINDS)
def test_records_are_kept_in_the_store_and_are_not_data(
    stores: dict[str, tuple[Project, Store]], kind: str
) -> None:
    _project, store = stores[kind]
    records = read_records(store)
    assert {str(r.written) for r in records if r.written != r.stored} >= {
        f'"5"^^<{XSD}positiveInteger>', f'"02"^^<{XSD}integer>', f'"1.50"^^<{XSD}decimal>'
    }  # fmt: skip
    assert not any(q.graph_name == ox.NamedNode(WRITTEN_GRAPH) for q in written_quads(store))
    stats = graph_stats(store)
    assert [name for name, _n in stats.per_file] == ["graph/lit.ttl", "graph/other.ttl"]
    assert stats.triples == len(set(_as_parsed()))  # not the stamp of a folder or a server
    assert not any(q.graph_name == ox.NamedNode(META_GRAPH) for q in written_quads(store))
    facts = dataset_facts(store, Site(), build_dumps(store))  # what VoID says
    assert facts.triples == _expected_nt().count(b"\n") == len(set(_as_parsed()))


@pytest.mark.parametrize("kind", KINDS)
def test_the_exact_view_keeps_every_literal_apart(
    stores: dict[str, tuple[Project, Store]], kind: str
) -> None:
    _project, store = stores[kind]
    view = exact_view(store)
    assert isinstance(view, OxigraphStore) and view is not store
    assert len(view) == len(set(_as_parsed())) + (0 if kind == "memory" else 1)  # + meta
    data = [q for q in view.quads() if q.graph_name.value.startswith(GRAPH_BASE + "graph/")]  # type: ignore[union-attr]
    decoded = [ox.Quad(q.subject, q.predicate, decode(q.object), q.graph_name) for q in data]  # type: ignore[arg-type]
    assert canonical(decoded) == canonical(_as_parsed())
    assert not any(q.graph_name == ox.NamedNode(WRITTEN_GRAPH) for q in view.quads())
    ints = sorted(str(decode(q.object)) for q in view.quads() if q.predicate.value == P + "int")
    assert ints == sorted(f'"{n}"^^<{XSD}integer>' for n in ("01", "1", "+2", "02", "3"))
    positive = ox.Literal("5", datatype=ox.NamedNode(XSD + "positiveInteger"))
    assert decode(encode(positive)) == positive
    assert encode(positive).datatype.value == WRITTEN_DATATYPE + XSD + "positiveInteger"
    plain = ox.Literal("x")
    assert decode(plain) is plain


@pytest.mark.parametrize("kind", KINDS)
def test_exports_show_literals_as_written(
    stores: dict[str, tuple[Project, Store]], kind: str
) -> None:
    _project, store = stores[kind]
    catalogue = Catalogue.load(store)
    assert catalogue.values(THING + "b", DCTERMS.date) == ["2020-01-01+00:00"]
    view = full_view(store, ExportRequest("graphml", "full"), catalogue)
    attrs = view.graph.nodes[THING + "a"]["attrs"]
    assert sorted(attrs[P + "date"]) == ["2020-01-01+00:00", "2020-01-01+01:00"]
    assert sorted(attrs[P + "dateTime"]) == [
        "2020-01-01T10:00:00+00:00", "2020-01-01T10:00:00+01:00"
    ]  # fmt: skip


def test_quads_loaded_by_the_library_are_recorded_too() -> None:
    """``load_written`` (quads parsed elsewhere, e.g. ``validate_files``) and ``exact_store``
    keep what ``load_turtle`` keeps."""
    parsed = _as_parsed()
    store = OxigraphStore()
    load_written(store, parsed)
    assert canonical(written_quads(store)) == canonical(parsed)
    view, direct = exact_view(store), exact_store(parsed)
    assert canonical(view.quads()) == canonical(direct.quads())
    assert len(direct) == len(set(parsed))
