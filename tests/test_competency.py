"""Each competency question, with its exact answer on the shipped graph.

The expected answers are written from the five source articles in ``shared/sources/``; where a
query's answer is derived from the whole graph (facts with a single source), the test computes it
independently from the Turtle files with rdflib, without SPARQL.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from helpers import answer
from paths import ROOT
from rdflib import Graph
from rdflib.namespace import PROV, RDF

from govkg.importer import source_iri
from govkg.namespaces import DATA_BASE, GK
from govkg.project import Project
from govkg.store import Store

SOURCE = DATA_BASE + "source/"
DATA = ROOT / "data" / "instruments"
REUTERS_000 = SOURCE + "news-2026-02-05-us-china-refuse-reaim"
MONROE_001 = SOURCE + "news-2026-02-05-reaim-third-sign"
PARIS_002 = SOURCE + "news-2025-02-paris-us-uk-refuse"
TECHCRUNCH_003 = SOURCE + "techcrunch-2025-02-11-paris-statement"
DIALOGUE_004 = SOURCE + "news-2026-05-us-china-ai-dialogue"


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def csv_stances(instrument_id: str) -> dict[str, dict[str, str]]:
    """The rows of the reference CSV for an instrument, by actor code, read with the csv module."""
    found = {}
    for path in DATA.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["instrument_id"] == instrument_id:
                    found[row["actor_iso3"] or row["actor_org"]] = row
    return found


REAIM_2026_NAMED = ("CAN", "DEU", "FRA", "GBR", "NLD", "KOR", "UKR")


def test_stances_on_reaim_2026(project: Project, store: Store) -> None:
    rows = answer(project, store, "stances-on-instrument")
    got = {(local(r["actor"]), r["kind"]): (r["date"], set(r["sources"].split())) for r in rows}
    listed = csv_stances("reaim_2026_pathways_to_action")
    # a row per stance: the list's kind for every listed actor, and the articles' "signed" for the
    # seven they name (the list says "endorsed")
    assert set(got) == {(a, row["stance"]) for a, row in listed.items()} | {
        (a, "signed") for a in REAIM_2026_NAMED
    }
    # The seven signatories the articles name, and the two refusals, carry the articles as sources
    # and the date of the summit, not the list's as-of date.
    refusals = [("USA", "declined"), ("CHN", "declined")]
    for actor, kind in [(a, "signed") for a in REAIM_2026_NAMED] + refusals:
        date, sources = got[(actor, kind)]
        assert {REUTERS_000, MONROE_001} <= sources, actor
        assert date == "2026-02-05", actor
    # on the rolling list as of 17 Jul 2026: the list's date, said to be one (no act date)
    kinds = {(local(r["actor"]), r["kind"]): (r["date"], r["dateKind"]) for r in rows}
    assert kinds[("ALB", "endorsed")] == ("2026-07-17", "as_of")
    assert {kinds[(a, "signed")] for a in REAIM_2026_NAMED} == {("2026-02-05", "act")}


def test_article_and_list_verbs_stay_apart(project: Project, store: Store) -> None:
    """The articles say Canada signed the REAIM 2026 declaration; the list says it endorsed it.
    `signatories` shows both claims, each with its kind and its own sources."""
    rows = answer(project, store, "signatories",
                  instrument="instrument:reaim-2026-pathways-to-action")  # fmt: skip
    canada = {r["kind"]: set(r["sources"].split()) for r in rows if local(r["actor"]) == "CAN"}
    listed = csv_stances("reaim_2026_pathways_to_action")["CAN"]
    assert canada == {
        "endorsed": {str(source_iri(listed["source_url"]))},
        "signed": {REUTERS_000, MONROE_001},
    }


@pytest.mark.parametrize(
    ("instrument", "named_by_articles"),
    [
        ("reaim-2026-pathways-to-action", {"CAN", "DEU", "FRA", "GBR", "NLD", "KOR", "UKR"}),
        ("paris-statement-2025", {"CHN", "IND", "JPN", "AUS", "CAN", "EU"}),
        ("reaim-2023-call-to-action", {"USA"}),
        ("reaim-2024-blueprint-for-action", {"USA"}),
    ],
)
def test_signatories(
    project: Project, store: Store, instrument: str, named_by_articles: set[str]
) -> None:
    rows = answer(project, store, "signatories", instrument=f"instrument:{instrument}")
    listed = csv_stances(instrument.replace("-", "_"))
    expected = {a for a, row in listed.items() if row["stance"] in ("signed", "endorsed")}
    assert {local(r["actor"]) for r in rows} == expected
    assert named_by_articles <= expected


def test_paris_signatories_cite_the_articles_that_name_them(project: Project, store: Store) -> None:
    rows = answer(project, store, "signatories", instrument="instrument:paris-statement-2025")
    sources = {local(r["actor"]): set(r["sources"].split()) for r in rows}
    listed = csv_stances("paris_statement_2025")
    assert sources["CHN"] == {
        PARIS_002,
        TECHCRUNCH_003,
        str(source_iri(listed["CHN"]["source_url"])),
    }
    assert sources["EU"] == {PARIS_002, str(source_iri(listed["EU"]["source_url"]))}
    assert sources["IND"] == {TECHCRUNCH_003, str(source_iri(listed["IND"]["source_url"]))}


@pytest.mark.parametrize(
    ("instrument", "expected"),
    [
        ("reaim-2026-pathways-to-action", {"USA", "CHN"}),
        ("paris-statement-2025", {"USA", "GBR"}),
        ("reaim-2023-call-to-action", set()),  # "excluding China" is not a refusal on record
        # China took part and did not sign: no source says it refused
        ("seoul-ministerial-statement-2024", set()),
    ],
)
def test_decliners(project: Project, store: Store, instrument: str, expected: set[str]) -> None:
    rows = answer(project, store, "decliners", instrument=f"instrument:{instrument}")
    assert {local(r["actor"]) for r in rows} == expected


def test_signed_paris_as_of_the_summit_counts_only_acts_dated_by_then(
    project: Project, store: Store
) -> None:
    paris = "instrument:paris-statement-2025"
    rows = answer(project, store, "signed-as-of", instrument=paris, date="2025-02-11")
    # The list read on 2026-10-01 (58 of its 63 rows) does not date anyone's signature: only the
    # acts dated on the day count, those of the articles (Brussels Times, HCA Mag, TechCrunch).
    on_the_day = {"AUC", "AUS", "CAN", "CHN", "EU", "IND", "JPN", "VAT"}
    assert {local(r["actor"]): (r["dateKind"], r["basis"]) for r in rows} == {
        actor: ("act", "signed 2025-02-11") for actor in on_the_day
    }
    # the day before the list's date, the listed ones are still not known to have signed
    assert len(answer(project, store, "signed-as-of", instrument=paris, date="2026-09-30")) == 8
    read = answer(project, store, "signed-as-of", instrument=paris, date="2026-10-01")
    listed = [r for r in read if r["dateKind"] == "as_of"]
    assert len(read) == 66 and len(listed) == 58
    assert {r["basis"] for r in listed} == {"listed by 2026-10-01"}
    assert {local(r["actor"]) for r in read} - {local(r["actor"]) for r in listed} == on_the_day


def test_signed_reaim_2026_as_of_counts_the_rolling_list_from_its_date(
    project: Project, store: Store
) -> None:
    reaim = "instrument:reaim-2026-pathways-to-action"
    before = answer(project, store, "signed-as-of", instrument=reaim, date="2026-07-16")
    assert {r["dateKind"] for r in before} == {"act"}
    assert {local(r["actor"]) for r in before} == set(REAIM_2026_NAMED)
    read = answer(project, store, "signed-as-of", instrument=reaim, date="2026-07-17")
    listed = [r for r in read if r["dateKind"] == "as_of"]
    assert len(listed) == 38 and {r["basis"] for r in listed} == {"listed by 2026-07-17"}


def test_signed_paris_declined_reaim_2026_and_the_reverse(project: Project, store: Store) -> None:
    paris, reaim = "instrument:paris-statement-2025", "instrument:reaim-2026-pathways-to-action"
    forward = answer(project, store, "signed-one-declined-other", signed=paris, declined=reaim)
    reverse = answer(project, store, "signed-one-declined-other", signed=reaim, declined=paris)
    assert [local(r["state"]) for r in forward] == ["CHN"]
    assert [local(r["state"]) for r in reverse] == ["GBR"]


def test_attended_reaim_2026_without_signing(project: Project, store: Store) -> None:
    rows = answer(project, store, "attended-not-signed")
    got = {(local(r["actor"]), r["stance"]) for r in rows}
    # The US and China attended and declined; Spain, the host, is on the endorsement list.
    assert got == {("USA", "declined"), ("CHN", "declined")}


def test_reported_counts_keep_every_claim(project: Project, store: Store) -> None:
    rows = answer(project, store, "reported-counts")
    got = {
        (local(r["about"]), r["counts"], r["value"], r["precision"], r["outOf"], r["sources"])
        for r in rows
    }
    reaim26 = "reaim-2026-pathways-to-action"
    for source in (REUTERS_000, MONROE_001):
        assert (reaim26, "signatories", "35", "exact", "85", source) in got
        assert ("reaim-2026", "attendees", "85", "exact", "", source) in got
        for earlier in ("reaim-2023-call-to-action", "reaim-2024-blueprint-for-action"):
            assert (earlier, "signatories", "60", "approximate", "", source) in got
    assert (reaim26, "principles", "20", "exact", "", MONROE_001) in got
    assert ("paris-statement-2025", "signatories", "60", "lower bound", "", PARIS_002) in got
    assert ("paris-statement-2025", "signatories", "61", "exact", "", TECHCRUNCH_003) in got
    articles = {REUTERS_000, MONROE_001, PARIS_002, TECHCRUNCH_003, DIALOGUE_004}
    assert len([r for r in rows if r["sources"] in articles]) == 11
    assert len(rows) == len(store.query("SELECT ?c WHERE { ?c a gk:CountClaim }").rows)


def test_conflicting_counts(project: Project, store: Store) -> None:
    rows = answer(project, store, "conflicting-counts")
    pairs = {(local(r["about"]), r["lower"], local(r["lowerSource"]), r["higher"],
              local(r["higherSource"])) for r in rows}  # fmt: skip
    readme = "reference-data-readme"
    # "Over 60" and 61 agree; the data README's counts conflict with both articles; the growing
    # counts of other instruments are dated and do not conflict.  Current AI: "nine governments"
    # (neweconworld) against "10 governments" (PRNewswire), SOURCES-2026-12.md's conflict.
    assert {p[0] for p in pairs} == {"paris-statement-2025", "current-ai-partnership-2025"}
    assert ("current-ai-partnership-2025", "9", "neweconworld-com-f7dd5907", "10",
            "finanznachrichten-de-dd910f6c") in pairs  # fmt: skip
    assert ("paris-statement-2025", "58", readme, "61", local(TECHCRUNCH_003)) in pairs
    assert ("paris-statement-2025", "58", readme, "60", local(PARIS_002)) in pairs
    assert ("paris-statement-2025", "61", local(TECHCRUNCH_003), "64", readme) in pairs
    assert not any(p[2] == local(PARIS_002) and p[4] == local(TECHCRUNCH_003) for p in pairs)


def test_earlier_reaim_claims_exclude_china_and_include_the_us(store: Store) -> None:
    rows = store.query(
        "SELECT DISTINCT ?about ?in ?out WHERE { ?c a gk:CountClaim ; gk:about ?about ; "
        "gk:includesActor ?in ; gk:excludesActor ?out . "
        "FILTER(?about IN (instrument:reaim-2023-call-to-action, "
        "instrument:reaim-2024-blueprint-for-action)) }"
    ).rows
    assert {(local(a.value), local(i.value), local(o.value)) for a, i, o in rows} == {
        ("reaim-2023-call-to-action", "USA", "CHN"),
        ("reaim-2024-blueprint-for-action", "USA", "CHN"),
    }


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("USA", {("JD Vance", 3), ("Scott Bessent", 2)}),
        ("CHN", {("Guo Jiakun", 2)}),
        ("NLD", {("Ruben Brekelmans", 1)}),
        ("FRA", {("Emmanuel Macron", 5)}),
        ("GBR", set()),
    ],
)
def test_quotes_of_state_officials(
    project: Project, store: Store, state: str, expected: set[tuple[str, int]]
) -> None:
    rows = answer(project, store, "quotes-of-state", state=f"state:{state}")
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["speakerLabel"]] += 1
        assert row["roleLabel"] and row["sources"]
    assert set(counts.items()) == expected


def test_vance_quotes_carry_role_date_and_source(project: Project, store: Store) -> None:
    rows = answer(project, store, "quotes-of-state", state="state:USA")
    vance = {
        r["text"]: (r["roleLabel"], r["date"], r["sources"])
        for r in rows
        if r["speakerLabel"] == "JD Vance"
    }
    role = "Vice President of the United States"
    assert vance == {
        "We need to look at this new frontier with optimism, rather than trepidation.": (
            role,
            "2025-02",
            PARIS_002,
        ),
        "We feel very strongly that AI must remain free from ideological bias and that American "
        "AI will not be co-opted into a tool for authoritarian censorship,": (
            role,
            "2025-02-11",
            TECHCRUNCH_003,
        ),
        "The United States of America is the leader in AI, and our administration plans to keep "
        "it that way,": (role, "2025-02-11", TECHCRUNCH_003),
    }


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        ("human-control", {"reaim-2026-pathways-to-action", "biden-xi-lima-nuclear-ai-2024"}),
        ("nuclear-command", {"biden-xi-lima-nuclear-ai-2024"}),
        ("testing", {"reaim-2026-pathways-to-action"}),
        ("trustworthiness", {"paris-statement-2025"}),
        ("military-ai", {"reaim-2026-pathways-to-action", "biden-xi-lima-nuclear-ai-2024"}),
    ],
)
def test_instruments_with_theme(
    project: Project, store: Store, theme: str, expected: set[str]
) -> None:
    rows = answer(project, store, "instruments-with-theme", theme=f"theme:{theme}")
    assert {local(r["instrument"]) for r in rows} == expected


def test_principles_of_reaim_2026(project: Project, store: Store) -> None:
    rows = answer(project, store, "principles-of-instrument")
    assert {r["legallyBinding"] for r in rows} == {"false"}
    assert {r["theme"] for r in rows} == {
        "human control and responsibility",
        "chains of command and control",
        "national oversight and information sharing",
        "risk assessment",
        "testing",
        "training and upskilling",
    }


def test_us_china_timeline(project: Project, store: Store) -> None:
    rows = answer(project, store, "us-china-timeline")
    structural = [(r["date"], r["what"]) for r in rows if r["what"] != "statement"]
    assert structural == [
        ("2024-05-14", "dialogue"),
        ("2024-05-14", "meeting"),
        ("2024-11-16", "agreement"),
        ("2024-11-16", "meeting"),
        ("2026-05", "agreement"),
        ("2026-05", "dialogue"),
        ("2026-05-14", "meeting"),
    ]
    statements = [(r["date"], r["label"].split(":")[0]) for r in rows if r["what"] == "statement"]
    assert (
        statements
        == [("2026-05", "Sun Chenghao")] * 2
        + [("2026-05-14", "Scott Bessent")] * 3
        + [("2026-05-19", "Guo Jiakun")] * 3
    )
    assert all(DIALOGUE_004 in r["sources"] for r in rows if r["what"] != "meeting")


def test_dialogue_topics(project: Project, store: Store) -> None:
    rows = answer(project, store, "dialogue-topics")
    assert {(local(r["dialogue"]), r["status"], r["topic"], r["agreed"]) for r in rows} == {
        ("us-china-ai-2026", "agreed", "non-state actors' access to AI models", "true"),
        ("us-china-ai-2026", "agreed", "autonomous weapons", "true"),
        ("us-china-ai-2026", "agreed", "cybersecurity", "true"),
        ("us-china-ai-2026", "agreed", "AI-designed bioweapons", "true"),
        ("us-china-ai-2026", "agreed", "AI's social impact", "false"),
    }


def test_summit_series_in_order(project: Project, store: Store) -> None:
    rows = answer(project, store, "summit-series")
    by_series: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        instruments = sorted(local(i) for i in row["instruments"].split())
        by_series[row["seriesLabel"].split()[0]].append(instruments)
    assert by_series == {
        "AI": [
            ["bletchley-declaration-2023"],
            ["seoul-declaration-2024", "seoul-ministerial-statement-2024",
             "seoul-statement-of-intent-2024"],
            ["paris-statement-2025"],
            ["new-delhi-declaration-2026"],
        ],
        "REAIM": [
            ["reaim-2023-call-to-action", "us-political-declaration-military-ai"],
            ["reaim-2024-blueprint-for-action"],
            ["reaim-2026-pathways-to-action"],
        ],
    }  # fmt: skip


def test_roles_held(project: Project, store: Store) -> None:
    rows = answer(project, store, "roles")
    posts = {r["personLabel"]: r["postLabel"] for r in rows}
    assert posts["JD Vance"] == "Vice President of the United States"
    assert posts["Ruben Brekelmans"] == "Minister of Defence of the Netherlands"
    assert posts["Guo Jiakun"] == "Spokesman of the Chinese foreign ministry"
    assert posts["Scott Bessent"] == "United States Secretary of the Treasury"
    assert posts["Ursula von der Leyen"] == "President of the European Commission"
    assert posts["Dario Amodei"] == ""  # the source does not give his title
    assert len(posts) == 13


def test_statements_favouring_innovation(project: Project, store: Store) -> None:
    rows = answer(project, store, "statements-by-position")
    assert {r["byLabel"] for r in rows} >= {"JD Vance"}
    assert all(r["sources"] for r in rows)


def test_facts_resting_on_a_single_source(project: Project, store: Store) -> None:
    graph = Graph()
    for path in project.graph_files():
        graph.parse(path, format="turtle")
    kinds = {
        GK[k]
        for k in (
            "Stance",
            "Attendance",
            "CountClaim",
            "Quotation",
            "ReportedPosition",
            "RoleHolding",
            "BilateralDialogue",
            "Withdrawal",
            "ModelWithholding",
            "Tension",
        )
    }
    expected = {
        str(fact)
        for kind in kinds
        for fact in graph.subjects(RDF.type, kind)
        if len(set(graph.objects(fact, PROV.wasDerivedFrom))) == 1
    }
    rows = answer(project, store, "single-source-facts")
    assert {r["fact"] for r in rows} == expected
    assert len(expected) > 20


def test_check_unsourced_facts_finds_none(project: Project, store: Store) -> None:
    assert answer(project, store, "checks/unsourced-facts") == []
