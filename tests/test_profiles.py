"""The researcher pages over HTTP (issue 17): the instrument and state profiles, the comparison of
two actors and the who-signed-what matrix, with their CSV/JSON downloads, on the shipped graph;
escaping and empty answers on small stores; the matrix and downloads in a published copy.

Every expected value comes from somewhere other than the page: a SPARQL query on the store, the
catalogue's answer over HTTP, ``govkg align`` (:func:`run_align` or the CLI) or the coverage of
the lists; the only numbers written here are documented facts of the shipped data (REAIM 2026:
35 of 85 signed on the day, 45 on the ministry's list by 2026-07-17; the USA and China declined).
Pages are parsed with lxml and read by structure (tables, data-labels, classes), not by text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import lxml.html
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml.html import HtmlElement
from paths import ROOT
from servers import in_process

from govkg.align.report import AlignRequest, run_align
from govkg.cli import cli
from govkg.coverage import instrument_coverage
from govkg.load import open_project, parse_files
from govkg.namespaces import DATA_BASE
from govkg.project import Project
from govkg.server import ServerSettings, create_app
from govkg.site.palette import IN_FAVOUR, agreement_bin, swatch
from govkg.store import OxigraphStore, Store

INSTRUMENT = DATA_BASE + "instrument/"
STATE = DATA_BASE + "state/"
REAIM = INSTRUMENT + "reaim-2026-pathways-to-action"
PARIS = INSTRUMENT + "paris-statement-2025"
UNGA = INSTRUMENT + "unga-res-79-62"
PROFILED = (REAIM, PARIS, UNGA)
ACTORS = {"USA": STATE + "USA", "CHN": STATE + "CHN", "EU": DATA_BASE + "org/EU"}
KIND = DATA_BASE + "stance-kind/"


# --- helpers ------------------------------------------------------------------------------------


def _doc(iri: str) -> str:
    """The path of a resource's HTML page."""
    return "/doc/" + iri.removeprefix(DATA_BASE) + ".html"


def _get(client: httpx.Client, path: str) -> HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    page = lxml.html.fromstring(response.text)
    page.make_links_absolute("http://testserver" + path)
    return page


def _path(href: str) -> str:
    """The path of an absolute link made by :func:`_get`."""
    return urlsplit(href).path


def _links(element: HtmlElement) -> set[str]:
    return {_path(a.get("href")) for a in element.iter("a") if a.get("href")}


def _select(store: Store, sparql: str, **iris: str) -> list[dict[str, str]]:
    """The rows of a query as text (unbound: ""); ``iris`` pre-bind variables to IRIs."""
    bindings = {name: ox.NamedNode(iri) for name, iri in iris.items()}
    return [
        {name: (term.value if term is not None else "") for name, term in row.items()}
        for row in store.query(sparql, bindings).records()
    ]


def _objects(store: Store, subject: str, path: str) -> set[str]:
    return {r["o"] for r in _select(store, f"SELECT ?s ?o WHERE {{ ?s {path} ?o }}", s=subject)}


def _section(page: HtmlElement, heading: str, tag: str = "h2") -> HtmlElement:
    """The first table after the heading that starts with ``heading``."""
    found = page.xpath(
        f"//{tag}[starts-with(normalize-space(.), $h)]/following::table[1]", h=heading
    )
    assert found, f"no table after {heading!r}"
    return found[0]


def _cells(table: HtmlElement) -> list[dict[str, HtmlElement]]:
    """The body rows of a table, each cell by its data-label."""
    return [{td.get("data-label"): td for td in tr.findall("td")} for tr in table.xpath("tbody/tr")]


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _map(page: HtmlElement, title_start: str) -> dict[str, set[str]]:
    """The classes of each country outline of the map whose title starts with ``title_start``,
    by M49 code."""
    maps = [
        f
        for f in page.xpath("//figure[contains(@class, 'map')]")
        if (f.xpath(".//*[local-name()='title']/text()") or [""])[0].startswith(title_start)
    ]
    assert len(maps) == 1, title_start
    paths = maps[0].xpath(".//*[local-name()='path'][@data-key]")
    return {p.get("data-key"): _classes(p) for p in paths}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


_CODES = "SELECT ?a ?c WHERE { ?a gk:iso3|gk:orgId ?c }"
_STANCE_COUNT = """SELECT ?i (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a gk:Stance ; gk:instrument ?i } GROUP BY ?i"""
_STATES = """SELECT ?s ?m49 (SAMPLE(?iso) AS ?iso3) (SAMPLE(?un) AS ?status) WHERE {
  ?s a gk:State ; gk:m49 ?m49 . OPTIONAL { ?s gk:iso3 ?iso } OPTIONAL { ?s gk:unStatus ?un }
} GROUP BY ?s ?m49"""
_KINDS_ON = """SELECT ?i ?a ?k WHERE {
  ?s a gk:Stance ; gk:instrument ?i ; gk:actor ?a ; gk:stanceKind ?k
  FILTER NOT EXISTS { ?a a ?other VALUES ?other { gk:Company gk:ResearchInstitution } } }"""
# the matrix's actors are govkg align's by default: states, organisations, untyped actors


@pytest.fixture(scope="module")
def states(store: Store) -> list[dict[str, str]]:
    """Every state with an M49 code: IRI, code, ISO code and UN status."""
    return _select(store, _STATES)


@pytest.fixture(scope="module")
def all_pairs(store: Store) -> dict[frozenset[str], dict[str, Any]]:
    """``govkg align``'s every pair (n >= 3, its default), by the pair's codes."""
    table = run_align(store, AlignRequest()).tables[0]
    rows = [dict(zip(table.columns, row, strict=True)) for row in table.rows]
    return {frozenset((r["actor_a"], r["actor_b"])): r for r in rows}


def _pair(store: Store, a: str, b: str) -> dict[str, Any]:
    """One pair's measures as ``govkg align --pair A B`` gives them."""
    return {m["measure"]: m["value"] for m in _records(run_align(store, AlignRequest(pair=(a, b))))}


def _records(report: Any, index: int = 0) -> list[dict[str, Any]]:
    table = report.tables[index]
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


# --- the instrument profile ---------------------------------------------------------------------


@pytest.mark.parametrize("iri", PROFILED)
def test_instrument_facts(shipped_client: httpx.Client, store: Store, iri: str) -> None:
    page = _get(shipped_client, _doc(iri))
    rows = {_text(tr.find("th")): tr.find("td") for tr in page.xpath("//table[@class='facts']//tr")}
    types = {
        r["l"]
        for r in _select(
            store,
            "SELECT ?s ?l WHERE { ?s a ?t . ?t rdfs:subClassOf* gk:Instrument ; rdfs:label ?l }",
            s=iri,
        )
    } - {"instrument"}
    assert set(_text(rows["Type"]).split(", ")) == (types or {"instrument"})
    dates = _objects(store, iri, "dcterms:date")
    assert (_text(rows["Date"]) in dates) if dates else "Date" not in rows
    for label, path in (
        ("Adopted at", "gk:adoptedAt"),
        ("Place", "gk:adoptedAt/schema:location"),
        ("Series", "gk:adoptedAt/gk:inSeries"),
    ):
        linked = {_doc(o) for o in _objects(store, iri, path)}
        if linked:
            assert _links(rows[label]) & linked, label
        else:
            assert label not in rows
    binding = _objects(store, iri, "gk:legallyBinding")
    expected = {"true": "yes", "false": "no"}[binding.pop()] if binding else "not recorded"
    assert _text(rows["Legally binding"]) == expected
    if iri == REAIM:  # documented: a non-binding declaration
        assert expected == "no"


_CLAIMS = """SELECT ?i ?claim ?value ?label ?asOf ?src WHERE {
  ?claim a gk:CountClaim ; gk:about ?i ; gk:value ?value .
  OPTIONAL { ?claim rdfs:label ?label } OPTIONAL { ?claim gk:asOf ?asOf }
  OPTIONAL { ?claim prov:wasDerivedFrom ?src } }"""


@pytest.mark.parametrize("iri", [REAIM, PARIS])
def test_every_count_claim_is_shown_with_its_source(
    shipped_client: httpx.Client, store: Store, iri: str
) -> None:
    claims: dict[str, dict[str, Any]] = {}
    for r in _select(store, _CLAIMS, i=iri):
        found = claims.setdefault(r["claim"], {**r, "sources": set()})
        if r["src"]:
            found["sources"].add(_doc(r["src"]))
    assert claims, "the shipped graph reports counts about the instrument"
    rows = _cells(_section(_get(shipped_client, _doc(iri)), "Reported counts"))
    assert len(rows) == len(claims)
    shown = [
        (
            re.findall(r"\d+", _text(r["Count"])),
            _text(r["Claim"]),
            _text(r["As of"]),
            _links(r["Source"]),
        )
        for r in rows
    ]
    for claim in claims.values():
        value = str(int(float(claim["value"])))
        matches = [s for s in shown if s[1] == claim["label"] and s[0] == [value]]
        assert matches, claim
        assert matches[0][2] == (claim["asOf"] or "not dated")
        assert claim["sources"] and claim["sources"] <= matches[0][3]
    if iri == REAIM:  # documented: 35 of 85 on the day, 45 on the ministry's list by July
        dated = {(" ".join(s[0]), s[2]) for s in shown}
        assert {("35", "2026-02-05"), ("45", "2026-07-17")} <= dated
        assert any(s[0] == ["35"] and "85" in s[1] for s in shown)


_PER_KIND = """SELECT ?i ?k (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?a) AS ?actors) WHERE {
  ?s a gk:Stance ; gk:instrument ?i ; gk:stanceKind ?k ; gk:actor ?a } GROUP BY ?i ?k"""


@pytest.mark.parametrize("iri", PROFILED)
def test_counts_per_kind(shipped_client: httpx.Client, store: Store, iri: str) -> None:
    expected = {
        _slug(r["k"]): (int(r["n"]), int(r["actors"])) for r in _select(store, _PER_KIND, i=iri)
    }
    page = _get(shipped_client, _doc(iri))
    shown = {}
    for row in _cells(_section(page, "Stances by kind")):
        (swatch,) = row["Kind"].xpath(".//span[contains(@class, 'swatch')]")
        (kind,) = [c.removeprefix("st-") for c in _classes(swatch) if c.startswith("st-")]
        shown[kind] = (int(_text(row["Stances"])), int(_text(row["Actors"])))
    assert shown == expected
    total = sum(n for n, _a in expected.values())
    (heading,) = page.xpath("//h2[starts-with(normalize-space(.), 'Stances by kind')]")
    assert f"({total} stances)" in _text(heading)
    if iri == REAIM:  # documented: the USA and China declined
        assert expected["declined"][1] >= 2


def _expected_map_classes(store: Store, iri: str, states: list[dict[str, str]]) -> dict[str, Any]:
    """The class each state's outline should carry on the instrument's map, by M49 code: a set
    of stance classes (the state's kinds), else the class of its missing stance."""
    kinds: dict[str, set[str]] = {}
    for r in _select(store, _KINDS_ON, i=iri):
        kinds.setdefault(r["a"], set()).add("st-" + _slug(r["k"]))
    vote = bool(_select(store, "SELECT ?i WHERE { ?i a gk:Resolution }", i=iri))
    (coverage,) = instrument_coverage(store, [iri])
    complete = coverage.status in ("complete", "complete-as-of")
    found: dict[str, Any] = {}
    for s in states:
        if s["s"] in kinds:
            found[s["m49"]] = kinds[s["s"]]
        elif vote and s["status"] not in ("", "member"):
            found[s["m49"]] = {"st-not-party"}
        else:
            found[s["m49"]] = {"st-not-listed" if complete else "st-no-record"}
    return found


@pytest.mark.parametrize("iri", PROFILED)
def test_the_map_colours_each_state_by_its_stance(
    shipped_client: httpx.Client, store: Store, states: list[dict[str, str]], iri: str
) -> None:
    page = _get(shipped_client, _doc(iri))
    drawn = _map(page, "Where each state stands")
    expected = _expected_map_classes(store, iri, states)
    checked = Counter()
    for code, classes in drawn.items():
        if code not in expected:
            continue  # an outline without a state in govkg's list
        kinds = {c for c in classes if c.startswith("st-")}
        assert len(kinds) == 1 and kinds <= expected[code], (code, classes, expected[code])
        checked[kinds.pop()] += 1
    assert sum(checked.values()) > 150
    if iri == REAIM:  # documented: the USA and China declined; the list is complete as of July
        assert "st-declined" in drawn["840"] and "st-declined" in drawn["156"]
        assert checked["st-not-listed"] > 0 and checked["st-no-record"] == 0
    if iri == PARIS:  # a partial list: no stance is no record, never "not listed"
        assert checked["st-no-record"] > 0 and checked["st-not-listed"] == 0
    if iri == UNGA:  # Palestine, an observer, has no vote
        palestine = next(s for s in states if s["iso3"] == "PSE")
        assert palestine["status"] != "member"
        assert "st-not-party" in drawn[palestine["m49"]]
    # Stances the map cannot show are listed under it: small states and actors without M49.
    actors = {r["a"] for r in _select(store, _KINDS_ON, i=iri)}
    by_iri = {s["s"]: s["m49"] for s in states}
    off = {_path(li.xpath(".//a")[0].get("href")) for li in page.xpath("//ul[@class='off-map']/li")}
    unseen = {_doc(a) for a in actors if by_iri.get(a) not in drawn}
    assert off == unseen
    if iri == UNGA:  # the Holy See votes on nothing and is too small to draw: not listed
        holy_see = next(s for s in states if s["iso3"] == "VAT")
        assert holy_see["m49"] not in drawn and _doc(holy_see["s"]) not in off


@pytest.mark.parametrize("iri", [REAIM, PARIS])
def test_principles_are_listed(shipped_client: httpx.Client, store: Store, iri: str) -> None:
    expected = {_doc(p) for p in _objects(store, iri, "gk:hasPrinciple")}
    page = _get(shipped_client, _doc(iri))
    shown = {
        _path(li.xpath("a")[0].get("href")) for li in page.xpath("//ul[@class='principles']/li")
    }
    assert expected and shown == expected


_STANCE_DATES = """SELECT ?i ?s (SAMPLE(?d) AS ?act) (SAMPLE(?o) AS ?asOf) WHERE {
  ?s a gk:Stance ; gk:instrument ?i . OPTIONAL { ?s dcterms:date ?d } OPTIONAL { ?s gk:asOf ?o }
} GROUP BY ?i ?s"""


_STANCE_SOURCES = """SELECT ?i ?s ?src WHERE {
  ?s a gk:Stance ; gk:instrument ?i ; prov:wasDerivedFrom ?src }"""


@pytest.mark.parametrize("iri", [REAIM, PARIS])
def test_stances_are_sorted_by_date_and_as_of_dates_are_marked(
    shipped_client: httpx.Client, store: Store, iri: str
) -> None:
    dates = {_doc(r["s"]): (r["act"], r["asOf"]) for r in _select(store, _STANCE_DATES, i=iri)}
    sources: dict[str, set[str]] = {}
    for r in _select(store, _STANCE_SOURCES, i=iri):
        sources.setdefault(_doc(r["s"]), set()).add(_doc(r["src"]))
    rows = _cells(_section(_get(shipped_client, _doc(iri)), "Stances by date"))
    assert len(rows) == len(dates)
    order, as_of = [], 0
    for row in rows:
        (stance,) = _links(row["Stance"])
        act, listed = dates[stance]
        order.append(act or listed or "9999")
        # Sources collapse to a short citation that expands to every one of them.
        cited = row["Sources"].xpath("details[@class='cite']")
        assert cited and all(_text(d.find("summary")) for d in cited)
        assert sources[stance] <= _links(cited[0])
        abbrs = row["Date"].xpath(".//abbr")
        if act:
            assert "date-act" in _classes(abbrs[0]) and _text(abbrs[0]).endswith(act)
        elif listed:
            assert "date-as-of" in _classes(abbrs[0]) and _text(abbrs[0]).endswith(listed)
            as_of += 1
    assert order == sorted(order)
    assert as_of == sum(1 for act, listed in dates.values() if listed and not act)
    if iri == REAIM:  # most of the list is the ministry's, as of 2026-07-17
        assert as_of > 0


@pytest.mark.parametrize("iri", PROFILED)
def test_downloads_hold_the_catalogue_rows(
    shipped_client: httpx.Client, store: Store, iri: str
) -> None:
    name = _slug(iri)
    raw = lxml.html.fromstring(shipped_client.get(_doc(iri)).text)
    # The page links its downloads relatively (./X.stances.csv), the form a crawl follows.
    hrefs = raw.xpath("//p[@class='downloads']//a/@href")
    assert sorted(hrefs) == [f"./{name}.stances.csv", f"./{name}.stances.json"]
    as_csv = shipped_client.get(f"/doc/instrument/{name}.stances.csv")
    as_json = shipped_client.get(f"/doc/instrument/{name}.stances.json")
    assert as_csv.status_code == as_json.status_code == 200
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_json.headers["content-type"] == "application/json"
    rows = _csv(as_csv.text)
    body = json.loads(as_json.text)
    assert body["rows"] == rows and body["columns"] == list(rows[0])
    assert body["instrument"] == iri
    assert body["coverage"] == instrument_coverage(store, [iri])[0].as_json()
    assert len(rows) == int(_select(store, _STANCE_COUNT, i=iri)[0]["n"])
    # The catalogue answers a row per (actor, kind, date, dateKind) with the sources of its
    # stances joined (GROUP BY): two stances that differ only in their sources are one row
    # there and two here.  So both are compared as sets of those keys, sources merged.
    answer = shipped_client.get(f"/queries/stances-on-instrument.csv?instrument={quote(iri)}")
    assert answer.status_code == 200
    catalogue = _csv(answer.text)

    def keyed(found: list[dict[str, str]]) -> dict[tuple[str, ...], set[str]]:
        merged: dict[tuple[str, ...], set[str]] = {}
        for r in found:
            key = (r["actor"], r["kind"], r["date"], r["dateKind"])
            merged.setdefault(key, set()).update(r["sources"].split())
        return merged

    assert keyed(rows) == keyed(catalogue)
    assert {r["actorLabel"] for r in rows} == {r["actorLabel"] for r in catalogue}


def test_a_long_stance_table_is_paged(shipped_client: httpx.Client, store: Store) -> None:
    """The UN vote's 193 stances come in pages; together they are every stance, once."""
    expected = {_doc(r["s"]) for r in _select(store, _STANCE_DATES, i=UNGA)}
    seen: list[str] = []
    for number in (1, 2):
        path = _doc(UNGA) if number == 1 else _doc(UNGA).replace(".html", f".page-{number}.html")
        rows = _cells(_section(_get(shipped_client, path), "Stances by date"))
        seen += [p for row in rows for p in _links(row["Stance"])]
    assert len(expected) > 100 and sorted(seen) == sorted(expected)


def test_a_download_of_an_unknown_instrument_is_404(shipped_client: httpx.Client) -> None:
    assert shipped_client.get("/doc/instrument/no-such-thing.stances.csv").status_code == 404


# --- the state profile --------------------------------------------------------------------------

_DATED = """SELECT ?a ?s ?k (COUNT(?d) AS ?dates) WHERE {
  ?s a gk:Stance ; gk:actor ?a ; gk:stanceKind ?k .
  OPTIONAL { ?s dcterms:date|gk:asOf|gk:instrument/dcterms:date
               |gk:instrument/gk:adoptedAt/schema:startDate ?d }
} GROUP BY ?a ?s ?k"""


@pytest.mark.parametrize("code", sorted(ACTORS))
def test_timeline_has_a_mark_per_dated_stance(
    shipped_client: httpx.Client, store: Store, code: str
) -> None:
    iri = ACTORS[code]
    dated = Counter("st-" + _slug(r["k"]) for r in _select(store, _DATED, a=iri) if int(r["dates"]))
    page = _get(shipped_client, _doc(iri))
    marks = page.xpath("//figure[@id='timeline']//*[local-name()='g'][contains(@class, 'mark ')]")
    shown = Counter(c for m in marks for c in _classes(m) if c.startswith("st-"))
    assert len(marks) == sum(dated.values()) > 0
    assert shown == dated
    # One axis, a lane per kind of instrument: UN votes, summit documents, the others.
    votes = {_doc(r["i"]) for r in _select(store, "SELECT ?i WHERE { ?i a gk:Resolution }")}
    summits = {
        _doc(r["i"]) for r in _select(store, "SELECT ?i WHERE { ?i gk:adoptedAt/a gk:Summit }")
    }
    for lane in page.xpath("//figure[@id='timeline']//*[local-name()='g'][@class='lane']"):
        name = _text(lane.xpath(".//*[@class='lane-label']")[0])
        for href in lane.xpath(".//*[local-name()='a']/@href"):
            linked = _path(href)
            want = "Other instruments"
            if linked in votes or linked in summits:
                want = "UN votes" if linked in votes else "Summit documents"
            assert name == want, (linked, name)


def _neighbour_rows(page: HtmlElement, heading: str, own: str) -> list[dict[str, Any]]:
    found = []
    for row in _cells(_section(page, heading, "h3")):
        (compare,) = row[""].xpath(".//a[@class='compare']/@href")
        codes = _path(compare).removeprefix("/compare/").removesuffix(".html").split("/")
        assert own in codes and codes == sorted(codes)
        found.append(
            {
                "code": next(c for c in codes if c != own),
                "compare": _path(compare),
                "actor": _links(row["Actor"]),
                "agreement": _text(row["Agreement"]),
                "kappa": _text(row["κ"]),
                "n": int(_text(row["n"])),
            }
        )
    return found


@pytest.mark.parametrize("code", ["USA", "CHN", "EU"])
def test_closest_and_furthest_are_align_pairs(
    shipped_client: httpx.Client,
    store: Store,
    all_pairs: dict[frozenset[str], dict[str, Any]],
    code: str,
) -> None:
    page = _get(shipped_client, _doc(ACTORS[code]))
    most = _neighbour_rows(page, "Agrees most with", code)
    least = _neighbour_rows(page, "Agrees least with", code)
    assert most and least
    actors = {r["c"]: r["a"] for r in _select(store, _CODES)}
    for row in most + least:
        assert row["actor"] == {_doc(actors[row["code"]])}
        pair = _pair(store, code, row["code"])
        assert row["n"] == pair["n"] >= 3
        assert row["agreement"] == f"{pair['agreement']:.0%}"
        kappa = pair["kappa"]
        assert row["kappa"] == ("undefined" if kappa is None else f"{kappa:.2f}")
        assert shipped_client.get(row["compare"]).status_code == 200
    # Ranked as documented: by agreement, then n (more first), then code; least the reverse.
    mine = [
        (r["agreement"], r["n"], (set(p) - {code}).pop()) for p, r in all_pairs.items() if code in p
    ]
    ranked = [c for _a, _n, c in sorted(mine, key=lambda x: (-x[0], -x[1], x[2]))]
    assert [r["code"] for r in most] == ranked[: len(most)]
    assert [r["code"] for r in least] == list(reversed(ranked))[: len(least)]


def test_agreement_map_bins_each_state_by_its_agreement(
    shipped_client: httpx.Client,
    states: list[dict[str, str]],
    all_pairs: dict[frozenset[str], dict[str, Any]],
) -> None:
    drawn = _map(_get(shipped_client, _doc(ACTORS["USA"])), "How closely each state agrees")
    binned = 0
    for s in states:
        if s["m49"] not in drawn:
            continue
        classes = drawn[s["m49"]]
        pair = all_pairs.get(frozenset(("USA", s["iso3"])))
        if s["iso3"] == "USA":
            assert "self" in classes
        elif pair is not None:
            assert f"ag-{agreement_bin(pair['agreement'])}" in classes, (s, classes)
            binned += 1
        else:
            assert not any(c.startswith("ag-") or c == "self" for c in classes), (s, classes)
    assert binned > 50


_ROLES = """SELECT ?a ?person ?post WHERE {
  ?h a gk:RoleHolding ; org:organization ?a ; org:member ?person ; org:role/rdfs:label ?post }"""
_QUOTES = """SELECT ?a ?q ?text ?speaker ?src WHERE {
  ?q a gk:Quotation ; schema:text ?text .
  { ?q gk:onBehalfOf ?a } UNION { ?q gk:speakerRole/org:organization ?a }
  OPTIONAL { ?q gk:speaker ?speaker } OPTIONAL { ?q prov:wasDerivedFrom ?src } }"""
_DIALOGUES = """SELECT ?a ?b ?item WHERE {
  ?item gk:party ?a , ?b ; a ?t . VALUES ?t { gk:BilateralDialogue gk:BilateralMeeting } }"""


def test_officials_quotes_and_dialogues_of_the_usa(
    shipped_client: httpx.Client, store: Store
) -> None:
    usa, china = ACTORS["USA"], ACTORS["CHN"]
    page = _get(shipped_client, _doc(usa))
    officials = {
        (frozenset(_links(r["Person"])), _text(r["Post"]))
        for r in _cells(_section(page, "Officials"))
    }
    roles = _select(store, _ROLES, a=usa)
    assert roles
    for role in roles:
        assert (frozenset({_doc(role["person"])}), role["post"]) in officials
    said: dict[str, dict[str, Any]] = {}
    for r in _select(store, _QUOTES, a=usa):
        said.setdefault(r["q"], {**r, "sources": set()})["sources"].add(_doc(r["src"]))
        assert r["src"], "every quotation has a source"
    figures = page.xpath("//figure[@class='quote']")
    assert said and len(figures) == len(said)
    shown = [(_text(f.find("blockquote")), _links(f.find("figcaption"))) for f in figures]
    for quoted in said.values():
        links = next(links for text, links in shown if text == " ".join(quoted["text"].split()))
        assert _doc(quoted["speaker"]) in links and quoted["sources"] <= links
    dialogues = {_doc(r["item"]) for r in _select(store, _DIALOGUES, a=usa, b=china)}
    rows = _cells(_section(page, "Dialogues and meetings"))
    china_label = _select(store, "SELECT ?s ?l WHERE { ?s rdfs:label ?l }", s=china)[0]["l"]
    with_china = set()
    for row in rows:
        if china_label in _text(row["With"]):
            with_china |= _links(row["Dialogue or meeting"])
    assert dialogues and dialogues == with_china


@pytest.mark.parametrize("code", ["USA", "EU"])
def test_state_downloads_hold_the_catalogue_rows(
    shipped_client: httpx.Client, store: Store, code: str
) -> None:
    """An actor's stance table as CSV and JSON: the same rows, and the rows the catalogue's
    stances-on-instrument gives for this actor on each of its instruments."""
    iri = ACTORS[code]
    name = _slug(iri)
    raw = lxml.html.fromstring(shipped_client.get(_doc(iri)).text)
    hrefs = raw.xpath("//p[@class='downloads']//a/@href")
    assert sorted(hrefs) == [f"./{name}.stances.csv", f"./{name}.stances.json"]
    folder = _doc(iri).rsplit("/", 1)[0]
    rows = _csv(shipped_client.get(f"{folder}/{name}.stances.csv").text)
    body = json.loads(shipped_client.get(f"{folder}/{name}.stances.json").text)
    assert body["rows"] == rows and body["actor"] == iri and body["columns"] == list(rows[0])
    count = (
        "SELECT ?a (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Stance ; gk:actor ?a } GROUP BY ?a"
    )
    assert len(rows) == int(_select(store, count, a=iri)[0]["n"])
    mine: set[tuple[str, ...]] = set()
    for instrument in sorted({r["instrument"] for r in rows}):
        answer = shipped_client.get(
            f"/queries/stances-on-instrument.csv?instrument={quote(instrument)}"
        )
        assert answer.status_code == 200
        mine |= {
            (instrument, r["kind"], r["date"], r["dateKind"])
            for r in _csv(answer.text)
            if r["actor"] == iri
        }
    assert {(r["instrument"], r["kind"], r["date"], r["dateKind"]) for r in rows} == mine


# --- compare two actors -------------------------------------------------------------------------


def test_compare_json_is_the_align_pair(shipped_client: httpx.Client, store: Store) -> None:
    response = shipped_client.get("/compare/CHN/USA.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = json.loads(response.text)
    report = run_align(store, AlignRequest(pair=("CHN", "USA")))
    assert body["measures"] == {m["measure"]: m["value"] for m in _records(report)}
    assert body["instruments"] == _records(report, 1)
    years = run_align(store, AlignRequest(pair=("CHN", "USA"), window=1))
    assert body["by_year"] == _records(years, -1) and body["by_year"]
    assert body["coverage"] == report.coverage.as_json()
    assert [a["code"] for a in body["actors"]] == ["CHN", "USA"]
    assert [a["iri"] for a in body["actors"]] == [ACTORS["CHN"], ACTORS["USA"]]


def test_compare_csv_is_the_cli_output(shipped_client: httpx.Client) -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(ROOT), "align", "--pair", "CHN", "USA", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    response = shipped_client.get("/compare/CHN/USA.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert _csv(response.text) == _csv(result.stdout) != []


def _value(value: Any) -> str:
    if value is None or value == "":
        return "undefined"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def test_compare_page_shows_the_measures_and_instruments(
    shipped_client: httpx.Client, store: Store
) -> None:
    page = _get(shipped_client, "/compare/CHN/USA.html")
    report = run_align(store, AlignRequest(pair=("CHN", "USA")))
    measures = {m["measure"]: m["value"] for m in _records(report)}
    shown = {_text(r["Measure"]): _text(r["Value"]) for r in _cells(_section(page, "Measures"))}
    assert shown == {k: _value(v) for k, v in measures.items() if k != "note"}
    (heading,) = page.xpath("//h2[starts-with(normalize-space(.), 'Measures')]")
    assert f"(n = {measures['n']})" in _text(heading)
    rows = _cells(_section(page, "Instrument by instrument"))
    instruments = _records(report, 1)
    assert len(rows) == len(instruments)
    for row, item in zip(rows, instruments, strict=True):
        assert _links(row["Instrument"]) == {_doc(INSTRUMENT + item["instrument"])}
        assert _text(row["CHN"]).endswith(item["CHN"]) and _text(row["USA"]).endswith(item["USA"])
        assert _text(row["Counted"]) == ("yes" if item["counted"] else "no")
    years = _cells(_section(page, "By year"))
    by_year = _records(run_align(store, AlignRequest(pair=("CHN", "USA"), window=1)), -1)
    assert [
        (_text(r["Year"]), int(_text(r["n"])), _text(r["Agreement"]), _text(r["κ"])) for r in years
    ] == [(str(y["period"]), y["n"], _value(y["agreement"]), _value(y["kappa"])) for y in by_year]
    marks = "//figure[@id='years']//*[local-name()='g'][@class='year-point' or @class='gap']"
    points = page.xpath(marks)  # a year with no value is a gap with its n on the axis
    shown_years = {
        int(_text(p.xpath("*[local-name()='title']")[0])[:4]): (
            p.get("class"),
            _text(p.xpath("*[local-name()='text']")[0]),
        )
        for p in points
    }
    years_n = {int(y["period"]): y for y in by_year}
    first, last = min(years_n), max(years_n)
    assert sorted(shown_years) == list(range(first, last + 1))  # the years between are gaps
    for year, (css, n) in shown_years.items():
        y = years_n.get(year, {"n": 0, "agreement": None})
        assert (css, n) == ("gap" if y["agreement"] is None else "year-point", f"n={y['n']}")
    assert {"/compare/CHN/USA.csv", "/compare/CHN/USA.json"} <= _links(page)


def test_compare_an_unknown_actor_is_404_with_the_cli_suggestion(
    shipped_client: httpx.Client, store: Store
) -> None:
    response = shipped_client.get("/compare/USA/XXX.html")
    assert response.status_code == 404
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "align", "--pair", "USA", "XXX"])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert response.text.strip() == line.removeprefix("Error: ")
    suggested = re.search(r"did you mean ([A-Z]{3})\b", response.text)
    assert suggested is not None
    has_stance = "SELECT ?c WHERE { ?s a gk:Stance ; gk:actor/gk:iso3 ?c } GROUP BY ?c"
    assert suggested.group(1) in {r["c"] for r in _select(store, has_stance)}


def test_compare_an_actor_with_itself_is_400(shipped_client: httpx.Client) -> None:
    response = shipped_client.get("/compare/USA/USA.html")
    assert response.status_code == 400
    assert "two different actors" in response.text


@pytest.mark.parametrize("bad", ["abc", "0", "2.5"])
def test_compare_with_a_bad_page_number_is_400(shipped_client: httpx.Client, bad: str) -> None:
    response = shipped_client.get("/compare/CHN/USA.html", params={"page": bad})
    assert response.status_code == 400
    assert f"page {bad!r}: expected a whole number, 1 or more" in response.text
    assert shipped_client.get("/compare/CHN/USA.html", params={"page": "2"}).status_code == 200


# --- the matrix ---------------------------------------------------------------------------------


def _matrix_html(page: HtmlElement) -> dict[tuple[str, str], HtmlElement]:
    """The cells of the matrix page by (actor page, instrument page)."""
    (table,) = page.xpath("//table[@class='matrix']")
    columns = [_path(a.get("href")) for a in table.xpath("thead/tr/th[@class='col']/a")]
    cells = {}
    for tr in table.xpath("tbody/tr"):
        actor = _path(tr.xpath("th/a/@href")[0])
        tds = tr.findall("td")
        assert len(tds) == len(columns)
        cells.update({(actor, column): td for column, td in zip(columns, tds, strict=True)})
    return cells


def _kinds_by_cell(store: Store) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for r in _select(store, _KINDS_ON):
        found.setdefault((r["a"], r["i"]), set()).add(_slug(r["k"]))
    return found


def test_every_matrix_cell_is_the_stance_or_its_absence(
    shipped_client: httpx.Client, store: Store
) -> None:
    page = _get(shipped_client, "/matrix.html")
    cells = _matrix_html(page)
    kinds = {(_doc(a), _doc(i)): k for (a, i), k in _kinds_by_cell(store).items()}
    resolutions = {_doc(r["i"]) for r in _select(store, "SELECT ?i WHERE { ?i a gk:Resolution }")}
    complete = {_doc(r["i"]) for r in _select(store, "SELECT ?i WHERE { ?i gk:listComplete true }")}
    members = {_doc(r["a"]) for r in _select(store, "SELECT ?a WHERE { ?a gk:unStatus 'member' }")}
    assert {a for a, _i in kinds} == {a for a, _i in cells}
    assert {i for _a, i in kinds} == {i for _a, i in cells}
    for (actor, instrument), td in cells.items():
        classes, text = _classes(td), _text(td)
        own = kinds.get((actor, instrument))
        if own:
            (css,) = classes
            assert css.removeprefix("st-") in own
            assert text == _letter(css) + ("*" if len(own) > 1 else "")
            if len(own) > 1:
                assert len(td.get("title").split(" / ")) == len(own)
        elif instrument in resolutions and actor not in members:
            assert classes == {"st-not-party"} and text == "/"
        elif instrument in complete:
            assert classes == {"st-not-listed"} and text == "-"
        else:
            assert classes == {"st-no-record"} and text == ""
    usa_reaim = cells[(_doc(ACTORS["USA"]), _doc(REAIM))]  # documented: declined
    assert _classes(usa_reaim) == {"st-declined"} and _text(usa_reaim) == "D"
    assert _get(shipped_client, "/matrix.page-1.html").xpath("//table[@class='matrix']")


def _letter(css: str) -> str:
    """The palette's letter of a stance class (``st-declined``: D)."""
    return swatch(css.removeprefix("st-")).letter


def _words(cell: str) -> set[str]:
    """A matrix CSV cell as stance kind slugs ("signed / endorsed"; absences: none)."""
    if cell in ("", "not listed", "not a party"):
        return set()
    return {word.replace(" ", "-") for word in cell.split(" / ")}


def test_matrix_csv_has_a_row_per_actor_and_a_column_per_instrument(
    shipped_client: httpx.Client, store: Store
) -> None:
    response = shipped_client.get("/matrix.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = _csv(response.text)
    codes = {r["a"]: r["c"] for r in _select(store, _CODES)}
    kinds = _kinds_by_cell(store)
    assert sorted(r["actor"] for r in rows) == sorted({codes[a] for a, _i in kinds})
    assert set(rows[0]) - {"actor", "label", "region"} == {_slug(i) for _a, i in kinds}
    by_code = {codes[a]: a for a, _i in kinds}
    for row in rows:
        for column, cell in row.items():
            if column not in ("actor", "label", "region"):
                assert _words(cell) == kinds.get(
                    (by_code[row["actor"]], INSTRUMENT + column), set()
                ), (row["actor"], column)


def test_p5_matrix_agrees_with_the_catalogue(shipped_client: httpx.Client, store: Store) -> None:
    matrix = _csv(shipped_client.get("/matrix/p5.csv").text)
    catalogue = _csv(shipped_client.get("/queries/p5-matrix.csv").text)
    labels = {
        _slug(r["k"]): r["l"]
        for r in _select(store, "SELECT ?k ?l WHERE { ?k skos:inScheme ?x ; skos:prefLabel ?l }")
        if r["k"].startswith(KIND)
    }
    assert sorted(r["actor"] for r in matrix) == ["CHN", "FRA", "GBR", "RUS", "USA"]
    columns = set(matrix[0]) - {"actor", "label", "region"}
    used = {_slug(i) for _a, i in _kinds_by_cell(store)}  # instruments with a state's stance
    assert columns == {_slug(r["instrument"]) for r in catalogue} & used
    catalogue = [r for r in catalogue if _slug(r["instrument"]) in used]
    for answer in catalogue:
        for row in matrix:
            got = sorted(labels[k] for k in _words(row[_slug(answer["instrument"])]))
            # The catalogue shows the least and greatest label where the claims differ.
            want = " / ".join(dict.fromkeys([got[0], got[-1]])) if got else ""
            assert answer[row["actor"]] == want, (row["actor"], answer["instrument"])
    page = _get(shipped_client, "/matrix/p5.html")
    actors = {a for a, _i in _matrix_html(page)}
    assert actors == {f"/doc/state/{c}.html" for c in ("CHN", "FRA", "GBR", "RUS", "USA")}


def test_matrix_filters_and_sort(shipped_client: httpx.Client, store: Store) -> None:
    regions = {r["a"]: r["r"] for r in _select(store, "SELECT ?a ?r WHERE { ?a gk:region ?r }")}
    codes = {r["c"]: r["a"] for r in _select(store, _CODES)}
    europe = _csv(shipped_client.get("/matrix.csv?region=Europe").text)
    assert europe and {regions.get(codes[r["actor"]]) for r in europe} == {"Europe"}
    with_stance = {a for a, _i in _kinds_by_cell(store)}
    assert {codes[r["actor"]] for r in europe} == {
        a for a in with_stance if regions.get(a) == "Europe"
    }
    dates = _select(
        store,
        """SELECT ?i (MIN(STR(?own)) AS ?d1) (MIN(STR(?held)) AS ?d2) (MIN(STR(?act)) AS ?d3)
           WHERE { ?s a gk:Stance ; gk:instrument ?i .
             OPTIONAL { ?i dcterms:date ?own } OPTIONAL { ?i gk:adoptedAt/schema:startDate ?held }
             OPTIONAL { ?x gk:instrument ?i ; dcterms:date ?act } } GROUP BY ?i""",
    )
    year = {_slug(r["i"]): int((r["d1"] or r["d2"] or r["d3"] or "0")[:4]) for r in dates}
    recent = set(_csv(shipped_client.get("/matrix.csv?from=2025").text)[0]) - {
        "actor",
        "label",
        "region",
    }
    used = {_slug(i) for _a, i in _kinds_by_cell(store)}
    assert recent == {slug for slug, y in year.items() if y >= 2025} & used != set()
    ranked = _csv(shipped_client.get("/matrix.csv?sort=in-favour").text)
    favour = Counter((a, i) for (a, i), kinds in _kinds_by_cell(store).items() if kinds & IN_FAVOUR)
    per_actor = Counter(a for a, _i in favour)
    counts = [per_actor[codes[r["actor"]]] for r in ranked]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_a_preset_is_filtered_by_region(shipped_client: httpx.Client, store: Store) -> None:
    """The P5 page offers the region filter: it keeps the permanent members of that region."""
    regions = {r["a"]: r["r"] for r in _select(store, "SELECT ?a ?r WHERE { ?a gk:region ?r }")}
    codes = {r["c"]: r["a"] for r in _select(store, _CODES)}
    p5 = [r["actor"] for r in _csv(shipped_client.get("/matrix/p5.csv").text)]
    europe = [r["actor"] for r in _csv(shipped_client.get("/matrix/p5.csv?region=Europe").text)]
    assert europe == [c for c in p5 if regions[codes[c]] == "Europe"]
    assert 0 < len(europe) < len(p5)
    page = _get(shipped_client, "/matrix/p5.html?region=Europe")
    assert {a for a, _i in _matrix_html(page)} == {f"/doc/state/{c}.html" for c in europe}


def _columns(client: httpx.Client, query: str) -> set[str]:
    """The instruments (slugs) of the matrix CSV the query string asks for."""
    response = client.get(f"/matrix.csv?{query}")
    assert response.status_code == 200
    return set(next(csv.reader(io.StringIO(response.text)))) - {"actor", "label", "region"}


def test_matrix_series_type_and_period_filters(shipped_client: httpx.Client, store: Store) -> None:
    used = {_slug(i) for _a, i in _kinds_by_cell(store)}
    reaim = {
        _slug(r["i"])
        for r in _select(
            store,
            "SELECT ?series ?i WHERE { ?i gk:adoptedAt/gk:inSeries ?series }",
            series=DATA_BASE + "series/reaim",
        )
    } & used
    assert reaim and _columns(shipped_client, "series=reaim") == reaim
    votes = {_slug(r["i"]) for r in _select(store, "SELECT ?i WHERE { ?i a gk:Resolution }")}
    assert votes & used and _columns(shipped_client, "type=resolution") == votes & used
    both = _columns(shipped_client, "series=reaim&type=resolution")
    assert both == reaim & votes
    early = _columns(shipped_client, "to=2024")
    late = _columns(shipped_client, "from=2025")
    undated = {"unga-c1-80-l56-first-committee-vote"}  # its sources disagree on the day
    assert early and late and not early & late and early | late == used - undated
    page = _get(shipped_client, "/matrix.html?from=2025")
    (note,) = page.xpath("//p[starts-with(normalize-space(.), 'Left out by the period')]")
    assert "1 instrument(s) the record does not date" in _text(note)
    assert "A/C.1/80/L.56" in _text(note)


def test_matrix_bad_requests(shipped_client: httpx.Client) -> None:
    bad = shipped_client.get("/matrix.html?from=20x")
    assert bad.status_code == 400 and "from" in bad.text and "20x" in bad.text
    assert shipped_client.get("/matrix.html?sort=nope").status_code == 400
    assert shipped_client.get("/matrix/nope.html").status_code == 404


# --- escaping and empty answers on small stores -------------------------------------------------

MARKUP = '<script>alert(1)</script> "quoted"'
_SMALL = f"""
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <{DATA_BASE}> .
id:state\\/XSA a gk:State ; rdfs:label {json.dumps("A " + MARKUP)} ; gk:iso3 "XSA" ;
    gk:m49 "250" ; gk:unStatus "member" ; gk:region "Europe" .
id:state\\/XSB a gk:State ; rdfs:label {json.dumps("B " + MARKUP)} ; gk:iso3 "XSB" ;
    gk:m49 "840" ; gk:unStatus "member" ; gk:region {json.dumps(MARKUP)} .
id:source\\/s a gk:Article ; dcterms:title {json.dumps(MARKUP)} .
id:instrument\\/empty a gk:Declaration ; rdfs:label {json.dumps("Empty " + MARKUP)} .
"""


def _small_turtle() -> str:
    parts = [_SMALL]
    for n, (a, b) in enumerate(
        [("signed", "declined"), ("signed", "signed"), ("endorsed", "voted-no")]
    ):
        parts.append(
            f"id:instrument\\/x{n} a gk:Declaration ; rdfs:label {json.dumps(f'I{n} ' + MARKUP)} ;"
            f' dcterms:date "202{4 + n}-01-01"^^xsd:date ; gk:listComplete true .'
        )
        for state, kind in (("XSA", a), ("XSB", b)):
            parts.append(
                f"id:stance\\/x{n}--{state} a gk:Stance ; gk:instrument id:instrument\\/x{n} ;"
                f" gk:actor id:state\\/{state} ; gk:stanceKind id:stance-kind\\/{kind} ;"
                f' dcterms:date "202{4 + n}-01-01"^^xsd:date ; prov:wasDerivedFrom id:source\\/s .'
            )
    return "\n".join(parts)


@cache
def _ontology() -> list[ox.Quad]:
    project = Project(ROOT)
    return parse_files(project, project.ontology_files())


def _store(turtle: str) -> Store:
    """The shipped ontology and the triples of ``turtle``, in a store of their own."""
    store = OxigraphStore()
    store.load(_ontology())
    store.load(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    return store


@pytest.fixture(scope="module")
def small() -> Iterator[httpx.Client]:
    with in_process(create_app(_store(_small_turtle()), ServerSettings())) as http:
        yield http


SMALL_PAGES = (
    "/doc/instrument/x0.html",
    "/doc/instrument/empty.html",
    "/doc/state/XSA.html",
    "/doc/state/XSB.html",
    "/compare/XSA/XSB.html",
    "/matrix.html",
    "/matrix.html?region=Europe",
)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


@pytest.mark.parametrize("path", SMALL_PAGES)
def test_markup_in_labels_is_escaped(small: httpx.Client, path: str) -> None:
    response = small.get(path)
    assert response.status_code == 200, response.text[:300]
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    page = lxml.html.fromstring(response.text)
    # The only scripts are JSON-LD data blocks, and they still parse (the markup stays data).
    for script in page.iter("script"):
        assert script.get("type") == "application/ld+json"
        assert any(MARKUP in text for text in _strings(json.loads(script.text)))


EVIL = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/compare/USA/{quote(EVIL)}.html", 404),
        (f"/matrix.html?from={quote(EVIL)}", 400),
        (f"/matrix.html?sort={quote(EVIL)}", 400),
        (f"/matrix.html?region={quote(EVIL)}&series=%22%3E%3Cb%3E", 200),
    ],
)
def test_reflected_input_is_escaped(shipped_client: httpx.Client, path: str, status: int) -> None:
    """What a browser sent comes back as text, in the error page or in the page's links."""
    response = shipped_client.get(path, headers={"accept": "text/html"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "<img" not in response.text and '"><b>' not in response.text
    if status != 200:
        assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_labels_round_trip_through_the_markup(small: httpx.Client) -> None:
    """A label with markup and a quote reads back as itself, in text and in attributes."""
    page = lxml.html.fromstring(small.get("/matrix.html").text)
    titles = set(page.xpath("//table[@class='matrix']//th[@class='col']/a/@title"))
    assert titles == {f"I{n} {MARKUP}" for n in range(3)}
    rows = {_text(a) for a in page.xpath("//table[@class='matrix']/tbody/tr/th/a")}
    assert rows == {f"A {MARKUP}", f"B {MARKUP}"}
    compare = lxml.html.fromstring(small.get("/compare/XSA/XSB.html").text)
    assert _text(compare.find(".//h1")) == f"A {MARKUP} and B {MARKUP} compared"
    drawn = _map(_get(small, "/doc/instrument/x0.html"), "Where each state stands")
    assert "st-signed" in drawn["250"] and "st-declined" in drawn["840"]


def test_small_downloads_and_comparison(small: httpx.Client) -> None:
    rows = _csv(small.get("/doc/instrument/x0.stances.csv").text)
    assert sorted((r["actorLabel"], r["kind"]) for r in rows) == [
        (f"A {MARKUP}", "signed"),
        (f"B {MARKUP}", "declined"),
    ]
    body = json.loads(small.get("/compare/XSA/XSB.json").text)
    assert body["measures"]["n"] == 3
    assert [i["counted"] for i in body["instruments"]] == ["yes", "yes", "yes"]


def test_an_instrument_without_stances_says_so(small: httpx.Client) -> None:
    page = _get(small, "/doc/instrument/empty.html")
    (heading,) = page.xpath("//h2[normalize-space(.)='Stances']")
    assert _text(heading.getnext()) == "None recorded."
    assert not page.xpath("//figure[contains(@class, 'chart-bars')]")
    assert json.loads(small.get("/doc/instrument/empty.stances.json").text)["rows"] == []


def test_a_store_without_stances_has_an_empty_matrix() -> None:
    turtle = _SMALL.split("id:source")[0]  # two states and no stance
    with in_process(create_app(_store(turtle), ServerSettings())) as client:
        page = _get(client, "/matrix.html")
        assert not page.xpath("//table[@class='matrix']")
        assert any(_text(p).startswith("No actor has a stance") for p in page.iter("p"))
        response = client.get("/matrix.csv")
        assert response.status_code == 200 and _csv(response.text) == []
        assert _get(client, "/doc/state/XSA.html").xpath("//h1")


def test_the_matrix_pages_its_columns() -> None:
    """More instruments than a page holds: the columns come in pages linked by path, together
    every instrument once; the CSV holds them all."""
    parts = [_SMALL.split("id:source")[0]]
    for n in range(45):
        parts.append(
            f'id:instrument\\/w{n:02d} a gk:Declaration ; rdfs:label "W{n:02d}" ;'
            f' dcterms:date "2025-01-{n % 28 + 1:02d}"^^xsd:date .'
            f" id:stance\\/w{n:02d} a gk:Stance ; gk:instrument id:instrument\\/w{n:02d} ;"
            f" gk:actor id:state\\/XSA ; gk:stanceKind id:stance-kind\\/signed ."
        )
    with in_process(create_app(_store("\n".join(parts)), ServerSettings())) as client:
        first = _get(client, "/matrix.html")
        pager = first.xpath("//nav[@class='pager']//a/@href")
        assert [_path(h) for h in pager] == ["/matrix.page-2.html"]
        second = _get(client, "/matrix.page-2.html")
        columns = [{i for _a, i in _matrix_html(page)} for page in (first, second)]
        assert not columns[0] & columns[1]
        assert columns[0] | columns[1] == {f"/doc/instrument/w{n:02d}.html" for n in range(45)}
        assert len(columns[0]) > len(columns[1]) > 0
        header = next(csv.reader(io.StringIO(client.get("/matrix.csv").text)))
        assert sorted(header[3:]) == [f"w{n:02d}" for n in range(45)]


# --- a published copy ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Store]:
    """A copy of a slice of the project (one instrument) published as a static site, and a
    store of the same slice."""
    from test_publish import BASE, copy_slice

    root = tmp_path_factory.mktemp("profiles")
    sliced = copy_slice(root / "slice")
    outdir = root / "site"
    result = CliRunner().invoke(
        cli, ["--root", str(sliced), "publish", str(outdir), "--base-url", BASE]
    )
    assert result.exit_code == 0, result.output
    return outdir, open_project(sliced)[1]


def test_a_published_copy_holds_the_matrix_and_downloads(
    published: tuple[Path, Store],
) -> None:
    outdir, store = published
    for name in ("matrix.html", "matrix.csv", "matrix/p5.html", "matrix/p5.csv"):
        assert (outdir / name).is_file(), name
    instruments = _select(store, _STANCE_COUNT)
    assert instruments
    for r in instruments:
        base = outdir / "doc" / "instrument"
        rows = _csv((base / f"{_slug(r['i'])}.stances.csv").read_text())
        assert len(rows) == int(r["n"])
        assert json.loads((base / f"{_slug(r['i'])}.stances.json").read_text())["rows"] == rows
    # Every download a page of the copy links to was followed by the crawl.
    linked = 0
    for html in (outdir / "doc").rglob("*.html"):
        for href in re.findall(r'href="\./([^"/]+\.stances\.(?:csv|json))"', html.read_text()):
            assert (html.parent / href).is_file(), (html, href)
            linked += 1
    assert linked >= 2 * len(instruments)
    page = lxml.html.fromstring((outdir / "matrix.html").read_text())
    assert not page.xpath("//form[@class='filters']")
    (note,) = page.xpath("//p[@class='note']")
    assert "filters and sorting need the live server" in _text(note)
    assert not lxml.html.fromstring((outdir / "matrix/p5.html").read_text()).xpath(
        "//form[@class='filters']"
    )
