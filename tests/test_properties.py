"""Property-based tests (hypothesis): hostile or random input never crashes or changes meaning."""

from __future__ import annotations

import asyncio
import string

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from govkg.server import ServerSettings, create_app
from govkg.server.negotiation import choose, parse_accept
from govkg.site.formats import DOC_FORMATS
from govkg.store import OxigraphStore, Store, planner_hint
from govkg.store.substitute import substitute

OFFERED = list(DOC_FORMATS.values())

#: What an Accept header can hold on the wire (visible ASCII and spaces).
header_text = st.text(alphabet=string.printable.replace("\r", "").replace("\n", ""), max_size=200)
media_range = st.builds(
    lambda kind, sub, q: f"{kind}/{sub}" + (f";q={q}" if q is not None else ""),
    st.sampled_from(["*", "text", "application", "image", "TEXT", ""]),
    st.sampled_from(["*", "html", "turtle", "ld+json", "n-triples", "rdf+xml", "x", ""]),
    st.one_of(st.none(), st.sampled_from(["0", "1", "0.5", "2", "-1", "abc", "0.001", ""])),
)
accept_headers = st.one_of(header_text, st.lists(media_range, max_size=6).map(", ".join))


@given(accept_headers)
def test_negotiation_never_crashes_and_picks_an_offer(header: str) -> None:
    chosen = choose(header, OFFERED)
    assert chosen is None or chosen in OFFERED
    for media in parse_accept(header):
        assert 0.0 <= media.q <= 1.0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(accept_headers)
def test_random_accept_headers_get_303_or_406(store: Store, header: str) -> None:
    app = create_app(store, ServerSettings(query_workers=0))

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/id/state/USA", headers={"Accept": header})

    response = asyncio.run(fetch())
    assert response.status_code in (303, 406)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/doc/state/USA")


# --- parameters bound into query text (remote stores) stay one value ---------------------------

ECHO = "SELECT ?x WHERE { }"
ECHO_COUNT = "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?o . FILTER(?o = ?x) } GROUP BY ?x"
hostile_text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            'x" } UNION { ?s ?p ?o } #',
            "x\\u0022 } UNION { ?s ?p ?o } #",
            "1 }",
            "> } UNION { ?s ?p ?o",
            "'''",
            '"""',
            "\\",
            "?x",
        ]
    ),
)


@pytest.fixture(scope="module")
def small() -> OxigraphStore:
    store = OxigraphStore()
    node = ox.NamedNode("http://example.org/a")
    store.load([ox.Quad(node, node, ox.Literal(str(i))) for i in range(5)])
    return store


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hostile_text)
def test_a_substituted_literal_stays_one_literal(small: OxigraphStore, value: str) -> None:
    term = ox.Literal(value)
    echoed = small.query(substitute(ECHO, {"x": term})).rows
    assert echoed == [(term,)]
    counted = small.query(substitute(ECHO_COUNT, {"x": term})).rows
    assert len(counted) <= 1  # never the whole graph: at most the rows an ordinary value gives


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=string.ascii_letters + string.digits + "/-_.:", min_size=1, max_size=40))
def test_a_substituted_iri_stays_one_iri(small: OxigraphStore, tail: str) -> None:
    term = ox.NamedNode("http://example.org/" + tail)
    assert small.query(substitute(ECHO, {"x": term})).rows == [(term,)]


# --- the planner hint (a VALUES row of each bound term) changes no answer ----------------------

LOOKUP = "SELECT ?x ?s WHERE { ?s ?p ?x }"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hostile_text)
@example(value="VALUES")  # a value that holds the keyword: the hint is still one clause
def test_planner_hint_keeps_a_bound_value_one_value(small: OxigraphStore, value: str) -> None:
    term = ox.Literal(value)
    hinted = planner_hint(LOOKUP, {"x": term})
    hint = f" VALUES ?x {{ {term} }}\n"  # one clause of the term, nothing else added
    assert hint in hinted and hinted.replace(hint, "", 1) == LOOKUP
    ox.Store().query(hinted)  # still one well-formed query, whatever the value holds
    rows = small.query(LOOKUP, {"x": term}).rows
    stored = {str(i) for i in range(5)}  # the small store's values
    assert [row[0] for row in rows] == ([term] if value in stored else [])
