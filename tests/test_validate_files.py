"""Validating files outside a project (``govkg validate --data --shapes``, ``validate_files``), and
reports that tell the truth: ``sh:conforms`` false whenever there is a result, every message in
its language, a result path as the path that was read, and pySHACL's failures as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from govkg.cli import cli
from govkg.errors import UnsupportedShape
from govkg.load import open_project, parse_file, rebuild
from govkg.namespaces import SH
from govkg.store import OxigraphStore
from govkg.validate import (
    ValidationReport,
    validate_files,
    validate_store,
    validate_store_sparql,
)

HEAD = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
ENGINES = ("sparql", "pyshacl")


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    shapes = write(
        tmp_path,
        "shapes.ttl",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; "
        'sh:minCount 1 ; sh:severity sh:Warning ; sh:message "no name"@en , "kein Name"@de ] .',
    )
    data = write(tmp_path, "data.ttl", "ex:a a ex:C . ex:b a ex:C ; ex:name 'b' .")
    return data, shapes


@pytest.mark.parametrize("engine", ENGINES)
def test_a_warning_only_report_does_not_conform_but_passes(
    files: tuple[Path, Path], engine: str, runner: CliRunner
) -> None:
    data, shapes = files
    args = ["validate", "--engine", engine, "--data", str(data), "--shapes", str(shapes)]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[-1] == (
        "Does not conform (warnings only): 3 triples, 0 violation(s), 1 warning(s)"
    )
    body = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert (body["conforms"], body["passes"], body["warnings"]) == (False, True, 1)
    turtle = runner.invoke(cli, [*args, "--format", "turtle"])
    report = Graph().parse(data=turtle.output, format="turtle")
    assert list(report.objects(None, SH.conforms)) == [Literal(False)]


@pytest.mark.parametrize("engine", ENGINES)
def test_messages_keep_their_languages(files: tuple[Path, Path], engine: str) -> None:
    data, shapes = files
    graph = validate_files([data], [shapes], engine).report_graph()
    messages = set(graph.objects(None, SH.resultMessage))
    assert messages == {Literal("no name", lang="en"), Literal("kein Name", lang="de")}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_shapes_may_sit_in_the_data_file(tmp_path: Path, engine: str) -> None:
    both = write(
        tmp_path,
        "both.ttl",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:C .\nex:a ex:p 1 .",
    )
    report = validate_files([both], None, engine)
    assert [(r.focus, r.constraint) for r in report.results] == [
        ("http://example.org/a", str(SH.ClassConstraintComponent))
    ]
    assert report.results[0].files == (str(both),)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_result_path_is_the_path_that_was_read(tmp_path: Path, engine: str) -> None:
    """An ill-formed path node (a list that also has sh:inversePath) is read, and reported, as
    the sequence (W3C core/path/path-strange-001 and -002)."""
    both = write(
        tmp_path,
        "strange.ttl",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path _:p ; sh:class ex:C ] .\n"
        "_:p rdf:first ex:p ; rdf:rest ( ex:q ) ; sh:inversePath ex:p .\n"
        "ex:a ex:p ex:b . ex:b ex:q ex:c .",
    )
    graph = validate_files([both], None, engine).report_graph()
    path = next(graph.objects(None, SH.resultPath))
    assert graph.value(path, RDF.first) == URIRef("http://example.org/p")
    assert list(graph.objects(None, SH.value)) == [URIRef("http://example.org/c")]


def test_pyshacl_never_reaches_the_user_as_a_traceback(tmp_path: Path, runner: CliRunner) -> None:
    """SHACL forbids MINUS in a SPARQL constraint: pySHACL returns a failure object (it used to
    crash with AttributeError), the SPARQL engine refuses the shape; both in one line, exit 2."""
    both = write(
        tmp_path,
        "minus.ttl",
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE '
        '{ $this ?p ?o MINUS { $this a <http://example.org/C> } }" ] .\nex:a ex:p 1 .',
    )
    for engine, expected in (
        ("sparql", "SHACL forbids MINUS in a SPARQL constraint (5.3.1)"),
        ("pyshacl", "pySHACL refused the shapes:"),
    ):
        result = runner.invoke(cli, ["validate", "--engine", engine, "--data", str(both)])
        assert result.exit_code == 2, result.output
        assert expected in result.output
        assert "Traceback" not in result.output and len(result.output.splitlines()) == 1
        with pytest.raises(UnsupportedShape):
            validate_files([both], None, engine)


def test_shapes_without_data_is_refused(files: tuple[Path, Path], runner: CliRunner) -> None:
    _data, shapes = files
    result = runner.invoke(cli, ["validate", "--shapes", str(shapes)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: --shapes needs --data: the project is validated with its own shapes"
    )


def test_a_missing_data_file_is_named(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", "--data", str(tmp_path / "none.ttl")])
    assert result.exit_code == 2
    assert "none.ttl" in result.output and "Traceback" not in result.output


# Literal fidelity: each engine validates the literals as the files wrote them, from every store.
FIDELITY_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix p: <https://example.org/p#> .
@prefix gks: <https://w3id.org/govkg/shapes#> .

gks:Pos a sh:NodeShape ; sh:targetSubjectsOf p:pos ;
    sh:property [ sh:path p:pos ; sh:datatype xsd:positiveInteger ; sh:message "pos" ] .
gks:Byte a sh:NodeShape ; sh:targetSubjectsOf p:byte ;
    sh:property [ sh:path p:byte ; sh:datatype xsd:byte ; sh:message "byte" ] .
gks:Int a sh:NodeShape ; sh:targetSubjectsOf p:int ;
    sh:property [ sh:path p:int ; sh:maxCount 1 ; sh:message "one int" ] ,
        [ sh:path p:int ; sh:pattern "^0" ; sh:message "leading zero" ] .
gks:Date a sh:NodeShape ; sh:targetSubjectsOf p:date ;
    sh:property [ sh:path p:date ; sh:pattern "[+]00:00$" ; sh:message "offset" ] .
"""
FIDELITY_DATA = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix p: <https://example.org/p#> .
@prefix thing: <https://w3id.org/govkg/id/thing/> .

thing:a p:pos "5"^^xsd:positiveInteger ; p:byte "300"^^xsd:byte , "7"^^xsd:byte ;
    p:int "01"^^xsd:integer , "1"^^xsd:integer ; p:date "2020-01-01+00:00"^^xsd:date .
"""
#: What SHACL says of the data as written: the store keeps "300"^^xsd:byte as an integer 300,
#: "5"^^xsd:positiveInteger as an integer, "01" and "1" as one value, "+00:00" as "Z".
FIDELITY_EXPECTED = [
    ("byte", "300", str(SH.DatatypeConstraintComponent)),
    ("leading zero", "1", str(SH.PatternConstraintComponent)),
    ("one int", None, str(SH.MaxCountConstraintComponent)),
]


@pytest.fixture(scope="module")
def fidelity_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fidelity")
    (root / "ontology").mkdir()
    (root / "graph").mkdir()
    (root / "ontology" / "shapes.ttl").write_text(FIDELITY_SHAPES, encoding="utf-8")
    (root / "graph" / "lit.ttl").write_text(FIDELITY_DATA, encoding="utf-8")
    return root


def _fidelity(report: ValidationReport) -> list[tuple[str, str | None, str]]:
    return sorted(((r.message, r.value, r.constraint) for r in report.results), key=str)


@pytest.mark.parametrize(
    ("kind", "engine"),
    [("memory", "sparql"), ("memory", "pyshacl"), ("folder", "sparql"), ("folder", "pyshacl"),
     ("remote", "pyshacl")],
)  # fmt: skip
def test_validation_sees_literals_as_written(
    fidelity_project: Path,
    oxigraph_server: str,
    tmp_path: Path,
    kind: str,
    engine: str,
) -> None:
    spec = {"memory": None, "folder": str(tmp_path / "store"), "remote": oxigraph_server}[kind]
    if kind == "remote":
        rebuild(fidelity_project, oxigraph_server)
    project, store = open_project(fidelity_project, spec)
    report = validate_store(store, project, engine)
    assert _fidelity(report) == sorted(FIDELITY_EXPECTED, key=str)
    assert [r.value for r in report.results if r.message == "byte"] == ["300"]
    graph = report.report_graph()
    byte = Literal("300", datatype=XSD.byte, normalize=False)
    assert list(graph.objects(None, SH.value)).count(byte) == 1


def test_the_files_engine_sees_literals_as_written(fidelity_project: Path) -> None:
    data = fidelity_project / "graph" / "lit.ttl"
    shapes = fidelity_project / "ontology" / "shapes.ttl"
    for engine in ENGINES:
        assert _fidelity(validate_files([data], [shapes], engine)) == sorted(
            FIDELITY_EXPECTED, key=str
        )


def test_shapes_graph_is_a_graph_of_its_own(tmp_path: Path) -> None:
    """$shapesGraph names the shapes graph; the shapes are not in the data's default graph (a
    target on a property only the shapes use finds nothing), and the store is left as it was."""
    shapes = write(
        tmp_path,
        "shapes.ttl",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:limit 3 ; sh:sparql [ sh:message "
        '"over" ; sh:select """SELECT $this ?value WHERE { GRAPH $shapesGraph { $currentShape '
        "<http://example.org/limit> ?l } $this <http://example.org/n> ?value "
        'FILTER (?value > ?l) }""" ] .\n'
        "ex:T a sh:NodeShape ; sh:targetSubjectsOf ex:limit ; sh:class ex:Nothing .",
    )
    data = write(tmp_path, "data.ttl", "ex:a a ex:C ; ex:n 5 . ex:b a ex:C ; ex:n 1 .")
    report = validate_files([data], [shapes], "sparql")
    assert [(r.focus, r.value, r.message) for r in report.results] == [
        ("http://example.org/a", "5", "over")
    ]
    store = OxigraphStore()
    store.load(parse_file(data, "https://w3id.org/govkg/graph/data.ttl"))
    before = sorted(map(str, store.quads()))
    shapes_graph = Graph().parse(shapes, format="turtle")
    assert [r.focus for r in validate_store_sparql(store, shapes_graph).results] == [
        "http://example.org/a"
    ]
    assert sorted(map(str, store.quads())) == before
