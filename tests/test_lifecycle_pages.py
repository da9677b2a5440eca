"""The lifecycle on the profile pages (issue 18): an instrument's "Lifecycle" (each lifecycle claim
with its step, its date or as-of date, how and by which body it was adopted, and its sources; a
note where sources disagree) and an actor's "Memberships" (its organisations, or an organisation's
members, with the bounds the record gives and words where one is missing).

Pages of the shipped graph are fetched over the in-process server and parsed with lxml; what a
claim or membership cites comes from a query on the store, not from the page.  The dates, methods
and bodies written here are the documented facts of graph/instrument-records-2026-12.ttl (UNESCO's
Recommendation adopted by consensus on 24 or 25 Nov 2021; CETS 225 in force on 1 Nov 2025 or not
by 29 Sept 2026; the United States in UNESCO until 2018 and from July 2023 to 2026).  A small store
checks escaping and the disagreement rules; a published slice and the slice on Oxigraph's and
Virtuoso's servers must write the same sections.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import httpx
import lxml.html
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml.html import HtmlElement
from paths import ROOT
from servers import in_process

from govkg.cli import cli
from govkg.load import open_project, parse_files
from govkg.namespaces import DATA_BASE
from govkg.project import Project
from govkg.server import ServerSettings, create_app
from govkg.store import OxigraphStore, Store

INSTRUMENT = DATA_BASE + "instrument/"
UNESCO_REC = INSTRUMENT + "unesco-recommendation-ethics-ai-2021"
CETS = INSTRUMENT + "coe-cets-225"
REAIM = INSTRUMENT + "reaim-2026-pathways-to-action"
USA = DATA_BASE + "state/USA"
UNESCO = DATA_BASE + "org/UNESCO"
CLAIM = DATA_BASE + "claim/"
MEMBERSHIP = DATA_BASE + "membership/"


# --- helpers ------------------------------------------------------------------------------------


def _doc(iri: str) -> str:
    return "/doc/" + iri.removeprefix(DATA_BASE) + ".html"


def _iri(href: str | None) -> str:
    """The resource IRI of a page link (``../../doc/org/UNESCO.html`` → its IRI)."""
    assert href is not None
    return DATA_BASE + href.split("/doc/", 1)[1].removesuffix(".html")


def _page(client: httpx.Client, iri: str) -> HtmlElement:
    response = client.get(_doc(iri))
    assert response.status_code == 200, (iri, response.text[:300])
    return lxml.html.fromstring(response.text)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _section(page: HtmlElement, css: str) -> HtmlElement | None:
    found = page.xpath("//section[@class=$c]", c=css)
    assert len(found) <= 1
    return found[0] if found else None


def _rows(table: HtmlElement) -> list[dict[str, HtmlElement]]:
    """The body rows of a table, each cell by its data-label."""
    return [{td.get("data-label"): td for td in tr.findall("td")} for tr in table.xpath("tbody/tr")]


def _link(cell: HtmlElement) -> tuple[str, str]:
    """The one link of a cell: (IRI of the page, its text)."""
    (a,) = cell.findall("a")
    return _iri(a.get("href")), _text(a)


def _cited(cell: HtmlElement) -> set[str]:
    """The sources a short citation lists when expanded, as IRIs."""
    return {_iri(li.find("a").get("href")) for li in cell.xpath(".//ul[@class='sources']/li")}


def _derived(store: Store, subject: str) -> set[str]:
    rows = store.query(
        "SELECT ?s ?o WHERE { ?s prov:wasDerivedFrom ?o }", {"s": ox.NamedNode(subject)}
    ).records()
    return {row.text("o") for row in rows}


def _claims_about(store: Store, instrument: str) -> set[str]:
    rows = store.query(
        "SELECT ?i ?c WHERE { ?c a gk:LifecycleClaim ; gk:about ?i }",
        {"i": ox.NamedNode(instrument)},
    ).records()
    return {row.text("c") for row in rows}


def _note_items(section: HtmlElement) -> list[str]:
    return [_text(li) for li in section.xpath("div[contains(@class, 'note')]/ul/li")]


def _lifecycle_rows(page: HtmlElement) -> list[dict[str, HtmlElement]]:
    section = _section(page, "lifecycle")
    assert section is not None
    (table,) = section.xpath(".//table")
    return _rows(table)


# --- an instrument's lifecycle ------------------------------------------------------------------


def test_unesco_recommendation_shows_both_adoption_claims(
    shipped_client: httpx.Client, store: Store
) -> None:
    page = _page(shipped_client, UNESCO_REC)
    section = _section(page, "lifecycle")
    assert section is not None
    assert _text(section.find("h2")) == "Lifecycle (2 claims)"
    rows = _lifecycle_rows(page)
    seen = [
        (
            _text(r["Step"]),
            _text(r["Date"]),
            r["Date"].find("abbr").get("class"),
            _link(r["How"]),
            _link(r["Adopted by"]),
            _link(r["Claim"])[0],
            _cited(r["Sources"]),
        )
        for r in rows
    ]
    method = (DATA_BASE + "adoption-method/consensus", "by consensus")
    body = (DATA_BASE + "org/UNESCO-general-conference", "General Conference of UNESCO")
    first = CLAIM + "unesco-recommendation-ethics-ai-2021-adopted-2021-11-24"
    second = CLAIM + "unesco-recommendation-ethics-ai-2021-adopted-2021-11-25"
    assert seen == [
        ("adopted sources disagree", "2021-11-24", "date date-act", method, body, first,
         _derived(store, first)),
        ("adopted sources disagree", "2021-11-25", "date date-act", method, body, second,
         _derived(store, second)),
    ]  # fmt: skip
    assert _cited(rows[0]["Sources"]) != _cited(rows[1]["Sources"])
    assert _note_items(section) == ["on the date it was adopted: 2021-11-24; 2021-11-25 (2 claims)"]
    assert "The sources disagree." in _text(section.xpath("div[contains(@class, 'note')]")[0])


def test_cets_225_shows_the_entry_into_force_claims_that_disagree(
    shipped_client: httpx.Client, store: Store
) -> None:
    page = _page(shipped_client, CETS)
    section = _section(page, "lifecycle")
    assert section is not None
    headers = [_text(th) for th in section.xpath(".//thead/tr/th")]
    assert headers == ["Step", "Date", "Claim", "Sources"]  # nothing adopted: no how, no body
    rows = _lifecycle_rows(page)
    force = CLAIM + "coe-cets-225-entered-into-force-2025-11-01-teleo-codex"
    not_yet = CLAIM + "coe-cets-225-not-in-force-2026-09-29-fixplanet"
    seen = [
        (_text(r["Step"]), _text(r["Date"]), r["Date"].find("abbr").get("class"),
         _link(r["Claim"])[0], _cited(r["Sources"]))
        for r in rows
    ]  # fmt: skip
    assert seen == [
        ("entered into force sources disagree", "2025-11-01", "date date-act", force,
         _derived(store, force)),
        ("not in force sources disagree", "not in force as of 2026-09-29", "date date-as-of",
         not_yet, _derived(store, not_yet)),
    ]  # fmt: skip
    assert _derived(store, force) != _derived(store, not_yet)  # two sources, both shown
    assert _note_items(section) == [
        "on whether it was in force: entered into force on 2025-11-01; "
        "not in force as of 2026-09-29 (2 claims)"
    ]


def test_every_lifecycle_claim_is_on_its_instruments_page(
    shipped_client: httpx.Client, store: Store
) -> None:
    rows = store.query("SELECT DISTINCT ?i WHERE { ?c a gk:LifecycleClaim ; gk:about ?i }")
    instruments = sorted(row.text("i") for row in rows.records())
    assert len(instruments) >= 8
    for iri in instruments:
        page = _page(shipped_client, iri)
        claims = {_link(r["Claim"])[0]: r for r in _lifecycle_rows(page)}
        assert set(claims) == _claims_about(store, iri), iri
        for claim, row in claims.items():
            assert _cited(row["Sources"]) == _derived(store, claim), claim
        # After the header's facts and reported counts, before the stances.
        path = "//div[@class='profile']/section/h2 | //div[@class='profile']/h2"
        headings = [_text(h) for h in page.xpath(path)]
        at = next(n for n, h in enumerate(headings) if h.startswith("Lifecycle"))
        assert all(not h.startswith("Reported counts") for h in headings[at + 1 :]), iri
        assert all(not h.startswith(("Stances", "Map")) for h in headings[:at]), iri


def test_an_instrument_without_claims_has_no_lifecycle_section(
    shipped_client: httpx.Client, store: Store
) -> None:
    assert _claims_about(store, REAIM) == set()
    page = _page(shipped_client, REAIM)
    assert _section(page, "lifecycle") is None
    assert not page.xpath("//h2[starts-with(normalize-space(.), 'Lifecycle')]")
    assert page.xpath("//h2[starts-with(normalize-space(.), 'Stances by date')]")  # still a profile


# --- an actor's memberships ---------------------------------------------------------------------


def _membership_rows(page: HtmlElement) -> list[tuple[object, ...]]:
    section = _section(page, "memberships")
    assert section is not None
    (table,) = section.xpath(".//table")
    return [
        (
            *_link(next(iter(r.values()))),
            _link(r["Membership"])[0],
            _text(r["From"]),
            _text(r["To"]),
            _cited(r["Sources"]),
        )
        for r in _rows(table)
    ]


def test_usa_shows_both_unesco_memberships_with_their_bounds(
    shipped_client: httpx.Client, store: Store
) -> None:
    page = _page(shipped_client, USA)
    section = _section(page, "memberships")
    assert section is not None
    assert _text(section.find("h2")) == "Memberships (2)"
    assert [_text(th) for th in section.xpath(".//thead/tr/th")] == [
        "Organisation", "Membership", "From", "To", "Sources",
    ]  # fmt: skip
    until, since = MEMBERSHIP + "usa-unesco-until-2018", MEMBERSHIP + "usa-unesco-2023"
    assert _membership_rows(page) == [
        (UNESCO, "UNESCO", until, "beginning not recorded", "2018-12-31", _derived(store, until)),
        (UNESCO, "UNESCO", since, "2023-07 (month)", "2026-12-31", _derived(store, since)),
    ]
    (missing,) = section.xpath(".//td[@data-label='From']/span[@class='date date-unknown']")
    assert _text(missing) == "beginning not recorded"


def test_unesco_lists_its_members_memberships(shipped_client: httpx.Client, store: Store) -> None:
    page = _page(shipped_client, UNESCO)
    section = _section(page, "memberships")
    assert section is not None
    assert _text(section.xpath(".//thead/tr/th")[0]) == "Member"
    until, since = MEMBERSHIP + "usa-unesco-until-2018", MEMBERSHIP + "usa-unesco-2023"
    usa = (USA, "United States of America")
    assert _membership_rows(page) == [
        (*usa, until, "beginning not recorded", "2018-12-31", _derived(store, until)),
        (*usa, since, "2023-07 (month)", "2026-12-31", _derived(store, since)),
    ]


def test_an_actor_without_memberships_has_no_section(shipped_client: httpx.Client) -> None:
    page = _page(shipped_client, DATA_BASE + "state/CHN")
    assert _section(page, "memberships") is None
    assert page.xpath("//h2[starts-with(normalize-space(.), 'Stances over time')]")


# --- escaping and the disagreement rules on a small store ---------------------------------------

MARKUP = '<script>alert(1)</script> "quoted"'
_SMALL = f"""
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix id: <{DATA_BASE}> .
id:state\\/XSA a gk:State ; rdfs:label {json.dumps("A " + MARKUP)} ; gk:iso3 "XSA" ;
    gk:m49 "250" ; gk:unStatus "member" .
id:org\\/XO a gk:InternationalOrganisation ; rdfs:label {json.dumps("O " + MARKUP)} .
id:org\\/XO-body a org:OrganizationalUnit ; rdfs:label {json.dumps("Body " + MARKUP)} ;
    org:unitOf id:org\\/XO .
id:source\\/s a gk:Article ; dcterms:title {json.dumps("S " + MARKUP)} .
id:source\\/t a gk:Article ; dcterms:title {json.dumps("T " + MARKUP)} .
id:instrument\\/x a gk:Convention ; rdfs:label {json.dumps("X " + MARKUP)} .
id:claim\\/x-month a gk:LifecycleClaim ; rdfs:label {json.dumps("C1 " + MARKUP)} ;
    gk:about id:instrument\\/x ; gk:lifecycleStep id:lifecycle-step\\/adopted ;
    gk:adoptionMethod id:adoption-method\\/recorded-vote ; gk:adoptedBy id:org\\/XO-body ;
    dcterms:date "2024-05"^^xsd:gYearMonth ; prov:wasDerivedFrom id:source\\/s .
id:claim\\/x-day a gk:LifecycleClaim ; rdfs:label {json.dumps("C2 " + MARKUP)} ;
    gk:about id:instrument\\/x ; gk:lifecycleStep id:lifecycle-step\\/adopted ;
    gk:adoptionMethod id:adoption-method\\/consensus ; gk:adoptedBy id:org\\/XO-body ;
    dcterms:date "2024-05-02"^^xsd:date ; prov:wasDerivedFrom id:source\\/t .
id:claim\\/x-not-yet a gk:LifecycleClaim ; rdfs:label {json.dumps("C3 " + MARKUP)} ;
    gk:about id:instrument\\/x ; gk:lifecycleStep id:lifecycle-step\\/not-in-force ;
    gk:asOf "2024-12-01"^^xsd:date ; prov:wasDerivedFrom id:source\\/s .
id:claim\\/x-force a gk:LifecycleClaim ; rdfs:label {json.dumps("C4 " + MARKUP)} ;
    gk:about id:instrument\\/x ; gk:lifecycleStep id:lifecycle-step\\/entered-into-force ;
    dcterms:date "2025-01"^^xsd:gYearMonth ; prov:wasDerivedFrom id:source\\/s , id:source\\/t .
id:membership\\/m a gk:Membership ; rdfs:label {json.dumps("M " + MARKUP)} ;
    org:member id:state\\/XSA ; org:organization id:org\\/XO ;
    org:memberDuring [ a <http://www.w3.org/2006/time#Interval> ;
        time:hasBeginning [ time:inXSDDate "2020-01-01"^^xsd:date ] ] ;
    prov:wasDerivedFrom id:source\\/t .
"""


@cache
def _ontology() -> list[ox.Quad]:
    project = Project(ROOT)
    return parse_files(project, project.ontology_files())


@pytest.fixture(scope="module")
def small() -> Iterator[httpx.Client]:
    store = OxigraphStore()
    store.load(_ontology())
    store.load(ox.parse(_SMALL, format=ox.RdfFormat.TURTLE))
    with in_process(create_app(store, ServerSettings())) as http:
        yield http


@pytest.mark.parametrize("path", ["/doc/instrument/x.html", "/doc/state/XSA.html",
                                  "/doc/org/XO.html"])  # fmt: skip
def test_markup_in_lifecycle_and_membership_labels_is_escaped(
    small: httpx.Client, path: str
) -> None:
    response = small.get(path)
    assert response.status_code == 200, response.text[:300]
    assert "<script>alert" not in response.text
    page = lxml.html.fromstring(response.text)
    section = _section(page, "lifecycle" if "instrument" in path else "memberships")
    assert section is not None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in lxml.html.tostring(section, encoding=str)
    texts = {_text(a) for a in section.iter("a")}
    assert MARKUP in " ".join(texts)  # the labels read back as written, as text


def test_small_lifecycle_rows_and_the_disagreements_found(small: httpx.Client) -> None:
    page = _page(small, INSTRUMENT + "x")
    section = _section(page, "lifecycle")
    assert section is not None
    seen = [
        (_text(r["Step"]), _text(r["Date"]), _text(r["How"]), _text(r["Adopted by"]),
         _text(r["Claim"]))
        for r in _lifecycle_rows(page)
    ]  # fmt: skip
    body = "Body " + MARKUP
    assert seen == [
        ("adopted sources disagree", "2024-05 (month)", "in a recorded vote", body, "C1 " + MARKUP),
        ("adopted sources disagree", "2024-05-02", "by consensus", body, "C2 " + MARKUP),
        ("not in force", "not in force as of 2024-12-01", "", "", "C3 " + MARKUP),
        ("entered into force", "2025-01 (month)", "", "", "C4 " + MARKUP),
    ]
    # 2024-05 and 2024-05-02 agree (one is part of the other); not in force on 2024-12-01 and in
    # force from 2025-01 agree; only the method differs.
    assert _note_items(section) == [
        "on how it was adopted: in a recorded vote; by consensus (2 claims)"
    ]


def test_a_membership_without_an_end_says_so(small: httpx.Client) -> None:
    for iri, other in ((DATA_BASE + "state/XSA", "O "), (DATA_BASE + "org/XO", "A ")):
        rows = _membership_rows(_page(small, iri))
        assert [(r[1], r[3], r[4]) for r in rows] == [
            (other + MARKUP, "2020-01-01", "still a member as far as the record says")
        ]


# --- the static site and other stores write the same sections ----------------------------------

SLICE = (
    "ontology",
    "graph/reference",
    "graph/organisations.ttl",
    "graph/instrument-records-2026-12.ttl",
    "graph/instruments/coe-cets-225.ttl",
    "graph/instruments/reaim-2026-pathways-to-action.ttl",
)
SLICE_PAGES = (UNESCO_REC, CETS, REAIM, USA, UNESCO)


def _copy_slice(root: Path) -> Path:
    for part in SLICE:
        source, target = ROOT / part, root / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    return root


@pytest.fixture(scope="module")
def slice_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_slice(tmp_path_factory.mktemp("lifecycle-slice"))


def _sections(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    found = page.xpath("//section[@class='lifecycle' or @class='memberships']")
    return [lxml.html.tostring(s, encoding=str) for s in found]


def _served_sections(store: Store) -> dict[str, list[str]]:
    with in_process(create_app(store, ServerSettings())) as http:
        answers = {iri: http.get(_doc(iri)) for iri in SLICE_PAGES}
    assert all(a.status_code == 200 for a in answers.values())
    return {iri: _sections(a.text) for iri, a in answers.items()}


def test_the_static_site_writes_the_same_sections(
    slice_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outdir = tmp_path_factory.mktemp("lifecycle-site") / "site"
    args = ["--root", str(slice_root), "publish", str(outdir), "--base-url", "https://e.org/g/"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    served = _served_sections(open_project(slice_root)[1])
    written = {
        iri: _sections((outdir / _doc(iri).lstrip("/")).read_text(encoding="utf-8"))
        for iri in SLICE_PAGES
    }
    assert written == served
    assert [len(written[i]) for i in SLICE_PAGES] == [1, 1, 0, 1, 1]


@pytest.mark.parametrize("server_fixture", ["oxigraph_server", "virtuoso_server"])
def test_other_stores_write_the_same_sections(
    slice_root: Path, request: pytest.FixtureRequest, server_fixture: str
) -> None:
    spec = str(request.getfixturevalue(server_fixture))
    loaded = CliRunner().invoke(cli, ["--root", str(slice_root), "--store", spec, "load"])
    assert loaded.exit_code == 0, loaded.output
    here = _served_sections(open_project(slice_root)[1])
    there = _served_sections(open_project(slice_root, spec)[1])
    assert there == here
    assert sum(len(s) for s in here.values()) == 4
