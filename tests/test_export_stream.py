"""govkg export streams: the writers write a view element by element (a document of megabytes in
many small writes, never whole), byte for byte what the writers of the whole document write
(lxml's tree for GEXF, networkx's ``write_graphml`` for GraphML, ``csv`` into memory), on every
view of the shipped graph and on a small graph of awkward values; the catalogue of a view's
resources says what the catalogue of the whole store says of them; a streamed export that fails
midway replaces nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO, Any

import networkx as nx
import pytest
from lxml import etree

from govkg import __version__
from govkg.errors import ExportError
from govkg.export import (
    ExportRequest,
    ViewGraph,
    build_view,
    to_gexf,
    to_graphml,
    write_export,
    write_gexf,
)
from govkg.export.describe import ACTOR_ATTRIBUTES, INSTRUMENT_ATTRIBUTES, Catalogue
from govkg.export.gexf import GEXF, VIZ, token, value_text, xml_text
from govkg.export.graphml import flat_attributes
from govkg.export.output import stream_atomically
from govkg.export.palette import rgb
from govkg.export.tables import EDGE_COLUMNS, NODE_COLUMNS, edge_table, node_table
from govkg.export.timeline import assign_spells
from govkg.store import Store

# --- the writers of the whole document, as govkg wrote them before it streamed --------------------


def _g(name: str) -> str:
    return f"{{{GEXF}}}{name}"


def reference_gexf(view: ViewGraph) -> bytes:
    """The GEXF document built as one lxml tree from the view's data dictionaries."""
    root = etree.Element(_g("gexf"), nsmap={None: GEXF, "viz": VIZ}, version="1.3")
    meta = etree.SubElement(root, _g("meta"))
    etree.SubElement(meta, _g("creator")).text = f"govkg {__version__}"
    etree.SubElement(meta, _g("description")).text = xml_text(view.description or view.name)
    graph = etree.SubElement(
        root,
        _g("graph"),
        defaultedgetype="directed" if view.directed else "undirected",
        timeformat="date",
        mode="dynamic" if view.dynamic else "static",
    )
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    for cls, types in (("node", node_types), ("edge", edge_types)):
        if types:
            declared = etree.SubElement(graph, _g("attributes"), {"class": cls, "mode": "static"})
            for name, kind in types.items():
                etree.SubElement(declared, _g("attribute"), id=name, title=name, type=kind)
    nodes, edges = view.nodes(), view.edges()
    node_list = etree.SubElement(graph, _g("nodes"), count=str(len(nodes)))
    for node_id, data in nodes:
        _reference_element(
            node_list, "node", {"id": node_id, "label": token(data["label"])}, data, node_types
        )
    edge_list = etree.SubElement(graph, _g("edges"), count=str(len(edges)))
    for edge_id, data in edges:
        xml = {"id": edge_id, "source": data["source"], "target": data["target"]}
        if data["label"]:
            xml["label"] = token(data["label"])
        if data["weight"] is not None:
            xml["weight"] = repr(float(data["weight"]))
        if data["kind"]:
            xml["kind"] = token(data["kind"])
        _reference_element(edge_list, "edge", xml, data, edge_types)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _reference_element(
    parent: Any, tag: str, xml: dict[str, str], data: dict[str, Any], types: dict[str, str]
) -> None:
    element = etree.SubElement(parent, _g(tag), {k: xml_text(v) for k, v in xml.items()})
    if data["attrs"]:
        values = etree.SubElement(element, _g("attvalues"))
        for name, kind in types.items():
            if name in data["attrs"]:
                text = value_text(data["attrs"][name], kind)
                etree.SubElement(values, _g("attvalue"), {"for": name, "value": text})
    if data["start"] or data["end"]:
        spells = etree.SubElement(element, _g("spells"))
        spell = {name: data[name] for name in ("start", "end") if data[name]}
        etree.SubElement(spells, _g("spell"), spell)
    if data["colour"]:
        r, g, b = rgb(data["colour"])
        etree.SubElement(element, f"{{{VIZ}}}color", r=str(r), g=str(g), b=str(b))
    if data.get("position"):
        x, y = data["position"]
        etree.SubElement(element, f"{{{VIZ}}}position", x=f"{x:.3f}", y=f"{y:.3f}")


def reference_graphml(view: ViewGraph) -> bytes:
    """networkx's GraphML of a networkx multigraph built from the view's data dictionaries."""
    graph: nx.MultiGraph = nx.MultiDiGraph() if view.directed else nx.MultiGraph()
    graph.graph.update(view.graph_attributes)
    node_types, edge_types = view.declared_types("node"), view.declared_types("edge")
    for node_id, data in view.nodes():
        graph.add_node(
            node_id, label=data["label"], **flat_attributes(data, node_types), **_extras(data)
        )
    for edge_id, data in view.edges():
        extras = _extras(data)
        if data["label"]:
            extras["label"] = data["label"]
        if data["weight"] is not None:
            extras["weight"] = float(data["weight"])
        attrs = flat_attributes(data, edge_types)
        graph.add_edge(data["source"], data["target"], key=edge_id, **attrs, **extras)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, named_key_ids=True)
    return buffer.getvalue()


def _extras(data: dict[str, Any]) -> dict[str, Any]:
    found = {name: data[name] for name in ("start", "end") if data[name]}
    if data["colour"]:
        found["color"] = data["colour"]
    return found


def reference_tables(view: ViewGraph) -> tuple[bytes, bytes]:
    """Both CSV tables written into one string each."""
    tables = []
    for cls, columns in (("node", NODE_COLUMNS), ("edge", EDGE_COLUMNS)):
        types = view.declared_types(cls)
        elements = view.nodes() if cls == "node" else view.edges()
        spell = ("start", "end") if any(d["end"] for _i, d in elements) else ("start",)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*columns, *types, *spell, "color"])
        for element_id, data in elements:
            flat = flat_attributes(data, types)
            cells = [_csv_cell(flat.get(name)) for name in types]
            if cls == "node":
                lead = [element_id, data["label"]]
            else:
                kind = "Directed" if view.directed else "Undirected"
                weight = repr(float(1.0 if data["weight"] is None else data["weight"]))
                lead = [data["source"], data["target"], kind, element_id, data["label"], weight]
            tail = [data[name] or "" for name in spell]
            writer.writerow([*lead, *cells, *tail, data["colour"] or ""])
        tables.append(buffer.getvalue().encode("utf-8"))
    return tables[0], tables[1]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else xml_text(str(value))


# --- a small graph of awkward values -------------------------------------------------------------

AWKWARD = [
    "a & b < c > d \"e\" 'f'",
    "tab\there",
    "new\nline",
    "ret\rurn",
    "é中文🙂",
    " spaced  out ",
]


def awkward_view(directed: bool, control: bool) -> ViewGraph:
    """Nodes and edges whose labels, ids and values hold what XML escapes (and, with
    ``control``, characters XML cannot hold, which GEXF leaves out); lists, numbers, booleans,
    weights, spells that end, positions, parallel edges both ways, a self-loop, an element with
    nothing but its id."""
    extra = "\x01\x1f" if control else ""
    view = ViewGraph(
        "awkward", directed, {**ACTOR_ATTRIBUTES, **INSTRUMENT_ATTRIBUTES}, {"kind": "string"}
    )
    view.description = "awkward & <values> " + extra
    view.graph_attributes = {"coverage": "partial", "coverage_note": "a & b <c>"}
    ids = [f"urn:x:{n}{'&' if n % 2 else ''}" for n in range(6)]
    for n, node_id in enumerate(ids):
        attrs: dict[str, Any] = {}
        if n % 3 == 0:
            attrs = {"type": [AWKWARD[n], AWKWARD[n - 1] + extra], "list_named": n}
        elif n % 3 == 1:
            attrs = {"legally_binding": [True, False], "date": AWKWARD[n] + extra, "iso3": "X"}
        view.add_node(node_id, AWKWARD[n] + extra, attrs, colour="#4e79a7" if n else None,
                      date=f"202{n}-01-01" if n % 2 else None)  # fmt: skip
    pairs = [(0, 1), (1, 0), (0, 1), (2, 2), (3, 4), (5, 0), (4, 3), (1, 5)]
    for n, (a, b) in enumerate(pairs):
        view.add_edge(
            f"urn:e:{9 - n}{AWKWARD[n % len(AWKWARD)]}",
            ids[a],
            ids[b],
            label=AWKWARD[(n + 1) % len(AWKWARD)] + extra if n % 4 else "",
            attrs={"kind": AWKWARD[n % len(AWKWARD)] + extra} if n % 3 else {},
            colour="#ff9da7" if n % 2 else None,
            date=f"2019-0{n + 1}-01" if n % 3 else None,
            weight=n / 3 if n % 2 else None,
            kind="k" + extra if n % 2 else None,
            ends=("2030-01-01",) if n == 1 else (),
        )
    assign_spells(view)
    view.node(ids[2]).position = (1.23456, -7.0)
    return view


@pytest.mark.parametrize("directed", [True, False])
def test_awkward_values_are_written_as_the_whole_document_writers_write_them(
    directed: bool,
) -> None:
    gexf_view = awkward_view(directed, control=True)
    assert to_gexf(gexf_view) == reference_gexf(gexf_view)
    grammar = etree.RelaxNG(file=str(Path(__file__).parent / "gexf-1.3" / "gexf.rng"))
    assert grammar.validate(etree.fromstring(to_gexf(gexf_view))), grammar.error_log.last_error
    view = awkward_view(directed, control=False)
    assert to_gexf(view) == reference_gexf(view)
    assert to_graphml(view) == reference_graphml(view)
    assert (node_table(view), edge_table(view)) == reference_tables(view)


@pytest.fixture(scope="module")
def shipped_views(store: Store) -> dict[str, ViewGraph]:
    return {
        name: build_view(store, ExportRequest.create("gexf", name, **options))
        for name, options in (
            ("stances", {}),
            ("dialogues", {"layout": "spring"}),
            ("full", {}),
            ("alignment", {"measure": "kappa", "threshold": 0.8}),
        )
    }


@pytest.mark.parametrize("name", ["stances", "dialogues", "full", "alignment"])
def test_every_shipped_view_is_written_as_the_whole_document_writers_write_it(
    shipped_views: dict[str, ViewGraph], name: str
) -> None:
    view = shipped_views[name]
    assert to_gexf(view) == reference_gexf(view)
    assert to_graphml(view) == reference_graphml(view)
    assert (node_table(view), edge_table(view)) == reference_tables(view)


class _Recorder(io.RawIOBase):
    """A binary stream that keeps each write apart."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.writes.append(bytes(data))
        return len(data)


def test_a_large_view_is_written_in_many_small_writes() -> None:
    """20,000 edges (about 7 MB of GEXF) reach the stream in pieces of at most 1 MB: the writer
    never holds the document."""
    view = ViewGraph("large", True, {"type": "string"}, {"kind": "string", "date": "string"})
    view.add_node("urn:a", "A", {"type": "State"})
    for n in range(200):
        view.add_node(f"urn:i{n:03d}", f"I {n}", {"type": "Declaration"}, date="2020-01-01")
    for n in range(20_000):
        view.add_edge(
            f"urn:s{n:05d}", "urn:a", f"urn:i{n % 200:03d}", label="signed",
            attrs={"kind": "signed", "date": f"2021-{1 + n % 12:02d}"}, colour="#2ca02c",
            date=f"2021-{1 + n % 12:02d}-01",
        )  # fmt: skip
    assign_spells(view)
    stream = _Recorder()
    write_gexf(view, stream)
    assert b"".join(stream.writes) == reference_gexf(view)
    sizes = [len(data) for data in stream.writes]
    assert sum(sizes) > 6_000_000 and len(sizes) > 8 and max(sizes) < 1_000_000


def test_the_catalogue_of_some_resources_is_the_whole_catalogue_of_them(store: Store) -> None:
    whole = Catalogue.load(store)
    iris = {iri for iri in whole.labels if "/state/" in iri or "/instrument/" in iri}
    iris |= {"https://w3id.org/govkg/id/org/EU", "https://w3id.org/govkg/id/nothing"}
    some = Catalogue.load(store, iris)
    assert len(some.labels) > 100
    assert some.labels == {k: v for k, v in whole.labels.items() if k in iris}
    assert some.types == {k: v for k, v in whole.types.items() if k in iris}
    assert some.properties == {k: v for k, v in whole.properties.items() if k in iris}
    assert some.series == {k: v for k, v in whole.series.items() if k in iris}
    assert some.event_dates == {k: v for k, v in whole.event_dates.items() if k in iris}
    assert some.coverage == {k: v for k, v in whole.coverage.items() if k in iris}
    assert Catalogue.load(store, set()).labels == {}


def test_a_streamed_export_writes_its_files_and_a_failed_one_replaces_nothing(
    store: Store, tmp_path: Path
) -> None:
    old = tmp_path / "old.gexf"
    old.write_bytes(b"old")

    def fails(out: IO[bytes]) -> None:
        out.write(b"<?xml half a document")
        raise ExportError("the writer failed")

    with pytest.raises(ExportError, match="the writer failed"):
        stream_atomically([(tmp_path / "new.csv", lambda out: out.write(b"new")), (old, fails)])
    assert old.read_bytes() == b"old" and sorted(tmp_path.iterdir()) == [old]
    request = ExportRequest.create("csv", "dialogues", out=tmp_path)
    exported = write_export(store, request)
    assert exported.paths == request.targets() and exported.edges > 0
    view = build_view(store, request)
    assert [p.read_bytes() for p in exported.paths] == list(reference_tables(view))
    stdout = io.BytesIO()  # no --out: the document goes to the stream given
    request = ExportRequest.create("gexf", "dialogues")
    write_export(store, request, stdout)
    assert stdout.getvalue() == reference_gexf(build_view(store, request))
