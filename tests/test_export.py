"""govkg export: every view of the shipped graph as GEXF 1.3 (validated against the official
RELAX NG grammar, read back with networkx), GraphML and CSV; spells, filters, errors and
determinism."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from lxml import etree
from paths import ROOT

from govkg.align import Filters, load_matrix, measure
from govkg.cli import cli
from govkg.export import (
    PALETTE,
    VIEWS,
    ExportError,
    ExportRequest,
    ViewGraph,
    build_view,
    to_gexf,
    to_graphml,
    write_files,
)
from govkg.export.describe import local_name
from govkg.export.gexf import GEXF, VIZ
from govkg.export.timeline import normalise_date
from govkg.store import Store

GRAMMAR = ROOT / "tests" / "gexf-1.3" / "gexf.rng"
ID = "https://w3id.org/govkg/id/"
USA, CHN, GBR = f"{ID}state/USA", f"{ID}state/CHN", f"{ID}state/GBR"
PARIS = f"{ID}instrument/paris-statement-2025"
USA_PARIS = f"{ID}stance/paris-statement-2025--USA"
NS = {"g": GEXF, "viz": VIZ}


def _view(store: Store, name: str, **options: Any) -> ViewGraph:
    return build_view(store, ExportRequest.create("gexf", name, **options))


@pytest.fixture(scope="module")
def views(store: Store) -> dict[str, tuple[ViewGraph, bytes]]:
    """Each view of the shipped graph, built once, with its GEXF document."""
    built = {name: _view(store, name) for name in VIEWS}
    return {name: (view, to_gexf(view)) for name, view in built.items()}


@pytest.fixture(scope="module")
def grammar() -> etree.RelaxNG:
    return etree.RelaxNG(file=str(GRAMMAR))


def _spells(document: bytes) -> tuple[dict[str, str], dict[str, tuple[str, str, str]]]:
    """Node id → spell start; edge id → (source, target, spell start); parsed with lxml."""
    root = etree.fromstring(document)
    nodes = {}
    for node in root.iterfind(".//g:node", NS):
        spell = node.find("g:spells/g:spell", NS)
        nodes[node.get("id")] = spell.get("start") if spell is not None else ""
    edges = {}
    for edge in root.iterfind(".//g:edge", NS):
        spell = edge.find("g:spells/g:spell", NS)
        start = (spell.get("start") or "") if spell is not None else ""
        edges[edge.get("id")] = (edge.get("source"), edge.get("target"), start)
    return nodes, edges


# --- the file is GEXF 1.3 and reads back --------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_validates_against_the_gexf_grammar(
    views: dict[str, tuple[ViewGraph, bytes]], grammar: etree.RelaxNG, name: str
) -> None:
    _view, document = views[name]
    assert grammar.validate(etree.fromstring(document)), grammar.error_log.last_error


@pytest.mark.parametrize("name", VIEWS)
def test_every_view_reads_back_with_networkx(
    views: dict[str, tuple[ViewGraph, bytes]], name: str
) -> None:
    view, document = views[name]
    read = nx.read_gexf(io.BytesIO(document))
    assert read.number_of_nodes() == view.graph.number_of_nodes() > 0
    assert read.number_of_edges() == view.graph.number_of_edges() > 0
    assert set(read.nodes) == set(view.graph.nodes)
    read_edges = {data["id"]: data for *_ends, data in read.edges(data=True)}
    assert set(read_edges) == {edge_id for edge_id, _data in view.edges()}
    for cls, elements, found in (
        ("node", view.nodes(), read.nodes),
        ("edge", view.edges(), read_edges),
    ):
        types = view.declared_types(cls)
        for element, data in elements:
            assert found[element].get("label", "") == data["label"]
            for attribute, values in data["attrs"].items():
                got = found[element][attribute]
                if types[attribute] == "liststring":
                    assert got == "[" + ", ".join(f'"{v}"' for v in values) + "]"
                else:
                    assert got == values[0]


def test_stances_usa_node_has_its_actor_attributes(
    views: dict[str, tuple[ViewGraph, bytes]],
) -> None:
    read = nx.read_gexf(io.BytesIO(views["stances"][1]))
    usa = read.nodes[USA]
    assert usa["label"] == "United States of America"
    assert (usa["iso3"], usa["region"], usa["subregion"]) == ("USA", "Americas", "Northern America")
    assert (usa["type"], usa["un_status"], usa["wikidata"], usa["side"]) == (
        "State",
        "member",
        "Q30",
        "actor",
    )
    paris = read.nodes[PARIS]
    assert (paris["type"], paris["series"], paris["date"]) == (
        "JointStatement",
        "ai-summits",
        "2025-02-11",
    )
    assert paris["list_complete"] is False


def test_stances_usa_declined_the_paris_statement(
    views: dict[str, tuple[ViewGraph, bytes]],
) -> None:
    read = nx.read_gexf(io.BytesIO(views["stances"][1]))
    # a multigraph: an actor has two stances where an article and a list use different verbs
    edge = read.edges[USA, PARIS, USA_PARIS]
    assert edge["id"] == USA_PARIS
    assert (edge["kind"], edge["label"], edge["date"], edge["as_of"]) == (
        "declined",
        "declined",
        "2025-02-11",
        False,
    )
    colour = etree.fromstring(views["stances"][1]).find(
        f".//g:edge[@id='{USA_PARIS}']/viz:color", NS
    )
    assert "#{:02x}{:02x}{:02x}".format(*(int(colour.get(c)) for c in "rgb")) == PALETTE["declined"]


def test_one_stance_edge_per_stance_in_the_store(
    views: dict[str, tuple[ViewGraph, bytes]], store: Store
) -> None:
    count = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Stance }").rows[0][0]
    stances = int(count.value)  # type: ignore[union-attr]
    _nodes, edges = _spells(views["stances"][1])
    stance_edges = [edge_id for edge_id in edges if edge_id.startswith(f"{ID}stance/")]
    assert len(stance_edges) == stances > 800
    others = set(edges) - set(stance_edges)  # one edge per membership (kind member)
    assert all(edge_id.startswith(f"{ID}membership/") for edge_id in others)


# --- time ----------------------------------------------------------------------------------------


def test_usa_paris_spell_starts_on_the_day_and_lies_within_both_endpoints(
    views: dict[str, tuple[ViewGraph, bytes]],
) -> None:
    nodes, edges = _spells(views["stances"][1])
    source, target, start = edges[USA_PARIS]
    assert (source, target, start) == (USA, PARIS, "2025-02-11")
    assert nodes[USA] == ""  # its UNESCO membership ended in 2018 and began nobody says when
    assert nodes[PARIS] and nodes[PARIS] <= start
    root = etree.fromstring(views["stances"][1])
    graph = root.find("g:graph", NS)
    assert (graph.get("timeformat"), graph.get("mode")) == ("date", "dynamic")


UNDATED_STANCES = """SELECT ?s WHERE { ?s a gk:Stance
    FILTER NOT EXISTS { ?s dcterms:date ?d } FILTER NOT EXISTS { ?s gk:asOf ?a } }"""


@pytest.mark.parametrize("name", ["stances", "dialogues"])
def test_every_edge_spell_lies_within_its_endpoints_spells(
    views: dict[str, tuple[ViewGraph, bytes]], name: str, store: Store
) -> None:
    """Every edge starts no earlier than its endpoints (an undated stance: when its later endpoint
    starts) or only ends (a membership that began nobody says when, its endpoints undated); a node
    without a spell has no dated edge of its own or such a membership."""
    nodes, edges = _spells(views[name][1])
    undated = {r.text("s") for r in store.query(UNDATED_STANCES).records()}
    for edge_id, (source, target, start) in edges.items():
        if not start:  # a membership that began nobody says when, or an undated stance of two
            assert edge_id in undated or edge_id.startswith(f"{ID}membership/")  # undated ends
            assert nodes[source] == nodes[target] == ""
            continue
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", start)
        for node in (source, target):
            assert not nodes[node] or nodes[node] <= start
    ending = {e for e, (s, t, start) in edges.items() if not start}
    for node in (node for node, start in nodes.items() if not start):
        assert ending & {e for e, (s, t, _) in edges.items() if node in (s, t)} or all(
            e in undated for e, (s, t, _) in edges.items() if node in (s, t)
        )
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) for s in nodes.values() if s)
    if name == "stances":  # the First Committee vote, the four companies that joined later, and the
        # two ends of the US membership of UNESCO that ended in 2018 (its beginning not given)
        assert sorted(local_name(n) for n, start in nodes.items() if not start) == [
            "01_AI", "MAGIC", "MINIMAX", "NVIDIA", "UNESCO", "USA",
            "unga-c1-80-l56-first-committee-vote",
        ]  # fmt: skip


def test_partial_dates_become_the_first_day_of_their_period(
    views: dict[str, tuple[ViewGraph, bytes]],
) -> None:
    assert normalise_date("2025") == "2025-01-01"
    assert normalise_date("2025-02") == "2025-02-01"
    assert normalise_date("2025-02-11") == "2025-02-11"
    assert normalise_date("2025-02-11Z") == normalise_date("2025-02-11T10:00:00+01:00")
    assert normalise_date("2025-02-30") is None and normalise_date("soon") is None
    _nodes, edges = _spells(views["dialogues"][1])
    agreement = f"{ID}instrument/us-china-ai-dialogue-agreement-2026|{CHN}|{USA}"
    assert edges[agreement][2] == "2026-05-01"  # dcterms:date "2026-05"^^xsd:gYearMonth


def test_alignment_and_full_views_are_static(views: dict[str, tuple[ViewGraph, bytes]]) -> None:
    for name in ("alignment", "full"):
        graph = etree.fromstring(views[name][1]).find("g:graph", NS)
        assert (graph.get("timeformat"), graph.get("mode")) == ("date", "static")


# --- the other views -------------------------------------------------------------------------


def test_alignment_edges_reach_the_threshold_and_match_govkg_align(
    views: dict[str, tuple[ViewGraph, bytes]], store: Store
) -> None:
    view, _document = views["alignment"]
    weights = [data["weight"] for _id, data in view.edges()]
    assert weights and min(weights) >= 0.5
    matrix = load_matrix(store)
    result = measure(matrix, absent="missing")
    a, b = matrix.actors.index(GBR), matrix.actors.index(USA)
    edge = view.graph.edges[GBR, USA, f"{GBR}|{USA}"]
    assert edge["weight"] == pytest.approx(result.values["agreement"][a, b], abs=1e-6)
    assert edge["attrs"]["n"] == (int(result.values["n"][a, b]),)


def test_alignment_measure_and_threshold(store: Store) -> None:
    view = _view(store, "alignment", measure="kappa", threshold=0.8)
    edges = view.edges()
    assert edges and all(d["weight"] >= 0.8 and d["attrs"]["kappa"][0] >= 0.8 for _e, d in edges)
    assert all(d["weight"] == d["attrs"]["kappa"][0] for _e, d in edges)


def test_dialogues_view_links_usa_and_china(views: dict[str, tuple[ViewGraph, bytes]]) -> None:
    read = nx.read_gexf(io.BytesIO(views["dialogues"][1]))
    links = read.get_edge_data(CHN, USA)
    kinds = sorted(data["kind"] for data in links.values())
    assert kinds == [
        "agreement",
        "agreement",
        "dialogue",
        "dialogue",
        "meeting",
        "meeting",
        "meeting",
    ]
    launched = links[f"{ID}dialogue/us-china-ai-2026|{CHN}|{USA}"]
    assert '"cybersecurity"' in launched["topics"] and launched["date"] == "2026-05-19"


def test_full_view_has_iri_nodes_only_and_literals_as_attributes(
    views: dict[str, tuple[ViewGraph, bytes]], store: Store
) -> None:
    view, document = views["full"]
    iris = store.query(
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { { ?x ?p ?o FILTER(isIRI(?x)) } "
        "UNION { ?s ?p ?x FILTER(isIRI(?x) && ?p != rdf:type) } }"
    ).rows[0][0]
    assert view.graph.number_of_nodes() == int(iris.value)  # type: ignore[union-attr]
    assert all(re.match(r"[a-z][a-z0-9+.-]*:", node) for node in view.graph)
    assert "USA" not in view.graph and "Americas" not in view.graph
    read = nx.read_gexf(io.BytesIO(document))
    usa = read.nodes[USA]
    assert (usa["gk:iso3"], usa["gk:region"], usa["type"]) == ("USA", "Americas", '["gk:State"]')
    assert (
        read.edges[
            USA,
            "http://www.wikidata.org/entity/Q30",
            f"{USA}|owl:sameAs|http://www.wikidata.org/entity/Q30",
        ]["label"]
        == "owl:sameAs"
    )
    role = read.nodes[f"{ID}role/jd-vance-us-vice-president"]  # its blank interval, folded
    assert role["org:memberDuring/rdf:type"] == "time:Interval"


# --- GraphML and CSV ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stances", "dialogues", "full"])
def test_graphml_reads_back_with_the_same_counts_and_attributes(
    views: dict[str, tuple[ViewGraph, bytes]], name: str
) -> None:
    view, _document = views[name]
    read = nx.read_graphml(io.BytesIO(to_graphml(view)))
    assert read.number_of_nodes() == view.graph.number_of_nodes()
    assert read.number_of_edges() == view.graph.number_of_edges()
    if name == "stances":
        assert (read.nodes[USA]["iso3"], read.nodes[USA]["region"]) == ("USA", "Americas")
        can, reaim = f"{ID}state/CAN", f"{ID}instrument/reaim-2026-pathways-to-action"
        assert sorted(e["kind"] for e in read.get_edge_data(can, reaim).values()) == [
            "endorsed",
            "signed",
        ]  # the list's word and the articles', two edges
        edge = read.edges[USA, PARIS, USA_PARIS]
        assert (edge["kind"], edge["start"], edge["color"]) == (
            "declined",
            "2025-02-11",
            PALETTE["declined"],
        )
    if name == "dialogues":
        topics = read.edges[CHN, USA, f"{ID}dialogue/us-china-ai-2026|{CHN}|{USA}"]["topics"]
        assert "cybersecurity" in topics.split("|")


def test_csv_tables_have_gephis_columns(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli, ["--root", str(ROOT), "export", "csv", "--view", "stances", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "stances-nodes.csv").open(encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    with (tmp_path / "stances-edges.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        edges = list(reader)
    assert list(nodes[0])[:2] == ["Id", "Label"]
    assert reader.fieldnames[:6] == ["Source", "Target", "Type", "Id", "Label", "Weight"]
    usa = next(row for row in nodes if row["Id"] == USA)
    assert (usa["iso3"], usa["region"], usa["Label"]) == (
        "USA",
        "Americas",
        "United States of America",
    )
    declined = next(row for row in edges if row["Id"] == USA_PARIS)
    assert (declined["Source"], declined["Target"], declined["Type"]) == (USA, PARIS, "Directed")
    assert (declined["kind"], declined["date"], declined["start"]) == (
        "declined",
        "2025-02-11",
        "2025-02-11",
    )
    assert len(nodes) > 200 and len(edges) > 800


#: Three stances, one of each kind of date: (edge id, source, target) → (date, date_kind, as_of).
DATE_KINDS = {
    (USA_PARIS, USA, PARIS): ("2025-02-11", "act", False),
    (f"{ID}stance/reaim-2026-pathways-to-action--ALB", f"{ID}state/ALB",
     f"{ID}instrument/reaim-2026-pathways-to-action"): ("2026-07-17", "as_of", True),
    (f"{ID}stance/coe-cets-225--BIH", f"{ID}state/BIH",
     f"{ID}instrument/coe-cets-225"): ("", "unknown", False),
}  # fmt: skip


def test_stance_edges_state_their_date_kind(
    views: dict[str, tuple[ViewGraph, bytes]], runner: CliRunner, tmp_path: Path
) -> None:
    view, document = views["stances"]
    assert view.edge_attributes["date_kind"] == "string"
    gexf = nx.read_gexf(io.BytesIO(document))
    graphml = nx.read_graphml(io.BytesIO(to_graphml(view)))
    result = runner.invoke(
        cli, ["--root", str(ROOT), "export", "csv", "--view", "stances", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "stances-edges.csv").open(encoding="utf-8", newline="") as handle:
        table = {row["Id"]: row for row in csv.DictReader(handle)}
    for (edge_id, source, target), (date, kind, as_of) in DATE_KINDS.items():
        for read in (gexf, graphml):
            edge = read.edges[source, target, edge_id]
            assert (edge["date_kind"], edge.get("date", ""), edge["as_of"]) == (kind, date, as_of)
        assert (table[edge_id]["date_kind"], table[edge_id]["date"]) == (kind, date)
    kinds = {data["date_kind"] for _s, _t, data in gexf.edges(data=True)}
    assert kinds == {"act", "as_of", "unknown"}


# --- the command -------------------------------------------------------------------------------


def _export(runner: CliRunner, *args: str) -> tuple[int, str, bytes]:
    result = runner.invoke(cli, ["--root", str(ROOT), "export", *args])
    return result.exit_code, result.stderr, result.stdout_bytes


def test_gexf_goes_to_stdout_and_filters_by_series(runner: CliRunner) -> None:
    code, _err, out = _export(runner, "gexf", "--view", "stances", "--series", "reaim")
    assert code == 0 and out.startswith(b"<?xml")
    read = nx.read_gexf(io.BytesIO(out))
    instruments = {n for n, d in read.nodes(data=True) if d["side"] == "instrument"}
    assert instruments and all(read.nodes[i]["series"] == "reaim" for i in instruments)


def test_from_and_to_keep_stances_of_the_period(store: Store) -> None:
    view = _view(store, "stances", filters=Filters(date_to="2023-12-31"))
    dates = [d["date"] for _e, d in view.edges()]
    assert dates and all(d <= "2023-12-31" for d in dates if d)
    assert PARIS not in view.graph
    stances = {edge_id for edge_id, _data in view.edges()}  # one instrument, endorsed over time
    assert f"{ID}stance/us-political-declaration-military-ai--XKX" in stances  # as of 2023-11-13
    assert f"{ID}stance/us-political-declaration-military-ai--UKR" not in stances  # 2024-11-27


def test_export_is_deterministic(runner: CliRunner, tmp_path: Path) -> None:
    for fmt, view, layout in (
        ("gexf", "stances", []),
        ("gexf", "full", []),
        ("gexf", "dialogues", ["--layout", "spring"]),
        ("graphml", "stances", []),
        ("csv", "dialogues", []),
    ):
        files = []
        for run in ("a", "b"):
            out = tmp_path / run
            out.mkdir(exist_ok=True)
            target = out if fmt == "csv" else out / f"{view}.{fmt}"
            code, err, _out = _export(runner, fmt, "--view", view, "--out", str(target), *layout)
            assert code == 0, err
            files.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
        assert files[0] == files[1]


def test_layout_spring_gives_every_node_a_position(runner: CliRunner) -> None:
    _code, _err, plain = _export(runner, "gexf", "--view", "dialogues")
    code, _err, laid = _export(runner, "gexf", "--view", "dialogues", "--layout", "spring")
    assert code == 0
    assert etree.fromstring(plain).find(".//viz:position", NS) is None
    positions = etree.fromstring(laid).findall(".//g:node/viz:position", NS)
    assert len(positions) == 2 and all(p.get("z") is None for p in positions)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "bogus"], "Error: unknown view 'bogus': choose stances, alignment, dialogues"),
        (["--view", "stances", "--from", "2030"], "Error: no instrument matches the filters"),
        (["--view", "stances", "--instruments", "nope"], "Error: --instruments: no instrument"),
        (["--view", "stances", "--series", "nope"], "Error: --series: no series nope in the graph"),
        (["--view", "alignment", "--threshold", "2"], "Error: no pair of actors has agreement"),
        (["--view", "full", "--series", "reaim"], "Error: --instruments, --series, --from"),
    ],
)
def test_errors_are_one_line_exit_2_and_write_nothing(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.gexf"
    code, err, stdout = _export(runner, "gexf", *args, "--out", str(out))
    assert code == 2
    assert err.startswith(message) and err.count("\n") == 1
    assert not out.exists() and not stdout and not list(tmp_path.iterdir())


def test_csv_needs_out_and_a_failed_export_keeps_the_old_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, err, _out = _export(runner, "csv", "--view", "stances")
    assert code == 2 and err.startswith("Error: csv writes two tables")
    old = tmp_path / "old.gexf"
    old.write_bytes(b"old")
    code, _err, _out = _export(
        runner, "gexf", "--view", "stances", "--to", "1999", "--out", str(old)
    )
    assert code == 2 and old.read_bytes() == b"old"


def test_write_files_writes_all_or_nothing(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="nothing was written"):
        write_files([(tmp_path / "a.csv", b"a"), (tmp_path / "missing" / "b.csv", b"b")])
    assert list(tmp_path.iterdir()) == []
    assert write_files([(tmp_path / "a.csv", b"a")]) == [tmp_path / "a.csv"]


def test_the_palette_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key, colour in PALETTE.items():
        assert f"`{key}` | `{colour}`" in readme
