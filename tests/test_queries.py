"""The catalogue: headers parse, parameters bind as terms and never become query text."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.errors import LoadError, ParameterError
from govkg.project import Project
from govkg.queries import catalogue, find_query, parse_header, read_query, run_query
from govkg.store import OxigraphStore, Store

INJECTIONS = [
    'x" } UNION { ?s ?p ?o } #',
    "x\\u0022 } UNION { ?s ?p ?o } #",
    "1 } UNION { ?s ?p ?o }",
]


def test_every_query_has_title_and_description(project: Project) -> None:
    queries = catalogue(project)
    assert len([q for q in queries if q.kind == "competency"]) >= 12
    assert all(q.title and q.title != q.name and q.description for q in queries)


def test_every_query_runs_on_the_shipped_graph(project: Project, store: Store) -> None:
    for query in catalogue(project):
        result = run_query(store, query)
        assert result.kind == "select", query.name


def test_every_parameter_is_projected(project: Project) -> None:
    for query in catalogue(project):
        select = query.text.split("WHERE", 1)[0]
        for parameter in query.parameters:
            assert f"?{parameter.name} " in select or f"?{parameter.name}\n" in select, (
                query.name,
                parameter.name,
            )


def test_header_continuation_lines_are_folded() -> None:
    header = parse_header("# title: A\n# description: one\n#   two\nSELECT * {}", "q.rq")
    assert header == {"title": ["A"], "description": ["one two"]}


def test_malformed_header_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: ok\n# this line has no key\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"bad\.rq:2: header line"):
        read_query(path, "bad")


def test_bad_param_declaration_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: t\n# param: x colour red The colour\nSELECT ?x {}\n", "utf-8")
    with pytest.raises(LoadError, match="bad name or type"):
        read_query(path, "bad")


def test_unknown_and_ill_typed_parameters_are_refused(project: Project) -> None:
    query = find_query(project, "signatories")
    with pytest.raises(ParameterError, match="unknown parameter 'state'"):
        query.bindings({"state": "state:USA"})
    with pytest.raises(ParameterError, match="not an IRI"):
        query.bindings({"instrument": "not an iri"})


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_are_plain_values(tmp_path: Path, value: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        "# title: t\n# description: d\n# param: label string - A label\n"
        "SELECT ?label ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
        encoding="utf-8",
    )
    store = OxigraphStore()
    store.load(
        [
            ox.Quad(
                ox.NamedNode(f"http://example.org/{i}"),
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal(f"x{i}"),
            )
            for i in range(3)
        ]
    )
    query = read_query(path, "q")
    assert run_query(store, query, {"label": value}).rows == []
    assert len(run_query(store, query, {"label": "x1"}).rows) == 1


def test_iri_with_angle_bracket_is_refused(project: Project) -> None:
    query = find_query(project, "signatories")
    with pytest.raises(ParameterError):
        query.bindings({"instrument": "http://example.org/a> } UNION { ?s ?p ?o"})


def test_integer_parameter_rejects_trailing_brace() -> None:
    from govkg.queries import Parameter

    with pytest.raises(ParameterError, match="not a valid integer"):
        Parameter("n", "integer", None, "").bind("3 }")
    assert Parameter("n", "integer", None, "").bind("3") == ox.Literal(
        "3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )
