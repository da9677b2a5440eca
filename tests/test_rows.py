"""A query's rows read as typed values (:class:`govkg.store.Row`), on a real Oxigraph answer."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from govkg.errors import QueryError, RowError
from govkg.store import Row, open_store

EX = "http://example.org/"
# One row with a value of every kind, and ?none unbound.
_QUERY = f"""SELECT ?iri ?label ?tagged ?n ?yes ?no ?one ?day ?month ?year ?blank ?decimal ?none
WHERE {{
  ?iri <{EX}label> ?label ; <{EX}tagged> ?tagged ; <{EX}blank> ?blank .
  BIND (12 AS ?n)
  BIND (true AS ?yes) BIND (false AS ?no) BIND ("1"^^xsd:boolean AS ?one)
  BIND ("2025-02-11"^^xsd:date AS ?day) BIND ("2025-02"^^xsd:gYearMonth AS ?month)
  BIND ("2025"^^xsd:gYear AS ?year) BIND (2.5 AS ?decimal)
  OPTIONAL {{ ?iri <{EX}missing> ?none }}
}}"""
_PREFIX = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"


@pytest.fixture(scope="module")
def row() -> Row:
    store = open_store()
    subject, graph = ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}graph")
    store.load(
        ox.Quad(subject, ox.NamedNode(f"{EX}{p}"), o, graph)
        for p, o in (
            ("label", ox.Literal("Alpha")),
            ("tagged", ox.Literal("Alpha", language="en")),
            ("blank", ox.BlankNode("b1")),
        )
    )
    (found,) = store.query(_PREFIX + _QUERY).records()
    return found


def test_a_row_maps_each_variable_to_its_term(row: Row) -> None:
    assert list(row) == ["iri", "label", "tagged", "n", "yes", "no", "one", "day", "month",
                         "year", "blank", "decimal", "none"]  # fmt: skip
    assert row["iri"] == ox.NamedNode(f"{EX}a")
    assert row["none"] is None
    assert row.get("none") is None
    assert row.get("not_projected") is None
    assert "label" in row and "not_projected" not in row
    assert dict(row)["n"] == ox.Literal("12", datatype=ox.NamedNode(_xsd("integer")))


def test_a_variable_the_query_does_not_project_is_a_key_error(row: Row) -> None:
    with pytest.raises(KeyError, match=r"no variable \?lable in the query's answer \(it has \?iri"):
        row.text("lable")


def test_term(row: Row) -> None:
    assert row.term("label") == ox.Literal("Alpha")
    with pytest.raises(RowError, match=r"^\?none is unbound, a value was expected$"):
        row.term("none")


def test_text_reads_literals_iris_and_blank_nodes(row: Row) -> None:
    assert row.text("label") == "Alpha"
    assert row.text("tagged") == "Alpha"
    assert row.text("iri") == f"{EX}a"
    assert row.text("n") == "12"
    assert row.text("blank") != "" and row.text("blank") == row.term("blank").value


def test_text_of_an_unbound_variable_is_the_default(row: Row) -> None:
    assert row.text("none") == ""
    assert row.text("none", "unknown") == "unknown"
    assert row.text("none", None) is None


def test_iri(row: Row) -> None:
    assert row.iri("iri") == f"{EX}a"
    assert row.iri("none") is None
    with pytest.raises(RowError, match=r'^\?label is the literal "Alpha", not an IRI$'):
        row.iri("label")
    with pytest.raises(RowError, match=r"^\?blank is the blank node _:\w+, not an IRI$"):
        row.iri("blank")


def test_node(row: Row) -> None:
    assert row.node("iri") == ox.NamedNode(f"{EX}a")
    assert isinstance(row.node("blank"), ox.BlankNode)
    assert row.node("none") is None
    with pytest.raises(RowError, match=r'^\?label is the literal "Alpha", not an IRI or a blank'):
        row.node("label")


def test_literal(row: Row) -> None:
    tagged = row.literal("tagged")
    assert tagged is not None and (tagged.value, tagged.language) == ("Alpha", "en")
    assert row.literal("none") is None
    with pytest.raises(RowError, match=rf"^\?iri is the IRI <{EX}a>, not a literal$"):
        row.literal("iri")


def test_int(row: Row) -> None:
    assert row.int("n") == 12
    assert row.int("none") == 0
    assert row.int("none", None) is None
    assert row.int("none", -1) == -1
    with pytest.raises(RowError, match=r'^\?label is the literal "Alpha", not an integer$'):
        row.int("label")
    with pytest.raises(RowError, match=r"^\?decimal is the literal .*2\.5.*, not an integer$"):
        row.int("decimal")
    with pytest.raises(RowError, match=rf"^\?iri is the IRI <{EX}a>, not an integer$"):
        row.int("iri")


def test_bool(row: Row) -> None:
    assert (row.bool("yes"), row.bool("no"), row.bool("one")) == (True, False, True)
    assert row.bool("none") is False
    assert row.bool("none", None) is None
    with pytest.raises(RowError, match=r'^\?label is the literal "Alpha", not a boolean$'):
        row.bool("label")
    with pytest.raises(RowError, match=rf"^\?iri is the IRI <{EX}a>, not a boolean$"):
        row.bool("iri")


def test_date_keeps_a_partial_date_as_written(row: Row) -> None:
    assert (row.date("day"), row.date("month"), row.date("year")) == ("2025-02-11", "2025-02",
                                                                        "2025")  # fmt: skip
    assert row.date("none") is None
    with pytest.raises(RowError, match=r'^\?label is the literal "Alpha", not a date'):
        row.date("label")
    with pytest.raises(RowError, match=r"^\?n is the literal .*integer>, not a date \(xsd:date,"):
        row.date("n")
    with pytest.raises(RowError, match=r"^\?blank is the blank node _:\w+, not a date"):
        row.date("blank")


def test_a_wrong_kind_is_a_query_error_printed_on_one_line(row: Row) -> None:
    with pytest.raises(QueryError) as raised:
        row.int("iri")
    assert raised.value.exit_code == 2
    assert str(raised.value) == f"?iri is the IRI <{EX}a>, not an integer"


def test_records_and_rows_hold_the_same_answer() -> None:
    result = open_store().query("SELECT ?x ?y WHERE { VALUES (?x ?y) { (1 UNDEF) (2 3) } }")
    records = result.records()
    assert [tuple(r.values()) for r in records] == result.rows
    assert [dict(r) for r in records] == result.dicts()
    assert [(r.int("x"), r.int("y", None)) for r in records] == [(1, None), (2, 3)]


def _xsd(name: str) -> str:
    return f"http://www.w3.org/2001/XMLSchema#{name}"
