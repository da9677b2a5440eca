"""Text substitution of bound variables, for remote servers: terms replace variables, never text."""

from __future__ import annotations

import pyoxigraph as ox

from govkg.substitute import substitute

IRI = ox.NamedNode("https://w3id.org/govkg/id/state/USA")


def test_variables_become_terms_and_projections_stay_named() -> None:
    query = "SELECT ?s ?n WHERE { ?s ?p ?n } GROUP BY ?s ?n"
    assert substitute(query, {"s": IRI}) == (
        f"SELECT ({IRI} AS ?s) ?n WHERE {{ {IRI} ?p ?n }} GROUP BY ({IRI}) ?n"
    )


def test_strings_iris_and_comments_are_left_alone() -> None:
    query = 'SELECT ?s WHERE { ?s <http://x/?s> "?s" } # ?s\n'
    assert substitute(query, {"s": IRI}) == (
        f'SELECT ({IRI} AS ?s) WHERE {{ {IRI} <http://x/?s> "?s" }} # ?s\n'
    )


def test_a_hostile_literal_is_escaped_into_one_term() -> None:
    value = ox.Literal('x" } UNION { ?s ?p ?o } #')
    out = substitute("SELECT ?label WHERE { ?s ?p ?label }", {"label": value})
    store = ox.Store()
    store.add(ox.Quad(IRI, ox.NamedNode("http://x/p"), ox.Literal("y")))
    assert list(store.query(out)) == []
    assert out.endswith('#" }')  # the whole value stayed one string literal


def test_expressions_in_select_and_dollar_variables() -> None:
    query = "SELECT (STR($s) AS ?t) WHERE { $s ?p ?o FILTER(?s != ?o) }"
    assert substitute(query, {"s": IRI}) == (
        f"SELECT (STR({IRI}) AS ?t) WHERE {{ {IRI} ?p ?o FILTER({IRI} != ?o) }}"
    )


def test_no_bindings_no_change() -> None:
    assert substitute("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


def test_a_sub_select_drops_the_bound_variable_from_its_projection() -> None:
    """Inside a sub-select the term stands in for the variable on both sides, so the sub-select
    must not project it again: ``(term AS ?x)`` there and in the outer SELECT would bind ``?x``
    twice, which is a syntax error."""
    query = (
        "SELECT ?x ?n WHERE { ?x ?p ?n OPTIONAL { SELECT ?x (COUNT(*) AS ?c) "
        "WHERE { ?x ?q ?o } GROUP BY ?x } }"
    )
    out = substitute(query, {"x": IRI})
    assert out == (
        f"SELECT ({IRI} AS ?x) ?n WHERE {{ {IRI} ?p ?n OPTIONAL {{ SELECT  (COUNT(*) AS ?c) "
        f"WHERE {{ {IRI} ?q ?o }} GROUP BY ({IRI}) }} }}"
    )
    store = ox.Store()
    store.add(ox.Quad(IRI, ox.NamedNode("http://x/p"), ox.Literal("1")))
    assert [tuple(row) for row in store.query(out)] == [(IRI, ox.Literal("1"))]


def test_a_sub_select_that_projected_only_the_bound_variable_keeps_its_rows() -> None:
    """Dropping the variable would leave ``SELECT WHERE`` (a syntax error): the sub-select then
    projects a constant, which keeps its rows and joins on nothing."""
    query = "SELECT ?x ?n WHERE { ?x ?p ?n { SELECT DISTINCT ?x WHERE { ?x ?q ?o } } }"
    out = substitute(query, {"x": IRI})
    assert "SELECT DISTINCT  (1 AS ?govkg_bound) WHERE" in out
    store = ox.Store()
    store.add(ox.Quad(IRI, ox.NamedNode("http://x/p"), ox.Literal("1")))
    assert [tuple(row) for row in store.query(out)] == [(IRI, ox.Literal("1"))]
    other = ox.NamedNode("http://x/other")
    assert list(store.query(substitute(query, {"x": other}))) == []  # the sub-select still filters
