"""Answers a page at a time, paged in the query (govkg.paging): the library on the shipped store,
``govkg query --limit/--offset`` in process, and ``/queries/NAME?page=`` on the app in process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.cli import cli
from govkg.errors import ParameterError
from govkg.paging import Page, combined, count_rows, make_page, paged_text, run_page
from govkg.project import Project
from govkg.queries import catalogue, find_query, run_query
from govkg.server.paged import TOTAL
from govkg.store import Store, open_store

PROJECT = Project(ROOT)
SELECTS = [q.name for q in catalogue(PROJECT) if "CONSTRUCT" not in q.text.upper()]
#: Queries whose ORDER BY orders their rows totally (one is a check with no rows).
ORDERED = ["signatories", "single-source-facts", "checks/unsourced-facts", "tracks"]
#: A query with its own LIMIT and OFFSET, a FROM-less sub-select and a trailing VALUES clause.
OWN_LIMIT = """PREFIX gk: <https://w3id.org/govkg/ontology#>
# a comment that ends with no newline: LIMIT 99
SELECT ?state ?label WHERE {
  ?state a gk:State ; rdfs:label ?label .
  { SELECT ?state WHERE { ?state a gk:State } LIMIT 1000000 }
}
ORDER BY ?label ?state
LIMIT 11 OFFSET 4
VALUES ?unused { UNDEF }"""


def _rows(store: Store, text: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in store.query(text).rows]


@pytest.mark.parametrize("name", SELECTS)
def test_total_and_unpaged_page_equal_the_answer_for_every_catalogue_query(
    store: Store, name: str
) -> None:
    query = find_query(PROJECT, name)
    whole = run_query(store, query)
    paged = run_page(store, query, {}, Page())
    assert paged.total == len(whole.rows)
    assert paged.result.rows == whole.rows
    assert paged.total > 0 or query.kind == "check"


@pytest.mark.parametrize("name", ORDERED)
def test_pages_in_order_make_the_whole_answer(store: Store, name: str) -> None:
    query = find_query(PROJECT, name)
    whole = run_query(store, query).rows
    size = max(1, len(whole) // 4 + 1) if len(whole) < 40 else 97
    joined: list[object] = []
    for offset in range(0, len(whole) + size, size):
        paged = run_page(store, query, {}, make_page(size, offset))
        assert paged.total == len(whole)
        assert len(paged.result.rows) <= size
        joined += paged.result.rows
    assert joined == whole


def test_a_bound_parameter_is_counted_with_its_value(store: Store) -> None:
    query = find_query(PROJECT, "signatories")
    given = {"instrument": "instrument:paris-statement-2025"}
    whole = run_query(store, query, given).rows
    paged = run_page(store, query, given, make_page(5, 5))
    assert paged.total == len(whole) != len(run_query(store, query).rows)
    assert paged.result.rows == whole[5:10]


def test_a_query_with_its_own_limit_and_offset_is_paged_within_them(store: Store) -> None:
    whole = _rows(store, OWN_LIMIT)
    assert len(whole) == 11
    assert count_rows(store, OWN_LIMIT, {}) == 11
    for offset in (0, 3, 9, 11, 20):
        assert _rows(store, paged_text(OWN_LIMIT, make_page(4, offset))) == whole[offset:][:4]
    assert _rows(store, paged_text(OWN_LIMIT, make_page(None, 7))) == whole[7:]


def test_a_from_clause_is_hoisted_out_of_the_count(store: Store) -> None:
    graph = "https://w3id.org/govkg/graph/graph/organisations.ttl"
    text = f"SELECT ?s FROM <{graph}> WHERE {{ ?s ?p ?o }}"
    assert count_rows(store, text, {}) == len(_rows(store, text)) > 0


def test_limit_and_offset_combine() -> None:
    assert combined(None, 0, Page(5, 10)) == Page(5, 10)
    assert combined(12, 4, Page(5, 10)) == Page(2, 14)
    assert combined(12, 4, Page(5, 20)) == Page(0, 24)
    assert combined(12, 4, Page(None, 3)) == Page(9, 7)


@pytest.mark.parametrize(("limit", "offset"), [(0, None), (-1, None), (5, -1)])
def test_a_bad_limit_or_offset_is_refused(limit: int, offset: int | None) -> None:
    with pytest.raises(ParameterError):
        make_page(limit, offset)


def test_only_select_queries_are_paged() -> None:
    with pytest.raises(ParameterError, match="only SELECT queries are paged; this is a construct"):
        paged_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", make_page(3, 0))


# The command line.


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "query", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_pages_a_table_and_shows_the_total(store: Store) -> None:
    whole = run_query(store, find_query(PROJECT, "single-source-facts")).rows
    code, out, err = _run(
        "single-source-facts", "--limit", "5", "--offset", "10", "--format", "csv"
    )
    assert code == 0
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + 5
    assert err.splitlines()[0] == f"rows 11-15 of {len(whole)}"


def test_cli_json_has_the_total_only_when_paged() -> None:
    code, out, _err = _run("signatories", "--offset", "50", "--format", "json")
    answer = json.loads(out)
    assert code == 0 and answer["offset"] == 50 and answer["limit"] is None
    assert len(answer["rows"]) == answer["total"] - 50 and "coverage" in answer
    code, out, _err = _run("signatories", "--format", "json")
    assert code == 0 and "total" not in json.loads(out)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--limit", "0"], "Error: --limit 0: expected a whole number of rows, 1 or more"),
        (["--limit", "-2"], "Error: --limit -2: expected a whole number of rows, 1 or more"),
        (["--offset", "-1"], "Error: --offset -1: expected 0 or more"),
    ],
)
def test_cli_refuses_a_bad_value_in_one_line(args: list[str], line: str) -> None:
    code, out, err = _run("signatories", *args)
    assert (code, out, err.strip()) == (2, "", line)


def test_cli_refuses_to_page_a_construct_query(tmp_path: Path) -> None:
    path = tmp_path / "graph.rq"
    path.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, _out, err = _run(str(path), "--limit", "3")
    assert code == 2
    assert err.strip() == "Error: only SELECT queries are paged; this is a construct"


# The server.


@pytest.fixture(scope="module")
def client(shipped_client: httpx.Client) -> httpx.Client:
    """The app over the shipped graph (conftest's, shared by the session)."""
    return shipped_client


def test_server_json_page_is_a_slice_with_the_total(client: httpx.Client) -> None:
    whole = client.get("/queries/single-source-facts.json").json()["results"]["bindings"]
    answer = client.get("/queries/single-source-facts.json?page=2&limit=3")
    assert answer.status_code == 200
    page = answer.json()
    assert page["results"]["bindings"] == whole[3:6]
    assert (page["total"], page["page"], page["limit"], page["offset"]) == (len(whole), 2, 3, 3)
    assert answer.headers[TOTAL] == str(len(whole))
    assert answer.headers["Link"] == '<?page=1&limit=3>; rel="prev", <?page=3&limit=3>; rel="next"'


def test_server_html_page_shows_the_total_and_its_neighbours(client: httpx.Client) -> None:
    total = len(client.get("/queries/single-source-facts.csv").text.splitlines()) - 1
    page = client.get("/queries/single-source-facts.html?page=2").text
    last = -(-total // 100)
    assert f"Rows 101-200 of {total} (page 2 of {last})." in page
    assert '<a rel="prev" href="?page=1">' in page and '<a rel="next" href="?page=3">' in page
    assert page.count("<tr>") == 1 + 100


def test_server_downloads_stay_whole_without_page(client: httpx.Client, store: Store) -> None:
    whole = run_query(store, find_query(PROJECT, "single-source-facts")).rows
    answer = client.get("/queries/single-source-facts.csv")
    assert len(answer.text.splitlines()) == 1 + len(whole) > 100
    assert TOTAL not in answer.headers
    paged = client.get("/queries/single-source-facts.csv?limit=7")
    assert len(paged.text.splitlines()) == 1 + 7 and paged.headers[TOTAL] == str(len(whole))


@pytest.mark.parametrize("bad", ["page=0", "page=two", "limit=0", "limit=-3"])
def test_server_refuses_a_bad_page(client: httpx.Client, bad: str) -> None:
    answer = client.get(f"/queries/signatories.csv?{bad}")
    assert answer.status_code == 400
    assert "expected a whole number, 1 or more" in answer.text


# A SPARQL server: the bound parameters are written into the paged and counting texts.


def test_pages_and_totals_from_an_oxigraph_server(oxigraph_server: str, store: Store) -> None:
    loaded = CliRunner().invoke(cli, ["--root", str(ROOT), "--store", oxigraph_server, "load"])
    assert loaded.exit_code == 0, loaded.output
    remote = open_store(oxigraph_server)
    query = find_query(PROJECT, "signatories")
    given = {"instrument": "instrument:paris-statement-2025"}
    whole = run_query(store, query, given).rows
    paged = run_page(remote, query, given, make_page(10, 20))
    assert (paged.total, paged.result.rows) == (len(whole), whole[20:30])
    facts = find_query(PROJECT, "single-source-facts")
    assert run_page(remote, facts, {}, make_page(3, 0)).total == len(run_query(store, facts).rows)
