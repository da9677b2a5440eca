"""Importing sourced lists: deterministic files, every row a stance, clear errors, nothing lost."""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from govkg.cli import cli
from govkg.importer import _urls
from govkg.namespaces import GK, data_namespace
from govkg.store import Store

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
    # the stances the importer wrote (graph/instruments/), not the articles' (graph/events/)
    result = store.query(
        "SELECT ?id (COUNT(DISTINCT ?s) AS ?n) WHERE { "
        "GRAPH ?g { ?s a gk:Stance ; gk:instrument ?i } "
        "FILTER(CONTAINS(STR(?g), '/graph/instruments/')) "
        "?i dcterms:identifier ?csvId . BIND(REPLACE(?csvId, '_', '-') AS ?id) } GROUP BY ?id"
    )
    counted = {row[0].value: int(row[1].value) for row in result.rows}
    assert counted == dict(rows)
    assert len(counted) == 31


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
    assert result.output.splitlines()[-1] == "imported 1231 row(s) into 33 file(s)"
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


def test_count_check_compares_each_count_with_the_stances_of_its_date(
    runner: CliRunner, project_copy: Path
) -> None:
    # Bletchley's list is complete: 28 countries and the EU on the day, New Zealand on 23 Oct 2024.
    # Its only count, 29, is of 1 Nov 2023 and is held against the 29 dated by then: no warning.
    with (DATA / "instruments" / "bletchley_declaration_2023.csv").open(encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["stance"] in ("signed", "endorsed")]
    assert len(rows) == 30 and sum(row["date"] <= "2023-11-01" for row in rows) == 29
    shipped = runner.invoke(cli, ["--root", str(project_copy), "validate"])
    assert shipped.exit_code == 0, shipped.output
    assert shipped.output.splitlines()[-1].endswith(" triples, 0 violation(s), 0 warning(s)")
    # Were New Zealand's signature dated on the day, 30 would be named by then: a real mismatch.
    listed = project_copy / "graph" / "instruments" / "bletchley-declaration-2023.ttl"
    text = listed.read_text(encoding="utf-8")
    assert text.count('"2024-10-23"^^xsd:date') == 1
    listed.write_text(text.replace('"2024-10-23"^^xsd:date', '"2023-11-01"^^xsd:date'), "utf-8")
    result = runner.invoke(cli, ["--root", str(project_copy), "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(" triples, 0 violation(s), 1 warning(s)")
    assert (
        "Instrument The Bletchley Declaration by Countries Attending the AI Safety Summit, 1-2 "
        "November 2023 has a complete list (gk:listComplete true) of signatories (stances signed "
        "or endorsed) that matches no reported count of its signatories, each against the "
        "signatories named by its own date (29 as of 2023-11-01 against 30 named by then)"
    ) in result.output


def _label(store: Store, stance: str) -> str:
    rows = store.query(f"SELECT ?l WHERE {{ <{STANCE[stance]}> rdfs:label ?l }}").rows
    return str(rows[0][0].value)


@pytest.mark.parametrize(
    ("stance", "label"),
    [
        # the CSV prints "US"; the reference data names the state, the instrument's short title
        ("reaim-2023-call-to-action--USA",
         "United States of America endorsed the REAIM 2023 Call to Action"),
        ("reaim-2026-pathways-to-action--USA",
         "United States of America declined the REAIM 2026 Pathways to Action"),
        ("seoul-ministerial-statement-2024--CHN",
         "China took part but did not sign the Seoul Ministerial Statement"),
        ("unga-res-79-62--KOR", "Republic of Korea voted yes on the UNGA resolution A/RES/79/62"),
        ("paris-statement-2025--EU", "European Union signed the Statement on Inclusive and "
         "Sustainable Artificial Intelligence for People and the Planet"),
    ],
)  # fmt: skip
def test_stance_labels_name_the_actor_and_the_short_title(
    store: Store, stance: str, label: str
) -> None:
    assert _label(store, stance) == label


def test_the_name_the_source_prints_is_kept_apart_from_the_label(store: Store) -> None:
    usa = STANCE["reaim-2023-call-to-action--USA"]
    rows = store.query(f"SELECT ?n WHERE {{ <{usa}> gk:actorNameInSource ?n }}").rows
    with (DATA / "instruments" / "reaim_2023_call_to_action.csv").open(encoding="utf-8") as handle:
        printed = next(r["actor_name"] for r in csv.DictReader(handle) if r["actor_iso3"] == "USA")
    assert [r[0].value for r in rows] == [printed]


def test_china_took_part_in_seoul_and_did_not_sign_which_is_no_refusal(store: Store) -> None:
    """Its source says only that China "was involved in the summit talks, did not sign"."""
    rows = store.query(
        "SELECT ?k WHERE { ?s gk:actor state:CHN ; "
        "gk:instrument instrument:seoul-ministerial-statement-2024 ; gk:stanceKind ?k }"
    ).rows
    assert [r[0].value for r in rows] == [str(data_namespace("stance-kind")["did-not-sign"])]


def test_short_titles_are_runs_of_words_of_the_title(store: Store) -> None:
    rows = store.query(
        "SELECT ?short ?title WHERE { ?i dcterms:alternative ?short ; dcterms:title ?title }"
    ).rows
    assert len({short for short, _title in rows}) == 17
    for short, title in rows:
        assert f" {short.value} " in f" {title.value} ", short.value


def test_web_sources_are_named_by_what_their_address_says(store: Store) -> None:
    labels = {
        r[0].value
        for r in store.query(
            "SELECT ?l WHERE { ?s a gk:Document ; schema:url ?u ; rdfs:label ?l }"
        ).rows
    }
    assert not any(label.startswith("Web page at") for label in labels)
    assert "riadeane/airegulationmap: public/data/frontier_international.json " \
        "(GitHub, commit eb436c2)" in labels  # fmt: skip


def test_did_not_sign_is_a_stance_token(runner: CliRunner, project_copy: Path) -> None:
    sheet = project_copy / "new.csv"
    sheet.write_text(HEADER + GOOD.replace(",signed,", ",did_not_sign,"), encoding="utf-8")
    result = _import(runner, project_copy, "stances", str(sheet))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(project_copy / "graph" / "instruments" / "new-pledge-2026.ttl")
    stance = STANCE["new-pledge-2026--FRA"]
    assert graph.value(stance, GK.stanceKind) == data_namespace("stance-kind")["did-not-sign"]
    assert str(graph.value(stance, RDFS.label)) == "France took part but did not sign A new pledge"


def test_organisations_are_typed_by_their_type_column(store: Store) -> None:
    expected: Counter[str] = Counter()
    with (DATA / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            expected[row["type"]] += 1
    classes = {
        "intergovernmental": "InternationalOrganisation",
        "company": "Company",
        "research_institution": "ResearchInstitution",
    }
    for kind, name in classes.items():
        query = f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a gk:{name} ; gk:orgId ?id }}"
        assert int(store.query(query).rows[0][0].value) == expected[kind], kind
    assert expected["company"] > 0 and expected["research_institution"] > 0


def test_an_organisations_file_without_a_type_column_is_intergovernmental(
    runner: CliRunner, project_copy: Path
) -> None:
    sheet = project_copy / "organisations.csv"
    with (DATA / "organisations.csv").open(encoding="utf-8", newline="") as handle:
        rows = [{k: v for k, v in row.items() if k != "type"} for row in csv.DictReader(handle)]
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = _import(runner, project_copy, "organisations", str(sheet))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(project_copy / "graph" / "reference" / "organisations.ttl")
    for org in ("EU", "OPENAI"):
        found = set(graph.objects(data_namespace("org")[org], RDF.type))
        assert found == {GK.InternationalOrganisation}, org


def test_an_unknown_organisation_type_names_its_row_and_column(
    runner: CliRunner, project_copy: Path
) -> None:
    sheet = project_copy / "organisations.csv"
    sheet.write_text("id,name,type,wikidata\nX1,Xco,charity,\n", encoding="utf-8")
    before = _digest(project_copy / "graph")
    result = _import(runner, project_copy, "organisations", str(sheet))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {sheet}: row 2, column type: unknown type 'charity': one of intergovernmental, "
        "company, research_institution\n"
    )
    assert _digest(project_copy / "graph") == before


def test_a_note_s_address_ends_before_the_sentence_s_punctuation() -> None:
    """A note's "Also named by X (https://x.org/page: '47')" names https://x.org/page; the
    shipped OECD list so cited one page as two sources before."""
    text = "Also named by (https://a.org/p: '47') and https://b.org/q. See https://c.org/r?x=1!"
    assert _urls(text) == ["https://a.org/p", "https://b.org/q", "https://c.org/r?x=1"]
    shipped = (ROOT / "graph" / "instruments" / "oecd-ai-recommendation.ttl").read_text()
    assert "oecd-ai-principles:>" not in shipped
