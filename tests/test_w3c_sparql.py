"""Parameter substitution in query text, refereed by the W3C SPARQL 1.1 query tests (issue 15).

For every query evaluation test of ``tests/w3c-sparql/``, every variable of its query and a few
values from its answer and its data, ``govkg.store.substitute.substitute`` must write valid SPARQL
that answers as Oxigraph's pre-binding does, or refuse with a ``QueryError``: no case may be
invalid or different.  The whole suite runs once (a module fixture, about 10 s); the referee is
itself tested: it must catch rewrites that are wrong on purpose, and pass a right one.
``scripts/w3c_sparql_report.py`` prints the same outcomes with every case in full.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
import pytest
from w3c_sparql import (
    DIFFERENT,
    FALLBACK_IRI,
    INVALID,
    NOT_APPLICABLE,
    PASS,
    REFUSED,
    SUITE,
    Case,
    Outcome,
    Prepared,
    Summary,
    answer,
    count_in_manifests,
    evaluation_tests,
    prepare,
    run_case,
    run_suite,
)

from govkg.errors import QueryError
from govkg.store import Term

#: The ``mf:QueryEvaluationTest`` entries of the copied manifests (see the README).
TESTS = 225
IN_C = ox.NamedNode("http://www.example.org/instance#c")
BOOK1 = ox.NamedNode("http://example.org/book/book1")


@pytest.fixture(scope="module")
def summary() -> Summary:
    return run_suite()


def prepared(name: str) -> Prepared:
    return prepare(next(test for test in evaluation_tests() if test.name == name))


def shown(outcomes: list[Outcome], first: int = 5) -> str:
    return "\n".join(
        f"{o.case.test} ?{o.case.variable}={o.case.value}: {o.message}\n{o.substituted}"
        for o in outcomes[:first]
    )


def test_substitution_never_writes_invalid_sparql(summary: Summary) -> None:
    invalid = summary.of(INVALID)
    assert not invalid, f"{len(invalid)} invalid, the first:\n{shown(invalid)}"


def test_substitution_never_answers_differently(summary: Summary) -> None:
    different = summary.of(DIFFERENT)
    assert not different, f"{len(different)} different, the first:\n{shown(different)}"


def test_the_suite_makes_many_cases_and_most_are_judged(summary: Summary) -> None:
    counts = summary.counts()
    assert summary.tests == TESTS
    assert len(summary.outcomes) >= 1000
    assert counts[NOT_APPLICABLE] <= len(summary.outcomes) // 3  # most cases are judged


def test_every_evaluation_test_of_the_manifests_is_loaded() -> None:
    loaded = evaluation_tests()
    assert len(loaded) == count_in_manifests() == TESTS
    assert len({test.name for test in loaded}) == TESTS
    files = {f for t in loaded for f in (t.query, t.result, *t.data, *t.graph_data)}
    assert [f for f in files if not f.is_file()] == []
    assert all(f.is_relative_to(SUITE) for f in files)


def test_the_referee_catches_a_rewrite_that_replaces_nothing() -> None:
    """``?x`` stays free: the answer keeps the row where the path ends at in:c, not FALLBACK."""
    outcome = run_case(
        prepared("property-path/pp01"), Case("property-path/pp01", "x", FALLBACK_IRI), unchanged
    )
    assert outcome.outcome == DIFFERENT
    assert outcome.reference is not None and outcome.candidate is not None
    assert (len(outcome.reference.rows), len(outcome.candidate.rows)) == (0, 1)


def test_the_referee_catches_a_rewrite_that_writes_values_iri() -> None:
    """Every ``?book`` replaced, also in ``SELECT ?book`` and ``VALUES ?book``: invalid SPARQL,
    rejected by both parsers."""
    outcome = run_case(
        prepared("bindings/values1"), Case("bindings/values1", "book", BOOK1), everywhere
    )
    assert outcome.outcome == INVALID
    assert "oxigraph:" in outcome.message and "rdflib:" in outcome.message
    assert outcome.substituted is not None and "VALUES <http://example.org/book/book1>" in (
        outcome.substituted
    )


def test_the_referee_passes_a_right_rewrite_and_keeps_a_refusal() -> None:
    test = prepared("property-path/pp01")
    case = Case(test.test.name, "x", IN_C)
    right = test.text.replace(
        "where {", "where { VALUES ?x { <http://www.example.org/instance#c> }"
    )
    assert run_case(test, case, lambda text, bindings: right).outcome == PASS
    refused = run_case(test, case, refuse)
    assert (refused.outcome, refused.message) == (REFUSED, "cannot bind ?x here")


def test_a_crash_of_substitute_is_invalid_and_oxigraph_refusals_not_applicable() -> None:
    test = prepared("property-path/pp01")
    crashed = run_case(test, Case(test.test.name, "x", IN_C), crash)
    assert (crashed.outcome, crashed.message) == (INVALID, "substitute crashed: boom")
    absent = run_case(test, Case(test.test.name, "nowhere", IN_C), unchanged)
    assert absent.outcome == NOT_APPLICABLE


def test_blank_nodes_compare_up_to_renaming() -> None:
    store = ox.Store()
    query = "SELECT ?b ?c { VALUES ?n { 1 2 } BIND(BNODE() AS ?b) BIND(?b AS ?c) }"
    first, second = answer(store.query(query)), answer(store.query(query))
    assert first == second and len(first.rows) == 2
    crossed = "SELECT ?b ?c { VALUES ?n { 1 2 } BIND(BNODE() AS ?b) BIND(BNODE() AS ?c) }"
    assert answer(store.query(crossed)) != first  # ?b and ?c no longer the same node


def unchanged(text: str, bindings: Mapping[str, Term]) -> str:
    return text


def everywhere(text: str, bindings: Mapping[str, Term]) -> str:
    for name, term in bindings.items():
        text = text.replace(f"?{name}", str(term))
    return text


def refuse(text: str, bindings: Mapping[str, Term]) -> str:
    raise QueryError("cannot bind ?x here")


def crash(text: str, bindings: Mapping[str, Term]) -> str:
    raise RuntimeError("boom")
