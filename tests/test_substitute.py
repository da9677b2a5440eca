"""Parameters bound in query text, for remote servers: the rewritten query answers as the embedded
store's pre-binding does, or is refused with a reason (the W3C suite: tests/test_w3c_sparql.py)."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from govkg.errors import QueryError
from govkg.project import Project
from govkg.queries import catalogue, sorted_concatenations
from govkg.store import Store
from govkg.store.sparql_text import prologue_for
from govkg.store.substitute import substitute

EX = "http://x/"
A, B, C = (ox.NamedNode(EX + name) for name in "abc")
P, Q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
PROLOGUE = f"PREFIX : <{EX}>\n"


@pytest.fixture(scope="module")
def small() -> ox.Store:
    store = ox.Store()
    for s, p, o in [(A, P, B), (B, P, C), (A, Q, ox.Literal("one")), (C, Q, ox.Literal("two"))]:
        store.add(ox.Quad(s, p, o))
    return store


def rows(answer: object) -> Counter[tuple[str, ...]]:
    if isinstance(answer, ox.QueryBoolean):
        return Counter([(str(bool(answer)),)])
    if isinstance(answer, ox.QueryTriples):
        return Counter((str(t),) for t in answer)
    assert isinstance(answer, ox.QuerySolutions)
    names = sorted(v.value for v in answer.variables)
    return Counter(tuple(str(s[name]) for name in names) for s in answer)


def assert_as_embedded(
    store: ox.Store, query: str, name: str, term: ox.NamedNode | ox.Literal
) -> str:
    """The rewritten text answers exactly as Oxigraph's own binding; returns the text."""
    query = PROLOGUE + query
    text = substitute(query, {name: term})
    expected = rows(store.query(query, substitutions={ox.Variable(name): term}))
    assert rows(store.query(text)) == expected, text
    return text


def test_the_where_clause_binds_the_variable_and_patterns_and_expressions_use_the_term(
    small: ox.Store,
) -> None:
    query = (
        "SELECT ?s ?o WHERE { ?s :p ?o OPTIONAL { ?o :q ?l FILTER(?l != ?s && BOUND(?s)) } } "
        "GROUP BY ?s ?o"
    )
    text = assert_as_embedded(small, query, "s", A)
    assert text == PROLOGUE + (
        f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {A} }}  {A} :p ?o OPTIONAL {{ ?o :q ?l "
        f"FILTER(?l != {A} && true) }} }} GROUP BY ?s ?o"
    )


def test_a_group_that_keeps_the_variable_in_a_pattern_binds_it_itself(small: ox.Store) -> None:
    """Where the term cannot stand (inline VALUES, a literal as predicate), the variable stays and
    its own group binds it, so an OPTIONAL keeps its left rows as pre-binding does."""
    nested_values = "SELECT ?x ?o WHERE { ?s :p ?o { ?o ?r ?z OPTIONAL { VALUES ?x { :a :b } } } }"
    text = assert_as_embedded(small, nested_values, "x", B)
    assert f"OPTIONAL {{ VALUES ?x {{ {B} }}  VALUES ?x {{ :a :b }} }}" in text
    literal = ox.Literal("one")
    assert_as_embedded(
        small, "SELECT ?x WHERE { ?s :p ?o { OPTIONAL { ?s ?x ?w } } }", "x", literal
    )


def test_strings_iris_and_comments_are_left_alone() -> None:
    query = 'SELECT ?s WHERE { ?s <http://x/?s> "?s" } # ?s\n'
    assert substitute(query, {"s": A}) == (
        f'SELECT ?s WHERE {{ VALUES ?s {{ {A} }}  {A} <http://x/?s> "?s" }} # ?s\n'
    )


def test_a_hostile_literal_is_escaped_into_one_term(small: ox.Store) -> None:
    value = ox.Literal('x" } UNION { ?s ?p ?o } #')
    out = substitute("SELECT ?label WHERE { ?s ?p ?label }", {"label": value})
    assert list(small.query(out)) == []
    assert out.count(str(value)) == 2  # in VALUES and in the pattern, each one string literal


def test_minus_shares_the_bound_variable_as_pre_binding_does(small: ox.Store) -> None:
    """Pre-bound, both sides of MINUS hold ?x, so they always share a variable; replacing ?x by
    the term on both sides would leave them disjoint and MINUS would remove nothing."""
    query = "SELECT ?x ?o WHERE { ?x :p ?o MINUS { ?y :q ?z } }"
    assert_as_embedded(small, query, "x", A)
    assert list(small.query(substitute(PROLOGUE + query, {"x": A}))) == []


def test_select_star_keeps_the_bound_variable(small: ox.Store) -> None:
    text = assert_as_embedded(small, "SELECT * WHERE { ?x :p ?o }", "x", A)
    embedded = small.query(
        PROLOGUE + "SELECT * WHERE { ?x :p ?o }", substitutions={ox.Variable("x"): A}
    )
    assert small.query(text).variables == embedded.variables  # the same columns, in the same order


def test_a_filter_in_optional_sees_the_bound_value(small: ox.Store) -> None:
    assert_as_embedded(
        small,
        "SELECT ?s ?v WHERE { ?s :p ?o OPTIONAL { ?o :q ?l FILTER(?v = ?l) } }",
        "v",
        ox.Literal("two"),
    )


def test_a_zero_length_path_starts_at_a_term_not_in_the_data(small: ox.Store) -> None:
    absent = ox.NamedNode(EX + "absent")
    text = assert_as_embedded(small, "SELECT ?x ?y WHERE { ?x :p* ?y }", "x", absent)
    assert f"{absent} :p* ?y" in text  # rooted at the term, whatever the server does with it


def test_a_literal_as_predicate_stays_a_bound_variable(small: ox.Store) -> None:
    text = assert_as_embedded(small, "SELECT ?p ?o WHERE { :a ?p ?o }", "p", ox.Literal("x"))
    assert ":a ?p ?o" in text


def test_positions_that_admit_only_a_variable_keep_it(small: ox.Store) -> None:
    for query in [
        "SELECT ?x ?o WHERE { ?x :p ?o } ORDER BY ?x",
        "SELECT ?x ?o WHERE { VALUES ?x { :a :b } ?x :p ?o }",
        "SELECT ?x ?n WHERE { ?x :p ?o BIND(BOUND(?x) AS ?n) }",
        "SELECT ?x (COUNT(?o) AS ?n) WHERE { ?x :p ?o } GROUP BY ?x",
    ]:
        assert_as_embedded(small, query, "x", A)


def test_a_sub_select_that_does_not_project_the_variable_has_its_own(small: ox.Store) -> None:
    query = "SELECT ?x ?n WHERE { ?x :p ?o { SELECT (COUNT(?x) AS ?n) WHERE { ?x ?r ?y } } }"
    text = assert_as_embedded(small, query, "x", A)
    assert "WHERE { ?x ?r ?y }" in text
    projected = (
        "SELECT ?x ?c WHERE { ?x :p ?o "
        "{ SELECT ?x (COUNT(*) AS ?c) WHERE { ?x ?r ?y } GROUP BY ?x } }"
    )
    assert_as_embedded(small, projected, "x", A)


def test_other_query_forms(small: ox.Store) -> None:
    assert_as_embedded(small, "ASK { ?x :p :c }", "x", B)
    assert_as_embedded(small, "CONSTRUCT { ?x :r ?o } WHERE { ?x :p ?o }", "x", A)
    short = assert_as_embedded(small, "CONSTRUCT WHERE { ?x :p ?o }", "x", A)
    assert short.startswith(PROLOGUE + "CONSTRUCT {")
    assert substitute("DESCRIBE ?x", {"x": A}) == f"DESCRIBE ?x WHERE {{ VALUES ?x {{ {A} }} }}"


@pytest.mark.parametrize(
    ("query", "name", "term", "reason"),
    [
        ("SELECT ?x WHERE { ?s :p ?o BIND(?o AS ?x) }", "x", A, "?x is assigned by the query"),
        ("SELECT (STR(?o) AS ?x) WHERE { ?s :p ?o }", "x", A, "?x is assigned by the query"),
        ("SELECT ?o WHERE { ?x :p ?o }", "x", A, "?x is not selected by the query"),
        ("SELECT ?o WHERE { ?s :p ?o }", "x", A, "?x does not occur in the query"),
        ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x :p ?o }", "x", A, "does not group by it"),
        ("SELECT ?x WHERE { ?x :p ?o }", "x", ox.BlankNode("b"), "cannot be bound to a blank node"),
    ],
)
def test_what_cannot_be_written_with_the_same_meaning_is_refused(
    query: str, name: str, term: ox.NamedNode, reason: str
) -> None:
    with pytest.raises(QueryError, match=reason.replace("?", r"\?")):
        substitute(PROLOGUE + query, {name: term})


def test_no_bindings_no_change() -> None:
    assert substitute("SELECT * { ?s ?p ?o }", {}) == "SELECT * { ?s ?p ?o }"


def test_unbalanced_text_is_an_error_not_a_guess() -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        substitute("SELECT ?x WHERE { ?x ?p ?o ", {"x": A})


def test_every_catalogue_query_answers_in_text_as_with_native_binding(
    project: Project, store: Store
) -> None:
    """Each catalogue query with its default parameters, bound in text as for a remote server,
    answers on the shipped graph exactly as with the embedded store's own binding."""
    checked = 0
    for query in catalogue(project):
        bindings = query.bindings({})
        if not bindings:
            continue
        text = substitute(prologue_for(query.text) + query.text, bindings)
        native = sorted_concatenations(query.text, store.query(query.text, bindings))
        in_text = sorted_concatenations(query.text, store.query(text))
        assert Counter(in_text.rows) == Counter(native.rows), query.name
        checked += 1
    assert checked >= 10
