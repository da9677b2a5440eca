"""Status at a date on the pages (issue 18, item 2): an instrument page's "Status on D" section
(``?at=D``) with its form and CSV/JSON downloads, and the matrix page as of a day.

Every expected row comes from :func:`govkg.lifecycle.status_at` and from ``govkg status`` (the
page and the CLI agree row for row), every matrix code from ``govkg align --at``; the values
written here are documented facts of the shipped data (CETS 225: the EU approved it on
2026-05-15, Armenia signed on 2026-01-27, Bosnia and Herzegovina's signature is undated; the
United States was not a UNESCO member when the Recommendation was adopted in November 2021).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import httpx
import lxml.html
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml.html import HtmlElement
from paths import ROOT
from servers import in_process

from govkg.align.matrix import KIND_CODES
from govkg.cli import cli
from govkg.dates import AS_OF, shown_date
from govkg.lifecycle import status_at
from govkg.namespaces import DATA_BASE, compact
from govkg.project import ROOT_ENV
from govkg.server import ServerSettings, create_app
from govkg.site.palette import BY_KEY, swatch
from govkg.store import OxigraphStore, Store

CETS = "coe-cets-225"
UNESCO = "unesco-recommendation-ethics-ai-2021"
DAYS = ("2025-06-01", "2026-06-01")
LETTER_KIND = {s.letter: s.key for s in BY_KEY.values()}


# --- helpers ------------------------------------------------------------------------------------


def _page(client: httpx.Client, path: str) -> HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return lxml.html.fromstring(response.text)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _status_rows(page: HtmlElement) -> list[dict[str, str]]:
    """The rows of the "Status on D" table: the actor's code or the instrument's id (from its
    link), then each column."""
    (heading,) = page.xpath('//h2[@id="status-at"]')
    table = heading.xpath('following::table[@class="stack"][1]')[0]
    rows = []
    for tr in table.xpath("./tbody/tr"):
        cells = {td.get("data-label"): td for td in tr.xpath("./td")}
        first = cells["Actor"] if "Actor" in cells else cells["Instrument"]
        href = first.xpath(".//a/@href")[0]
        row = {name: _text(td) for name, td in cells.items()}
        row["code"] = href.rsplit("/", 1)[-1].removesuffix(".html")
        row["Status"] = row["Status"].split(" ", 1)[1]  # after the swatch's letter
        row["swatch"] = " ".join(cells["Status"].xpath('.//span[contains(@class,"swatch")]/@class'))
        rows.append(row)
    return rows


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _expected_cells(row: dict[str, str]) -> dict[str, str]:
    """What the page shows for one row of ``govkg status --format csv``."""
    act, day = row["act"], row["date"]
    date = ""
    if act:
        as_of = row["date_kind"] == AS_OF
        date = shown_date(None if as_of else day or None, day if as_of else None).text
    return {
        "code": row["actor"],
        "Status": row["status"],
        "Act": swatch(act).name if act else "",
        "Date": date,
        "Note": row["note"],
    }


# --- the instrument page ------------------------------------------------------------------------


@pytest.mark.parametrize("day", DAYS)
def test_status_rows_agree_with_status_at_and_the_cli(
    shipped_client: httpx.Client, store: Store, day: str
) -> None:
    rows = _status_rows(_page(shipped_client, f"/doc/instrument/{CETS}.html?at={day}"))
    cli_rows = list(csv.DictReader(io.StringIO(_cli("status", "--at", day, "--instrument", CETS,
                                                    "--format", "csv"))))  # fmt: skip
    library = [s.row() for s in status_at(store, day, CETS)]
    assert cli_rows == library  # the CLI prints the library's rows
    shown = [{k: r[k] for k in ("code", "Status", "Act", "Date", "Note")} for r in rows]
    assert shown == [_expected_cells(r) for r in cli_rows]
    # Each row links the stance (and every IRI) its status rests on.
    for row, status in zip(rows, status_at(store, day, CETS), strict=True):
        assert row["Rests on"].split() == [compact(e) for e in status.evidence]


def test_exact_statuses_on_cets_225(shipped_client: httpx.Client) -> None:
    before = {r["code"]: r for r in _status_rows(
        _page(shipped_client, f"/doc/instrument/{CETS}.html?at=2025-06-01"))}  # fmt: skip
    after = {r["code"]: r for r in _status_rows(
        _page(shipped_client, f"/doc/instrument/{CETS}.html?at=2026-06-01"))}  # fmt: skip
    assert len(before) == len(after) == 19
    assert (before["EU"]["Status"], before["EU"]["Act"], before["EU"]["Date"]) == (
        "signed-not-ratified", "signed", "2024-09-05")  # fmt: skip
    assert "st-signed" in before["EU"]["swatch"]
    assert (after["EU"]["Status"], after["EU"]["Act"], after["EU"]["Date"]) == (
        "ratified", "accepted or approved", "2026-05-15")  # fmt: skip
    assert "st-accepted-approved" in after["EU"]["swatch"]
    assert (before["ARM"]["Status"], before["ARM"]["Note"]) == (
        "no-record",
        "its acts are all later",
    )
    assert (after["ARM"]["Status"], after["ARM"]["Date"]) == ("signed-not-ratified", "2026-01-27")
    assert before["LIE"]["Date"] == "2025-02 (month)"
    # An act that may or may not have happened by the day: unknown, with its note.
    assert (before["BIH"]["Status"], before["BIH"]["Act"], before["BIH"]["Date"]) == (
        "unknown", "signed", "date unknown")  # fmt: skip
    assert (
        before["BIH"]["Note"] == "signed (date unknown) may or may not have happened by 2025-06-01"
    )


def test_not_a_party_when_not_a_member_of_the_adopting_body(shipped_client: httpx.Client) -> None:
    rows = _status_rows(_page(shipped_client, f"/doc/instrument/{UNESCO}.html?at=2022-01-01"))
    usa = next(r for r in rows if r["code"] == "USA")
    assert usa["Status"] == "not-a-party" and "st-not-party" in usa["swatch"]
    assert usa["Note"] == ("not a member of organisation:UNESCO-general-conference when it adopted "
                           "the instrument (2021-11-24)")  # fmt: skip
    assert usa["Act"] == usa["Date"] == ""
    assert "membership:usa-unesco-until-2018" in usa["Rests on"].split()


def test_the_form_leads_to_the_section_and_without_a_day_the_page_has_none(
    shipped_client: httpx.Client,
) -> None:
    page = _page(shipped_client, f"/doc/instrument/{CETS}.html")
    (form,) = page.xpath('//form[contains(@class,"status-at")]')
    assert form.get("method") == "get" and form.get("action") == f"./{CETS}.html"
    (field,) = form.xpath('.//input[@name="at"]')
    assert field.get("type") == "date"
    assert not page.xpath('//h2[@id="status-at"]')
    dated = _page(shipped_client, f"/doc/instrument/{CETS}.html?at=2025-06-01")
    assert dated.xpath('//input[@name="at"]/@value') == ["2025-06-01"]
    # The rest of the page is as without the day: the same sections in the same order.
    headings = [_text(h) for h in page.xpath("//h2")]
    assert [_text(h) for h in dated.xpath("//h2")] == [
        "Status on 2025-06-01 (19 actors)",
        *headings,
    ]


@pytest.mark.parametrize("value", ["20x", "2025-13-01", "2025-06", "2025-06-01T00:00"])
def test_a_day_that_is_not_a_day_is_a_400_naming_it(
    shipped_client: httpx.Client, value: str
) -> None:
    for path in (
        f"/doc/instrument/{CETS}.html",
        f"/doc/instrument/{CETS}.statuses.csv",
        "/matrix.html",
    ):
        response = shipped_client.get(path, params={"at": value})
        assert response.status_code == 400, path
        assert response.text == f"at {value!r}: a day, such as 2025-06-01\n"


def test_downloads_need_a_day_and_a_known_instrument(shipped_client: httpx.Client) -> None:
    response = shipped_client.get(f"/doc/instrument/{CETS}.statuses.csv")
    assert response.status_code == 400 and response.text.startswith("at: ")
    missing = shipped_client.get("/doc/instrument/no-such.statuses.csv?at=2025-06-01")
    assert missing.status_code == 404 and "no instrument instrument:no-such" in missing.text


@pytest.mark.parametrize("day", DAYS)
def test_downloads_equal_the_cli(shipped_client: httpx.Client, day: str) -> None:
    page = _page(shipped_client, f"/doc/instrument/{CETS}.html?at={day}")
    links = page.xpath('//a[contains(@href, ".statuses.")]/@href')
    assert links == [f"./{CETS}.statuses.csv?at={day}", f"./{CETS}.statuses.json?at={day}"]
    for ext in ("csv", "json"):
        response = shipped_client.get(f"/doc/instrument/{CETS}.statuses.{ext}?at={day}")
        assert response.status_code == 200
        assert response.text == _cli("status", "--at", day, "--instrument", CETS, "--format", ext)
    rows = json.loads(shipped_client.get(f"/doc/instrument/{CETS}.statuses.json?at={day}").text)
    assert len(rows) == 19


def test_the_form_says_it_needs_the_live_server_and_a_copy_is_the_same_page(
    shipped_client: httpx.Client, store: Store
) -> None:
    """A static copy cannot answer ``?at=``: the form says so, on the copy's page (the live
    server's, byte for byte) as on the live page."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_ENV, str(ROOT))
        app = create_app(store, ServerSettings(), copy_endpoint="")
    for path in (f"/doc/instrument/{CETS}.html", "/doc/state/USA.html"):
        with in_process(app) as client:
            copied = client.get(path).text
        assert copied == shipped_client.get(path).text
        (form,) = lxml.html.fromstring(copied).xpath('//form[contains(@class,"status-at")]')
        assert "Answered by the live server (govkg serve)" in _text(form)


# --- a state's page ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2022-01-01", "2025-06-01"])
def test_a_states_page_gives_its_status_on_each_instrument(
    shipped_client: httpx.Client, store: Store, day: str
) -> None:
    rows = _status_rows(_page(shipped_client, f"/doc/state/USA.html?at={day}"))
    out = _cli("status", "--at", day, "--actor", "USA", "--format", "csv")
    cli_rows = list(csv.DictReader(io.StringIO(out)))
    assert cli_rows == [s.row() for s in status_at(store, day, actors=["USA"])]
    # Every row but those with no record and nothing to say, in the CLI's order.
    later = [r for r in cli_rows if r["note"].startswith("the instrument begins on")]
    kept = [r for r in cli_rows if (r["status"] != "no-record" or r["note"]) and r not in later]
    assert 0 < len(kept) < len(cli_rows)
    assert all(r["status"] == "no-record" and r["note"].startswith(
        "the instrument begins on ") for r in later)  # fmt: skip
    (counted,) = [p for p in _page(shipped_client, f"/doc/state/USA.html?at={day}").xpath(
        "//h2[@id='status-at']/following-sibling::p[2]")]  # fmt: skip
    assert f"Not shown: {len(cli_rows) - len(kept)} instrument(s) with no record" in (
        counted.text_content())  # fmt: skip
    if later:
        assert f"({len(later)} of them begin after {day})" in counted.text_content()
    assert [(r["code"], r["Status"], r["Note"]) for r in rows] == [
        (r["instrument"].rsplit("/", 1)[-1], r["status"], r["note"]) for r in kept
    ]
    for ext in ("csv", "json"):
        response = shipped_client.get(f"/doc/state/USA.statuses.{ext}?at={day}")
        assert response.text == _cli("status", "--at", day, "--actor", "USA", "--format", ext)


def test_a_states_page_names_what_it_was_not_a_party_to(shipped_client: httpx.Client) -> None:
    rows = _status_rows(_page(shipped_client, "/doc/state/USA.html?at=2022-01-01"))
    unesco = next(r for r in rows if r["code"] == UNESCO)
    assert (unesco["Status"], unesco["Act"]) == ("not-a-party", "")
    assert shipped_client.get("/doc/state/USA.html?at=1x").status_code == 400
    assert shipped_client.get("/doc/state/NOPE.statuses.csv?at=2022-01-01").status_code == 404


# --- the matrix ---------------------------------------------------------------------------------


def _matrix(client: httpx.Client, path: str) -> dict[tuple[str, str], HtmlElement]:
    """The matrix's cells by (actor code, instrument slug)."""
    page = _page(client, path)
    (table,) = page.xpath('//table[@class="matrix"]')
    slugs = [h.rsplit("/", 1)[-1].removesuffix(".html")
             for h in table.xpath("./thead/tr/th[@class='col']/a/@href")]  # fmt: skip
    cells = {}
    for tr in table.xpath("./tbody/tr"):
        code = tr.xpath("./th/a/@href")[0].rsplit("/", 1)[-1].removesuffix(".html")
        for slug, td in zip(slugs, tr.xpath("./td"), strict=True):
            cells[(code, slug)] = td
    return cells


def _code_word(td: HtmlElement) -> str:
    """The code ``govkg align`` gives the cell's kind: yes, abstain, no or "" (missing)."""
    letter = (td.text or "").rstrip("*")
    code = KIND_CODES.get(LETTER_KIND.get(letter, ""), 0)
    return {1: "yes", 2: "abstain", 3: "no", 0: ""}[code]


def test_matrix_at_a_day_codes_cells_as_align_at(shipped_client: httpx.Client) -> None:
    day = "2025-06-01"
    cells = _matrix(shipped_client, f"/matrix.html?at={day}")
    out = _cli("align", "--pair", "EU", "USA", "--at", day, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.split("\nn: ")[0])))
    compared = 0
    for row in rows:
        for actor in ("EU", "USA"):
            td = cells.get((actor, row["instrument"]))
            if td is None or td.get("class") == "st-unknown-at":
                continue
            assert _code_word(td) == row[actor], (actor, row["instrument"])
            compared += 1
    assert compared >= 30
    assert _code_word(cells[("USA", "paris-statement-2025")]) == "no"


def test_matrix_at_a_day_differs_where_a_later_act_exists(shipped_client: httpx.Client) -> None:
    undated = _matrix(shipped_client, "/matrix.html")
    before = _matrix(shipped_client, "/matrix.html?at=2025-06-01")
    assert undated[("EU", CETS)].get("class") == "st-accepted-approved"  # approved in 2026
    assert before[("EU", CETS)].get("class") == "st-signed"
    assert before[("EU", CETS)].get("title") == "signed-not-ratified: signed on 2024-09-05"
    assert undated[("ARM", CETS)].text == "S"  # signed in 2026: nothing yet in 2025
    # not on the list (complete as of 2026-01) by then
    assert (before[("ARM", CETS)].get("class"), before[("ARM", CETS)].text) == (
        "st-not-listed",
        "-",
    )
    # Undetermined on the day: marked, its title naming the act.
    bih = before[("BIH", CETS)]
    assert (bih.get("class"), bih.text) == ("st-unknown-at", "?")
    assert bih.get("title") == (
        "unknown: signed (date unknown); signed (date unknown) may or may not have happened by "
        "2025-06-01"
    )
    # Instruments first dated after the day are left out.
    assert not any(slug == "reaim-2026-pathways-to-action" for _code, slug in before)


def test_matrix_at_a_day_counts_the_undetermined_cells(shipped_client: httpx.Client) -> None:
    cells = _matrix(shipped_client, "/matrix.html?at=2025-06-01")
    unknown = sum(1 for td in cells.values() if td.get("class") == "st-unknown-at")
    assert unknown > 0
    page = _page(shipped_client, "/matrix.html?at=2025-06-01")
    note = next(_text(p) for p in page.xpath('//p[@class="note"]') if "Status on" in _text(p))
    assert f"{unknown} cell(s) on this page are undetermined" in note
    assert "REAIM 2026" in note or "reaim" in note.lower()
    assert page.xpath('//input[@name="at"]/@value') == ["2025-06-01"]
    # The pager and the CSV keep the day.
    (csv_link,) = page.xpath('//a[text()="Download as CSV"]/@href')
    assert csv_link.endswith("matrix.csv?at=2025-06-01")
    table = shipped_client.get("/matrix.csv?at=2025-06-01").text
    row = next(r for r in csv.DictReader(io.StringIO(table)) if r["actor"] == "BIH")
    assert row[CETS] == "unknown"


# --- escaping on a small store ------------------------------------------------------------------

MARKUP = '<script>alert(1)</script> "quoted"'
_SMALL = f"""
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <{DATA_BASE}> .
id:state\\/XSA a gk:State ; rdfs:label {json.dumps("A " + MARKUP)} ; gk:iso3 "XSA" ;
    gk:m49 "250" ; gk:unStatus "member" ; gk:region "Europe" .
id:instrument\\/x a gk:Convention ; rdfs:label {json.dumps("X " + MARKUP)} ;
    dcterms:date "2024-01-01"^^xsd:date .
id:stance\\/x--XSA a gk:Stance ; gk:instrument id:instrument\\/x ; gk:actor id:state\\/XSA ;
    gk:stanceKind id:stance-kind\\/signed ; dcterms:date "2024-01-01"^^xsd:date .
id:stance\\/x--XSA--r a gk:Stance ; gk:instrument id:instrument\\/x ; gk:actor id:state\\/XSA ;
    gk:stanceKind id:stance-kind\\/ratified ; gk:asOf "2025-06-30"^^xsd:date .
"""


@pytest.fixture(scope="module")
def small() -> Iterator[httpx.Client]:
    from test_profiles import _ontology

    store = OxigraphStore()
    store.load(_ontology())
    store.load(ox.parse(_SMALL, format=ox.RdfFormat.TURTLE))
    with in_process(create_app(store, ServerSettings())) as http:
        yield http


@pytest.mark.parametrize(
    "path", ["/doc/instrument/x.html?at=2025-01-01", "/matrix.html?at=2025-01-01"]
)
def test_markup_in_labels_is_escaped(small: httpx.Client, path: str) -> None:
    response = small.get(path)
    assert response.status_code == 200, response.text[:300]
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_small_store_status_on_the_page(small: httpx.Client) -> None:
    rows = _status_rows(_page(small, "/doc/instrument/x.html?at=2025-01-01"))
    assert [(r["code"], r["Status"], r["Act"], r["Date"]) for r in rows] == [
        ("XSA", "unknown", "ratified", "listed by 2025-06-30")
    ]
    assert rows[0]["Note"] == (
        "ratified (listed by 2025-06-30) may or may not have happened by 2025-01-01; "
        "before it: signed on 2024-01-01"
    )
    later = _status_rows(_page(small, "/doc/instrument/x.html?at=2025-07-01"))
    assert [(r["code"], r["Status"]) for r in later] == [("XSA", "ratified")]
