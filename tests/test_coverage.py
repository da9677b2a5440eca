"""Coverage travels with every answer: how complete the lists behind it are, in the command
line's notices, its JSON and ndjson, the server's answers and the resource pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from paths import ROOT
from rdflib.query import Result

from govkg.cli import cli
from govkg.coverage import ReportedCount, headline, page_coverage
from govkg.errors import LoadError
from govkg.output import NDJSON_COVERAGE_KEY
from govkg.project import Project
from govkg.queries import catalogue, find_query, read_query, result_coverage, run_query
from govkg.store import Store

REAIM_2026 = (
    "  REAIM 2026 Pathways to Action (A Coruna, Spain) - 20 principles "
    "(instrument:reaim-2026-pathways-to-action): list complete as of 2026-07-17 (45 signatories "
    "named; later ones may be missing)"
)
REAIM_2024 = (
    "  REAIM 2024 Blueprint for Action (Seoul) (instrument:reaim-2024-blueprint-for-action): "
    "partial list, 6 named of 61 signatories reported; other reports: about 60"
)
INCOMPLETE = (
    "coverage: incomplete: the lists the answer rests on are not all complete, so more may "
    "belong in the answer than the record names"
)

#: The examples of issue 13, each with the exact notice it now ends with (stderr).
EXAMPLES = {
    "attended-not-signed": (
        [],
        [
            "coverage: cannot be known from the record: the answer is read from who is not "
            "listed, and a list it rests on is partial; the rows are only the actors the "
            "record names",
            "  attendance at REAIM 2026, A Coruña (event:reaim-2026): partial list, 10 named of "
            "85 attendees reported as of 2026-02-05",
            REAIM_2026,
        ],
    ),
    "signed-whole-series": (
        ["-p", "series=series:reaim"],
        [
            INCOMPLETE,
            REAIM_2024,
            REAIM_2026,
            "  Political Declaration on Responsible Military Use of Artificial Intelligence and "
            "Autonomy (instrument:us-political-declaration-military-ai): list complete as of "
            "2024-11-27 (58 signatories named; later ones may be missing)",
            "  1 complete list",
        ],
    ),
    "signatories": (
        ["-p", "instrument=instrument:reaim-2024-blueprint-for-action"],
        [INCOMPLETE, REAIM_2024],
    ),
    "decliners": (
        ["-p", "instrument=instrument:paris-statement-2025"],
        [
            INCOMPLETE,
            "  Statement on Inclusive and Sustainable Artificial Intelligence for People and the "
            "Planet (AI Action Summit, Paris) (instrument:paris-statement-2025): partial list, "
            "66 signatories named, more than the 61 reported as of 2025-02-11; other reports: "
            "53, 58, about 60, 60, over 60, 64",
        ],
    ),
    "stances-on-instrument": (
        [],
        ["coverage: complete as of a date: later signatures may be missing", REAIM_2026],
    ),
    "unga-votes": (
        [],
        [
            "coverage: complete: the lists the answer rests on are complete",
            "  2 complete lists",
        ],
    ),
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_notice_after_the_table_on_stderr(name: str) -> None:
    params, notice = EXAMPLES[name]
    code, out, err = run("query", name, *params)
    assert code == 0, err
    assert err.splitlines() == notice
    assert "coverage" not in out


def test_csv_stays_clean_and_the_notice_goes_to_stderr() -> None:
    code, out, err = run(
        "query", "signatories", "-p", "instrument=instrument:reaim-2024-blueprint-for-action",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6
    assert err.splitlines() == [INCOMPLETE, REAIM_2024]


def test_json_has_a_coverage_member() -> None:
    code, out, err = run("query", "attended-not-signed", "--format", "json")
    assert code == 0 and err == ""
    answer = json.loads(out)
    assert answer["variables"][:3] == ["event", "instrument", "actor"]
    assert {row["actor"].rsplit("/", 1)[1] for row in answer["rows"]} == {"CHN", "USA"}
    coverage = answer["coverage"]
    assert coverage["verdict"] == "unknowable"
    attendance = coverage["lists"][0]
    assert attendance["list"] == "attendance"
    assert attendance["status"] == "partial"
    assert (attendance["named"], attendance["counted"]) == (10, "attendees")
    assert attendance["reported"] == [{"value": 85, "precision": "exact", "as_of": "2026-02-05"}]
    instrument = coverage["lists"][1]
    assert instrument["status"] == "complete-as-of"
    assert instrument["complete_as_of"] == "2026-07-17"


def test_ndjson_ends_with_one_coverage_line() -> None:
    code, out, _err = run(
        "query", "signatories", "-p", "instrument=instrument:reaim-2024-blueprint-for-action",
        "--format", "ndjson",
    )  # fmt: skip
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 7
    assert all("actor" in row for row in lines[:-1])
    last = lines[-1]
    assert list(last) == [NDJSON_COVERAGE_KEY]
    assert last[NDJSON_COVERAGE_KEY]["verdict"] == "incomplete"
    assert last[NDJSON_COVERAGE_KEY]["lists"][0]["named"] == 6


def test_a_query_on_no_list_says_nothing_in_a_table_and_none_in_json() -> None:
    code, out, err = run("query", "reported-counts")
    assert code == 0 and err == ""
    code, out, err = run("query", "reported-counts", "--format", "json")
    assert json.loads(out)["coverage"] == {
        "verdict": "none",
        "note": "the answer rests on no list of stances",
        "lists": [],
        "more": 0,
    }


def test_every_catalogue_query_declares_a_known_mode_or_the_default() -> None:
    modes = {q.name: q.coverage for q in catalogue(Project(ROOT))}
    assert modes["attended-not-signed"] == "absence"
    assert modes["left-between"] == "absence"
    assert modes["signatories"] == "lists"
    assert modes["reported-counts"] == "none"
    assert all(mode in ("lists", "absence", "attendance", "none") for mode in modes.values())


def test_an_unknown_coverage_mode_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("# title: x\n# coverage: sometimes\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(LoadError, match="coverage 'sometimes': expected one of lists, absence"):
        read_query(path, "bad")


def test_coverage_follows_the_rows_not_only_the_parameters(store: Store) -> None:
    """p5-matrix has no parameter: the instruments in its rows are what it rests on."""
    project = Project(ROOT)
    query = find_query(project, "p5-matrix")
    result = run_query(store, query, {})
    coverage = result_coverage(store, query, {}, result)
    partial = {item.iri.rsplit("/", 1)[1] for item in coverage.lists if item.status == "partial"}
    assert {"paris-statement-2025", "reaim-2024-blueprint-for-action"} <= partial
    assert len(coverage.lists) == len(result.rows)


def test_headline_count_is_the_latest_dated_else_the_largest_exact() -> None:
    grown = [ReportedCount(88, as_of="2026-02-21"), ReportedCount(91, as_of="2026-02-24")]
    assert headline(grown).value == 91
    undated = [ReportedCount(60, "approximate"), ReportedCount(61), ReportedCount(58)]
    assert headline(undated).value == 61


def test_pages_say_what_their_lists_are_worth(store: Store) -> None:
    event = page_coverage(store, "https://w3id.org/govkg/id/event/reaim-2026")
    assert event is not None and event.verdict == "incomplete"
    assert [item.list for item in event.lists] == ["attendance", "stances"]
    usa = page_coverage(store, "https://w3id.org/govkg/id/state/USA")
    assert usa is not None and usa.verdict == "unlisted"
    unlisted = [item.iri.rsplit("/", 1)[1] for item in usa.lists]
    assert "hiroshima-ai-process-friends-group" in unlisted
    assert "paris-statement-2025" not in unlisted  # the US declined it: it is on the list
    assert page_coverage(store, "https://w3id.org/govkg/id/theme/human-control") is None


# --- the server ---------------------------------------------------------------------------------


REAIM_2024_QUERY = "/queries/signatories.{}?instrument=instrument:reaim-2024-blueprint-for-action"


def test_server_html_answer_has_the_notice(shipped_client: httpx.Client) -> None:
    answer = shipped_client.get("/queries/attended-not-signed.html")
    assert answer.status_code == 200
    assert '<div class="coverage unknowable" role="note">' in answer.text
    assert "Cannot be known from the record." in answer.text
    assert "partial list, 10 named of 85 attendees reported as of 2026-02-05" in answer.text
    assert answer.headers["x-govkg-coverage"] == (
        "unknowable; not complete: event:reaim-2026, instrument:reaim-2026-pathways-to-action"
    )


def test_server_json_answer_carries_coverage_and_still_parses_as_sparql_json(
    shipped_client: httpx.Client,
) -> None:
    answer = shipped_client.get(REAIM_2024_QUERY.format("json"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["coverage"]["verdict"] == "incomplete"
    assert body["coverage"]["lists"][0]["text"] == REAIM_2024.split("): ", 1)[1]
    parsed = Result.parse(io.BytesIO(answer.content), format="json")
    assert len(list(parsed)) == 6


def test_server_csv_answer_has_the_coverage_header(shipped_client: httpx.Client) -> None:
    answer = shipped_client.get(REAIM_2024_QUERY.format("csv"))
    assert answer.headers["x-govkg-coverage"] == (
        "incomplete; not complete: instrument:reaim-2024-blueprint-for-action"
    )
    assert len(list(csv.DictReader(io.StringIO(answer.text)))) == 6


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/doc/instrument/reaim-2024-blueprint-for-action.html",
            "partial list, 6 named of 61 signatories reported",
        ),
        (
            "/doc/instrument/reaim-2026-pathways-to-action.html",
            "list complete as of 2026-07-17 (45 signatories named; later ones may be missing)",
        ),
        ("/doc/event/reaim-2026.html", "partial list, 10 named of 85 attendees reported"),
        ("/doc/state/USA.html", "Lists this actor is not on."),
        ("/doc/instrument/unga-res-79-62.html", "complete list (193 actors named)"),
    ],
)
def test_resource_pages_show_coverage(
    shipped_client: httpx.Client, path: str, expected: str
) -> None:
    answer = shipped_client.get(path)
    assert answer.status_code == 200
    notice = answer.text.split('<div class="coverage', 1)[1].split("</div>", 1)[0]
    assert expected in notice


def test_a_page_about_no_list_has_no_notice(shipped_client: httpx.Client) -> None:
    answer = shipped_client.get("/doc/theme/human-control.html")
    assert answer.status_code == 200
    assert 'class="coverage' not in answer.text


# --- exports ------------------------------------------------------------------------------------


def _export(fmt: str, tmp_path: Path) -> Path:
    out = tmp_path / f"reaim.{fmt}"
    result = CliRunner().invoke(
        cli,
        ["--root", str(ROOT), "export", fmt, "--view", "stances", "--series", "reaim", "--out",
         str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_graphml_carries_coverage_as_graph_and_node_attributes(tmp_path: Path) -> None:
    import networkx as nx

    graph = nx.read_graphml(_export("graphml", tmp_path))
    assert graph.graph["coverage"] == "incomplete"
    assert graph.graph["coverage_note"].startswith(
        "incomplete: the lists the view shows are not all complete"
    )
    assert "6 named of 61 signatories reported" in graph.graph["coverage_note"]
    blueprint = graph.nodes["https://w3id.org/govkg/id/instrument/reaim-2024-blueprint-for-action"]
    assert (blueprint["list_coverage"], blueprint["list_named"]) == ("partial", 6)
    assert blueprint["list_reported"] == "61"
    pathways = graph.nodes["https://w3id.org/govkg/id/instrument/reaim-2026-pathways-to-action"]
    assert (pathways["list_coverage"], pathways["list_complete_as_of"]) == (
        "complete-as-of",
        "2026-07-17",
    )


def test_gexf_says_coverage_in_its_description_and_node_attributes(tmp_path: Path) -> None:
    from lxml import etree

    tree = etree.parse(str(_export("gexf", tmp_path)))
    ns = {"g": "http://gexf.net/1.3"}
    description = tree.findtext("g:meta/g:description", namespaces=ns)
    assert "Coverage: incomplete: the lists the view shows are not all complete" in description
    keys = {a.get("title"): a.get("id") for a in tree.iterfind(".//g:attribute", ns)}
    node = tree.find(
        ".//g:node[@id='https://w3id.org/govkg/id/instrument/reaim-2024-blueprint-for-action']", ns
    )
    values = {v.get("for"): v.get("value") for v in node.iterfind(".//g:attvalue", ns)}
    assert values[keys["list_coverage"]] == "partial"
    assert values[keys["list_named"]] == "6"


# --- alignment ----------------------------------------------------------------------------------


def test_align_says_what_the_lists_are_worth_on_stderr_and_in_the_picture(tmp_path: Path) -> None:
    picture = tmp_path / "usa-chn.svg"
    code, out, err = run(
        "align", "--pair", "USA", "CHN", "--by-year", "--format", "csv", "--plot", str(picture)
    )
    assert code == 0, err
    assert "coverage" not in out  # stdout stays one CSV table
    notice = err[err.index("coverage: ") :].splitlines()
    assert notice[0] == INCOMPLETE
    assert REAIM_2024 in notice
    assert notice[-2:] == ["  12 complete lists", f"wrote {picture}"]
    from lxml import etree

    texts = etree.parse(str(picture)).iterfind(".//{http://www.w3.org/2000/svg}text")
    caption = " ".join(" ".join("".join(t.itertext()) for t in texts).split())
    assert (
        "Lists of the 29 instruments: 12 complete, 4 complete as of a date, 12 partial, "
        "1 of unknown completeness" in caption
    )
    assert "reaim-2024-blueprint-for-action" in caption


def test_align_on_complete_lists_only_says_so(tmp_path: Path) -> None:
    code, _out, err = run(
        "align", "--pair", "USA", "CHN", "--instruments",
        "instrument:unga-res-78-241,instrument:unga-res-79-62", "--min-n", "1",
    )  # fmt: skip
    assert code == 0, err
    assert err.splitlines()[-2:] == [
        "coverage: complete: the lists the answer rests on are complete",
        "  2 complete lists",
    ]


def test_a_company_is_not_missing_from_lists_of_states(
    shipped_client: httpx.Client, store: Store
) -> None:
    """A company's page names only lists that hold a company; an intergovernmental
    organisation's page still names the state lists it might belong on."""
    query = "SELECT DISTINCT ?i WHERE { ?s gk:instrument ?i ; gk:actor ?a . ?a a gk:Company }"
    with_companies = {row[0].value.rsplit("/", 1)[-1] for row in store.query(query).rows}
    company = shipped_client.get("/doc/org/OPENAI.html").text
    notice = company.split('<div class="coverage', 1)[1] if 'class="coverage' in company else ""
    named = set(re.findall(r'doc/instrument/([^"/]+)\.html', notice.split("</div>", 1)[0]))
    assert named <= with_companies
    assert "coe-cets-225" not in named  # a convention among states
    eu = shipped_client.get("/doc/org/EU.html").text
    assert "Lists this actor is not on." in eu.split('<div class="coverage', 1)[1]
