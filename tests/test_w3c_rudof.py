"""The pyrudof adapter (tests/w3c_rudof.py): pyrudof's SHACL report as an rdflib Graph, relative
IRIs resolved against each file's own URL, literals as written, refusals and failures by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from w3c_rudof import RudofFailed, RudofRefused, rudof_report
from w3c_shacl import PASS, cases, judge

from govkg.errors import GovkgError, UnsupportedShape
from govkg.namespaces import SH

PREFIX = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PREFIX + text, encoding="utf-8")
    return path


def test_relative_iris_resolve_against_each_files_own_url(tmp_path: Path) -> None:
    data = _write(tmp_path / "data" / "d.ttl", '<a> <p> "01"^^xsd:integer .\n')
    shapes = _write(
        tmp_path / "shapes" / "s.ttl",
        "<S> a sh:NodeShape ; sh:targetNode <../data/a> ;\n"
        "  sh:property [ sh:path <../data/p> ; sh:datatype xsd:string ] .\n",
    )
    report = rudof_report(data, shapes)
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms) == Literal(False)
    result = report.value(node, SH.result)
    assert report.value(result, SH.focusNode) == URIRef((tmp_path / "data" / "a").as_uri())
    assert report.value(result, SH.resultPath) == URIRef((tmp_path / "data" / "p").as_uri())
    assert report.value(result, SH.sourceConstraintComponent) == SH.DatatypeConstraintComponent
    # the value as the data wrote it, not canonicalised to "1"
    value = report.value(result, SH.value)
    assert value == Literal("01", datatype=XSD.integer, normalize=False)
    assert str(value) == "01"


def test_a_conforming_file_gives_one_report_with_no_result(tmp_path: Path) -> None:
    both = _write(
        tmp_path / "t.ttl", "<S> a sh:NodeShape ; sh:targetNode <a> ; sh:nodeKind sh:IRI .\n"
    )
    report = rudof_report(both, both)
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    assert report.value(node, SH.conforms) == Literal(True)
    assert list(report.objects(node, SH.result)) == []


def test_what_pyrudof_declines_is_a_refusal_by_name(tmp_path: Path) -> None:
    both = _write(
        tmp_path / "t.ttl",
        "<S> a sh:NodeShape ; sh:targetNode <a> ;\n"
        "  sh:property [ sh:path [ sh:somePath <p> ] ; sh:minCount 1 ] .\n",
    )
    with pytest.raises(RudofRefused, match=r"^pyrudof: ShaclError: .*Unsupported SHACL path"):
        rudof_report(both, both)
    assert issubclass(RudofRefused, UnsupportedShape)  # the runner counts it as refused


def test_bad_turtle_fails_naming_the_file_and_line(tmp_path: Path) -> None:
    both = _write(tmp_path / "bad.ttl", "<S> a sh:NodeShape\n")
    with pytest.raises(RudofFailed, match=r"^pyrudof: DataError: .*bad\.ttl.* line 4"):
        rudof_report(both, both)
    with pytest.raises(RudofFailed, match=r"^pyrudof: InputError: .*does not exist"):
        rudof_report(tmp_path / "missing.ttl", both)


def test_the_runner_judges_pyrudof_on_w3c_tests() -> None:
    by_id = {case.id: case for case in cases()}
    case = by_id["core/node/datatype-001"]  # relative IRIs, an ill-typed literal, a blank node
    assert judge(case, rudof_report(case.data, case.shapes)).outcome == PASS
    failure = by_id["sparql/pre-binding/unsupported-sparql-005"]  # expects sht:Failure
    with pytest.raises(RudofFailed, match="Parsing query error"):  # a GovkgError: a pass here
        rudof_report(failure.data, failure.shapes)
    assert issubclass(RudofFailed, GovkgError)
