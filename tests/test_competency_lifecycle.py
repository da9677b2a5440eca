"""Competency questions on the treaty lifecycle and the second batch of lists (issue 18, item 5).

The expected answers are computed here with the csv module from ``data/instruments/``,
``data/states.csv`` and ``data/organisations.csv``, never from the code under test; facts only the
curated Turtle holds (lifecycle claims) are a hand-checked literal list naming the claims in
``graph/instrument-records-2026-12.ttl``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import answer
from paths import ROOT

from govkg.cli import cli
from govkg.load import open_project
from govkg.project import Project
from govkg.store import Store

DATA = ROOT / "data"
ID = "https://w3id.org/govkg/id/"
YES = {"signed", "endorsed"}
#: The lifecycle acts of consent to be bound, by their kinds' labels.
CONSENT = {
    "ratified": "ratified",
    "acceded": "acceded",
    "accepted_approved": "accepted or approved",
}
#: The stance values whose kind's label is not the value with spaces for underscores.
LABELS = {
    "did_not_sign": "took part, did not sign", "co_sponsored": "co-sponsored",
    "lead_sponsored": "lead sponsor", "dissociated": "dissociated from the consensus",
    "accepted_approved": "accepted or approved",
}  # fmt: skip
SEOUL = "2024-05-21"  # the AI Seoul Summit, the day the commitments were announced


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = [row for path in sorted((DATA / "instruments").glob("*.csv")) for row in _read(path)]
STATES = {row["iso3"]: row["name"] for row in _read(DATA / "states.csv")}
ORG_TYPES = {row["id"]: row["type"] for row in _read(DATA / "organisations.csv")}


def rows_of(instrument_id: str) -> list[dict[str, str]]:
    return [r for r in ROWS if r["instrument_id"] == instrument_id]


def actor(row: dict[str, str]) -> str:
    return row["actor_iso3"] or row["actor_org"]


def code(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def slug(instrument_id: str) -> str:
    return instrument_id.replace("_", "-")


def label(stance: str) -> str:
    return LABELS.get(stance, stance.replace("_", " "))


def date_kind(row: dict[str, str]) -> str:
    """act, as_of or unknown: the row's date_type where the file has one, else its date is the
    act's (the files without the column used here, coe_cets_225 and the UN votes, date acts)."""
    if not row["date"]:
        return "unknown"
    return row.get("date_type") or "act"


def last_day(date: str) -> str:
    return {4: f"{date}-12-31", 7: f"{date}-31"}.get(len(date), date)


# 1. Who ratified CETS 225 by a date


def consented_by(instrument_id: str, day: str) -> set[tuple[str, str, str, str]]:
    """(actor, kind, date, dateKind) of every act of consent dated (or listed) by the day."""
    return {
        (actor(r), CONSENT[r["stance"]], r["date"], date_kind(r))
        for r in rows_of(instrument_id)
        if r["stance"] in CONSENT and r["date"] and last_day(r["date"]) <= day
    }


@pytest.mark.parametrize("day", ["2024-09-04", "2026-05-14", "2026-05-15", "2026-12-31"])
def test_who_ratified_cets_225_by_a_date(project: Project, store: Store, day: str) -> None:
    rows = answer(project, store, "ratified-by", date=day)
    got = {(code(r["actor"]), r["kind"], r["when"], r["dateKind"]) for r in rows}
    assert got == consented_by("coe_cets_225", day)
    assert {r["basis"] for r in rows} == {
        f"{kind} {when}" if date_kind == "act" else f"listed by {when}"
        for _, kind, when, date_kind in got
    }


def test_the_eu_approval_is_the_only_act_of_consent_on_cets_225(
    project: Project, store: Store
) -> None:
    # The EU's accepted_approved row of data/instruments/coe_cets_225.csv (15 May 2026): nothing
    # the day before, nothing before the convention opened for signature (5 Sept 2024).
    assert answer(project, store, "ratified-by", date="2026-05-14") == []
    assert answer(project, store, "ratified-by", date="2024-09-04") == []
    (row,) = answer(project, store, "ratified-by")  # the default date, 2026-12-31
    assert (code(row["actor"]), row["kind"], row["when"], row["dateKind"], row["basis"]) == (
        "EU", "accepted or approved", "2026-05-15", "act", "accepted or approved 2026-05-15",
    )  # fmt: skip


# 2. States that adhere to the OECD AI Principles but did not sign the Paris statement


def adherents_not_signatories() -> list[tuple[str, str, str, str, str]]:
    """(iso3, label, date, dateKind, Paris stance) in the order of the states' labels."""
    paris = rows_of("paris_statement_2025")
    signed = {actor(r) for r in paris if r["stance"] in YES}
    other = {actor(r): label(r["stance"]) for r in paris if r["stance"] not in YES}
    found = [
        (actor(r), STATES[actor(r)], r["date"], date_kind(r), other.get(actor(r), ""))
        for r in rows_of("oecd_ai_recommendation")
        if r["stance"] in YES and actor(r) in STATES and actor(r) not in signed
    ]
    return sorted(found, key=lambda row: row[1])


def test_oecd_adherents_that_did_not_sign_the_paris_statement(
    project: Project, store: Store
) -> None:
    rows = answer(project, store, "adherents-not-signatories")
    got = [
        (code(r["state"]), r["stateLabel"], r["date"], r["dateKind"], r["otherStance"])
        for r in rows
    ]
    assert got == adherents_not_signatories()
    # The two refusals on record; Saudi Arabia's adherence is undated in the OECD list.
    assert {(g[0], g[4]) for g in got if g[4]} == {("USA", "declined"), ("GBR", "declined")}
    assert ("SAU", "unknown") in {(g[0], g[3]) for g in got}


def test_cli_says_the_paris_list_is_partial() -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(ROOT), "query", "adherents-not-signatories", "--format", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    oecd, paris = ID + "instrument/oecd-ai-recommendation", ID + "instrument/paris-statement-2025"
    lines = io.StringIO()
    writer = csv.writer(lines, lineterminator="\n")
    writer.writerow(["adhered", "other", "state", "stateLabel", "date", "dateKind", "otherStance"])
    for iso3, name, date, kind, stance in adherents_not_signatories():
        writer.writerow([oecd, paris, f"{ID}state/{iso3}", name, date, kind, stance])
    assert result.stdout.splitlines() == lines.getvalue().splitlines()
    adherents = {actor(r) for r in rows_of("oecd_ai_recommendation") if r["stance"] in YES}
    signatories = {actor(r) for r in rows_of("paris_statement_2025") if r["stance"] in YES}
    assert result.stderr.splitlines() == [
        "coverage: cannot be known from the record: the answer is read from who is not listed, "
        "and a list it rests on is partial; the rows are only the actors the record names",
        "  OECD Recommendation of the Council on Artificial Intelligence (OECD AI Principles, "
        "OECD/LEGAL/0449; adopted 22 May 2019, revised 8 Nov 2023 and 3 May 2024) - adherence "
        "(instrument:oecd-ai-recommendation): list complete as of 2026-09-29 "
        f"({len(adherents)} signatories named; later ones may be missing)",
        "  Statement on Inclusive and Sustainable Artificial Intelligence for People and the "
        "Planet (AI Action Summit, Paris) (instrument:paris-statement-2025): partial list, "
        f"{len(signatories)} signatories named, more than the 61 reported as of 2025-02-11; "
        "other reports: 53, 58, about 60, 60, over 60, 64",
    ]


# 3. Companies that signed the Frontier AI Safety Commitments: named at Seoul or joined later


def joined(row: dict[str, str], day: str) -> str:
    if row["date"] == day:
        return "named at Seoul"
    if row["date"] > day:
        return "joined later"
    if not row["date"] and "joining later" in row["note"]:
        return "joined later, date unknown"
    return "unknown"


@pytest.mark.parametrize("day", [SEOUL, "2024-05-20"])
def test_frontier_commitments_signatories_at_seoul_or_later(
    project: Project, store: Store, day: str
) -> None:
    rows = answer(project, store, "frontier-commitments-companies", day=day)
    got = {(code(r["actor"]), r["actorType"], r["date"], r["dateKind"], r["joined"]) for r in rows}
    kinds = {"company": "company", "research_institution": "research institution"}
    assert got == {
        (actor(r), kinds[ORG_TYPES[actor(r)]], r["date"], date_kind(r), joined(r, day))
        for r in rows_of("frontier_ai_safety_commitments_2024")
        if r["stance"] in YES and ORG_TYPES.get(actor(r)) in kinds
    }


def test_sixteen_named_at_seoul_four_later_on_unknown_days(project: Project, store: Store) -> None:
    rows = answer(project, store, "frontier-commitments-companies")
    by_column: dict[str, set[str]] = {}
    for r in rows:
        by_column.setdefault(r["joined"], set()).add(code(r["actor"]))
    # centerconsulting.com: 16 original signatories; Magic, MiniMax, 01.AI and NVIDIA "joining
    # later", with no date (the CSV's notes).
    assert {k: len(v) for k, v in by_column.items()} == {
        "named at Seoul": 16, "joined later, date unknown": 4,
    }  # fmt: skip
    assert by_column["joined later, date unknown"] == {"MAGIC", "MINIMAX", "01_AI", "NVIDIA"}
    assert {code(r["actor"]) for r in rows if r["actorType"] != "company"} == {
        "TECHNOLOGY_INNOVATION_INSTITUTE"
    }


# 4. Members of the International Network of AI Safety Institutes that voted no at the UN


def members_voted_no(network_id: str) -> set[tuple[str, str, str, str, str, str]]:
    """(member, joined, vote, date, dateKind, while) for each no vote of a current member."""
    joins = {actor(r): r["date"] for r in rows_of(network_id) if r["stance"] == "joined"}
    left = {actor(r) for r in rows_of(network_id) if r["stance"] == "left"}
    found = set()
    for r in ROWS:
        member = actor(r)
        if r["stance"] != "voted_no" or member not in joins or member in left:
            continue
        since = joins[member]
        when = "not known"
        if r["date"] and since:
            when = "while a member" if r["date"] >= since else "before joining"
        found.add((member, since, slug(r["instrument_id"]), r["date"], date_kind(r), when))
    return found


@pytest.mark.parametrize(
    "network_id", ["intl_network_ai_safety_institutes", "current_ai_partnership_2025"]
)
def test_network_members_that_voted_no(project: Project, store: Store, network_id: str) -> None:
    rows = answer(project, store, "network-members-voted-no",
                  network=f"instrument:{slug(network_id)}")  # fmt: skip
    got = {
        (code(r["member"]), r["joined"], code(r["vote"]), r["date"], r["dateKind"], r["voted"])
        for r in rows
    }
    assert got == members_voted_no(network_id)


def test_only_the_united_states_of_the_safety_institutes_network_voted_no(
    project: Project, store: Store
) -> None:
    rows = answer(project, store, "network-members-voted-no")
    assert {(code(r["member"]), code(r["vote"]), r["voted"]) for r in rows} == {
        ("USA", "unga-2026-ai-scientific-panel-appointment", "while a member"),
        ("USA", "unga-c1-80-l56-first-committee-vote", "not known"),  # its date conflicts
    }
    # India, a founding supporter of Current AI (Feb 2025), voted no on A/RES/78/241 in 2023.
    current = answer(project, store, "network-members-voted-no",
                     network="instrument:current-ai-partnership-2025")  # fmt: skip
    assert {(code(r["member"]), code(r["vote"]), r["voted"]) for r in current} == {
        ("IND", "unga-res-78-241", "before joining")
    }


LEFT = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/govkg/id/stance/intl-network-ai-safety-institutes--USA--left>
    gk:actor <https://w3id.org/govkg/id/state/USA> ;
    gk:instrument <https://w3id.org/govkg/id/instrument/intl-network-ai-safety-institutes> ;
    gk:stanceKind <https://w3id.org/govkg/id/stance-kind/left> %s .
"""


@pytest.mark.parametrize(
    ("left_on", "member"),
    [('; dcterms:date "2025-06-01"^^xsd:date', False), ("", False),
     ('; dcterms:date "2024-01-01"^^xsd:date', True)],
    ids=["left-after-joining", "left-undated", "left-before-joining"],
)  # fmt: skip
def test_a_member_that_left_is_no_member(project_copy: Path, left_on: str, member: bool) -> None:
    # A copy of the graph where the United States left the network (a stance not in the record):
    # a left dated on or after its joining (20 Nov 2024), or undated, ends the membership; one
    # before the joining does not.
    (project_copy / "graph" / "left.ttl").write_text(LEFT % left_on, encoding="utf-8")
    copy, store = open_project(project_copy)
    rows = answer(copy, store, "network-members-voted-no")
    assert {code(r["member"]) for r in rows} == ({"USA"} if member else set())


# 5. Instruments adopted without a vote

#: Hand-checked from graph/instrument-records-2026-12.ttl, the lifecycle claims with
#: gk:lifecycleStep lifecyclestep:adopted: (claim, instrument, method label, body, date, sources).
WITHOUT_A_VOTE = {
    # claim:unesco-recommendation-ethics-ai-2021-adopted-2021-11-24 (ai-regulation.com, IFACCA)
    ("unesco-recommendation-ethics-ai-2021-adopted-2021-11-24",
     "unesco-recommendation-ethics-ai-2021", "by consensus", "UNESCO-general-conference",
     "2021-11-24", ("ai-regulation-com-2682b250", "ifacca-org-84f0cf7b")),
    # claim:unesco-recommendation-ethics-ai-2021-adopted-2021-11-25 (analyticsindiamag, IFACCA)
    ("unesco-recommendation-ethics-ai-2021-adopted-2021-11-25",
     "unesco-recommendation-ethics-ai-2021", "by consensus", "UNESCO-general-conference",
     "2021-11-25", ("analyticsindiamag-com-a8b94e91", "ifacca-org-84f0cf7b")),
    # claim:unga-res-78-265-adopted (The National)
    ("unga-res-78-265-adopted", "unga-res-78-265", "by consensus", "UN-general-assembly",
     "2024-03-21", ("thenationalnews-com-32b09bd9",)),
    # claim:unga-res-78-311-adopted (ecns.cn)
    ("unga-res-78-311-adopted", "unga-res-78-311", "by consensus", "UN-general-assembly",
     "2024-07-01", ("ecns-cn-757b8c61",)),
    # claim:unga-res-79-1-pact-gdc-adopted (SOURCES-2026-12.md, KAS)
    ("unga-res-79-1-pact-gdc-adopted", "unga-res-79-1-pact-gdc", "without a vote",
     "UN-general-assembly", "2024-09-22", ("kas-de-aa201b5c", "sources-2026-12")),
}  # fmt: skip


def adoptions(rows: list[dict[str, str]]) -> set[tuple[object, ...]]:
    return {
        (code(r["claim"]), code(r["instrument"]), r["methodLabel"], code(r["body"]), r["date"],
         tuple(sorted(code(s) for s in r["sources"].split())))
        for r in rows
    }  # fmt: skip


def test_instruments_adopted_without_a_vote(project: Project, store: Store) -> None:
    rows = answer(project, store, "adopted-without-a-vote")
    assert adoptions(rows) == WITHOUT_A_VOTE
    assert {r["dateKind"] for r in rows} == {"act"}
    # the UNESCO Recommendation's two days: both claims, one row each
    unesco = [r for r in rows if code(r["instrument"]) == "unesco-recommendation-ethics-ai-2021"]
    assert sorted(r["date"] for r in unesco) == ["2021-11-24", "2021-11-25"]


def test_the_narrower_method_and_the_recorded_votes(project: Project, store: Store) -> None:
    consensus = answer(project, store, "adopted-without-a-vote", method="adoptionmethod:consensus")
    assert adoptions(consensus) == {row for row in WITHOUT_A_VOTE if row[2] == "by consensus"}
    voted = answer(project, store, "adopted-without-a-vote", method="adoptionmethod:recorded-vote")
    # claim:unga-2026-ai-scientific-panel-appointment-adopted, claim:unga-79-pact-no-action-
    # motion-2024-adopted and claim:unga-res-80-23-adopted, all of the UN General Assembly
    assert {(code(r["instrument"]), r["date"]) for r in voted} == {
        ("unga-2026-ai-scientific-panel-appointment", "2026-02-12"),
        ("unga-79-pact-no-action-motion-2024", "2024-09-22"),
        ("unga-res-80-23", "2025-12-01"),
    }
