"""The SPARQL validation engine (govkg.shacl_sparql) gives the same answer as pySHACL.

Every shape fixture goes through both engines with the same data: the fixture as the store keeps
it, with the ontology mixed in as pySHACL mixes its ont_graph (RDFS and OWL axioms only), loaded
into Oxigraph for the SPARQL engine.  The results must agree on focus node, path, constraint
component, severity, source shape, message and value, and on conformance.  The shipped graph must
give the identical report (text and JSON).  Literals on which rdflib and Oxigraph disagree,
deactivated shapes, and the shapes this engine refuses are tested with small inline graphs.

pySHACL asks rdflib to parse the same SPARQL texts again for every fixture and focus node (about
45 ms a parse, most of its time here); tests/rdflib_once.py has rdflib parse and translate
each text once, which changes nothing in what pySHACL computes.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from paths import ROOT
from pyshacl.rdfutil.inoculate import inoculate
from rdflib import Graph

from govkg.cli import cli
from govkg.errors import GovkgError, UnsupportedShape
from govkg.load import parse_file
from govkg.namespaces import SH
from govkg.project import Project
from govkg.rdf import graph_from_quads, to_oxigraph
from govkg.shacl_sparql import CompiledShapes, compile_shapes
from govkg.store import OxigraphStore, Store
from govkg.validate import (
    Result,
    ValidationReport,
    engine_for,
    files_by_subject,
    validate_graph,
    validate_store,
    validate_store_sparql,
)

FIXTURES = ROOT / "tests" / "shapes"
PREFIXES = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gks: <https://w3id.org/govkg/shapes#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


@pytest.fixture(scope="module")
def compiled(shapes: Graph) -> CompiledShapes:
    return compile_shapes(shapes)


def store_of(graph: Graph) -> OxigraphStore:
    store = OxigraphStore()
    store.load(ox.Quad(*(to_oxigraph(t) for t in triple)) for triple in graph)  # type: ignore[misc]
    return store


def key(result: Result, messages: bool = True) -> tuple[object, ...]:
    return (result.focus, result.path, result.constraint, result.severity, result.shape,
            result.message if messages else "", result.value)  # fmt: skip


def assert_same(pyshacl: ValidationReport, sparql: ValidationReport, messages: bool = True) -> None:
    """The same results; with ``messages`` False, whatever each engine writes when a shape has
    no sh:message of its own (SHACL leaves that to the engine)."""
    mine = sorted((key(r, messages) for r in sparql.results), key=str)
    theirs = sorted((key(r, messages) for r in pyshacl.results), key=str)
    missing = [r for r in theirs if r not in mine]
    extra = [r for r in mine if r not in theirs]
    assert mine == theirs, f"only pySHACL: {missing}\nonly SPARQL engine: {extra}"
    assert sparql.conforms == pyshacl.conforms


def both(data: Graph, shapes: Graph, ontology: Graph, compiled: CompiledShapes | None = None
         ) -> tuple[ValidationReport, ValidationReport]:  # fmt: skip
    """pySHACL's report and the SPARQL engine's on the same data: ``data`` as the store keeps it
    (Oxigraph stores ``"007"^^xsd:integer`` as ``"7"``, ``"5"^^xsd:positiveInteger`` as
    ``"5"^^xsd:integer``), given to pySHACL with the ontology as ont_graph, and to the SPARQL
    engine with the ontology mixed in as pySHACL mixes it."""
    stored = graph_from_quads(store_of(data).quads())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns of ill-typed booleans
        reference = validate_graph(stored, shapes, ontology)
        mixed = inoculate(_copy(stored), ontology)
    return reference, validate_store_sparql(store_of(mixed), shapes, compiled)


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


@pytest.mark.parametrize(
    "fixture", sorted(FIXTURES.rglob("*.ttl")), ids=lambda p: p.relative_to(FIXTURES).as_posix()
)
def test_engines_agree_on_fixture(
    fixture: Path, shapes: Graph, ontology: Graph, compiled: CompiledShapes
) -> None:
    data = graph_from_quads(parse_file(fixture))
    assert_same(*both(data, shapes, ontology, compiled))


def test_shipped_graph_gives_the_identical_report(project: Project, store: Store) -> None:
    pyshacl = validate_store(store, project, engine="pyshacl")
    sparql = validate_store(store, project, engine="sparql")
    assert sparql.to_text() == pyshacl.to_text()
    assert sparql.to_json() == pyshacl.to_json()
    # no warning: the Bletchley count (29 as of 1 Nov 2023) is held against the 29 dated by then
    assert sparql.conforms and not sparql.warnings and not sparql.violations
    assert "sh:ValidationReport" in sparql.to_turtle()


# Literals that rdflib (pySHACL) and Oxigraph judge differently: the SPARQL engine must follow
# rdflib.  Each is the value of a count claim (xsd:integer, >= 0) or a date.
TRICKY_VALUES = [
    '" 5"^^xsd:integer', '"1_000"^^xsd:integer', '"+5"^^xsd:integer', '"5.0"^^xsd:integer',
    '"-1"^^xsd:integer', '"five"^^xsd:integer', '"5"^^xsd:decimal', '"5"^^xsd:positiveInteger',
    '"5"', "5.5", '"5"@en',
]  # fmt: skip
TRICKY_DATES = [
    '"2024-01-01Z"^^xsd:date', '"2024-01-01+02:00"^^xsd:date', '"0000-01-01"^^xsd:date',
    '"2024-02-29"^^xsd:date', '"2023-02-29"^^xsd:date', '"12024-01-01"^^xsd:date',
    '"2024-1-01"^^xsd:date', '"2026-13"^^xsd:gYearMonth', '"2026-1"^^xsd:gYearMonth',
    '"02026"^^xsd:gYear', '"2026Z"^^xsd:gYear', '"2024-01-01T00:00:00"^^xsd:dateTime',
    '"2024"', "<http://example.org/2024>",
]  # fmt: skip


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_engines_agree_on_ill_typed_numbers(
    value: str, shapes: Graph, ontology: Graph, compiled: CompiledShapes
) -> None:
    data = _graph(
        'ex:claim a gk:CountClaim ; rdfs:label "A claim"@en ; gk:about ex:i ; '
        f"gk:counts <https://w3id.org/govkg/id/counted/signatories> ; gk:value {value} ; "
        "prov:wasDerivedFrom ex:s .\n"
        'ex:i a gk:Declaration ; rdfs:label "I"@en ; prov:wasDerivedFrom ex:s .\n'
        'ex:s a gk:Article ; rdfs:label "S"@en .\n'
    )
    assert_same(*both(data, shapes, ontology, compiled))


@pytest.mark.parametrize("value", TRICKY_DATES)
def test_engines_agree_on_ill_typed_dates(
    value: str, shapes: Graph, ontology: Graph, compiled: CompiledShapes
) -> None:
    data = _graph(f'ex:s a gk:Article ; rdfs:label "S"@en ; dcterms:date {value} .')
    assert_same(*both(data, shapes, ontology, compiled))


# Each component on its own, with values chosen where rdflib (pySHACL) and SPARQL could part.
CASES = {
    "pattern-trailing-newline-and-flags": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:code ; "
        'sh:pattern "^[A-Z]{3}$" ; sh:message "m" ] , [ sh:path ex:name ; sh:pattern "^ab" ; '
        'sh:flags "i" ; sh:message "n" ] .',
        'ex:a a ex:C ; ex:code "USA\\n" , "usa" , "US" , ex:USA , [] ; ex:name "ABc" , "xab" .',
    ),
    "language-in-and-unique-lang": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:label ; "
        'sh:languageIn ( "en" "fr-CA" ) ; sh:uniqueLang true ; sh:message "m" ] .',
        'ex:a a ex:C ; ex:label "a"@en , "b"@EN-gb , "c"@fr , "d"@fr-ca , "e" , ex:x .\n'
        'ex:b a ex:C ; ex:label "a"@en , "b"@en .',
    ),
    "in-with-typed-literals": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:v ; "
        'sh:in ( 1 "1" ex:one "un"@fr ) ; sh:message "m" ] .',
        'ex:a a ex:C ; ex:v 1 , "1" , "1"^^xsd:decimal , 1.0 , "un"@FR , "un" , ex:one , ex:two .',
    ),
    "node-kinds": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        'sh:property [ sh:path ex:a ; sh:nodeKind sh:BlankNodeOrIRI ; sh:message "a" ] , '
        '[ sh:path ex:b ; sh:nodeKind sh:IRIOrLiteral ; sh:message "b" ] , '
        '[ sh:path ex:c ; sh:nodeKind sh:BlankNode ; sh:message "c" ] .',
        'ex:x a ex:C ; ex:a [] , ex:y , "z" ; ex:b [] , ex:y , "z" ; ex:c [] , ex:y , "z" .',
    ),
    "counts-above-one-and-zero": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        'sh:property [ sh:path ex:a ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "a" ] , '
        '[ sh:path ex:b ; sh:maxCount 0 ; sh:message "b" ] , '
        '[ sh:path ex:c ; sh:minCount 0 ; sh:message "c" ] .',
        "ex:x a ex:C ; ex:a 1 , 2 , 3 , 4 ; ex:b 1 .\nex:y a ex:C ; ex:a 1 .\nex:z a ex:C .",
    ),
    "paths": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path [ sh:alternativePath ( ex:a ex:b ) ] ; sh:maxCount 1 ; "
        'sh:message "alt" ] , [ sh:path [ sh:zeroOrMorePath ex:parent ] ; sh:class ex:C ; '
        'sh:message "star" ] , [ sh:path ( [ sh:inversePath ex:child ] ex:name ) ; '
        'sh:datatype xsd:string ; sh:message "seq" ] .',
        "ex:x a ex:C ; ex:a 1 ; ex:b 2 ; ex:parent ex:y . ex:y ex:parent ex:z . ex:z a ex:C .\n"
        "ex:p ex:child ex:x ; ex:name 3 .",
    ),
    "targets": (
        'ex:S a sh:NodeShape ; sh:targetNode ex:n , "lit" ; sh:targetObjectsOf ex:o ; '
        'sh:targetSubjectsOf ex:s ; sh:nodeKind sh:IRI ; sh:message "m" .\n'
        'ex:T a sh:NodeShape , rdfs:Class ; sh:class ex:Other ; sh:message "implicit" .',
        'ex:a ex:o "x" , [] , ex:b . [] ex:s 1 . ex:i a ex:T . ex:j a ex:Sub .\n'
        "ex:Sub rdfs:subClassOf ex:T .",
    ),
    "deactivated": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; "
        "sh:nodeKind sh:Literal ; "
        'sh:message "s" .\n'
        "ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:minCount 1 ; "
        'sh:deactivated true ; sh:message "p" ] ; sh:sparql [ sh:deactivated true ; '
        'sh:select "SELECT $this WHERE { $this a ?c }" ; sh:message "q" ] .',
        "ex:x a ex:C .",
    ),
    "or-of-property-shapes-and-qualified": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:path ex:a ; sh:minCount 1 ] "
        '[ sh:path ex:b ; sh:maxCount 0 ; sh:class ex:D ] ) ; sh:message "or" ; '
        "sh:property [ sh:path ex:q ; sh:qualifiedValueShape [ sh:datatype xsd:integer ; "
        "sh:minInclusive 0 ] ; sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ; "
        'sh:message "q" ] .',
        'ex:x a ex:C ; ex:b ex:d ; ex:q " 5"^^xsd:integer , -1 , "a" .\n'
        'ex:y a ex:C ; ex:a 1 ; ex:q 1 , 2 , 3 .\nex:z a ex:C ; ex:q "x" .',
    ),
    "pairs": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:low ; "
        "sh:lessThanOrEquals ex:high ; sh:equals ex:same ; sh:disjoint ex:other ; "
        'sh:message "m" ] .',
        'ex:x a ex:C ; ex:low 1 , 5 , "a" , ex:i ; ex:high 3 , "b" , ex:j ; ex:same 1 , 7 ; '
        "ex:other 5 .",
    ),
    "sparql-pre-binding-in-inner-groups-and-limits": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "inner {?y}" ; '
        'sh:select "SELECT $this ?y WHERE { ?x ?q ?y FILTER (?y = $this) }" ] , '
        '[ sh:message "one {?o}" ; sh:select "SELECT $this ?o WHERE { $this ?p ?o } '
        'ORDER BY ?o LIMIT 1" ] , [ sh:message "optional" ; sh:select "SELECT $this WHERE '
        '{ OPTIONAL { ?s ?p ?o FILTER (?s = $this) } FILTER (!BOUND(?s)) }" ] .',
        "ex:a a ex:C ; ex:p 1 , 2 . ex:b ex:r ex:a . ex:c a ex:C .",
    ),
    "sparql-rows-path-value-and-duplicates": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "{$this} has {?value} '
        'via {?path} ({?n})" ; sh:select """SELECT $this ?path ?value ?n WHERE { $this ?path '
        '?value . FILTER (isLiteral(?value)) BIND (STRLEN(STR(?value)) AS ?n) }""" ] , '
        '[ sh:message "dup {?x}" ; sh:select "SELECT $this ?x WHERE { $this ex:p ?y . '
        'BIND (1 AS ?x) }" ; sh:prefixes ex:decl ] .\n'
        'ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .',
        'ex:a a ex:C ; ex:p ex:b , ex:c ; ex:q "xyz" , "ab" .\nex:b ex:q "not a focus" .',
    ),
    # The rest of SHACL Core and SHACL-SPARQL, each against pySHACL on the same data.
    "has-value-node-and-property": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:hasValue ex:a ; sh:message "n" ; '
        "sh:property [ sh:path "
        'ex:p ; sh:hasValue "x" ; sh:message "m" ] .',
        'ex:a a ex:C ; ex:p "x" . ex:b a ex:C ; ex:p "y" .',
    ),
    "node-not-and-xone": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ;"
        " sh:not ex:U ] ; sh:and ( ex:V ex:W ) ; sh:xone ( ex:V ex:W ) .\n"
        "ex:T sh:property [ sh:path ex:q ; sh:minCount 1 ] .\nex:U sh:class ex:D .\n"
        "ex:V sh:property [ sh:path ex:r ; sh:maxCount 1 ] .\nex:W sh:nodeKind sh:IRI .",
        "ex:a a ex:C ; ex:p ex:x , ex:y ; ex:r 1 . ex:x ex:q 1 . ex:y a ex:D .\n"
        "ex:b a ex:C ; ex:r 1 , 2 .",
    ),
    "or-of-shapes-with-property-shapes": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:property [ sh:path ex:p ; "
        "sh:minCount 2 ] ] [ sh:class ex:D ] ) .",
        "ex:a a ex:C ; ex:p 1 , 2 . ex:b a ex:C , ex:D . ex:c a ex:C ; ex:p 1 .",
    ),
    "closed-with-ignored-properties": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:ignoredProperties "
        "( rdf:type ) ; sh:property [ sh:path ex:p ] .",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:q 2 , 3 .",
    ),
    "ranges-and-lengths": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:n ; sh:minExclusive"
        " 1 ; sh:maxInclusive 10 ; sh:maxExclusive 9 ] , [ sh:path ex:s ; sh:minLength 2 ; "
        "sh:maxLength 3 ] .",
        'ex:a a ex:C ; ex:n 1 , 5 , 9 , 10 , "x" ; ex:s "a" , "ab" , "abcd" , ex:xy , 12 .',
    ),
    "less-than-and-equals-on-a-node-shape": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:a ; sh:lessThan "
        "ex:b ] ; sh:equals ex:self ; sh:disjoint ex:other .",
        "ex:x a ex:C ; ex:a 1 , 3 ; ex:b 3 ; ex:self ex:x ; ex:other ex:y .\n"
        "ex:y a ex:C ; ex:self ex:x ; ex:other ex:y .",
    ),
    "qualified-value-shapes-disjoint": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
        "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ; "
        "sh:qualifiedValueShapesDisjoint true ] , [ sh:path ex:p ; sh:qualifiedValueShape "
        "[ sh:class ex:E ] ; sh:qualifiedMaxCount 1 ; sh:qualifiedValueShapesDisjoint true ] .",
        "ex:a a ex:C ; ex:p ex:d . ex:d a ex:D , ex:E . ex:b a ex:C ; ex:p ex:e1 , ex:e2 .\n"
        "ex:e1 a ex:E . ex:e2 a ex:E .",
    ),
    "nested-property-shapes": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:property "
        '[ sh:path ex:q ; sh:minCount 1 ; sh:message "no q" ] ] .',
        "ex:a a ex:C ; ex:p ex:x , ex:y . ex:x ex:q 1 .",
    ),
    "sparql-on-a-property-shape-with-path-and-current-shape": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .\n"
        'ex:P sh:path ex:p ; sh:sparql [ sh:message "{?value} of {$this}" ; sh:select '
        '"SELECT $this ?value ?shape WHERE { $this $PATH ?value FILTER (isLiteral(?value)) '
        'BIND ($currentShape AS ?shape) }" ] .',
        'ex:a a ex:C ; ex:p "lit" , ex:b .',
    ),
    "pre-binding-inside-a-nested-group": (
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:message "m" ; sh:select '
        '"SELECT $this WHERE { { FILTER (bound($this)) } $this <http://example.org/p> 1 . }" ] .',
        "ex:a ex:p 1 .",
    ),
    "typed-prefix-declarations": (
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:message "m" ; '
        'sh:prefixes ex:decl ; sh:select "SELECT $this WHERE { $this ex:p ?o }" ] .\n'
        'ex:decl sh:declare [ a sh:PrefixDeclaration ; sh:prefix "ex" ; '
        'sh:namespace "http://example.org/"^^xsd:anyURI ] .',
        "ex:a ex:p 1 .",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_engines_agree_component_by_component(case: str) -> None:
    shapes_text, data_text = CASES[case]
    shapes, data = _graph(shapes_text), _graph(data_text)
    assert_same(*both(data, shapes, Graph()), messages="sh:message" in shapes_text)


# Where pySHACL fails with a Python error (which govkg reports in one line, never a traceback),
# the SPARQL engine reports what SHACL says.
CRASHES = {
    "less-than-or-equals-on-an-ill-typed-integer": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:low ; "
        'sh:lessThanOrEquals ex:high ; sh:message "m" ] .',
        'ex:x a ex:C ; ex:low "5.0"^^xsd:integer ; ex:high 10 .',
        "pySHACL failed (TypeError)",
        [("http://example.org/x", "5.0")],
    ),
    "a-backslash-in-a-message-value": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "{?v}" ; '
        'sh:select "SELECT $this ?v WHERE { $this <http://example.org/q> ?v }" ] .',
        'ex:x a ex:C ; ex:q "a\\\\1" .',
        "pySHACL failed (error): invalid group reference",
        [("http://example.org/x", "http://example.org/x")],
    ),
}


@pytest.mark.parametrize("case", sorted(CRASHES))
def test_where_pyshacl_fails_the_sparql_engine_reports(case: str) -> None:
    shapes_text, data_text, error, expected = CRASHES[case]
    shapes, data = _graph(shapes_text), _graph(data_text)
    with pytest.raises(GovkgError) as raised:
        validate_graph(data, shapes, Graph())
    assert str(raised.value).startswith(error) and "\n" not in str(raised.value)
    report = validate_store_sparql(store_of(data), shapes)
    assert [(r.focus, r.value) for r in report.results] == expected


# What the SPARQL engine refuses, naming the shape and the component: never skipped silently.
REFUSED = {
    "rule": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule ex:R .",
        "sh:rule",
    ),
    "component-without-a-validator-for-node-shapes": (
        "ex:Max a sh:ConstraintComponent ; sh:parameter [ sh:path ex:max ] ; "
        'sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:select "SELECT $this WHERE '
        '{ $this $PATH ?v }" ] .\nex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:max 3 .',
        "http://example.org/S uses http://example.org/Max, which has no validator for this kind "
        "of shape",
    ),
    "recursive-shape": (
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .\n"
        "ex:P sh:path ex:p ; sh:node ex:S .",
        "http://example.org/S is recursive (it reaches itself through http://example.org/S -> "
        "http://example.org/P)",
    ),
    "minus": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; '
        'sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a ?c } }" ] .',
        "SHACL forbids MINUS in a SPARQL constraint",
    ),
    "select-star-in-a-sub-select": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; '
        'sh:select "SELECT $this WHERE { { SELECT * WHERE { $this ?p ?o } } }" ] .',
        "SHACL forbids SELECT * in a sub-select",
    ),
    "sub-select-without-this": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; '
        'sh:select "SELECT $this WHERE { $this ?p ?o { SELECT ?o WHERE { ?o ?q ?r } } }" ] .',
        "SHACL requires a sub-select to return $this",
    ),
    "as-this": (
        'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; '
        'sh:select "SELECT ?x WHERE { BIND (1 AS $this) }" ] .',
        "SHACL forbids AS $this",
    ),
}


def test_several_values_of_a_single_value_parameter_are_each_checked() -> None:
    """SHACL's syntax rules allow one sh:datatype (and one sh:nodeKind) per shape, and pySHACL
    refuses more; the SPARQL engine checks each, as separate constraints."""
    shapes = _graph(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype "
        "xsd:string , xsd:integer ; sh:nodeKind sh:Literal , sh:IRIOrLiteral ] ."
    )
    report = validate_store_sparql(store_of(_graph('ex:a a ex:C ; ex:p "s" , 1 , ex:z .')), shapes)
    found = sorted((r.constraint.split("#")[1], r.value) for r in report.results)
    assert found == [
        ("DatatypeConstraintComponent", "1"),
        ("DatatypeConstraintComponent", "http://example.org/z"),
        ("DatatypeConstraintComponent", "http://example.org/z"),
        ("DatatypeConstraintComponent", "s"),
        ("NodeKindConstraintComponent", "http://example.org/z"),
    ]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsupported_shapes_are_refused_by_name(case: str) -> None:
    shapes_text, expected = REFUSED[case]
    with pytest.raises(UnsupportedShape) as error:
        compile_shapes(_graph(shapes_text))
    assert expected in str(error.value)
    assert error.value.exit_code == 2


def test_the_shipped_shapes_use_only_supported_components(compiled: CompiledShapes) -> None:
    assert len(compiled.shapes) >= 40
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    in_file = len(set(shapes.objects(None, SH.sparql)))
    assert sum(len(unit.sparql) for unit in compiled.shapes) == in_file == 12


def test_auto_is_the_sparql_engine_on_the_embedded_store(store: Store) -> None:
    from govkg.store import RemoteStore

    assert engine_for(store) == "sparql"
    assert engine_for(OxigraphStore()) == "sparql"
    assert engine_for(store, "pyshacl") == "pyshacl"
    assert engine_for(RemoteStore.from_spec("sparql+http://127.0.0.1:9/")) == "pyshacl"


def test_the_sparql_engine_refuses_a_remote_store() -> None:
    from govkg.errors import GovkgError
    from govkg.store import RemoteStore

    remote = RemoteStore.from_spec("sparql+http://127.0.0.1:9/")  # never contacted
    with pytest.raises(GovkgError, match="the sparql engine validates the embedded store"):
        engine_for(remote, "sparql")


def test_cli_engines_print_the_same_lines_and_exit_codes(
    runner: CliRunner, project_copy: Path
) -> None:
    # pySHACL's report on the shipped graph is compared with the SPARQL engine's by
    # test_shipped_graph_gives_the_identical_report; here the command's lines and exit codes
    shipped = [runner.invoke(cli, ["--root", str(ROOT), "validate", "--engine", e])
               for e in ("sparql", "auto")]  # fmt: skip
    assert [r.exit_code for r in shipped] == [0, 0]
    assert shipped[0].output == shipped[1].output
    assert shipped[0].output.startswith("Conforms:")
    stances = project_copy / "graph" / "instruments" / "paris-statement-2025.ttl"
    text = stances.read_text(encoding="utf-8")
    stances.write_text(text.replace("gk:stanceKind stancekind:signed", "gk:stanceKind "
                                    "stancekind:maybe", 1), encoding="utf-8")  # fmt: skip
    broken = [runner.invoke(cli, ["--root", str(project_copy), "validate", "--engine", e])
              for e in ("pyshacl", "sparql")]  # fmt: skip
    assert [r.exit_code for r in broken] == [1, 1]
    assert broken[0].output == broken[1].output
    assert "paris-statement-2025.ttl: Violation:" in broken[1].output


def test_cli_refuses_an_unknown_engine(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--root", str(ROOT), "validate", "--engine", "fast"])
    assert result.exit_code == 2
    assert "'fast' is not one of" in result.output


def test_files_of_many_results_come_from_one_pass(
    monkeypatch: pytest.MonkeyPatch, project: Project, store: Store
) -> None:
    from govkg.shacl_sparql import engine

    subjects = [q.subject for q in store.quads() if isinstance(q.subject, ox.NamedNode)]
    asked = engine.files_of(store, subjects)
    monkeypatch.setattr(engine, "FILES_SCAN", 10)
    assert engine.files_of(store, subjects) == asked
    assert asked == {s: f for s, f in files_by_subject(store).items() if s in asked}


def test_triples_are_counted_once_whatever_graphs_hold_them(store: Store) -> None:
    from govkg.shacl_sparql import count_triples

    assert count_triples(store) == len(graph_from_quads(store.quads())) < len(store)
    a, b, c = (ox.NamedNode(f"http://example.org/{n}") for n in "abc")
    triples = [ox.Triple(a, b, c), ox.Triple(a, b, ox.Literal("x")), ox.Triple(b, b, b)]
    several = OxigraphStore()
    several.load(ox.Quad(*t, ox.NamedNode(f"http://example.org/g{n}"))  # type: ignore[misc]
                 for n in range(3) for t in triples[: n + 1])  # fmt: skip
    assert count_triples(several) == 3
    several.load([ox.Quad(*triples[0]), ox.Quad(c, c, c)])  # type: ignore[misc]  default graph
    assert count_triples(several) == 4
    assert count_triples(OxigraphStore()) == 0


def test_min_inclusive_fails_a_value_that_cannot_be_compared() -> None:
    """rdflib cannot order a dateTime without a time zone against one with (TypeError): pySHACL
    then counts the value as failing sh:minInclusive, and so does the SPARQL engine."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    from govkg.shacl_sparql.checks import min_inclusive_holds

    naive = ox.Literal("2021-01-01T00:00:00", datatype=ox.NamedNode(str(XSD.dateTime)))
    zoned_minimum = Literal("2020-01-01T00:00:00Z", datatype=XSD.dateTime)
    naive_minimum = Literal("2020-01-01T00:00:00", datatype=XSD.dateTime)
    assert min_inclusive_holds(naive, naive_minimum)  # comparable: 2021 is after 2020
    assert not min_inclusive_holds(naive, zoned_minimum)  # incomparable: fails, never raises
