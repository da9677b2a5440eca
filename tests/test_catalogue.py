"""The query catalogue on the web (/queries) and the query page (/query), called in process."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pyoxigraph as ox
import pytest
from paths import ROOT
from servers import in_process

from govkg.project import ROOT_ENV, Project
from govkg.queries import Parameter, Query, catalogue, find_query
from govkg.server import ServerSettings, create_app
from govkg.server.catalogue import example_text
from govkg.server.negotiation import wants_page
from govkg.server.results import to_json
from govkg.site.paths import catalogue_paths
from govkg.store import OxigraphStore, QueryResult, Store

PROJECT = Project(ROOT)
QUERIES = catalogue(PROJECT)
NAMES = [q.name for q in QUERIES]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BROWSER_H = {"Accept": BROWSER}
#: Values that would change the query if they were pasted into its text.
ATTACKS = [
    'x" } UNION { ?s ?p ?o } #',
    "x\\u0022 } UNION { ?s ?p ?o } #",
    "x' } UNION { ?s ?p ?o } #",
    "https://example.org/a> } UNION { ?s ?p ?o } #",
    "state:USA> } UNION { ?s ?p ?o } #",
    "1 }",
    "1 } UNION { ?s ?p ?o }",
]


@pytest.fixture(scope="module")
def client(shipped_client: httpx.Client) -> httpx.Client:
    """The app over the shipped graph (conftest's, shared by the session)."""
    return shipped_client


@pytest.fixture(scope="module")
def capped_client(store: Store) -> Iterator[httpx.Client]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_ENV, str(ROOT))
        app = create_app(store, ServerSettings(max_rows=5))
    with in_process(app) as http:
        yield http


# --- a small project whose query takes a string and an integer, over a store with markup -------

FIXTURE_QUERY = """\
# title: Codes <b>and</b> labels
# description: The resource with the code; <script>alert(1)</script> is only text here.
# param: code string AAA The code, <i>exactly</i>
# param: year integer 2024 A year, given back as it is
PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?code ?year ?thing ?label
WHERE { ?thing gk:iso3 ?code ; rdfs:label ?label }
"""


def _fixture_store() -> Store:
    store = OxigraphStore()
    iso3 = ox.NamedNode("https://w3id.org/govkg/ontology#iso3")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = []
    for code, text in [("AAA", "<script>alert(1)</script>"), ("BBB", "<b>bold</b>"), ("CCC", "C")]:
        thing = ox.NamedNode(f"https://w3id.org/govkg/id/state/{code}")
        quads += [ox.Quad(thing, iso3, ox.Literal(code)), ox.Quad(thing, label, ox.Literal(text))]
    store.load(quads)
    return store


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root = tmp_path_factory.mktemp("project")
    (root / "ontology").mkdir()
    (root / "queries").mkdir()
    (root / "queries" / "codes.rq").write_text(FIXTURE_QUERY, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_ENV, str(root))
        app = create_app(_fixture_store(), ServerSettings())
    with in_process(app) as http:
        yield http


# --- helpers ---------------------------------------------------------------------------------


def _canon(bindings: list[dict[str, dict[str, str]]]) -> list[str]:
    """Rows in a comparable form: sorted, and the parts of a space-separated value sorted too
    (GROUP_CONCAT gives its parts in no set order)."""

    def value(term: dict[str, str]) -> dict[str, str]:
        return {**term, "value": " ".join(sorted(term["value"].split(" ")))}

    rows = [{name: value(term) for name, term in row.items()} for row in bindings]
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def _expected(store: Store, query: Query, **params: str) -> list[str]:
    result = store.query(query.text, query.bindings(params))
    return _canon(json.loads(to_json(result))["results"]["bindings"])


def _rows(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return _canon(response.json()["results"]["bindings"])


def _vary(response: httpx.Response) -> list[str]:
    return [part.strip() for part in response.headers.get("vary", "").split(",")]


def _one_line_400(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 400
    assert response.text.endswith("\n") and response.text.count("\n") == 1, response.text
    for word in words:
        assert word in response.text


# --- every canned query, in every format ------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_json_rows_are_the_stores(client: httpx.Client, store: Store, name: str) -> None:
    query = find_query(PROJECT, name)
    response = client.get(f"/queries/{name}.json")
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert response.json()["head"]["vars"] == store_vars(store, query)
    assert _rows(response) == _expected(store, query)
    assert "x-govkg-truncated" not in response.headers


def store_vars(store: Store, query: Query) -> list[str]:
    return store.query(query.text, query.bindings({})).variables


@pytest.mark.parametrize("name", NAMES)
def test_csv(client: httpx.Client, store: Store, name: str) -> None:
    query = find_query(PROJECT, name)
    response = client.get(f"/queries/{name}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(response.text)))
    result = store.query(query.text, query.bindings({}))
    assert table[0] == result.variables
    assert len(table) == len(result.rows) + 1


@pytest.mark.parametrize("name", NAMES)
def test_html(client: httpx.Client, name: str) -> None:
    query = find_query(PROJECT, name)
    response = client.get(f"/queries/{name}.html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "default-src 'self'"
    text = response.text
    assert "<script" not in text
    assert re.search(r"<h1>[^<]+</h1>", text)
    assert "<pre>PREFIX" in text or "<pre># title:" in text  # the query text, escaped
    root = "/".join([".."] * (name.count("/") + 1))
    assert f'href="{root}/style.css"' in text  # linked relatively
    form = f'<form method="get" action="{root}/queries/{name}.html">'
    assert (form in text) == bool(query.parameters)


def test_html_table_links_values(client: httpx.Client) -> None:
    text = client.get("/queries/signatories.html").text
    assert "<table>" in text
    assert 'href="../doc/state/ALB.html"' in text
    assert "52 rows." in text  # 45 listed; the articles' "signed" is a row apart for 7 of them
    assert 'href="../queries/signatories.json"' in text
    assert 'href="../query.html#example=signatories"' in text


def test_negotiation(client: httpx.Client) -> None:
    cases = {
        BROWSER: "text/html",
        "*/*": "text/html",
        "text/csv": "text/csv",
        "application/json": "application/sparql-results+json",
        "application/sparql-results+json": "application/sparql-results+json",
    }
    for accept, media in cases.items():
        response = client.get("/queries/decliners", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media), accept
        assert "Accept" in _vary(response), accept
    assert client.get("/queries/decliners").headers["content-type"].startswith("text/html")
    refused = client.get("/queries/decliners", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    explicit = client.get("/queries/decliners.csv", headers={"Accept": "application/json"})
    assert explicit.headers["content-type"].startswith("text/csv")
    assert "Accept" not in _vary(explicit)


# --- parameters ------------------------------------------------------------------------------


def test_other_parameter_values(client: httpx.Client, store: Store) -> None:
    query = find_query(PROJECT, "signatories")
    paris = {"instrument": "instrument:paris-statement-2025"}
    rows = _rows(client.get("/queries/signatories.json", params=paris))
    assert rows == _expected(store, query, **paris)
    assert rows != _expected(store, query)
    full = {"instrument": "https://w3id.org/govkg/id/instrument/paris-statement-2025"}
    assert _rows(client.get("/queries/signatories.json", params=full)) == rows


def test_date_parameter(client: httpx.Client, store: Store) -> None:
    query = find_query(PROJECT, "signed-as-of")
    early = {"date": "2023-11-12"}
    rows = _rows(client.get("/queries/signed-as-of.json", params=early))
    assert rows == _expected(store, query, **early)
    assert len(rows) < len(_expected(store, query))


def test_html_form_keeps_the_values(client: httpx.Client) -> None:
    params = {"instrument": "instrument:paris-statement-2025"}
    text = client.get("/queries/signatories.html", params=params).text
    assert 'action="../queries/signatories.html"' in text
    assert 'name="instrument" value="instrument:paris-statement-2025"' in text
    assert "signatories.csv?instrument=instrument%3Aparis-statement-2025" in text


@pytest.mark.parametrize("attack", ATTACKS)
def test_injection_into_iri_and_date_is_refused(client: httpx.Client, attack: str) -> None:
    _one_line_400(client.get("/queries/signatories", params={"instrument": attack}), "instrument")
    _one_line_400(client.get("/queries/signed-as-of", params={"date": attack}), "date")


@pytest.mark.parametrize("attack", ATTACKS)
def test_injection_into_string_is_a_plain_value(fixture_client: httpx.Client, attack: str) -> None:
    ordinary = _rows(fixture_client.get("/queries/codes.json", params={"code": "AAA"}))
    assert len(ordinary) == 1
    response = fixture_client.get("/queries/codes.json", params={"code": attack})
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) <= len(ordinary)
    assert bindings == []  # no resource has that code: the value matched nothing


@pytest.mark.parametrize("attack", ["1 }", "1 } UNION { ?s ?p ?o }", '1" }', "1.5", "x"])
def test_injection_into_integer_is_refused(fixture_client: httpx.Client, attack: str) -> None:
    response = fixture_client.get("/queries/codes.json", params={"year": attack})
    _one_line_400(response, "parameter year", "not a valid integer")


def test_string_and_integer_are_bound_as_terms(fixture_client: httpx.Client) -> None:
    response = fixture_client.get("/queries/codes.json", params={"code": "BBB", "year": "1999"})
    [row] = response.json()["results"]["bindings"]
    assert row["code"] == {"type": "literal", "value": "BBB"}
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    assert row["year"] == {"type": "literal", "value": "1999", "datatype": integer}


def test_bad_parameter(client: httpx.Client) -> None:
    response = client.get("/queries/signatories", params={"instrument": "not an iri"})
    assert response.text == (
        "parameter instrument: 'not an iri' is not an IRI or a prefixed name such as state:USA\n"
    )
    _one_line_400(client.get("/queries/signed-as-of", params={"date": "2023-02-30x"}), "date")
    html = client.get("/queries/signatories", params={"instrument": "<b>"}, headers=BROWSER_H)
    assert html.status_code == 400
    assert "<b>" not in html.text and "&lt;b&gt;" in html.text


def test_unknown_parameter(client: httpx.Client) -> None:
    response = client.get("/queries/signatories.json", params={"instrumnet": "instrument:x"})
    _one_line_400(response, "unknown parameter 'instrumnet'", "known: instrument")
    _one_line_400(client.get("/queries/dialogue-topics?x=1"), "unknown parameter 'x'")


def test_parameter_given_twice(client: httpx.Client) -> None:
    response = client.get("/queries/signatories?instrument=instrument:a&instrument=instrument:b")
    _one_line_400(response, "'instrument'", "more than once")


def test_unknown_query(client: httpx.Client) -> None:
    page = client.get("/queries/nope", headers=BROWSER_H)
    assert page.status_code == 404
    assert page.headers["content-security-policy"] == "default-src 'self'"
    for name in NAMES:
        assert f'href="../queries/{name}.html"' in page.text
    text = client.get("/queries/nope.json")
    assert text.status_code == 404
    assert text.text.startswith("no query named 'nope'; the catalogue has: ")
    escaped = client.get("/queries/%3Cscript%3E", headers=BROWSER_H)
    assert escaped.status_code == 404
    assert "<script>" not in escaped.text and "&lt;script&gt;" in escaped.text


# --- the row cap -----------------------------------------------------------------------------


def test_truncation(capped_client: httpx.Client) -> None:
    response = capped_client.get("/queries/single-source-facts.json")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["x-govkg-truncated"] == "true"
    page = capped_client.get("/queries/single-source-facts.html")
    assert page.headers["x-govkg-truncated"] == "true"
    assert "Truncated" in page.text and "first 5 rows" in page.text
    assert page.text.count("<tr>") == 6  # the header and five rows
    table = capped_client.get("/queries/single-source-facts.csv").text
    assert len(list(csv.reader(io.StringIO(table)))) == 6
    small = capped_client.get("/queries/decliners.json")
    assert "x-govkg-truncated" not in small.headers


# --- the listing -----------------------------------------------------------------------------


def test_listing_has_every_query(client: httpx.Client) -> None:
    files = sorted(p.relative_to(ROOT / "queries") for p in (ROOT / "queries").rglob("*.rq"))
    assert files, "the project has queries"
    for path in ("/queries", "/queries.html"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == "default-src 'self'"
        for file in files:
            name = file.with_suffix("").as_posix()
            for ext in ("html", "json", "csv"):
                assert f'href="./queries/{name}.{ext}"' in response.text
    listing = client.get("/queries").text
    assert "instrument:reaim-2026-pathways-to-action" in listing  # a default is shown
    assert "Who signed an instrument" in listing


def test_catalogue_json(client: httpx.Client, store: Store) -> None:
    entries = client.get("/queries.json").json()["queries"]
    assert [e["name"] for e in entries] == NAMES
    for entry in entries:
        query = find_query(PROJECT, entry["name"])
        assert entry["json"] == f"queries/{entry['name']}.json"
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in query.parameters]
        example = store.query(entry["query"])  # the editor's text runs as it is
        got = _canon(json.loads(to_json(example))["results"]["bindings"])
        assert got == _expected(store, query), entry["name"]


def test_catalogue_paths_all_answer(client: httpx.Client) -> None:
    paths = catalogue_paths(PROJECT)
    assert "/queries.html" in paths and "/queries/signatories.csv" in paths
    for path in paths:
        assert client.get(path).status_code == 200, path


# --- escaping --------------------------------------------------------------------------------


def test_values_and_header_are_escaped(fixture_client: httpx.Client) -> None:
    response = fixture_client.get("/queries/codes.html")
    assert response.status_code == 200
    text = response.text
    assert "<script>" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the label, and the description
    assert "<h1>Codes &lt;b&gt;and&lt;/b&gt; labels</h1>" in text
    assert 'href="../doc/state/AAA.html"' in text
    params = {"code": '"><script>alert(2)</script>'}
    echoed = fixture_client.get("/queries/codes.html", params=params).text
    assert "<script>" not in echoed
    assert 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in echoed
    listing = fixture_client.get("/queries").text
    assert "<script>" not in listing and "<i>" not in listing


# --- the query page --------------------------------------------------------------------------


def test_query_page(client: httpx.Client) -> None:
    for path in ("/query", "/query.html"):
        response = client.get(path, headers=BROWSER_H)
        assert response.status_code == 200
        assert response.headers["content-security-policy"] == "default-src 'self'"
        text = response.text
        assert 'src="./static/vendor/yasgui/yasgui.min.js"' in text  # vendored: no CDN
        assert 'href="./static/vendor/yasgui/yasgui.min.css"' in text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.DOTALL)
        assert len(scripts) == 2
        for attributes, body in scripts:
            assert "src=" in attributes and body == "", "no inline script"
        assert not re.search(r"\son[a-z]+=", text), "no inline event handler"
        assert "style=" not in text and "<style" not in text
        assert 'src="./static/query.js"' in text
        assert 'data-endpoint="./sparql"' in text and 'data-examples="./queries.json"' in text


def test_query_page_without_javascript(client: httpx.Client) -> None:
    text = client.get("/query").text
    assert '<form id="plain-query" method="get" action="./query.html">' in text
    assert '<textarea name="query"' in text
    for name in NAMES:
        assert f'href="./queries/{name}.html"' in text
    form = client.post("/sparql", data={"query": "ASK { state:USA ?p ?o }"})
    assert form.json()["boolean"] is True


def test_query_script(client: httpx.Client) -> None:
    response = client.get("/static/query.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "new window.Yasgui(" in response.text
    assert "dataset.examples" in response.text


def test_sparql_shows_the_page_only_to_browsers() -> None:
    assert wants_page(BROWSER)
    assert wants_page("text/html")
    assert not wants_page("*/*")
    assert not wants_page(None)
    assert not wants_page("text/turtle")


def test_editor_text_leaves_a_required_parameter_unbound(store: Store) -> None:
    query = find_query(PROJECT, "signatories")
    required = Parameter("instrument", "iri", None, "The instrument")
    text = example_text(replace(query, parameters=(required,)))
    assert "?instrument (iri, required: add it to the VALUES line)" in text
    assert "VALUES (" not in text
    assert isinstance(store.query(text), QueryResult)
