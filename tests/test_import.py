"""Importing sourced lists: deterministic files, every row a stance, clear errors, nothing lost."""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, XSD

from govkg.cli import cli
from govkg.namespaces import GK, data_namespace
from govkg.store import Store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HEADER = (
    "instrument_id,instrument_title,date,actor_name,actor_iso3,actor_org,stance,source_url,note\n"
)
GOOD = "new_pledge_2026,A new pledge,2026-03-01,France,FRA,,signed,https://example.org/pledge,\n"
STANCE = data_namespace("stance")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.ttl"))
    }


def _import(runner: CliRunner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), "import", *args])


def test_stance_counts_equal_the_csv_rows(store: Store) -> None:
    rows: Counter[str] = Counter()
    for path in (DATA / "instruments").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[row["instrument_id"].replace("_", "-")] += 1
    result = store.query(
        "SELECT ?id (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a gk:Stance ; gk:instrument ?i . "
        "?i dcterms:identifier ?csvId . BIND(REPLACE(?csvId, '_', '-') AS ?id) } GROUP BY ?id"
    )
    counted = {row[0].value: int(row[1].value) for row in result.rows}
    assert counted == dict(rows)
    assert len(counted) == 19


def test_every_state_and_organisation_is_imported(store: Store) -> None:
    states = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:State }").rows[0][0]
    linked = store.query(
        "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a gk:InternationalOrganisation ; "
        "gk:orgId ?id ; owl:sameAs ?q }"
    ).rows[0][0]
    assert int(states.value) == 197
    assert int(linked.value) == 9  # all but the AU Commission


def test_reimport_is_byte_identical(runner: CliRunner, project_copy: Path) -> None:
    shutil.copytree(DATA, project_copy / "data")
    before = _digest(project_copy / "graph")
    result = _import(runner, project_copy, "reference", str(project_copy / "data"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "imported 1054 row(s) into 21 file(s)"
    assert _digest(project_copy / "graph") == before


def test_dates_keep_their_precision_and_as_of_dates_are_marked(store: Store) -> None:
    def values(stance: str, prop: object) -> set[Literal]:
        rows = store.query(f"SELECT ?v WHERE {{ <{STANCE[stance]}> <{prop}> ?v }}").rows
        return {Literal(r[0].value, datatype=r[0].datatype.value) for r in rows}

    hiroshima = "hiroshima-ai-process-friends-group--MYS"
    assert values(hiroshima, DCTERMS.date) == {Literal("2025", datatype=XSD.gYear)}
    rolling = "reaim-2026-pathways-to-action--ALB"
    assert values(rolling, GK.asOf) == {Literal("2026-07-17", datatype=XSD.date)}
    assert values(rolling, DCTERMS.date) == set()
    assert values("reaim-2026-pathways-to-action--CAN", DCTERMS.date) == {
        Literal("2026-02-05", datatype=XSD.date)
    }
    # "as of 27 Nov 2024" in the note is about another date: 16 Feb 2023 is the act's date.
    assert values("us-political-declaration-military-ai--USA", DCTERMS.date) == {
        Literal("2023-02-16", datatype=XSD.date)
    }
    assert values("us-political-declaration-military-ai--ATG", GK.asOf) == {
        Literal("2024-11-27", datatype=XSD.date)
    }
    unknown = "coe-cets-225--BIH"
    assert values(unknown, DCTERMS.date) == set() and values(unknown, GK.asOf) == set()


def test_a_new_instrument_from_a_spreadsheet(runner: CliRunner, project_copy: Path) -> None:
    sheet = project_copy / "new.csv"
    sheet.write_text(
        HEADER + GOOD + GOOD.replace("France,FRA", "Japan,JPN").replace("2026-03-01", "2026-03"),
        encoding="utf-8",
    )
    result = _import(runner, project_copy, "stances", str(sheet))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "wrote graph/instruments/new-pledge-2026.ttl",
        "imported 2 row(s) into 1 file(s)",
    ]
    graph = Graph().parse(project_copy / "graph" / "instruments" / "new-pledge-2026.ttl")
    assert len(set(graph.subjects(RDF.type, GK.Stance))) == 2
    assert (STANCE["new-pledge-2026--JPN"], DCTERMS.date,
            Literal("2026-03", datatype=XSD.gYearMonth)) in graph  # fmt: skip


BAD_INPUTS = [
    ("missing column", HEADER.replace(",note", ""), "row 1: missing column(s): note"),
    ("unknown stance", GOOD.replace(",signed,", ",maybe,"),
     "row 2, column stance: unknown stance 'maybe'"),
    ("malformed date", GOOD.replace("2026-03-01", "2026-13-01"),
     "row 2, column date: '2026-13-01' is not a date"),
    ("impossible day", GOOD.replace("2026-03-01", "2026-02-30"),
     "row 2, column date: '2026-02-30' is not a date"),
    ("duplicate actor", GOOD + GOOD,
     "row 3, column actor_iso3: duplicate actor FRA for new_pledge_2026"),
    ("unknown code", GOOD.replace(",FRA,", ",XYZ,"),
     "row 2, column actor_iso3: unknown state 'XYZ'"),
    ("both codes", GOOD.replace(",FRA,,", ",FRA,EU,"),
     "row 2, column actor_iso3: exactly one of actor_iso3 and actor_org"),
    ("unknown organisation", GOOD.replace(",FRA,,", ",,XX,"),
     "row 2, column actor_org: unknown organisation 'XX'"),
    ("no source", GOOD.replace("https://example.org/pledge", ""),
     "row 2, column source_url: source_url must be"),
    ("title changes", GOOD + GOOD.replace("FRA", "JPN").replace("A new pledge", "Other"),
     "row 3, column instrument_title: instrument_title differs from row 2"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "message"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_error_and_writes_nothing(
    runner: CliRunner, project_copy: Path, case: str, body: str, message: str
) -> None:
    sheet = project_copy / "bad.csv"
    sheet.write_text(body if body.startswith("instrument_id") else HEADER + body, encoding="utf-8")
    before = _digest(project_copy / "graph")
    result = _import(runner, project_copy, "stances", str(sheet))
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {sheet}: {message}"), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _digest(project_copy / "graph") == before
    assert not list((project_copy / "graph").rglob(".*.ttl.*"))  # no temporary file left


def test_unreadable_file(runner: CliRunner, project_copy: Path) -> None:
    result = _import(runner, project_copy, "stances", str(project_copy / "missing.csv"))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {project_copy / 'missing.csv'}: cannot read")


def test_an_import_that_would_not_validate_is_refused(
    runner: CliRunner, project_copy: Path
) -> None:
    # Declining an instrument the same state is recorded as having signed breaks a shape.
    sheet = project_copy / "conflict.csv"
    sheet.write_text(
        HEADER
        + "paris_statement_2025,Other title,2025-02-11,China,CHN,,declined,https://example.org/x,\n",
        encoding="utf-8",
    )
    stances_dir = project_copy / "graph" / "instruments"
    paris = (stances_dir / "paris-statement-2025.ttl").read_bytes()
    result = _import(runner, project_copy, "stances", str(sheet))
    assert result.exit_code == 2
    assert result.output.startswith("Error: import refused: the graph would not validate")
    assert "nothing was written" in result.output
    assert (stances_dir / "paris-statement-2025.ttl").read_bytes() == paris


def test_bad_states_csv_names_row_and_column(runner: CliRunner, project_copy: Path) -> None:
    sheet = project_copy / "states.csv"
    lines = (DATA / "states.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",Q222,", ",222,")
    sheet.write_text("".join(lines), encoding="utf-8")
    result = _import(runner, project_copy, "states", str(sheet))
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: {sheet}: row 4, column wikidata: '222' is not a Wikidata"
    )


def test_count_check_warns_only_about_complete_lists_that_match_no_count(
    project, store: Store
) -> None:
    from govkg.validate import validate_store

    report = validate_store(store, project)
    assert report.conforms
    assert [(r.focus.rsplit("/", 1)[1], r.severity.rsplit("#", 1)[1]) for r in report.results] == [
        ("bletchley-declaration-2023", "Warning")
    ]
    # The list is complete (28 countries and the EU on the day, New Zealand in October 2024);
    # the only reported count is of the day.
    with (DATA / "instruments" / "bletchley_declaration_2023.csv").open(encoding="utf-8") as f:
        named = sum(1 for row in csv.DictReader(f) if row["stance"] in ("signed", "endorsed"))
    assert named == 30
    assert "of 30 signatories" in report.results[0].message
    assert "(29)" in report.results[0].message
